import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../support/gateway';

// v2 beside v1, on the same data: the two breaking improvements, and v1 unchanged for its consumers.

let gateway: TestGateway;
beforeAll(async () => {
  gateway = await startTestGateway();
});
afterAll(() => gateway.close());

const ATTORNEYS = '{ lpa(uid: "7000-0000-0047") { ... on Lpa { uid attorneys { uid } } } }';

describe('use-an-lpa v2', () => {
  it('lists only attorneys who can act; v1 still lists all, flagged, and offers activeAttorneys', async () => {
    const v2 = await gateway.graphql('/use-an-lpa/v2/graphql', { query: ATTORNEYS });
    const v1 = await gateway.graphql('/use-an-lpa/v1/graphql', {
      query: '{ lpa(uid: "7000-0000-0047") { ... on Lpa { attorneys { uid isActive } activeAttorneys { uid } } } }',
    });
    const all = v1.body.data?.lpa.attorneys as { uid: string; isActive: boolean }[];
    expect(all).toHaveLength(2);
    const active = all.filter((attorney) => attorney.isActive).map(({ uid }) => ({ uid }));
    expect(active).toHaveLength(1);
    expect(v1.body.data?.lpa.activeAttorneys).toEqual(active);
    expect(v2.body).toEqual({ data: { lpa: { uid: '7000-0000-0047', attorneys: active } } });
  });

  it('has no isActive: asking for it is a validation error', async () => {
    const { status, body } = await gateway.graphql('/use-an-lpa/v2/graphql', { query: '{ lpa(uid: "7000-0000-0047") { ... on Lpa { attorneys { isActive } } } }' });
    expect(status).toBe(400);
    expect(body.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
  });

  it('takes uids as LpaUid: either form in, one form out; a malformed uid is refused before Sirius is asked', async () => {
    const before = await gateway.siriusCalls();
    const query = 'query ($uids: [LpaUid!]!) { lpas(uids: $uids) { __typename ... on Lpa { uid } ... on LpaNotFound { uid } } }';
    const found = await gateway.graphql('/use-an-lpa/v2/graphql', { query, variables: { uids: ['700000000047', '7999-9999-9999'] } });
    expect(found.body).toEqual({
      data: { lpas: [{ __typename: 'Lpa', uid: '7000-0000-0047' }, { __typename: 'LpaNotFound', uid: '7999-9999-9999' }] },
    });
    const called = await gateway.siriusCalls();
    expect(called).toBeGreaterThan(before);

    const bad = await gateway.graphql('/use-an-lpa/v2/graphql', { query, variables: { uids: ['7000-0000-0047', 'A33718377316'] } });
    expect(bad.status).toBe(400);
    expect(bad.body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(bad.body.errors?.[0]?.message).toContain('LpaUid must be an LPA uid');
    const literal = await gateway.graphql('/use-an-lpa/v2/graphql', { query: '{ lpa(uid: "12") { __typename } }' });
    expect(literal.status).toBe(400);
    expect(literal.body.errors?.[0]?.message).toContain('LpaUid must be an LPA uid');
    expect(await gateway.siriusCalls()).toBe(called);
  });
});

describe('version lifecycle headers', () => {
  it('v1, deprecated in the manifest, says so with Deprecation, Sunset and a successor link', async () => {
    const { headers } = await gateway.graphql('/use-an-lpa/v1/graphql', { query: '{ __typename }' });
    expect(headers.get('deprecation')).toBe(`@${Date.parse('2026-11-24T00:00:00Z') / 1000}`);
    expect(headers.get('sunset')).toBe('Mon, 31 May 2027 00:00:00 GMT');
    // The newest released version: where a consumer leaving v1 should go.
    expect(headers.get('link')).toBe('</use-an-lpa/v3/graphql>; rel="successor-version"');
  });

  it('v2 and the online tool v1 carry none', async () => {
    for (const path of ['/use-an-lpa/v2/graphql', '/lpa-online-tool/v1/graphql']) {
      const { status, headers } = await gateway.graphql(path, { query: '{ __typename }' });
      expect(status).toBe(200);
      expect(headers.get('deprecation')).toBeNull();
      expect(headers.get('sunset')).toBeNull();
    }
  });
});
