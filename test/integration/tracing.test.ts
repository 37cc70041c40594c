import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../support/gateway';

// A real OTLP/HTTP receiver: the gateway's exporter posts JSON to it, as it would to a collector.

interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  attributes: { key: string; value: Record<string, unknown> }[];
}

const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const CALLER_SPAN_ID = '00f067aa0ba902b7';
const SPAN_KIND = { INTERNAL: 1, SERVER: 2, CLIENT: 3 };

let collector: Server;
const exported: string[] = [];
let gateway: TestGateway;
let spans: OtlpSpan[];
let siriusTraceparent: string | null;

beforeAll(async () => {
  collector = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
    req.on('end', () => {
      if (req.url === '/v1/traces') exported.push(body);
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => collector.listen(0, '127.0.0.1', resolve));
  const { port } = collector.address() as AddressInfo;
  gateway = await startTestGateway({ OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${port}` });

  const response = await gateway.graphql(
    '/use-an-lpa/v1/graphql',
    { query: 'query Viewer { lpa(uid: "7000-0000-0047") { ... on Lpa { donor { surname dateOfBirth } } } }', operationName: 'Viewer' },
    { traceparent: `00-${TRACE_ID}-${CALLER_SPAN_ID}-01` },
  );
  expect(response.body.data?.lpa.donor.surname).toBe('Sanderson');
  siriusTraceparent = (await gateway.siriusCallLog()).lastTraceparent;
  await gateway.close(); // shuts the tracer provider down, which exports what is buffered
  spans = exported.flatMap((body) =>
    (JSON.parse(body) as { resourceSpans: { scopeSpans: { spans: OtlpSpan[] }[] }[] }).resourceSpans.flatMap((resource) =>
      resource.scopeSpans.flatMap((scope) => scope.spans),
    ),
  );
});
afterAll(() => new Promise<void>((resolve) => collector.close(() => resolve())));

function span(name: string): OtlpSpan {
  const found = spans.find((candidate) => candidate.name === name);
  if (!found) throw new Error(`no span ${name}; exported: ${spans.map((candidate) => candidate.name).join(', ')}`);
  return found;
}

function attribute(target: OtlpSpan, key: string): unknown {
  const value = target.attributes.find((candidate) => candidate.key === key)?.value;
  return value && Object.values(value)[0];
}

function isDescendant(child: OtlpSpan, ancestor: OtlpSpan): boolean {
  for (let current: OtlpSpan | undefined = child; current; current = spans.find((s) => s.spanId === current!.parentSpanId)) {
    if (current.parentSpanId === ancestor.spanId) return true;
  }
  return false;
}

describe('OpenTelemetry tracing, when an OTLP endpoint is configured', () => {
  it('exports a server span for the request, joined to the caller\'s trace', () => {
    const request = span('POST /use-an-lpa/v1/graphql');
    expect(request.traceId).toBe(TRACE_ID);
    expect(request.parentSpanId).toBe(CALLER_SPAN_ID);
    expect(request.kind).toBe(SPAN_KIND.SERVER);
    expect(attribute(request, 'http.response.status_code')).toBe(200);
    expect(attribute(request, 'graphql.operation.name')).toBe('Viewer');
    expect(attribute(request, 'sirius_gateway.caller')).toBe('use-an-lpa');
  });

  it('nests the loader fan-out, the cache and the Sirius call under the request', () => {
    const request = span('POST /use-an-lpa/v1/graphql');
    const batch = span('lpa batch');
    expect(attribute(batch, 'sirius_gateway.batch.size')).toBe(1);
    expect(isDescendant(batch, request)).toBe(true);

    const cacheRead = span('cache GetItem');
    expect(cacheRead.kind).toBe(SPAN_KIND.CLIENT);
    expect(attribute(cacheRead, 'sirius_gateway.cache.outcome')).toBe('miss');
    expect(isDescendant(cacheRead, batch)).toBe(true);
    expect(isDescendant(span('cache PutItem'), batch)).toBe(true);

    const siriusCall = span('sirius /api/public/v1/lpas');
    expect(isDescendant(siriusCall, batch)).toBe(true);
    const attempt = span('GET');
    expect(attempt.kind).toBe(SPAN_KIND.CLIENT);
    expect(attempt.parentSpanId).toBe(siriusCall.spanId);
    expect(attribute(attempt, 'http.response.status_code')).toBe(200);
    expect(spans.every((exportedSpan) => exportedSpan.traceId === TRACE_ID)).toBe(true);
  });

  it('propagates the trace to Sirius in traceparent, naming the attempt span as parent', () => {
    expect(siriusTraceparent).toBe(`00-${TRACE_ID}-${span('GET').spanId}-01`);
  });

  it('exports no personal data and no LPA reference', () => {
    const all = exported.join('\n');
    expect(all).toContain('sirius-gateway'); // the service name: the check reads real exports
    for (const personal of ['Sanderson', 'Rachel', '1948-11-01', 'DN37', '700000000047', '7000-0000-0047']) expect(all).not.toContain(personal);
  });
});
