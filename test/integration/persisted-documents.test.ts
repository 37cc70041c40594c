import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApolloClient, HttpLink, InMemoryCache, ServerError, gql } from '@apollo/client';
import { PersistedQueryLink } from '@apollo/client/link/persisted-queries';
import { createPersistedQueryManifestVerificationLink, generatePersistedQueryIdsFromManifest, type PersistedQueryManifestForVerification } from '@apollo/persisted-query-lists';
import { generate } from '@graphql-codegen/cli';
import { startConfiguredGateway, startTestGateway, type TestGateway } from '../support/gateway';

// Frontends register their operations as their toolchain writes them, committed under
// operations/{consumer}/{version}/: Apollo's persisted query manifest (generated here by
// @apollo/generate-persisted-query-manifest from a client's operation files) and GraphQL Codegen's
// client preset's persisted-documents.json (generated here by the preset itself). A gateway in
// enforce mode, reading a scratch copy of the registry (OPERATIONS_DIR), runs them for the real
// clients, on the lean path; what is not registered is refused.

const ENDPOINT = '/use-an-lpa/v2/graphql';
const run = promisify(execFile);

/** A frontend's operations, as its developers write them: a query, a fragment in its own file. */
const CLIENT_OPERATIONS: Record<string, string> = {
  'DonorName.graphql': 'query DonorName($uid: LpaUid!) {\n  lpa(uid: $uid) {\n    ... on Lpa {\n      uid\n      donor {\n        ...Name\n      }\n    }\n  }\n}\n',
  'Name.graphql': '# The names we show.\nfragment Name on Person {\n  firstNames\n  surname\n}\n',
  // Written, shipped, but never registered with the gateway.
  'AttorneyNames.graphql': 'query AttorneyNames($uid: LpaUid!) {\n  lpa(uid: $uid) {\n    ... on Lpa {\n      attorneys {\n        ...Name\n      }\n    }\n  }\n}\n',
};

interface Manifest extends PersistedQueryManifestForVerification {
  format: string;
  version: number;
}

let root: string;
let manifest: Manifest;
let codegenDocuments: Record<string, string>;
let gateway: TestGateway;
const logs: string[] = [];

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'sirius-gateway-persisted-'));
  const client = join(root, 'client');
  mkdirSync(join(client, 'src', 'graphql'), { recursive: true });
  for (const [file, text] of Object.entries(CLIENT_OPERATIONS)) writeFileSync(join(client, 'src', 'graphql', file), text);

  // Apollo: the manifest generator's CLI, as a frontend's build runs it.
  writeFileSync(join(client, 'persisted-query-manifest.config.json'), JSON.stringify({ documents: ['src/**/*.graphql'], output: 'persisted-query-manifest.json' }));
  await run(process.execPath, [resolve('node_modules/@apollo/generate-persisted-query-manifest/cli.js')], { cwd: client });
  manifest = JSON.parse(readFileSync(join(client, 'persisted-query-manifest.json'), 'utf8')) as Manifest;

  // GraphQL Codegen: the client preset with persisted documents.
  await generate(
    {
      silent: true,
      schema: resolve('schema/use-an-lpa/v2.graphql'),
      documents: [join(client, 'src/graphql/*.graphql')],
      generates: { [join(client, 'src/gql/')]: { preset: 'client', presetConfig: { persistedDocuments: true } } },
    },
    true,
  );
  codegenDocuments = JSON.parse(readFileSync(join(client, 'src/gql/persisted-documents.json'), 'utf8')) as Record<string, string>;

  // Registered: everything but AttorneyNames, in a scratch copy of the repository's registry.
  const operations = join(root, 'operations');
  cpSync('operations', operations, { recursive: true });
  const registered = { ...manifest, operations: manifest.operations.filter((operation) => operation.name !== 'AttorneyNames') };
  writeFileSync(join(operations, 'use-an-lpa/v2/persisted-query-manifest.json'), JSON.stringify(registered, null, 2));
  const codegenRegistered = Object.entries(codegenDocuments).filter(([, body]) => !body.includes('AttorneyNames'));
  writeFileSync(join(operations, 'use-an-lpa/v2/persisted-documents.json'), JSON.stringify(Object.fromEntries(codegenRegistered), null, 2));

  gateway = await startTestGateway({ TRUSTED_DOCUMENTS: 'enforce', OPERATIONS_DIR: operations }, { logs });
}, 60_000);
afterAll(() => gateway?.close());

const requestLog = () => logs.map((line) => JSON.parse(line) as Record<string, unknown>).filter((line) => line.msg === 'request');
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
const variables = { uid: '7000-0000-0047' };

describe("Apollo Client 4 with @apollo/persisted-query-lists over the generated manifest", () => {
  /** The client as Apollo's docs set it up: ids from the manifest, verified in development. */
  async function apolloClient() {
    const exchanges: { body: Record<string, any>; status: number; code: string | undefined }[] = [];
    const recording: typeof fetch = async (input, init) => {
      const response = await fetch(input, init);
      const answer = (await response.clone().json()) as { errors?: { extensions?: { code?: string } }[] };
      exchanges.push({ body: JSON.parse(String(init?.body)), status: response.status, code: answer.errors?.[0]?.extensions?.code });
      return response;
    };
    const failures: string[] = [];
    const link = createPersistedQueryManifestVerificationLink({ loadManifest: () => manifest, onVerificationFailed: ({ reason }) => void failures.push(reason) })
      .concat(new PersistedQueryLink(generatePersistedQueryIdsFromManifest({ loadManifest: () => manifest })))
      .concat(new HttpLink({ uri: `${gateway.url}${ENDPOINT}`, headers: { authorization: `Bearer ${await gateway.token('use-an-lpa')}` }, fetch: recording }));
    const client = new ApolloClient({ link, cache: new InMemoryCache({ possibleTypes: { LpaResult: ['Lpa', 'LpaNotFound', 'LpaDeleted'] } }) });
    return { client, exchanges, failures };
  }
  const appDocument = (name: string) => gql(`${CLIENT_OPERATIONS[`${name}.graphql`]}\n${CLIENT_OPERATIONS['Name.graphql']}`);

  it('runs a registered operation by its manifest id, on the first request', async () => {
    const { client, exchanges, failures } = await apolloClient();
    const { data } = await client.query({ query: appDocument('DonorName'), variables });
    expect(data).toMatchObject({ lpa: { __typename: 'Lpa', uid: '7000-0000-0047', donor: { __typename: 'Person', firstNames: 'Rachel Emma', surname: 'Sanderson' } } });
    const id = manifest.operations.find((operation) => operation.name === 'DonorName')!.id;
    expect(exchanges).toEqual([{ body: expect.objectContaining({ extensions: expect.objectContaining({ persistedQuery: { version: 1, sha256Hash: id } }) }), status: 200, code: undefined }]);
    expect(exchanges[0]!.body.query).toBeUndefined();
    expect(failures).toEqual([]);
    expect(requestLog()).toContainEqual(expect.objectContaining({ document: 'registered', operation: 'DonorName', documentId: id.slice(0, 16) }));
  });

  it('refuses an operation the manifest has but the gateway was never given: not found, then the text it retries with is refused', async () => {
    const { client, exchanges } = await apolloClient();
    const before = await gateway.siriusCalls();
    const error = await client.query({ query: appDocument('AttorneyNames'), variables }).then(() => undefined, (cause: unknown) => cause);
    expect(ServerError.is(error)).toBe(true);
    expect(JSON.parse((error as ServerError).bodyText).errors[0].extensions.code).toBe('TRUSTED_DOCUMENT_REQUIRED');
    expect(exchanges.map(({ status, code, body }) => [status, code, typeof body.query])).toEqual([
      [400, 'PERSISTED_QUERY_NOT_FOUND', 'undefined'],
      [400, 'TRUSTED_DOCUMENT_REQUIRED', 'string'],
    ]);
    expect(await gateway.siriusCalls()).toBe(before);
  });
});

describe("GraphQL Codegen's client preset persisted documents", () => {
  const registered = () => Object.entries(codegenDocuments).find(([, body]) => body.includes('query DonorName'))!;
  const unregistered = () => Object.entries(codegenDocuments).find(([, body]) => body.includes('query AttorneyNames'))!;

  it('names each document by the sha256 of its printed text, which the gateway checks', () => {
    for (const [hash, body] of Object.entries(codegenDocuments)) expect(hash).toBe(`sha256:${sha256(body)}`);
  });

  it('runs a registered document sent by documentId: the preset\'s hash as generated, or its bare hex, by POST and GET', async () => {
    const [hash] = registered();
    for (const documentId of [hash, hash.slice('sha256:'.length)]) {
      const posted = await gateway.post(ENDPOINT, JSON.stringify({ documentId, variables }));
      expect(posted.status).toBe(200);
      expect(posted.body.data?.lpa).toEqual({ uid: '7000-0000-0047', donor: { firstNames: 'Rachel Emma', surname: 'Sanderson' } });

      const search = new URLSearchParams({ documentId, variables: JSON.stringify(variables) });
      const response = await fetch(`${gateway.url}${ENDPOINT}?${search}`, {
        headers: { authorization: `Bearer ${await gateway.token('use-an-lpa')}`, 'apollo-require-preflight': 'true' },
      });
      expect(response.status).toBe(200);
      expect(((await response.json()) as { data: unknown }).data).toEqual(posted.body.data);
    }
    expect(requestLog()).toContainEqual(expect.objectContaining({ document: 'registered', operation: 'DonorName', documentId: hash.slice(7, 23) }));
  });

  it('refuses a document that is not registered, by id and by text', async () => {
    const [hash, body] = unregistered();
    const byId = await gateway.post(ENDPOINT, JSON.stringify({ documentId: hash, variables }));
    expect(byId.status).toBe(400);
    expect(byId.body.errors?.[0]?.extensions?.code).toBe('PERSISTED_QUERY_NOT_FOUND');
    const byText = await gateway.post(ENDPOINT, JSON.stringify({ documentId: hash, query: body, variables }));
    expect(byText.status).toBe(400);
    expect(byText.body.errors?.[0]?.extensions?.code).toBe('TRUSTED_DOCUMENT_REQUIRED');
  });
});

describe('start-up', () => {
  it('stops a gateway whose registry file names a document by an id that is not its own, naming the file and the operation', async () => {
    const operations = join(root, 'tampered');
    cpSync(join(root, 'operations'), operations, { recursive: true });
    const file = join(operations, 'use-an-lpa/v2/persisted-query-manifest.json');
    // The body edited by hand after generation: its id no longer names it.
    writeFileSync(file, readFileSync(file, 'utf8').replace('surname', 'surname dateOfBirth'));
    await expect(startConfiguredGateway(gateway, { TRUSTED_DOCUMENTS: 'enforce', OPERATIONS_DIR: operations })).rejects.toThrow(
      /^operations\/use-an-lpa\/v2\/persisted-query-manifest\.json: operation DonorName has id [0-9a-f]{64}, but the sha256 of its body is [0-9a-f]{64}\./,
    );
  });
});
