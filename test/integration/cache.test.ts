import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { cachedItem, putCachedItem, untilCached } from '../support/cache-table';
import { startTestGateway, type TestGateway } from '../support/gateway';

const ENDPOINT = '/use-an-lpa/v1/graphql';
const lpaQuery = (uid: string) => ({
  query: `{ lpa(uid: "${uid}") { __typename
    ... on Lpa { uid status donor { surname dateOfBirth addresses { postcode } } attorneys { surname } freshness { source ageSeconds retrievedAt } }
    ... on LpaDeleted { uid freshness { source ageSeconds } } } }`,
});
const withoutFreshness = (lpa: Record<string, unknown>) => ({ ...lpa, freshness: undefined });

describe('read-through cache while Sirius is down', () => {
  let gateway: TestGateway;
  beforeAll(async () => {
    // Always ask Sirius first, so that a cache answer can only mean Sirius failed.
    gateway = await startTestGateway({ CACHE_FRESH_SECONDS: '0', SIRIUS_TIMEOUT_MS: '500', SIRIUS_BREAKER_FAILURES: '1000', READINESS_CACHE_SECONDS: '0' });
  });
  afterEach(() => gateway.setSiriusFaults({}));
  afterAll(() => gateway.close());

  it.each([{ status: 503 }, { latencyMs: 10_000 }])('with Sirius failing as %j, a read LPA comes from the cache, intact', async (fault) => {
    const live = await gateway.graphql(ENDPOINT, lpaQuery('7000-0000-0138'));
    expect(live.body.data?.lpa.freshness).toMatchObject({ source: 'LIVE', ageSeconds: 0 });
    await untilCached(gateway, '7000-0000-0138');

    await gateway.setSiriusFaults(fault);
    const started = Date.now();
    const cached = await gateway.graphql(ENDPOINT, lpaQuery('7000-0000-0138'));
    expect(Date.now() - started).toBeLessThan(500 + 1_500); // within the deadline, not Sirius's 10 s
    expect(cached.body.errors).toBeUndefined();
    expect(withoutFreshness(cached.body.data?.lpa)).toEqual(withoutFreshness(live.body.data?.lpa));
    expect(cached.body.data?.lpa.freshness.source).toBe('CACHE');
    expect(cached.body.data?.lpa.freshness.ageSeconds).toBeGreaterThanOrEqual(0);
    expect(cached.body.data?.lpa.freshness.retrievedAt).toBe(live.body.data?.lpa.freshness.retrievedAt);

    const never = await gateway.graphql(ENDPOINT, lpaQuery('7000-0000-0617'));
    expect(never.body.data).toEqual({ lpa: null });
    expect(never.body.errors?.[0]).toMatchObject({ path: ['lpa'], extensions: { code: 'SIRIUS_UNAVAILABLE' } });
    expect(never.text).not.toMatch(/Sanderson|Schindler|1948/);
  });

  it('a deleted LPA stays LpaDeleted while Sirius is down', async () => {
    const live = await gateway.graphql(ENDPOINT, lpaQuery('7000-0015-1667'));
    expect(live.body.data?.lpa).toMatchObject({ __typename: 'LpaDeleted', freshness: { source: 'LIVE' } });
    await untilCached(gateway, '7000-0015-1667');
    await gateway.setSiriusFaults({ status: 500 });
    const cached = await gateway.graphql(ENDPOINT, lpaQuery('7000-0015-1667'));
    expect(cached.body.data?.lpa).toMatchObject({ __typename: 'LpaDeleted', uid: '7000-0015-1667', freshness: { source: 'CACHE' } });
  });

  it('/health/ready names Sirius as down but stays ready (the cache still serves), without failing liveness', async () => {
    const ready = await fetch(`${gateway.url}/health/ready`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ 'api-status': 'OK', 'sirius-status': 'OK', 'lpa-store-status': 'OK', 'cache-status': 'OK' });
    await gateway.setSiriusFaults({ status: 503 });
    const siriusDown = await fetch(`${gateway.url}/health/ready`);
    expect(siriusDown.status).toBe(200);
    expect(await siriusDown.json()).toEqual({ 'api-status': 'OK', 'sirius-status': 'DOWN', 'lpa-store-status': 'OK', 'cache-status': 'OK' });
    expect((await fetch(`${gateway.url}/health/live`)).status).toBe(200);
  });
});

describe('fresh answers and single flight', () => {
  let gateway: TestGateway;
  beforeAll(async () => {
    gateway = await startTestGateway({ CACHE_FRESH_SECONDS: '30' });
  });
  afterAll(() => gateway.close());

  it('50 concurrent requests for one uncached LPA make exactly 1 Sirius call', async () => {
    const before = await gateway.siriusCalls();
    const token = await gateway.token('use-an-lpa');
    const answers = await Promise.all(
      Array.from({ length: 50 }, () => gateway.graphql(ENDPOINT, lpaQuery('7000-0000-0252'), { authorization: `Bearer ${token}` })),
    );
    expect(answers.every((answer) => answer.body.data?.lpa?.uid === '7000-0000-0252')).toBe(true);
    expect((await gateway.siriusCalls()) - before).toBe(1);
  });

  it('a fresh cached answer is served without asking Sirius', async () => {
    await gateway.graphql(ENDPOINT, lpaQuery('7000-0000-0344'));
    await untilCached(gateway, '7000-0000-0344');
    const before = await gateway.siriusCalls();
    const again = await gateway.graphql(ENDPOINT, lpaQuery('7000-0000-0344'));
    expect(again.body.data?.lpa.freshness.source).toBe('CACHE');
    expect(await gateway.siriusCalls()).toBe(before);
  });
});

describe('expiry and compression', () => {
  let gateway: TestGateway;
  beforeAll(async () => {
    gateway = await startTestGateway({
      CACHE_FRESH_SECONDS: '0',
      CACHE_STALE_IF_ERROR_SECONDS: '1',
      CACHE_COMPRESS_ABOVE_BYTES: '100',
      SIRIUS_BREAKER_FAILURES: '1000',
    });
  });
  afterEach(() => gateway.setSiriusFaults({}));
  afterAll(() => gateway.close());

  it('an item past CACHE_STALE_IF_ERROR_SECONDS is never served', async () => {
    await gateway.graphql(ENDPOINT, lpaQuery('7000-0000-0435'));
    await untilCached(gateway, '7000-0000-0435');
    await gateway.setSiriusFaults({ status: 503 });
    const young = await gateway.graphql(ENDPOINT, lpaQuery('7000-0000-0435'));
    expect(young.body.data?.lpa.freshness.source).toBe('CACHE');
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    const old = await gateway.graphql(ENDPOINT, lpaQuery('7000-0000-0435'));
    expect(old.body.data).toEqual({ lpa: null });
    expect(old.body.errors?.[0]?.extensions?.code).toBe('SIRIUS_UNAVAILABLE');
  });

  it('a body over the compression threshold is stored gzipped and round-trips', async () => {
    const live = await gateway.graphql(ENDPOINT, lpaQuery('7000-0000-0526'));
    await untilCached(gateway, '7000-0000-0526');
    const Item = await cachedItem(gateway, '7000-0000-0526');
    expect(Item?.encoding?.S).toBe('gzip');
    expect(Number(Item?.expiresAt?.N)).toBeGreaterThan(Date.now() / 1000);
    await gateway.setSiriusFaults({ status: 503 });
    const cached = await gateway.graphql(ENDPOINT, lpaQuery('7000-0000-0526'));
    expect(withoutFreshness(cached.body.data?.lpa)).toEqual(withoutFreshness(live.body.data?.lpa));
    expect(cached.body.data?.lpa.freshness.source).toBe('CACHE');
  });
});

describe('when the cache fails', () => {
  it('reads still answer LIVE from Sirius, and /health/ready says the cache is down', async () => {
    const gateway = await startTestGateway({ CACHE_FRESH_SECONDS: '30', DYNAMODB_TIMEOUT_MS: '200' });
    try {
      await gateway.embedded!.stopDynamo();
      const before = await gateway.siriusCalls();
      const started = Date.now();
      const { status, body } = await gateway.graphql(ENDPOINT, lpaQuery('7000-0000-0047'));
      expect(status).toBe(200);
      expect(body.errors).toBeUndefined();
      expect(body.data?.lpa).toMatchObject({ uid: '7000-0000-0047', donor: { surname: 'Sanderson' }, freshness: { source: 'LIVE' } });
      expect((await gateway.siriusCalls()) - before).toBe(1);
      expect(Date.now() - started).toBeLessThan(3_000);
      // Still ready: Sirius answers, and the cache fails open.
      const ready = await fetch(`${gateway.url}/health/ready`);
      expect(ready.status).toBe(200);
      expect(await ready.json()).toMatchObject({ 'cache-status': 'DOWN', 'sirius-status': 'OK' });
    } finally {
      await gateway.close();
    }
  });
});

describe('circuit breaker', () => {
  it('opens after consecutive failures: Sirius is no longer called, the cache still answers', async () => {
    const gateway = await startTestGateway({
      CACHE_FRESH_SECONDS: '0',
      SIRIUS_RETRIES: '0',
      SIRIUS_BREAKER_FAILURES: '3',
      SIRIUS_BREAKER_HALF_OPEN_SECONDS: '60',
    });
    try {
      await gateway.graphql(ENDPOINT, lpaQuery('7000-0000-0047'));
      await untilCached(gateway, '7000-0000-0047');
      await gateway.setSiriusFaults({ status: 503 });
      for (const uid of ['7000-0000-0138', '7000-0000-0252', '7000-0000-0344']) await gateway.graphql(ENDPOINT, lpaQuery(uid));
      const before = await gateway.siriusCalls();
      const cached = await gateway.graphql(ENDPOINT, lpaQuery('7000-0000-0047'));
      const failed = await gateway.graphql(ENDPOINT, lpaQuery('7000-0000-0435'));
      expect(await gateway.siriusCalls()).toBe(before); // failing fast: the circuit is open
      expect(cached.body.data?.lpa.freshness.source).toBe('CACHE');
      expect(failed.body.errors?.[0]?.extensions?.code).toBe('SIRIUS_UNAVAILABLE');
    } finally {
      await gateway.close();
    }
  });

  it('probes Sirius again after the half-open delay, and closes when Sirius is back', async () => {
    const gateway = await startTestGateway({
      CACHE_FRESH_SECONDS: '0',
      SIRIUS_RETRIES: '0',
      SIRIUS_BREAKER_FAILURES: '2',
      SIRIUS_BREAKER_HALF_OPEN_SECONDS: '1',
    });
    try {
      await gateway.setSiriusFaults({ status: 503 });
      for (const uid of ['7000-0000-0138', '7000-0000-0252']) await gateway.graphql(ENDPOINT, lpaQuery(uid));
      await gateway.setSiriusFaults({});
      const whileOpen = await gateway.graphql(ENDPOINT, lpaQuery('7000-0000-0047'));
      expect(whileOpen.body.errors?.[0]?.extensions?.code).toBe('SIRIUS_UNAVAILABLE');
      await new Promise((resolve) => setTimeout(resolve, 1_100));
      const probe = await gateway.graphql(ENDPOINT, lpaQuery('7000-0000-0047'));
      expect(probe.body.data?.lpa).toMatchObject({ uid: '7000-0000-0047', freshness: { source: 'LIVE' } });
      const after = await gateway.graphql(ENDPOINT, lpaQuery('7000-0000-0138'));
      expect(after.body.data?.lpa).toMatchObject({ uid: '7000-0000-0138', freshness: { source: 'LIVE' } });
    } finally {
      await gateway.close();
    }
  });
});

describe('the in-process layer in front of DynamoDB, within the fresh window', () => {
  const metric = async (gateway: TestGateway, outcome: string) => {
    const text = await (await fetch(`${gateway.url}/metrics`)).text();
    return Number(new RegExp(`^gateway_cache_reads_total\\{result="${outcome}"\\} (\\d+)`, 'm').exec(text)?.[1] ?? 0);
  };

  it('serves a hot LPA from memory: no DynamoDB read, no Sirius call, even with DynamoDB gone', async () => {
    const gateway = await startTestGateway({ CACHE_FRESH_SECONDS: '30', DYNAMODB_TIMEOUT_MS: '200' });
    try {
      await gateway.graphql(ENDPOINT, lpaQuery('7000-0000-0617'));
      await gateway.embedded!.stopDynamo();
      const before = await gateway.siriusCalls();
      const again = await gateway.graphql(ENDPOINT, lpaQuery('7000-0000-0617'));
      expect(again.body.data?.lpa).toMatchObject({ uid: '7000-0000-0617', freshness: { source: 'CACHE' } });
      expect(await gateway.siriusCalls()).toBe(before);
      expect(await metric(gateway, 'fresh')).toBe(1);
      expect(await metric(gateway, 'fault')).toBe(0);
    } finally {
      await gateway.close();
    }
  });

  it('the in-process cache is bounded by bytes (CACHE_MEMORY_BYTES), not only by entries', async () => {
    // Room for about two LPAs of a few kilobytes each.
    const gateway = await startTestGateway({ CACHE_FRESH_SECONDS: '30', CACHE_MEMORY_BYTES: '15000', DYNAMODB_TIMEOUT_MS: '200' });
    const uids = ['7000-0000-0047', '7000-0000-0138', '7000-0000-0252', '7000-0000-0344', '7000-0000-0435', '7000-0000-0526'];
    try {
      for (const uid of uids) await gateway.graphql(ENDPOINT, lpaQuery(uid));
      await gateway.embedded!.stopDynamo();
      const before = await gateway.siriusCalls();
      for (const uid of uids) await gateway.graphql(ENDPOINT, lpaQuery(uid));
      // Most had to be looked for in DynamoDB (gone: a fault), then asked of Sirius again.
      expect(await metric(gateway, 'fault')).toBeGreaterThanOrEqual(4);
      expect((await gateway.siriusCalls()) - before).toBeGreaterThanOrEqual(4);
    } finally {
      await gateway.close();
    }
  });

  it('with CACHE_MEMORY_ENTRIES=0 every fresh read goes to DynamoDB', async () => {
    const gateway = await startTestGateway({ CACHE_FRESH_SECONDS: '30', CACHE_MEMORY_ENTRIES: '0', DYNAMODB_TIMEOUT_MS: '200' });
    try {
      await gateway.graphql(ENDPOINT, lpaQuery('7000-0000-0617'));
      await untilCached(gateway, '7000-0000-0617');
      await gateway.embedded!.stopDynamo();
      await gateway.graphql(ENDPOINT, lpaQuery('7000-0000-0617'));
      expect(await metric(gateway, 'fault')).toBe(1);
    } finally {
      await gateway.close();
    }
  });

  it('keeps nothing past the fresh window: Sirius is asked again once it has passed', async () => {
    const gateway = await startTestGateway({ CACHE_FRESH_SECONDS: '1' });
    try {
      await gateway.graphql(ENDPOINT, lpaQuery('7000-0000-0617'));
      const before = await gateway.siriusCalls();
      await gateway.graphql(ENDPOINT, lpaQuery('7000-0000-0617'));
      expect(await gateway.siriusCalls()).toBe(before);
      await new Promise((resolve) => setTimeout(resolve, 1_100));
      const later = await gateway.graphql(ENDPOINT, lpaQuery('7000-0000-0617'));
      expect(later.body.data?.lpa.freshness.source).toBe('LIVE');
      expect(await gateway.siriusCalls()).toBe(before + 1);
    } finally {
      await gateway.close();
    }
  });
});

describe('writes and logs', () => {
  const logs: string[] = [];
  let gateway: TestGateway;
  beforeAll(async () => {
    gateway = await startTestGateway({ CACHE_FRESH_SECONDS: '0', SIRIUS_BREAKER_FAILURES: '1000', SIRIUS_RETRIES: '0' }, { logs });
  });
  afterEach(() => gateway.setFaults({}));
  afterAll(() => gateway.close());

  it('an older answer never overwrites a newer one (writes are conditional on storedAt)', async () => {
    const newer = Date.now() + 60_000; // another instance stored this one later than we will
    await putCachedItem(gateway, '7000-0000-0344', { status: 410, body: '', storedAt: newer });
    const { body } = await gateway.graphql(ENDPOINT, lpaQuery('7000-0000-0344'));
    expect(body.data?.lpa).toMatchObject({ __typename: 'Lpa', freshness: { source: 'LIVE' } });
    await new Promise((resolve) => setTimeout(resolve, 200)); // past the write's wait
    const item = await cachedItem(gateway, '7000-0000-0344');
    expect(item?.storedAt?.N).toBe(String(newer));
    expect(item?.status?.N).toBe('410');
  });

  it('serving stale logs the request id and the reason, never the LPA uid', async () => {
    await gateway.graphql(ENDPOINT, lpaQuery('7000-0000-0435'));
    await untilCached(gateway, '7000-0000-0435');
    await gateway.setFaults({ status: 503 });
    const stale = await gateway.graphql(ENDPOINT, lpaQuery('7000-0000-0435'), { 'x-request-id': 'stale-read-test' });
    expect(stale.body.data?.lpa.freshness.source).toBe('CACHE');
    const lines = logs.filter((line) => line.includes('serving stale'));
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0]!)).toMatchObject({ requestId: 'stale-read-test', reason: 'HTTP 503' });
    expect(lines[0]).not.toMatch(/0435|000000000435/);
  });

  it("the 'upstream unavailable' line names its request and the upstream's code", async () => {
    await gateway.setFaults({ status: 503 });
    await gateway.graphql(ENDPOINT, lpaQuery('7000-0000-0526'), { 'x-request-id': 'unavailable-test' });
    const line = logs.find((entry) => entry.includes('"upstream unavailable"') && entry.includes('unavailable-test'));
    expect(JSON.parse(line ?? '{}')).toMatchObject({ code: 'SIRIUS_UNAVAILABLE', requestId: 'unavailable-test', reason: 'HTTP 503' });
  });
});
