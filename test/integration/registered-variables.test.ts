import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { getOperationAST, Kind, parse, type TypeNode } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../support/gateway';

// A registered query sent by id runs its variables through graphql-jit alone, and asks graphql-js
// why only when graphql-jit refuses them (registered-operations.ts). That is right only if the two
// accept exactly the same variables: every registered query, with each of its variables given
// each of the values below (and a few whole-object oddities), must answer by id exactly as Apollo
// answers the same text sent ad hoc.

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

const VALUES: unknown[] = [
  null, 0, -1, 1.5, 2 ** 31, true, '', ' ', 'x', 'a'.repeat(300), {}, { value: '7000-0000-0047' }, [], [null], [[]],
  '7000-0000-0047', ' 7000-0000-0047', '700000000047', '7000-0000-004', '7000 0000 0047', 'M-7890-0400-4000', 'm-7890-0400-4000',
  'M-7890-0400-400', 'A33718377316', 'A3371837731', 'ACTIVATIONCODE', 'XYZ9-ABCD-EFGH',
  ['7000-0000-0047'], ['7000-0000-0047', 5], ['7000-0000-0047', null], [['7000-0000-0047']], ['M-7890-0400-4000', '7000-0000-0047'],
];

/** A value each variable type accepts, so that each case refuses (or not) for one variable only. */
const ACCEPTED: Record<string, unknown> = { String: '7000-0000-0047', LpaUid: '7000-0000-0047', AnyLpaUid: '7000-0000-0047', SiriusUid: '7000-0000-0047' };

function accepted(type: TypeNode): unknown {
  if (type.kind === Kind.NON_NULL_TYPE) return accepted(type.type);
  if (type.kind === Kind.LIST_TYPE) return [accepted(type.type)];
  if (!(type.name.value in ACCEPTED)) throw new Error(`no accepted value for ${type.name.value}: add one to ACCEPTED`);
  return ACCEPTED[type.name.value];
}

interface Query {
  file: string;
  path: string;
  document: string;
  /** Each variable, with a value it accepts. */
  variables: Record<string, unknown>;
}

function registeredQueries(): Query[] {
  const queries: Query[] = [];
  for (const consumer of readdirSync('operations', { withFileTypes: true }).filter((entry) => entry.isDirectory())) {
    for (const version of readdirSync(join('operations', consumer.name))) {
      for (const name of readdirSync(join('operations', consumer.name, version)).filter((file) => file.endsWith('.graphql'))) {
        const file = join('operations', consumer.name, version, name);
        const document = readFileSync(file, 'utf8');
        const operation = getOperationAST(parse(document));
        if (operation?.operation !== 'query') continue; // mutations run in Apollo whichever way they come
        const variables = Object.fromEntries((operation.variableDefinitions ?? []).map((definition) => [definition.variable.name.value, accepted(definition.type)]));
        queries.push({ file, path: `/${consumer.name}/${version}/graphql`, document, variables });
      }
    }
  }
  return queries;
}

/** Answers differ only in how old the data is, which moves with the clock. */
function comparable(text: string): unknown {
  return JSON.parse(text, (key, value: unknown) => (key === 'ageSeconds' || key === 'retrievedAt' ? '(time)' : value));
}

let gateway: TestGateway;
beforeAll(async () => {
  gateway = await startTestGateway({ SIRIUS_BREAKER_FAILURES: '1000' });
});
afterAll(() => gateway.close());

const queries = registeredQueries();

describe('registered queries refuse and accept variables exactly as Apollo does', () => {
  it('finds the registered queries and their variables', () => {
    expect(queries.length).toBeGreaterThanOrEqual(8);
    expect(queries.every((query) => Object.keys(query.variables).length > 0)).toBe(true);
  });

  it.each(queries.map((query) => [query.file, query] as const))('%s', async (_file, query) => {
    const valid = query.variables;
    const cases: unknown[] = [undefined, null, 'not an object', [], valid, { ...valid, unknown: 1 }];
    for (const name of Object.keys(valid)) {
      cases.push(Object.fromEntries(Object.entries(valid).filter(([other]) => other !== name))); // missing
      for (const value of VALUES) cases.push({ ...valid, [name]: value });
    }
    const adHocText = `${query.document}# sent ad hoc\n`;
    let refusedByBoth = 0;
    for (const variables of cases) {
      const adHoc = await gateway.post(query.path, JSON.stringify({ query: adHocText, variables }));
      const byId = await gateway.post(query.path, JSON.stringify({ documentId: `sha256:${sha256(query.document)}`, variables }));
      const label = `${query.file} with ${JSON.stringify(variables)}`;
      expect(byId.status, label).toBe(adHoc.status);
      expect(comparable(byId.text), label).toEqual(comparable(adHoc.text));
      if (adHoc.status === 400) refusedByBoth++;
    }
    // The sweep reaches the refusals it is about, and not only them.
    expect(refusedByBoth).toBeGreaterThan(cases.length / 2);
    expect(refusedByBoth).toBeLessThan(cases.length);
  });
});
