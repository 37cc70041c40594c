import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { consumerSchemas } from '../../src/consumers';
import { DEV_CALLERS } from '../../src/dev/dev-callers';
import type { GatewayResponse } from '../../src/server/gateway-request';
import type { GraphQLEndpoint } from '../../src/server/graphql-endpoint';
import { startTestGateway, type TestGateway } from '../support/gateway';

// A registered query runs without the shield when the caller's scopes open every field it names
// (operation-authorisation.ts). Here every registered query of every consumer schema, sent by id
// for every subset of that schema's scopes, runs both ways on the real gateway (its resolvers, its
// embedded Sirius and LPA Store simulators and codes table): as the gateway chooses, and always
// through the shield. The two answers must be identical: status, headers, data and errors
// (messages, codes, paths, requiredScope).

/** Variables for each registered query, by `{consumer}/{version}/{operation}`: found, not found, deleted, malformed. */
const VARIABLES: Record<string, Record<string, unknown>[]> = {};
const uids = ['7000-0000-0047', '7999-9999-9999', '7000-0015-1667', '12'];
const storeUids = ['M-7890-0400-4000', 'M-1000-0000-0049', 'M-0000-0000-0646'];
for (const version of ['v1', 'v2']) {
  VARIABLES[`use-an-lpa/${version}/ViewSharedLpa`] = uids.map((uid) => ({ uid }));
  VARIABLES[`use-an-lpa/${version}/AccountDashboard`] = [{ uids: ['7000-0000-0047', '7000-0000-0138', '7999-9999-9999', '7000-0015-1667'] }, { uids: [] }];
}
VARIABLES['use-an-lpa/v3/ViewSharedLpa'] = [...uids, ...storeUids].map((uid) => ({ uid }));
VARIABLES['use-an-lpa/v3/AccountDashboard'] = [{ uids: ['7000-0000-0047', '7999-9999-9999', '7000-0015-1667', ...storeUids] }];
VARIABLES['lpa-online-tool/v1/ApplicationStatus'] = [{ onlineLpaId: 'A33718377316' }, { onlineLpaId: 'A00000000000' }];
const SIRIUS_ACTOR = '7000-0002-9001';
VARIABLES['sirius-case-management/v1/CodeStatus'] = [{ lpaUid: '7000-0000-0047', actorUid: SIRIUS_ACTOR }, { lpaUid: '7000-0000-0138', actorUid: '7000-0002-9002' }];
VARIABLES['sirius-case-management/v2/CodeStatus'] = [
  { lpaUid: '7000-0000-0047', actorUid: SIRIUS_ACTOR },
  { lpaUid: 'M-7890-0400-4000', actorUid: '9ac5cb7c-fc75-40c7-8e53-000000009003' },
];

/** Every subset of a schema's scopes. */
function powerSet(scopes: readonly string[]): string[][] {
  return scopes.reduce<string[][]>((subsets, scope) => [...subsets, ...subsets.map((subset) => [...subset, scope])], [[]]);
}

/** Answers differ only in how old the data is, which moves with the clock. */
function comparable(response: GatewayResponse): unknown {
  const { 'x-request-id': _, ...headers } = response.headers;
  return { status: response.status, headers, body: JSON.parse(response.body, (key, value: unknown) => (key === 'ageSeconds' || key === 'retrievedAt' ? '(time)' : value)) };
}

interface Ran {
  endpoint: GraphQLEndpoint;
  id: string;
  precomputed: GatewayResponse;
  shielded: GatewayResponse;
}

let gateway: TestGateway;
let ran: Ran[] = [];
beforeAll(async () => {
  gateway = await startTestGateway({ CODES_DYNAMODB_TIMEOUT_MS: '5000' });
  // Each registered query the gateway runs, it runs twice on the same request: as it chooses (the
  // answer the caller gets) and through the shield, from a context of its own each.
  for (const endpoint of gateway.graphqlEndpoints) {
    const execute = endpoint.executeRegistered.bind(endpoint);
    endpoint.executeRegistered = (id, parameters, accept, context) => {
      const precomputed = execute(id, parameters, accept, context, 'precomputed');
      if (!precomputed) return undefined;
      return (async () => {
        const answer = await precomputed;
        const shielded = await execute(id, parameters, accept, context, 'shield')!;
        // A copy: the gateway adds its own headers to the answer it returns.
        ran.push({ endpoint, id, precomputed: { ...answer, headers: { ...answer.headers } }, shielded });
        return answer;
      })();
    };
  }
  // A code for the status queries to find (the others find none).
  const created = await gateway.graphql('/sirius-case-management/v2/graphql', {
    query: 'mutation ($input: [CreateActivationCodeInput!]!) { createActivationCodes(input: $input) { code } }',
    variables: { input: [{ lpaUid: '7000-0000-0047', actorUid: SIRIUS_ACTOR, dateOfBirth: '1982-07-24' }] },
  });
  expect(created.body.errors).toBeUndefined();
}, 60_000);
afterAll(() => gateway.close());

describe('a registered query answers the same with its authorisation decided up front as through the shield', () => {
  it('for every registered query of every consumer schema and every subset of its scopes', async () => {
    const coverage: string[] = [];
    let openRuns = 0;
    for (const definition of consumerSchemas) {
      const endpoint = gateway.graphqlEndpoints.find((candidate) => candidate.consumer === definition.consumer && candidate.version === definition.version)!;
      const caller = DEV_CALLERS.callers.find((entry) => (entry.consumers as Record<string, string[]>)[definition.consumer]?.includes(definition.version) && definition.scopes.every((scope) => (entry.scopes as string[]).includes(scope)));
      expect(caller, `a dev caller with every scope of ${definition.consumer} ${definition.version}`).toBeDefined();
      const subsets = powerSet(definition.scopes);
      for (const [id, operation] of endpoint.documents) {
        if (endpoint.runsOpen(id, new Set(definition.scopes)) === undefined) continue; // a mutation: Apollo runs it, through the shield
        const key = `${definition.consumer}/${definition.version}/${operation.name}`;
        const variableSets = VARIABLES[key];
        expect(variableSets, `variables for ${key} in this test`).toBeDefined();
        for (const scopes of subsets) {
          const token = await gateway.token(caller!.name, { scopes });
          const headers = { authorization: `Bearer ${token}` };
          for (const variables of variableSets!) {
            const body = JSON.stringify({ documentId: `sha256:${id}`, variables });
            await gateway.post(endpoint.path, body, headers); // fill the cache: both runs below read the same copy
            ran = [];
            const response = await gateway.post(endpoint.path, body, headers);
            expect(ran, `${key} ${JSON.stringify(scopes)} ran on the lean path`).toHaveLength(1);
            const [run] = ran;
            const label = `${key} (${id.slice(0, 8)}) with [${scopes.join(', ')}] and ${JSON.stringify(variables)}`;
            expect(comparable(run!.precomputed), label).toEqual(comparable(run!.shielded));
            expect(response.status).toBe(run!.precomputed.status);
            const open = endpoint.runsOpen(id, new Set(scopes))!;
            if (open) openRuns++;
            // The shield's own answer says whether anything was refused: the lean path is open exactly when nothing could be.
            if (open) expect(run!.shielded.body, label).not.toContain('"FORBIDDEN"');
            coverage.push(`${label}: ${open ? 'open' : 'shielded'}`);
          }
        }
        // Holding every scope opens every registered query of these schemas (all their rules are scope rules).
        expect(endpoint.runsOpen(id, new Set(definition.scopes)), key).toBe(true);
      }
    }
    expect(openRuns).toBeGreaterThan(0);
    expect(coverage.length).toBeGreaterThan(100);
    process.stdout.write(`operation-authorisation parity: ${coverage.length} requests, ${openRuns} open\n`);
  }, 300_000);
});

