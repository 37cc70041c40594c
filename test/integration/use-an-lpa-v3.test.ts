import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../support/gateway';

// use-an-lpa v3 over real HTTP against both simulators: Sirius (7000- uids) and the LPA Store
// (M- uids, every call signed with SigV4 and the store's JWT). Seeded store LPAs:
// fixtures/lpa-store/README.md.

const V3 = '/use-an-lpa/v3/graphql';
const DASHBOARD = `query ($uids: [AnyLpaUid!]!) { lpas(uids: $uids) { __typename
  ... on Lpa { uid source status type registrationDate donor { firstNames surname } attorneys { firstNames surname } replacementAttorneys { firstNames surname } trustCorporations { name } freshness { source } }
  ... on LpaNotFound { uid } ... on LpaDeleted { uid } } }`;
const ONE = `query ($uid: AnyLpaUid!) { lpa(uid: $uid) { __typename ... on Lpa { uid status attorneys { uid } replacementAttorneys { uid } freshness { source } } } }`;

const logs: string[] = [];
let gateway: TestGateway;
beforeAll(async () => {
  gateway = await startTestGateway({ CACHE_FRESH_SECONDS: '30', SIRIUS_BREAKER_FAILURES: '1000' }, { logs });
});
afterEach(async () => {
  await gateway.setFaults({});
  await gateway.setLpaStoreFaults({});
});
afterAll(() => gateway.close());

const storeCalls = async () => {
  const log = await gateway.lpaStoreCallLog();
  return { batch: log.byRoute['POST /lpas'], single: log.byRoute['GET /lpas/{uid}'], total: log.total };
};

describe('a mixed dashboard', () => {
  it('answers every kind and status, uids dashed, with one store call for all the M- LPAs and none on a fresh hit', async () => {
    const uids = ['7000-0000-0047', '700000000138', 'M-7890-0400-4000', 'M-1000-0000-0049', 'M-1000-0000-0058', 'M-1000-0000-0063', 'M-1000-0000-0074', 'M789004004000', '7000-0015-1667', 'M-0000-0000-0646'];
    const before = await storeCalls();
    const { status, body } = await gateway.graphql(V3, { query: DASHBOARD, variables: { uids } });
    expect(status).toBe(200);
    expect(body.errors).toBeUndefined();
    const lpas = body.data?.lpas as Record<string, unknown>[];
    expect(lpas.map((lpa) => [lpa.__typename, lpa.uid, lpa.source, lpa.status])).toEqual([
      ['Lpa', '7000-0000-0047', 'SIRIUS', 'REGISTERED'],
      ['Lpa', '7000-0000-0138', 'SIRIUS', 'REGISTERED'],
      ['Lpa', 'M-7890-0400-4000', 'LPA_STORE', 'REGISTERED'],
      ['Lpa', 'M-1000-0000-0049', 'LPA_STORE', 'IN_PROGRESS'],
      ['Lpa', 'M-1000-0000-0058', 'LPA_STORE', 'STATUTORY_WAITING_PERIOD'],
      ['Lpa', 'M-1000-0000-0063', 'LPA_STORE', 'WITHDRAWN'],
      ['Lpa', 'M-1000-0000-0074', 'LPA_STORE', 'CANCELLED'],
      ['Lpa', 'M-7890-0400-4000', 'LPA_STORE', 'REGISTERED'],
      ['LpaDeleted', '7000-0015-1667', undefined, undefined],
      ['LpaNotFound', 'M-0000-0000-0646', undefined, undefined],
    ]);
    // The store writes a full timestamp; the schema answers the date.
    expect(lpas[2]).toMatchObject({ registrationDate: '2024-02-12', type: 'HEALTH_AND_WELFARE', trustCorporations: [{ name: 'Trust us Corp.' }] });
    const after = await storeCalls();
    expect(after.batch - before.batch).toBe(1);
    expect(after.single - before.single).toBe(0);

    // Fresh in the cache: no store call. ("Not found" is never cached: the unknown uid would be asked again.)
    const known = uids.filter((uid) => uid !== 'M-0000-0000-0646');
    const again = await gateway.graphql(V3, { query: DASHBOARD, variables: { uids: known } });
    expect((again.body.data?.lpas as { freshness?: { source: string } }[])[2]?.freshness?.source).toBe('CACHE');
    expect((await storeCalls()).total).toBe(after.total);
  });

  it('lists attorneys who can act, replacements waiting, never the removed', async () => {
    const read = async (uid: string) => (await gateway.graphql(V3, { query: ONE, variables: { uid } })).body.data?.lpa as { attorneys: unknown[]; replacementAttorneys: unknown[] };
    const waiting = await read('M-1000-0000-0096');
    expect(waiting.attorneys).toHaveLength(1);
    expect(waiting.replacementAttorneys).toHaveLength(1);
    const steppedIn = await read('M-1000-0000-0105');
    expect(steppedIn.replacementAttorneys).toHaveLength(0);
    expect(steppedIn.attorneys).toHaveLength(1);
    const removed = await read('M-1000-0000-0118');
    expect(removed.attorneys).toHaveLength(1);
    const legacy = await read('M-1000-0000-0126');
    expect(legacy.replacementAttorneys).toHaveLength(1);
  });
});

describe('freshness', () => {
  it('says how each copy is kept current: Sirius by its time window, the LPA Store by its change events', async () => {
    const { body } = await gateway.graphql(V3, {
      query: '{ lpas(uids: ["7000-0000-0526", "M-1000-0000-0058"]) { ... on Lpa { source freshness { source keptCurrentBy } } } }',
    });
    expect(body.data?.lpas).toEqual([
      { source: 'SIRIUS', freshness: { source: expect.any(String), keptCurrentBy: 'TIME_WINDOW' } },
      { source: 'LPA_STORE', freshness: { source: expect.any(String), keptCurrentBy: 'CHANGE_EVENTS' } },
    ]);
  });
});

describe('bad input', () => {
  it.each([
    ['a wrong check digit', 'M-7890-0400-4001'],
    ['a malformed M- uid', 'M-7890-0400'],
    ['letters in it', 'M-789Q-P4DF-4UX3'],
    ['lower case', 'm-7890-0400-4000'],
  ])('%s is 400 BAD_USER_INPUT and nothing is asked of either system', async (_case, uid) => {
    const before = await storeCalls();
    const siriusBefore = await gateway.siriusCalls();
    const { status, body } = await gateway.graphql(V3, { query: ONE, variables: { uid } });
    expect(status).toBe(400);
    expect(body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect((await storeCalls()).total).toBe(before.total);
    expect(await gateway.siriusCalls()).toBe(siriusBefore);
  });

  it('an X-Acting-User that is not an id is 400 before anything runs', async () => {
    const { status } = await gateway.graphql(V3, { query: ONE, variables: { uid: 'M-7890-0400-4000' } }, { 'x-acting-user': 'urn:opg:evil:users:1' });
    expect(status).toBe(400);
  });
});

describe('when the LPA Store fails', () => {
  let live: TestGateway;
  beforeAll(async () => {
    // Always ask the store first: a cached answer can then only mean the store failed.
    live = await startTestGateway({ CACHE_FRESH_SECONDS: '0', LPA_STORE_FRESH_SECONDS: '0', SIRIUS_BREAKER_FAILURES: '1000', SIRIUS_RETRIES: '0' });
  });
  afterEach(() => live.setLpaStoreFaults({}));
  afterAll(() => live.close());

  it('a cached LPA is served stale; one never cached is LPA_STORE_UNAVAILABLE at its path; Sirius LPAs stand', async () => {
    const first = await live.graphql(V3, { query: DASHBOARD, variables: { uids: ['M-1000-0000-0017'] } });
    expect((first.body.data?.lpas as { freshness: { source: string } }[])[0]?.freshness.source).toBe('LIVE');
    await new Promise((resolve) => setTimeout(resolve, 150)); // past the write's wait
    await live.setLpaStoreFaults({ status: 503 });
    const { status, body, text } = await live.graphql(V3, { query: DASHBOARD, variables: { uids: ['M-1000-0000-0017', 'M-1000-0000-0025', '7000-0000-0047'] } });
    expect(status).toBe(200);
    const lpas = body.data?.lpas as ({ freshness: { source: string } } | null)[];
    expect(lpas[0]?.freshness.source).toBe('CACHE');
    expect(lpas[1]).toBeNull();
    expect(lpas[2]?.freshness.source).toBe('LIVE');
    expect(body.errors).toEqual([expect.objectContaining({ path: ['lpas', 1], extensions: { code: 'LPA_STORE_UNAVAILABLE' } })]);
    expect(text).not.toMatch(/503|Injected|HTTP/);
  });

  it('a document of the wrong shape is LPA_STORE_UNAVAILABLE and never cached', async () => {
    await live.setLpaStoreFaults({ body: JSON.stringify({ lpas: [{ uid: 'M-1000-0000-0030', status: 'registered', lpaType: 'nonsense', donor: 'nobody' }] }) });
    const { body } = await live.graphql(V3, { query: DASHBOARD, variables: { uids: ['M-1000-0000-0030'] } });
    expect(body.errors?.[0]?.extensions?.code).toBe('LPA_STORE_UNAVAILABLE');
    await live.setLpaStoreFaults({ status: 503 });
    const { body: outage } = await live.graphql(V3, { query: DASHBOARD, variables: { uids: ['M-1000-0000-0030'] } });
    expect(outage.errors?.[0]?.extensions?.code).toBe('LPA_STORE_UNAVAILABLE');
  });
});

describe('a slow or oversized LPA Store', () => {
  let strict: TestGateway;
  beforeAll(async () => {
    strict = await startTestGateway({ CACHE_FRESH_SECONDS: '0', LPA_STORE_FRESH_SECONDS: '0', LPA_STORE_TIMEOUT_MS: '300', SIRIUS_RETRIES: '0', SIRIUS_BREAKER_FAILURES: '1000', SIRIUS_MAX_RESPONSE_BYTES: '100000' });
  });
  afterEach(() => strict.setLpaStoreFaults({}));
  afterAll(() => strict.close());

  it('a store slower than LPA_STORE_TIMEOUT_MS is LPA_STORE_UNAVAILABLE within the deadline', async () => {
    await strict.setLpaStoreFaults({ latencyMs: 5_000 });
    const started = Date.now();
    const { body } = await strict.graphql(V3, { query: ONE, variables: { uid: 'M-1000-0000-0030' } });
    expect(body.errors?.[0]?.extensions?.code).toBe('LPA_STORE_UNAVAILABLE');
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it('an answer over the size cap is refused as it arrives, and never cached', async () => {
    await strict.setLpaStoreFaults({ body: JSON.stringify({ lpas: [], padding: 'x'.repeat(200_000) }) });
    const { body } = await strict.graphql(V3, { query: DASHBOARD, variables: { uids: ['M-1000-0000-0030'] } });
    expect(body.errors?.[0]?.extensions?.code).toBe('LPA_STORE_UNAVAILABLE');
  });
});

describe('who is acting', () => {
  it("the store's JWT names the acting user given in X-Acting-User, else the gateway itself", async () => {
    const own = await startTestGateway({ CACHE_FRESH_SECONDS: '0', LPA_STORE_FRESH_SECONDS: '0' });
    try {
      await own.graphql(V3, { query: ONE, variables: { uid: 'M-1000-0000-0030' } }, { 'x-acting-user': 'a5b2c3d4-0000-4000-8000-000000000001' });
      expect((await own.lpaStoreCallLog()).lastJwtSubject).toBe('urn:opg:poas:use:users:a5b2c3d4-0000-4000-8000-000000000001');
      await own.graphql(V3, { query: ONE, variables: { uid: 'M-1000-0000-0030' } });
      expect((await own.lpaStoreCallLog()).lastJwtSubject).toBe('urn:opg:poas:use:service:sirius-gateway');
    } finally {
      await own.close();
    }
  });
});

describe('an activation-key letter for an LPA Store LPA', () => {
  it('is announced as activation-key-requested (recorded on the embedded default), not asked of Sirius', async () => {
    const actor = '9ac5cb7c-fc75-40c7-8e53-059f36dbbe3d';
    const lettersBefore = (await gateway.siriusCallLog()).letters.length;
    const { body } = await gateway.graphql(V3, {
      query: 'mutation ($uid: AnyLpaUid!, $actor: String!) { requestActivationKeyLetter(lpaUid: $uid, actorUid: $actor) { queued } }',
      variables: { uid: 'M-7890-0400-4000', actor },
    });
    expect(body.errors).toBeUndefined();
    expect(body.data?.requestActivationKeyLetter).toEqual({ queued: true });
    const events = (await (await fetch(`${gateway.siriusUrl}/__events`)).json()) as { source: string; 'detail-type': string; detail: unknown }[];
    expect(events.at(-1)).toMatchObject({ source: 'opg.poas.use', 'detail-type': 'activation-key-requested', detail: { uid: 'M-7890-0400-4000', actor } });
    expect((await gateway.siriusCallLog()).letters.length).toBe(lettersBefore);
  });
});
