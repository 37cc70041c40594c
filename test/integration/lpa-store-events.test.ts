import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { LOCAL_LPA_STORE_CREDENTIALS } from '../../src/dev/lpa-store-simulator';
import { lpaUpdatedEvent } from '../../src/events/lpa-updated-event';
import type { RunningGateway } from '../../src/server/start-gateway';
import { startConfiguredGateway, startTestGateway, type TestGateway } from '../support/gateway';

// Event-driven freshness: M- LPAs are cached for a long window, and each change the LPA Store
// announces (lpa-updated) refreshes the shared table at once, for every instance. The simulator's
// unsigned admin path changes an LPA as the store would and emits the event; on the embedded
// default it reaches the same handler the events Lambda runs.

const V3 = '/use-an-lpa/v3/graphql';
const ONE = 'query ($uid: AnyLpaUid!) { lpa(uid: $uid) { __typename ... on Lpa { uid status freshness { source } } } }';
const LONG = { CACHE_FRESH_SECONDS: '3600', LPA_STORE_FRESH_SECONDS: '86400' };

let gateway: TestGateway;
beforeAll(async () => {
  gateway = await startTestGateway(LONG);
});
afterEach(() => gateway.setLpaStoreFaults({}));
afterAll(() => gateway.close());

async function status(target: { url: string }, uid: string, token: string): Promise<string | undefined> {
  const response = await fetch(`${target.url}${V3}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query: ONE, variables: { uid } }),
  });
  return ((await response.json()) as { data?: { lpa?: { status?: string } } }).data?.lpa?.status;
}

async function change(uid: string, update: object): Promise<void> {
  const response = await fetch(`${gateway.embedded!.lpaStore.url}/__lpas/${uid}/updates`, { method: 'POST', body: JSON.stringify(update) });
  if (response.status !== 201) throw new Error(`the simulator refused the update: ${response.status} ${await response.text()}`);
}

const cancel = { type: 'OPG_STATUS_CHANGE', changes: [{ key: '/status', old: 'registered', new: 'cancelled' }] };
const storeCalls = async () => (await gateway.lpaStoreCallLog()).total;
const metric = async (series: string) => Number(new RegExp(`^${series.replace(/[{}"]/g, '\\$&')} (\\S+)$`, 'm').exec(await (await fetch(`${gateway.url}/metrics`)).text())?.[1] ?? 0);

async function until(check: () => Promise<boolean>, withinMs: number): Promise<number> {
  const started = Date.now();
  while (!(await check())) {
    if (Date.now() - started > withinMs) throw new Error(`not within ${withinMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  return Date.now() - started;
}

describe('a change the store announces', () => {
  it('is visible at the next read within a second, though both fresh windows are long; reads before it cost no store call', async () => {
    const token = await gateway.token('use-an-lpa');
    expect(await status(gateway, 'M-1000-0000-0017', token)).toBe('REGISTERED');
    const before = await storeCalls();
    for (let i = 0; i < 5; i++) expect(await status(gateway, 'M-1000-0000-0017', token)).toBe('REGISTERED');
    expect(await storeCalls()).toBe(before);

    await change('M-1000-0000-0017', cancel);
    await until(async () => (await status(gateway, 'M-1000-0000-0017', token)) === 'CANCELLED', 1_000);
    // One store read for the change (the handler's refresh), none for the reads.
    expect((await storeCalls()) - before).toBe(1);
    expect(await metric('gateway_events_total{outcome="applied",reason=""}')).toBeGreaterThanOrEqual(1);
  });

  it('a duplicate, or a late event for an older change, changes nothing', async () => {
    const token = await gateway.token('use-an-lpa');
    expect(await status(gateway, 'M-1000-0000-0030', token)).toBe('REGISTERED');
    await change('M-1000-0000-0030', cancel);
    await until(async () => (await status(gateway, 'M-1000-0000-0030', token)) === 'CANCELLED', 1_000);
    const late = lpaUpdatedEvent('M-1000-0000-0030', 'CERTIFICATE_PROVIDER_SIGN', new Date(Date.now() - 3_600_000));
    await gateway.embedded!.lpaStoreChanges.deliver(late);
    await gateway.embedded!.lpaStoreChanges.deliver(late);
    expect(await status(gateway, 'M-1000-0000-0030', token)).toBe('CANCELLED');
    expect(gateway.embedded!.lpaStoreChanges.undelivered).toHaveLength(0);
  });

  it('a malformed event, and one for an LPA never cached, are counted and dropped without a store call', async () => {
    const before = await storeCalls();
    const droppedBefore = await metric('gateway_events_total{outcome="dropped",reason="malformed"}');
    await gateway.embedded!.lpaStoreChanges.deliver({ detail: { uid: 'nonsense' } } as never);
    await gateway.embedded!.lpaStoreChanges.deliver(lpaUpdatedEvent('M-7890-0400-4001', 'CREATE')); // wrong check digit
    await gateway.embedded!.lpaStoreChanges.deliver(lpaUpdatedEvent('M-1000-0000-0126', 'ATTORNEY_SIGN')); // never read here
    expect(await metric('gateway_events_total{outcome="dropped",reason="malformed"}')).toBe(droppedBefore + 2);
    expect(await metric('gateway_events_total{outcome="dropped",reason="not-cached"}')).toBeGreaterThanOrEqual(1);
    expect(await storeCalls()).toBe(before);
    expect(gateway.embedded!.lpaStoreChanges.undelivered).toHaveLength(0);
  });

  it('a failure to apply is retried, and kept when every retry fails: never lost', async () => {
    const token = await gateway.token('use-an-lpa');
    await status(gateway, 'M-1000-0000-0025', token);
    await gateway.setLpaStoreFaults({ status: 503 });
    const delivery = gateway.embedded!.lpaStoreChanges.deliver(lpaUpdatedEvent('M-1000-0000-0025', 'CORRECTION'));
    await delivery;
    expect(gateway.embedded!.lpaStoreChanges.undelivered.map((event) => event.detail.uid)).toContain('M-1000-0000-0025');
    expect(await metric('gateway_events_total{outcome="failed",reason=""}')).toBeGreaterThanOrEqual(4);
  }, 20_000);
});

describe('two instances sharing one table', () => {
  let other: RunningGateway;
  const saved = { id: process.env.AWS_ACCESS_KEY_ID, secret: process.env.AWS_SECRET_ACCESS_KEY };
  beforeAll(async () => {
    // The second instance signs its store calls as a deployed one does: with the default credential chain.
    process.env.AWS_ACCESS_KEY_ID = LOCAL_LPA_STORE_CREDENTIALS.accessKeyId;
    process.env.AWS_SECRET_ACCESS_KEY = LOCAL_LPA_STORE_CREDENTIALS.secretAccessKey;
    other = await startConfiguredGateway(gateway, {
      ...LONG,
      SIRIUS_BASE_URL: gateway.siriusUrl,
      LPA_STORE_BASE_URL: gateway.embedded!.lpaStore.url,
      LPA_STORE_REGION: gateway.embedded!.lpaStore.region,
      LPA_STORE_JWT_SECRET: gateway.embedded!.lpaStore.jwtSecret,
    });
  });
  afterAll(async () => {
    await other.close();
    process.env.AWS_ACCESS_KEY_ID = saved.id;
    process.env.AWS_SECRET_ACCESS_KEY = saved.secret;
  });

  it('both show the change within the stated bound (LPA_STORE_MEMORY_SECONDS, 1 s, plus delivery), though only one handled the event', async () => {
    const token = await gateway.token('use-an-lpa');
    expect(await status(gateway, 'M-1000-0000-0096', token)).toBe('REGISTERED');
    expect(await status(other, 'M-1000-0000-0096', token)).toBe('REGISTERED');
    await change('M-1000-0000-0096', cancel);
    await until(async () => (await status(gateway, 'M-1000-0000-0096', token)) === 'CANCELLED', 1_000);
    const waited = await until(async () => (await status(other, 'M-1000-0000-0096', token)) === 'CANCELLED', 1_500);
    expect(waited).toBeLessThanOrEqual(1_500);
  });
});

describe('a lost event', () => {
  it('the fresh window is the safety net: the change shows once the copy is no longer fresh', async () => {
    const own = await startTestGateway({ CACHE_FRESH_SECONDS: '3600', LPA_STORE_FRESH_SECONDS: '2' });
    try {
      const token = await own.token('use-an-lpa');
      expect(await status(own, 'M-1000-0000-0105', token)).toBe('REGISTERED');
      await fetch(`${own.embedded!.lpaStore.url}/__faults`, { method: 'PUT', body: JSON.stringify({ events: { drop: true } }) });
      const response = await fetch(`${own.embedded!.lpaStore.url}/__lpas/M-1000-0000-0105/updates`, { method: 'POST', body: JSON.stringify(cancel) });
      expect(response.status).toBe(201);
      expect(await status(own, 'M-1000-0000-0105', token)).toBe('REGISTERED');
      await until(async () => (await status(own, 'M-1000-0000-0105', token)) === 'CANCELLED', 3_500);
    } finally {
      await own.close();
    }
  });
});
