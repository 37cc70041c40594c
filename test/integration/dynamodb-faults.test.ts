import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { untilCached } from '../support/cache-table';
import { startTestGateway, type TestGateway } from '../support/gateway';

// DynamoDB misbehaving at the network level (the embedded stack's proxy in front of dynalite): the
// real AWS SDK sees a silent, slow or throttling server. Every call must be bounded, the cache must
// fail open, and readiness must answer within its own deadline.

const ENDPOINT = '/use-an-lpa/v1/graphql';
const lpaQuery = (uid: string) => ({ query: `{ lpa(uid: "${uid}") { ... on Lpa { uid donor { surname } freshness { source } } } }` });

let gateway: TestGateway;
beforeAll(async () => {
  gateway = await startTestGateway({
    CACHE_FRESH_SECONDS: '30',
    // Every read asks DynamoDB: nothing is served from this process's memory.
    CACHE_MEMORY_ENTRIES: '0',
    READINESS_CACHE_SECONDS: '0',
    SIRIUS_BREAKER_FAILURES: '1000',
    // Each test here meets DynamoDB's faults afresh; the breaker has a test of its own below.
    CACHE_BREAKER_FAILURES: '1000',
  });
});
afterEach(async () => {
  await gateway.setFaults({});
  await gateway.setLpaStoreFaults({});
});
afterAll(() => gateway.close());

async function timed<T>(work: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const started = Date.now();
  const value = await work();
  return { value, ms: Date.now() - started };
}

describe('a hung DynamoDB (accepts, never answers)', () => {
  it('an LPA read answers LIVE from Sirius within about a second', async () => {
    await gateway.setFaults({ dynamodb: { hang: true } });
    const { value, ms } = await timed(() => gateway.graphql(ENDPOINT, lpaQuery('7000-0000-0344')));
    expect(value.status).toBe(200);
    expect(value.body.errors).toBeUndefined();
    expect(value.body.data?.lpa).toMatchObject({ uid: '7000-0000-0344', freshness: { source: 'LIVE' } });
    expect(ms).toBeLessThan(1_500);
  });

  it('/health/ready answers within its deadline: cache DOWN, still ready (Sirius answers)', async () => {
    await gateway.setFaults({ dynamodb: { hang: true } });
    const { value: ready, ms } = await timed(() => fetch(`${gateway.url}/health/ready`));
    expect(await ready.json()).toEqual({ 'api-status': 'OK', 'sirius-status': 'OK', 'lpa-store-status': 'OK', 'cache-status': 'DOWN' });
    expect(ready.status).toBe(200);
    expect(ms).toBeLessThan(2_000);
  });

  it('with both upstreams down too, /health/ready is 503 within its deadline', async () => {
    await gateway.setFaults({ status: 503, dynamodb: { hang: true } });
    await gateway.setLpaStoreFaults({ status: 503 });
    const { value: ready, ms } = await timed(() => fetch(`${gateway.url}/health/ready`));
    expect(ready.status).toBe(503);
    expect(await ready.json()).toEqual({ 'api-status': 'OK', 'sirius-status': 'DOWN', 'lpa-store-status': 'DOWN', 'cache-status': 'DOWN' });
    expect(ms).toBeLessThan(2_000);
  });
});

describe('a slow or throttling DynamoDB', () => {
  it('a slow one (5 s a call) costs a read at most the cache deadline', async () => {
    await gateway.setFaults({ dynamodb: { latencyMs: 5_000 } });
    const { value, ms } = await timed(() => gateway.graphql(ENDPOINT, lpaQuery('7000-0000-0435')));
    expect(value.body.data?.lpa).toMatchObject({ uid: '7000-0000-0435', freshness: { source: 'LIVE' } });
    expect(ms).toBeLessThan(1_500);
  });

  it('a throttling one fails open: the read answers LIVE and the fault is counted', async () => {
    await gateway.setFaults({ dynamodb: { throttle: true } });
    const { value } = await timed(() => gateway.graphql(ENDPOINT, lpaQuery('7000-0000-0526')));
    expect(value.body.errors).toBeUndefined();
    expect(value.body.data?.lpa).toMatchObject({ uid: '7000-0000-0526', freshness: { source: 'LIVE' } });
    const metrics = await (await fetch(`${gateway.url}/metrics`)).text();
    expect(metrics).toMatch(/^gateway_cache_reads_total\{result="fault"\} [1-9]/m);
  });

  it('faults can target one operation: only writes throttled, reads still hit', async () => {
    await gateway.graphql(ENDPOINT, lpaQuery('7000-0000-0617'));
    await untilCached(gateway, '7000-0000-0617');
    await gateway.setFaults({ dynamodb: { throttle: true, operations: ['PutItem', 'UpdateItem', 'DeleteItem'] } });
    const before = await gateway.siriusCalls();
    const { body } = await gateway.graphql(ENDPOINT, lpaQuery('7000-0000-0617'));
    expect(body.data?.lpa).toMatchObject({ freshness: { source: 'CACHE' } });
    expect((await gateway.siriusCalls()) - before).toBe(0);
  });
});

describe('the cache breaker', () => {
  it('after repeated DynamoDB faults, reads skip the cache: a hung table costs nothing', async () => {
    const own = await startTestGateway({ CACHE_FRESH_SECONDS: '30', CACHE_MEMORY_ENTRIES: '0', SIRIUS_BREAKER_FAILURES: '1000', CACHE_BREAKER_FAILURES: '5' });
    try {
      await own.setFaults({ dynamodb: { hang: true } });
      // The first reads each wait out the cache deadline (600 ms); the breaker then opens.
      const first = await timed(() => own.graphql(ENDPOINT, lpaQuery('7000-0000-0047')));
      expect(first.ms).toBeGreaterThanOrEqual(550);
      for (let i = 0; i < 4; i++) await own.graphql(ENDPOINT, lpaQuery('7000-0000-0047'));
      const { value, ms } = await timed(() => own.graphql(ENDPOINT, lpaQuery('7000-0000-0138')));
      expect(value.body.data?.lpa).toMatchObject({ uid: '7000-0000-0138', freshness: { source: 'LIVE' } });
      // Compared with a read that waited, not with a fixed time: a loaded machine is slow for both.
      expect(ms).toBeLessThan(first.ms / 2);
    } finally {
      await own.close();
    }
  });
});
