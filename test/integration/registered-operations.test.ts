import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../support/gateway';
import { apolloClientDocument } from '../../src/contracts/apollo-document-id';

// A registered operation sent by id runs on the gateway's lean path (parsed and validated at
// start-up, executed without Apollo's pipeline); the same text with one comment added is an
// ad-hoc query, which Apollo runs. Every answer must be the same both ways.

const read = (file: string) => readFileSync(`operations/${file}`, 'utf8');
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

let gateway: TestGateway;
beforeAll(async () => {
  gateway = await startTestGateway({ SIRIUS_TIMEOUT_MS: '500', SIRIUS_BREAKER_FAILURES: '1000' });
});
afterAll(() => gateway.close());

interface Case {
  name: string;
  file: string;
  variables?: unknown;
  operationName?: string;
  headers?: Record<string, string>;
  sirius?: { status: number };
}

/** Answers differ only in how old the data is, which moves with the clock. */
function comparable(text: string): unknown {
  return JSON.parse(text, (key, value: unknown) => (key === 'ageSeconds' || key === 'retrievedAt' ? '(time)' : value));
}

async function bothWays({ file, variables, operationName, headers = {} }: Case) {
  const document = read(file);
  const path = `/${file.split('/').slice(0, 2).join('/')}/graphql`;
  // Once first, so that both answers below come from the same cached copy.
  await gateway.post(path, JSON.stringify({ query: document, variables, operationName }), headers);
  const byId = await gateway.post(path, JSON.stringify({ documentId: `sha256:${sha256(document)}`, variables, operationName }), headers);
  const adHoc = await gateway.post(path, JSON.stringify({ query: `${document}# sent ad hoc\n`, variables, operationName }), headers);
  return { byId, adHoc };
}

const cases: Case[] = [
  { name: 'the v2 viewer, found', file: 'use-an-lpa/v2/ViewSharedLpa.graphql', variables: { uid: '7000-0000-0047' } },
  { name: 'the v2 viewer, not found', file: 'use-an-lpa/v2/ViewSharedLpa.graphql', variables: { uid: '7999-9999-9999' } },
  { name: 'the v2 viewer, deleted', file: 'use-an-lpa/v2/ViewSharedLpa.graphql', variables: { uid: '7000-0015-1667' } },
  { name: 'the v2 viewer, a malformed uid (variable coercion, 400)', file: 'use-an-lpa/v2/ViewSharedLpa.graphql', variables: { uid: '12' } },
  { name: 'the v2 viewer, no variables (400)', file: 'use-an-lpa/v2/ViewSharedLpa.graphql' },
  { name: 'the v2 viewer, variables not an object (400)', file: 'use-an-lpa/v2/ViewSharedLpa.graphql', variables: ['7000-0000-0047'] },
  { name: 'the v1 viewer, a malformed uid (resolver user input error, 400)', file: 'use-an-lpa/v1/ViewSharedLpa.graphql', variables: { uid: 'bad' } },
  { name: 'an unknown operation name (400)', file: 'use-an-lpa/v2/ViewSharedLpa.graphql', variables: { uid: '7000-0000-0047' }, operationName: 'Nope' },
  { name: 'the dashboard, seven LPAs and an unknown one', file: 'use-an-lpa/v2/AccountDashboard.graphql', variables: { uids: ['7000-0000-0047', '7000-0000-0138', '7000-0000-0252', '7000-0000-0344', '7000-0000-0435', '7000-0000-0526', '7000-0000-0617', '7999-9999-9999'] } },
  { name: 'the online tool status page', file: 'lpa-online-tool/v1/ApplicationStatus.graphql', variables: { onlineLpaId: 'A33718377316' } },
  { name: 'asking for application/graphql-response+json', file: 'use-an-lpa/v2/ViewSharedLpa.graphql', variables: { uid: '7000-0000-0047' }, headers: { accept: 'application/graphql-response+json' } },
  { name: 'operationName not a string (400)', file: 'use-an-lpa/v2/ViewSharedLpa.graphql', variables: { uid: '7000-0000-0047' }, operationName: 7 as unknown as string },
  { name: 'an accept header allowing neither JSON type (406)', file: 'use-an-lpa/v2/ViewSharedLpa.graphql', variables: { uid: '7000-0000-0047' }, headers: { accept: 'text/csv' } },
];

describe('registered operations run by id answer exactly as Apollo does', () => {
  it.each(cases)('$name', async (testCase) => {
    const { byId, adHoc } = await bothWays(testCase);
    expect(byId.status).toBe(adHoc.status);
    expect(byId.headers.get('content-type')).toBe(adHoc.headers.get('content-type'));
    expect(comparable(byId.text)).toEqual(comparable(adHoc.text));
    expect(byId.headers.get('cache-control')).toBe('no-store');
  });

  it("by Apollo Client's id: the document as the client sends it (__typename added), the same answer as Apollo's", async () => {
    const sent = apolloClientDocument(read('use-an-lpa/v2/ViewSharedLpa.graphql'));
    const variables = { uid: '7000-0000-0047' };
    await gateway.post('/use-an-lpa/v2/graphql', JSON.stringify({ query: sent, variables }));
    const byId = await gateway.post('/use-an-lpa/v2/graphql', JSON.stringify({ extensions: { persistedQuery: { version: 1, sha256Hash: sha256(sent) } }, variables }));
    const adHoc = await gateway.post('/use-an-lpa/v2/graphql', JSON.stringify({ query: `${sent}# sent ad hoc\n`, variables }));
    expect(byId.status).toBe(200);
    expect(byId.body.data?.lpa.donor.__typename).toBe('Person');
    expect(comparable(byId.text)).toEqual(comparable(adHoc.text));
  });

  it('without the personal-data scope: the same FORBIDDEN fields, the rest intact', async () => {
    const token = await gateway.token('use-an-lpa', { scopes: ['lpa.read'] });
    const { byId, adHoc } = await bothWays({ name: '', file: 'use-an-lpa/v2/ViewSharedLpa.graphql', variables: { uid: '7000-0000-0047' }, headers: { authorization: `Bearer ${token}` } });
    expect(byId.body.errors?.some((error) => error.extensions?.code === 'FORBIDDEN')).toBe(true);
    expect(byId.body.data?.lpa.donor.surname).toBe('Sanderson');
    expect(comparable(byId.text)).toEqual(comparable(adHoc.text));
  });

  it('while Sirius fails: the same SIRIUS_UNAVAILABLE, nothing of Sirius in it', async () => {
    await gateway.setSiriusFaults({ status: 500 });
    try {
      const { byId, adHoc } = await bothWays({ name: '', file: 'use-an-lpa/v2/ViewSharedLpa.graphql', variables: { uid: '7000-0000-0799' } });
      expect(byId.body.errors?.[0]?.extensions?.code).toBe('SIRIUS_UNAVAILABLE');
      expect(byId.text).not.toMatch(/HTTP 500|stack/i);
      expect(comparable(byId.text)).toEqual(comparable(adHoc.text));
    } finally {
      await gateway.setSiriusFaults({});
    }
  });
});
