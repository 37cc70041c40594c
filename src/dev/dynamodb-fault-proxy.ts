import { createServer, request, type IncomingMessage, type ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import type { DynamoFaults, FaultState } from './faults';
import { listenOnLoopback, type ListeningServer } from './loopback-server';

// A proxy between the gateway's AWS SDK clients and dynalite, so that DynamoDB can be made slow,
// silent or throttling at the network level: the SDK's own timeouts, retries and error parsing are
// what a test exercises, exactly as against a misbehaving DynamoDB in AWS.

const TARGET_PREFIX = 'DynamoDB_20120810.';

interface DynamoRequest {
  operation: string;
  table: string | undefined;
  key: string | undefined;
}

export async function startDynamoFaultProxy(upstream: string, faults: FaultState): Promise<ListeningServer> {
  const target = new URL(upstream);
  const server = createServer((req, res) => {
    handle(req, res).catch(() => res.destroy());
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await readBody(req);
    const fault = faults.current.dynamodb;
    if (fault && matches(fault, describe(req, body))) {
      if (fault.latencyMs) await sleep(fault.latencyMs, undefined, { ref: false });
      if (fault.hang) return; // accepted, never answered: the client's timeouts must end it
      if (fault.throttle) return throttled(res);
    }
    const forwarded = request(
      { hostname: target.hostname, port: target.port, path: req.url, method: req.method, headers: req.headers },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    forwarded.on('error', () => res.destroy());
    forwarded.end(body);
  }

  return listenOnLoopback(server, 0);
}

function describe(req: IncomingMessage, body: Buffer): DynamoRequest {
  const header = req.headers['x-amz-target'];
  const operation = typeof header === 'string' && header.startsWith(TARGET_PREFIX) ? header.slice(TARGET_PREFIX.length) : '';
  try {
    const parsed = JSON.parse(body.toString('utf8')) as { TableName?: string; Key?: { pk?: { S?: string } }; Item?: { pk?: { S?: string } } };
    return { operation, table: parsed.TableName, key: parsed.Key?.pk?.S ?? parsed.Item?.pk?.S };
  } catch {
    return { operation, table: undefined, key: undefined };
  }
}

function matches(fault: DynamoFaults, call: DynamoRequest): boolean {
  if (fault.operations && !fault.operations.includes(call.operation)) return false;
  if (fault.table && fault.table !== call.table) return false;
  if (fault.keyPrefix && !call.key?.startsWith(fault.keyPrefix)) return false;
  return true;
}

/** What DynamoDB answers when a table's throughput is exceeded (the SDK retries it, then throws). */
function throttled(res: ServerResponse): void {
  const body = JSON.stringify({
    __type: 'com.amazonaws.dynamodb.v20120810#ThrottlingException',
    message: 'Rate of requests exceeds the allowed throughput.',
  });
  res.writeHead(400, { 'content-type': 'application/x-amz-json-1.0', 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}
