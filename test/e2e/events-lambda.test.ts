import { execFile, execFileSync } from 'node:child_process';
import { promisify } from 'node:util';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBClient, ScanCommand } from '@aws-sdk/client-dynamodb';
import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { LOCAL_LPA_STORE_CREDENTIALS } from '../../src/dev/lpa-store-simulator';
import { lpaUpdatedEvent } from '../../src/events/lpa-updated-event';
import { lambdaEnvironment, startTestGateway, type TestGateway } from '../support/gateway';
import { invokeInFreshProcess } from '../support/lambda-process';

// The build script's dist/events.js `handler`, invoked in its own Node process with SQS events as
// the queue delivers them (each body the whole EventBridge event), against the LPA Store simulator
// and dynalite of a test gateway: the deployable artefact, configured as production is.
//
// Built into a directory of its own (scripts/build.mjs <dir>): dist/ is rebuilt by other test
// files running alongside this one.

const V3 = '/use-an-lpa/v3/graphql';
const ONE = 'query ($uid: AnyLpaUid!) { lpa(uid: $uid) { __typename ... on Lpa { uid status } } }';
/** Seeded in the store simulator; read through the gateway, so cached. */
const CACHED = 'M-7890-0400-4000';
/** Seeded in the store simulator, valid, and never read by anyone here: not cached. */
const NEVER_CACHED = 'M-1000-0000-0058';

let outdir: string;
let gateway: TestGateway;
let env: Record<string, string>;

beforeAll(async () => {
  outdir = mkdtempSync(join(tmpdir(), 'sirius-gateway-events-build-'));
  execFileSync(process.execPath, ['scripts/build.mjs', outdir], { stdio: 'pipe' });
  gateway = await startTestGateway();
  const embedded = gateway.embedded!;
  env = {
    // The gateway's whole configuration, as the stack gives the events function (infra/).
    ...lambdaEnvironment(gateway),
    LOG_LEVEL: 'silent',
    LPA_STORE_BASE_URL: embedded.lpaStore.url,
    LPA_STORE_REGION: embedded.lpaStore.region,
    LPA_STORE_JWT_SECRET: embedded.lpaStore.jwtSecret,
    // The default provider chain, as a role's would be: the only keys the simulator's SigV4 check accepts.
    AWS_ACCESS_KEY_ID: LOCAL_LPA_STORE_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: LOCAL_LPA_STORE_CREDENTIALS.secretAccessKey,
    AWS_REGION: 'eu-west-2',
  };
}, 120_000);
afterEach(() => gateway.setLpaStoreFaults({}));
afterAll(async () => {
  await gateway?.close();
  if (outdir) rmSync(outdir, { recursive: true, force: true });
});

/** Invokes the built events.js handler with each SQS event, in order, in one fresh process. */
async function invoke(events: SQSEvent[]): Promise<SQSBatchResponse[]> {
  return (await invokeInFreshProcess<SQSBatchResponse>(join(outdir, 'events.js'), events, env)).results;
}

/** An SQS record as the Lambda event source delivers it, with `body` as the queue holds it. */
function record(messageId: string, body: string): SQSRecord {
  return {
    messageId,
    receiptHandle: `receipt-${messageId}`,
    body,
    attributes: {
      ApproximateReceiveCount: '1',
      SentTimestamp: String(Date.now()),
      SenderId: 'AIDAEVENTBRIDGE',
      ApproximateFirstReceiveTimestamp: String(Date.now()),
    },
    messageAttributes: {},
    md5OfBody: '',
    eventSource: 'aws:sqs',
    eventSourceARN: 'arn:aws:sqs:eu-west-2:123456789012:sirius-gateway-lpa-store-events',
    awsRegion: 'eu-west-2',
  };
}

/** As the rule delivers it: the whole event, with EventBridge's own fields. */
const body = (uid: string) => JSON.stringify({ version: '0', account: '111122223333', region: 'eu-west-1', resources: [], ...lpaUpdatedEvent(uid, 'OPG_STATUS_CHANGE') });

/** A read's response may return before its cache write lands: wait for the item in dynalite itself. */
async function untilCached(uid: string): Promise<void> {
  const dynamo = new DynamoDBClient({ endpoint: gateway.embedded!.dynamoDirectEndpoint, region: 'eu-west-2', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
  const compact = uid.replaceAll('-', '');
  try {
    for (let attempt = 0; attempt < 100; attempt++) {
      const { Items = [] } = await dynamo.send(new ScanCommand({ TableName: gateway.embedded!.cacheTable.tableName, ProjectionExpression: 'pk' }));
      if (Items.some((item) => item.pk?.S?.includes(uid) || item.pk?.S?.includes(compact))) return;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    throw new Error(`${uid} was never cached`);
  } finally {
    dynamo.destroy();
  }
}

const storeCalls = async () => (await gateway.lpaStoreCallLog()).total;

describe('dist/events.js', () => {
  it('applies an event for a cached LPA and drops a malformed one and one for an LPA never cached: no batch item failures', async () => {
    const read = await gateway.graphql(V3, { query: ONE, variables: { uid: CACHED } });
    expect(read.body.errors).toBeUndefined();
    expect(read.body.data?.lpa).toMatchObject({ __typename: 'Lpa', uid: CACHED });
    await untilCached(CACHED);

    const before = await storeCalls();
    const [response] = await invoke([
      {
        Records: [
          record('applied-1', body(CACHED)),
          record('malformed-1', 'this is not JSON {'),
          record('never-cached-1', body(NEVER_CACHED)),
        ],
      },
    ]);
    expect(response).toEqual({ batchItemFailures: [] });
    // One store read, for the cached LPA: neither dropped event asked the store anything.
    expect((await storeCalls()) - before).toBe(1);
  });

  it('reports a record whose event could not be applied (the store failing) as a batch item failure, and only that one', async () => {
    const read = await gateway.graphql(V3, { query: ONE, variables: { uid: CACHED } });
    expect(read.body.errors).toBeUndefined();
    await untilCached(CACHED);

    await gateway.setLpaStoreFaults({ status: 503 });
    const [response] = await invoke([
      { Records: [record('failing-1', body(CACHED)), record('malformed-2', JSON.stringify({ source: 'opg.poas.lpastore', detail: { uid: 'nope' } }))] },
    ]);
    expect(response).toEqual({ batchItemFailures: [{ itemIdentifier: 'failing-1' }] });
  });

  it('refuses to boot without production configuration, failing the whole batch (every record retried)', async () => {
    await expect(
      promisify(execFile)(
        process.execPath,
        ['--input-type=module', '-e', `const { handler } = await import(${JSON.stringify(join(outdir, 'events.js'))}); await handler({ Records: [] });`],
        { env: { PATH: process.env.PATH ?? '' }, encoding: 'utf8', timeout: 30_000 },
      ),
    ).rejects.toThrow(/needs production configuration/);
  });
});
