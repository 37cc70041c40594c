import { makeExecutableSchema } from '@graphql-tools/schema';
import { parse } from 'graphql';
import { applyMiddleware } from 'graphql-middleware';
import { allow, and, rule } from 'graphql-shield';
import { describe, expect, it } from 'vitest';
import { consumerPermissions, requireScope } from '../../src/auth/scope-rules';
import { createLogger } from '../../src/logger';
import { operationAuthorisation } from '../../src/server/operation-authorisation';
import { compiledFor, prepareOperations } from '../../src/server/registered-operations';
import type { RegisteredOperation } from '../../src/contracts/operations';

// What operation-authorisation.ts decides from a document and a rule tree alone. Anything but
// requireScope's rules (and a field nobody named) leaves the decision to the shield.

const typeDefs = /* GraphQL */ `
  type Query { thing(id: ID!): ThingResult owned: Thing secret: String unnamed: String both: String always: String }
  union ThingResult = Thing | Missing
  interface Named { name: String }
  type Thing implements Named { id: ID name: String email: String }
  type Missing implements Named { id: ID name: String }
`;
const resolvers = {
  Query: { thing: () => ({ __typename: 'Thing', id: '1', name: 'n', email: 'e' }), owned: () => null, secret: () => 's', unnamed: () => 'u', both: () => 'b', always: () => 'a' },
  ThingResult: { __resolveType: (value: { __typename: string }) => value.__typename },
  Named: { __resolveType: (value: { __typename: string }) => value.__typename },
};
const executable = makeExecutableSchema({ typeDefs, resolvers });

const read = requireScope('read');
const personal = requireScope('personal');
const owner = rule('owner', { cache: 'contextual' })(() => true); // reads more than the caller's scopes
const permissions = consumerPermissions({
  Query: { thing: read, owned: owner, secret: personal, both: and(read, personal), always: allow },
  Thing: { '*': read, email: personal },
  Missing: read,
});

const decide = (query: string) => operationAuthorisation(executable, parse(query), permissions);

describe('operation authorisation decided before execution', () => {
  it('collects the scopes of every field a query could read, through unions, interfaces and fragments', () => {
    expect(decide('{ thing(id: "1") { __typename ... on Thing { id name } ... on Missing { id } } }')?.requiredScopes).toEqual(['read']);
    expect(decide('{ thing(id: "1") { ... on Named { name } ... F } } fragment F on Thing { email }')?.requiredScopes).toEqual(['personal', 'read']);
    const authorisation = decide('{ thing(id: "1") { ... on Thing { email } } secret }')!;
    expect(authorisation.allowsEveryField(new Set(['read', 'personal']))).toBe(true);
    expect(authorisation.allowsEveryField(new Set(['read']))).toBe(false);
    expect(authorisation.allowsEveryField(new Set())).toBe(false);
  });

  it('leaves to the shield any query that reaches a rule other than a scope rule, or a field nobody named', () => {
    expect(decide('{ owned { id } }')).toBeUndefined(); // a rule of its own
    expect(decide('{ thing(id: "1") { __typename } owned { id } }')).toBeUndefined();
    expect(decide('{ both }')).toBeUndefined(); // a logic rule, even of scope rules
    expect(decide('{ always }')).toBeUndefined(); // allow: not a scope rule either
    expect(decide('{ unnamed }')).toBeUndefined(); // the fallback: denied whatever the scopes
  });

  it('leaves to the shield permissions not made by consumerPermissions', async () => {
    const { shield } = await import('graphql-shield');
    expect(operationAuthorisation(executable, parse('{ thing(id: "1") { __typename } }'), shield({ Query: { thing: read } }))).toBeUndefined();
  });

  it('never runs a query open on a schema whose rules include a non-scope rule, whatever the scopes', () => {
    const documents = new Map<string, RegisteredOperation>(
      ['{ owned { id } }', '{ thing(id: "1") { ... on Thing { id } } owned { name } }', '{ both }'].map((document, index) => [String(index), { id: String(index), document, name: `Op${index}`, file: 'test' } as RegisteredOperation]),
    );
    const prepared = prepareOperations({ shielded: applyMiddleware(executable, permissions), open: executable, permissions }, documents, [], createLogger('silent'));
    expect(prepared.size).toBe(3);
    for (const operation of prepared.values()) {
      expect(operation.open).toBeUndefined();
      expect(compiledFor(operation, new Set(['read', 'personal']))).toBe(operation.shielded);
    }
  });

  it('runs a scope-only query open for a caller with every scope it asks for, and shielded otherwise', () => {
    const documents = new Map<string, RegisteredOperation>([['q', { id: 'q', document: 'query Q { thing(id: "1") { ... on Thing { id email } } }', name: 'Q', file: 'test' } as RegisteredOperation]]);
    const operation = prepareOperations({ shielded: applyMiddleware(executable, permissions), open: executable, permissions }, documents, [], createLogger('silent')).get('q')!;
    expect(compiledFor(operation, new Set(['read', 'personal']))).toBe(operation.open?.compiled);
    expect(compiledFor(operation, new Set(['read']))).toBe(operation.shielded);
    expect(compiledFor(operation, new Set(['read', 'personal']), 'shield')).toBe(operation.shielded);
  });
});
