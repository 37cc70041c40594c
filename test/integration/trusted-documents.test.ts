import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../support/gateway';

// Consumers' registered operations (operations/{consumer}/{version}/) run by id; with
// TRUSTED_DOCUMENTS=enforce nothing else does.

const ENDPOINT = '/use-an-lpa/v1/graphql';
const VIEWER = readFileSync('operations/use-an-lpa/v1/ViewSharedLpa.graphql', 'utf8');
const VIEWER_ID = createHash('sha256').update(VIEWER).digest('hex');
const AD_HOC = '{ lpa(uid: "7000-0000-0047") { ... on Lpa { donor { surname } } } }';

describe('TRUSTED_DOCUMENTS=enforce', () => {
  let gateway: TestGateway;
  beforeAll(async () => {
    gateway = await startTestGateway({ TRUSTED_DOCUMENTS: 'enforce' });
  });
  afterAll(() => gateway.close());

  it('runs a registered operation sent by documentId', async () => {
    const { status, body } = await gateway.post(ENDPOINT, JSON.stringify({ documentId: `sha256:${VIEWER_ID}`, variables: { uid: '7000-0000-0047' } }));
    expect(status).toBe(200);
    expect(body.errors).toBeUndefined();
    expect(body.data?.lpa).toMatchObject({ __typename: 'Lpa', uid: '7000-0000-0047', donor: { surname: 'Sanderson' } });
  });

  it("runs one sent with Apollo's persisted query extension, by POST and by GET", async () => {
    const extensions = { persistedQuery: { version: 1, sha256Hash: VIEWER_ID } };
    const posted = await gateway.post(ENDPOINT, JSON.stringify({ extensions, variables: { uid: '700000000047' } }));
    expect(posted.body.data?.lpa.donor.surname).toBe('Sanderson');

    const search = new URLSearchParams({ extensions: JSON.stringify(extensions), variables: JSON.stringify({ uid: '700000000047' }) });
    const response = await fetch(`${gateway.url}${ENDPOINT}?${search}`, {
      headers: { authorization: `Bearer ${await gateway.token('use-an-lpa')}`, 'apollo-require-preflight': 'true' },
    });
    expect(response.status).toBe(200);
    expect(((await response.json()) as { data: { lpa: { donor: { surname: string } } } }).data.lpa.donor.surname).toBe('Sanderson');
  });

  it('takes documentId as sha256:<hex> or as the bare hex (Yoga and Codegen), by POST and by GET', async () => {
    for (const documentId of [`sha256:${VIEWER_ID}`, VIEWER_ID, VIEWER_ID.toUpperCase()]) {
      const posted = await gateway.post(ENDPOINT, JSON.stringify({ documentId, variables: { uid: '7000-0000-0047' } }));
      expect(posted.status).toBe(200);
      expect(posted.body.data?.lpa.donor.surname).toBe('Sanderson');

      const search = new URLSearchParams({ documentId, variables: JSON.stringify({ uid: '7000-0000-0047' }) });
      const response = await fetch(`${gateway.url}${ENDPOINT}?${search}`, {
        headers: { authorization: `Bearer ${await gateway.token('use-an-lpa')}`, 'apollo-require-preflight': 'true' },
      });
      expect(response.status).toBe(200);
      expect(((await response.json()) as { data: { lpa: { donor: { surname: string } } } }).data.lpa.donor.surname).toBe('Sanderson');
    }
  });

  it("answers an unknown id as Apollo's link expects, and refuses the full query it sends next: nothing is registered by sending it", async () => {
    const hash = createHash('sha256').update(AD_HOC).digest('hex');
    const extensions = { persistedQuery: { version: 1, sha256Hash: hash } };
    const before = await gateway.siriusCalls();
    for (const first of [{ extensions }, { documentId: hash }]) {
      const unknown = await gateway.post(ENDPOINT, JSON.stringify(first));
      expect(unknown.status).toBe(400);
      expect(unknown.body.errors?.[0]?.extensions?.code).toBe('PERSISTED_QUERY_NOT_FOUND');
      const retried = await gateway.post(ENDPOINT, JSON.stringify({ ...first, query: AD_HOC }));
      expect(retried.status).toBe(400);
      expect(retried.body.errors?.[0]?.extensions?.code).toBe('TRUSTED_DOCUMENT_REQUIRED');
      // Still unknown afterwards.
      expect((await gateway.post(ENDPOINT, JSON.stringify(first))).body.errors?.[0]?.extensions?.code).toBe('PERSISTED_QUERY_NOT_FOUND');
    }
    expect(await gateway.siriusCalls()).toBe(before);
  });

  it('refuses an ad-hoc query, before Sirius is asked', async () => {
    const before = await gateway.siriusCalls();
    const { status, body } = await gateway.graphql(ENDPOINT, { query: AD_HOC });
    expect(status).toBe(400);
    expect(body.errors?.[0]?.extensions?.code).toBe('TRUSTED_DOCUMENT_REQUIRED');
    expect(body.data).toBeUndefined();
    expect(await gateway.siriusCalls()).toBe(before);
  });

  it('accepts the registered text itself: its hash is registered', async () => {
    const { status, body } = await gateway.graphql(ENDPOINT, { query: VIEWER, variables: { uid: '7000-0000-0047' } });
    expect(status).toBe(200);
    expect(body.data?.lpa.uid).toBe('7000-0000-0047');
  });

  it('answers an unknown id with PERSISTED_QUERY_NOT_FOUND, and a malformed one with BAD_REQUEST', async () => {
    const unknown = await gateway.post(ENDPOINT, JSON.stringify({ documentId: `sha256:${'0'.repeat(64)}` }));
    expect(unknown.status).toBe(400);
    expect(unknown.body.errors?.[0]?.extensions?.code).toBe('PERSISTED_QUERY_NOT_FOUND');
    const malformed = await gateway.post(ENDPOINT, JSON.stringify({ documentId: 'ViewSharedLpa' }));
    expect(malformed.status).toBe(400);
    expect(malformed.body.errors?.[0]?.extensions?.code).toBe('BAD_REQUEST');
  });

  it("does not run another version's operation: ids are per endpoint", async () => {
    const v2Viewer = readFileSync('operations/use-an-lpa/v2/ViewSharedLpa.graphql', 'utf8');
    const id = createHash('sha256').update(v2Viewer).digest('hex');
    const { body } = await gateway.post(ENDPOINT, JSON.stringify({ documentId: `sha256:${id}`, variables: { uid: '7000-0000-0047' } }));
    expect(body.errors?.[0]?.extensions?.code).toBe('PERSISTED_QUERY_NOT_FOUND');
  });

  it('refuses a query sent with a hash that is not its own', async () => {
    const { status, body } = await gateway.post(ENDPOINT, JSON.stringify({ query: AD_HOC, documentId: `sha256:${VIEWER_ID}` }));
    expect(status).toBe(400);
    expect(body.errors?.[0]?.message).toContain('does not match');
  });
});

describe('TRUSTED_DOCUMENTS=allow (the embedded default)', () => {
  const logs: string[] = [];
  let gateway: TestGateway;
  beforeAll(async () => {
    gateway = await startTestGateway({}, { logs });
  });
  afterAll(() => gateway.close());

  it('runs ad-hoc queries and marks them ad-hoc in the request log; registered ones are marked registered', async () => {
    const adHoc = await gateway.graphql(ENDPOINT, { query: AD_HOC, operationName: undefined });
    expect(adHoc.body.data?.lpa.donor.surname).toBe('Sanderson');
    await gateway.post(ENDPOINT, JSON.stringify({ documentId: `sha256:${VIEWER_ID}`, variables: { uid: '7000-0000-0047' } }));
    const requests = logs.map((line) => JSON.parse(line) as Record<string, unknown>).filter((line) => line.msg === 'request');
    const adHocHash = createHash('sha256').update(AD_HOC).digest('hex');
    expect(requests).toContainEqual(expect.objectContaining({ document: 'ad-hoc', documentId: adHocHash.slice(0, 16) }));
    expect(requests).toContainEqual(expect.objectContaining({ document: 'registered', documentId: VIEWER_ID.slice(0, 16), operationName: 'ViewSharedLpa' }));
    expect(logs.join('\n')).not.toContain('Sanderson');
  });

  it("still refuses an unknown id, so a persisted-query client sends the text next (Apollo's protocol)", async () => {
    const { body } = await gateway.post(ENDPOINT, JSON.stringify({ extensions: { persistedQuery: { version: 1, sha256Hash: 'a'.repeat(64) } } }));
    expect(body.errors?.[0]?.extensions?.code).toBe('PERSISTED_QUERY_NOT_FOUND');
  });
});
