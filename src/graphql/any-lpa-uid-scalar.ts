import { GraphQLError, GraphQLScalarType, Kind } from 'graphql';
import { parseLpaStoreUid } from '../lpa-store/lpa-store-uid';
import { formatLpaUid, parseLpaUid } from '../sirius/lpa-reference';

/** An LPA uid, parsed: which system holds the LPA, and its uid as that system's client wants it. */
export type AnyLpaUid =
  | { system: 'sirius'; /** 12 digits, e.g. 700000000047 */ uid: string }
  | { system: 'lpa-store'; /** dashed, e.g. M-7890-0400-4000 */ uid: string };

const FORMS = 'a Sirius uid (7000-0000-0047 or 700000000047) or an LPA Store uid (M-7890-0400-4000, with a valid check digit)';

/** Either kind of uid, in any accepted form → which system and its uid; anything else → null. */
export function parseAnyLpaUid(input: string): AnyLpaUid | null {
  if (input.startsWith('M')) {
    const uid = parseLpaStoreUid(input);
    return uid === null ? null : { system: 'lpa-store', uid };
  }
  const digits = parseLpaUid(input);
  return digits === null ? null : { system: 'sirius', uid: digits };
}

/** The dashed form every answer uses: `7000-0000-0047` or `M-7890-0400-4000`. */
export function formatAnyLpaUid(uid: AnyLpaUid): string {
  return uid.system === 'sirius' ? formatLpaUid(uid.uid) : uid.uid;
}

function badInput(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: 'BAD_USER_INPUT' } });
}

function parse(value: unknown): AnyLpaUid {
  const parsed = typeof value === 'string' ? parseAnyLpaUid(value) : null;
  if (parsed === null) throw badInput(`AnyLpaUid must be ${FORMS}.`);
  return parsed;
}

/**
 * `AnyLpaUid`: a Sirius uid checked as `LpaUid` checks it, or an LPA Store uid whose Damm check
 * digit is right, refused while the request is validated so that a malformed or mistyped uid never
 * reaches a resolver (nor either system). Resolvers get `{ system, uid }`; answers are written in
 * the dashed form, from either a uid string in any accepted form or a parsed value.
 */
export const AnyLpaUidScalar = new GraphQLScalarType<AnyLpaUid, string>({
  name: 'AnyLpaUid',
  description: `An LPA uid of either system: ${FORMS}.`,
  // Checked on the way out too: a uid string in any accepted form, or a parsed value's uid.
  serialize: (value) => formatAnyLpaUid(parse(typeof value === 'object' && value !== null && 'uid' in value ? value.uid : value)),
  parseValue: parse,
  parseLiteral: (node) => {
    if (node.kind !== Kind.STRING) throw badInput('AnyLpaUid must be an LPA uid, as a string.');
    return parse(node.value);
  },
});
