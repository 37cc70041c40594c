import { createHash } from 'node:crypto';
import { parse } from 'graphql';
import { readdirSync, readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApolloClient, HttpLink, InMemoryCache, ServerError, gql } from '@apollo/client';
import { PersistedQueryLink } from '@apollo/client/link/persisted-queries';
import { addTypenameToDocument, print } from '@apollo/client/utilities';
import { apolloClientDocument, apolloDocumentId } from '../../src/contracts/apollo-document-id';
import { startTestGateway, type TestGateway } from '../support/gateway';

// A frontend built with Apollo Client 4 and its PersistedQueryLink, unchanged, against a gateway
// in enforce mode: the operation registered as operations/use-an-lpa/v2/ViewSharedLpa.graphql runs
// (the gateway also registers it by the id the client computes), anything else is refused.

const ENDPOINT = '/use-an-lpa/v2/graphql';
const VIEWER = readFileSync('operations/use-an-lpa/v2/ViewSharedLpa.graphql', 'utf8');
const DONOR_ONLY = gql`
  query DonorOnly($uid: LpaUid!) {
    lpa(uid: $uid) {
      ... on Lpa {
        donor {
          surname
        }
      }
    }
  }
`;
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

interface Exchange {
  body: Record<string, any>;
  status: number;
  response: Record<string, any>;
}

let gateway: TestGateway;
const logs: string[] = [];
beforeAll(async () => {
  gateway = await startTestGateway({ TRUSTED_DOCUMENTS: 'enforce' }, { logs });
});
afterAll(() => gateway.close());

/** A real ApolloClient as a frontend sets one up, recording what goes over the wire. */
async function apolloClient() {
  const exchanges: Exchange[] = [];
  const recording: typeof fetch = async (input, init) => {
    const response = await fetch(input, init);
    exchanges.push({ body: JSON.parse(String(init?.body)), status: response.status, response: (await response.clone().json()) as Record<string, any> });
    return response;
  };
  const token = await gateway.token('use-an-lpa');
  const link = new PersistedQueryLink({ sha256: (text: string) => sha256(text) }).concat(
    new HttpLink({ uri: `${gateway.url}${ENDPOINT}`, headers: { authorization: `Bearer ${token}` }, fetch: recording }),
  );
  return { client: new ApolloClient({ link, cache: new InMemoryCache({ possibleTypes: { LpaResult: ['Lpa', 'LpaNotFound', 'LpaDeleted'] } }) }), exchanges };
}

describe('Apollo Client 4 with PersistedQueryLink, TRUSTED_DOCUMENTS=enforce', () => {
  it('runs the registered operation by the id the client computes, on the first request, on the lean path', async () => {
    const { client, exchanges } = await apolloClient();
    const { data, error } = await client.query({ query: gql(VIEWER), variables: { uid: '7000-0000-0047' } });
    expect(error).toBeUndefined();
    expect(data).toMatchObject({ lpa: { __typename: 'Lpa', uid: '7000-0000-0047', donor: { surname: 'Sanderson' } } });
    // One request, by hash only: the id is registered.
    expect(exchanges).toHaveLength(1);
    expect(exchanges[0]!.body.query).toBeUndefined();
    expect(exchanges[0]!.body.extensions.persistedQuery).toEqual({ version: 1, sha256Hash: apolloDocumentId(VIEWER) });
    const requests = logs.map((line) => JSON.parse(line) as Record<string, unknown>).filter((line) => line.msg === 'request');
    expect(requests).toContainEqual(expect.objectContaining({ document: 'registered', operation: 'ViewSharedLpa', documentId: apolloDocumentId(VIEWER).slice(0, 16) }));
  });

  it("computes Apollo Client's id from what the client really sends: its printed document, __typename added", async () => {
    // Force the client to send its text: a client whose hash the gateway does not know retries with it.
    const { client, exchanges } = await apolloClient();
    const unregistered = `${VIEWER.replace('      freshness {', '      status\n      freshness {')}`;
    await client.query({ query: gql(unregistered), variables: { uid: '7000-0000-0047' } }).catch(() => undefined);
    const sent = exchanges.find((exchange) => exchange.body.query)!.body;
    expect(sent.query).toBe(apolloClientDocument(unregistered));
    expect(sent.extensions.persistedQuery.sha256Hash).toBe(sha256(sent.query));
    expect(sent.extensions.persistedQuery.sha256Hash).toBe(apolloDocumentId(unregistered));
  });

  it('refuses an unregistered operation: PERSISTED_QUERY_NOT_FOUND, then TRUSTED_DOCUMENT_REQUIRED for the text the client retries with', async () => {
    const { client, exchanges } = await apolloClient();
    const before = await gateway.siriusCalls();
    const error = await client.query({ query: DONOR_ONLY, variables: { uid: '7000-0000-0047' } }).then(() => undefined, (cause: unknown) => cause);
    expect(ServerError.is(error)).toBe(true);
    expect((error as ServerError).statusCode).toBe(400);
    expect(JSON.parse((error as ServerError).bodyText).errors[0].extensions.code).toBe('TRUSTED_DOCUMENT_REQUIRED');
    expect(exchanges.map((exchange) => [exchange.status, exchange.response.errors[0].extensions.code, typeof exchange.body.query])).toEqual([
      [400, 'PERSISTED_QUERY_NOT_FOUND', 'undefined'],
      [400, 'TRUSTED_DOCUMENT_REQUIRED', 'string'],
    ]);
    expect(await gateway.siriusCalls()).toBe(before);
    // Sending it registered nothing: the same client asking again is refused the same way.
    await expect(client.query({ query: DONOR_ONLY, variables: { uid: '7000-0000-0047' }, fetchPolicy: 'network-only' })).rejects.toThrow('400');
    expect(exchanges.slice(2).map((exchange) => exchange.response.errors[0].extensions.code)).toEqual(['PERSISTED_QUERY_NOT_FOUND', 'TRUSTED_DOCUMENT_REQUIRED']);
  });
});

describe("apolloDocumentId, against Apollo Client's own transform and printer", () => {
  const files = readdirSync('operations', { recursive: true, encoding: 'utf8' }).filter((file) => file.endsWith('.graphql'));
  it.each(files)('operations/%s', (file) => {
    const text = readFileSync(`operations/${file}`, 'utf8');
    expect(apolloClientDocument(text)).toBe(print(addTypenameToDocument(parse(text))));
  });
});
