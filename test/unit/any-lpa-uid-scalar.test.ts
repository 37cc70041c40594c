import { readFileSync } from 'node:fs';
import { makeExecutableSchema } from '@graphql-tools/schema';
import { graphql } from 'graphql';
import { describe, expect, it } from 'vitest';
import { AnyLpaUidScalar, formatAnyLpaUid, parseAnyLpaUid, type AnyLpaUid } from '../../src/graphql/any-lpa-uid-scalar';

describe('AnyLpaUid', () => {
  it.each([
    ['7000-0000-0047', { system: 'sirius', uid: '700000000047' }, '7000-0000-0047'],
    ['700000000047', { system: 'sirius', uid: '700000000047' }, '7000-0000-0047'],
    ['M-7890-0400-4000', { system: 'lpa-store', uid: 'M-7890-0400-4000' }, 'M-7890-0400-4000'],
    ['M789004004000', { system: 'lpa-store', uid: 'M-7890-0400-4000' }, 'M-7890-0400-4000'],
  ])('%s → %j, answered %s', (input, parsed, answered) => {
    expect(parseAnyLpaUid(input)).toEqual(parsed);
    expect(formatAnyLpaUid(parsed as AnyLpaUid)).toBe(answered);
    expect(AnyLpaUidScalar.serialize(input)).toBe(answered);
    expect(AnyLpaUidScalar.serialize(parsed)).toBe(answered);
  });

  it.each(['M-1234-5678-9012', 'm-7890-0400-4000', '8000-0000-0047', '7000-0000-004', 'A33718377316', ''])('%j is refused', (input) => {
    expect(parseAnyLpaUid(input)).toBeNull();
    expect(() => AnyLpaUidScalar.parseValue(input)).toThrow(/AnyLpaUid must be/);
  });

  // The real v3 SDL, with a resolver that records what it was given.
  const seen: AnyLpaUid[] = [];
  const schema = makeExecutableSchema({
    typeDefs: readFileSync('schema/use-an-lpa/v3.graphql', 'utf8'),
    resolvers: {
      AnyLpaUid: AnyLpaUidScalar,
      LpaResult: { __resolveType: () => 'LpaNotFound' },
      Query: {
        lpas: (_root: unknown, { uids }: { uids: AnyLpaUid[] }) => {
          seen.push(...uids);
          return uids.map((uid) => ({ uid: uid.uid }));
        },
      },
    },
  });
  const query = (uids: string[]) =>
    graphql({ schema, source: 'query($uids: [AnyLpaUid!]!) { lpas(uids: $uids) { ... on LpaNotFound { uid } } }', variableValues: { uids } });

  it('resolvers get which system and which uid; answers are dashed', async () => {
    seen.length = 0;
    const result = await query(['700000000047', 'M789004004000', 'M-0000-0000-0646']);
    expect(result.errors).toBeUndefined();
    expect(seen).toEqual([
      { system: 'sirius', uid: '700000000047' },
      { system: 'lpa-store', uid: 'M-7890-0400-4000' },
      { system: 'lpa-store', uid: 'M-0000-0000-0646' },
    ]);
    expect(result.data).toEqual({ lpas: [{ uid: '7000-0000-0047' }, { uid: 'M-7890-0400-4000' }, { uid: 'M-0000-0000-0646' }] });
  });

  it('a wrong check digit is refused while the request is validated: no resolver runs', async () => {
    seen.length = 0;
    const result = await query(['700000000047', 'M-7890-0400-4001']);
    expect(seen).toEqual([]);
    expect(result.errors?.[0]?.message).toMatch(/AnyLpaUid must be/);
    expect(result.errors?.[0]?.extensions.code).toBe('BAD_USER_INPUT');
  });
});
