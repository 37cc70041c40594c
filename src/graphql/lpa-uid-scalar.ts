import { GraphQLError, GraphQLScalarType, Kind } from 'graphql';
import { formatLpaUid, parseLpaUid } from '../sirius/lpa-reference';

const FORM = 'an LPA uid: 12 digits starting with 7, written 7000-0000-0047 or 700000000047';

function parse(value: unknown): string {
  const digits = typeof value === 'string' ? parseLpaUid(value) : null;
  if (digits === null) throw new GraphQLError(`LpaUid must be ${FORM}.`, { extensions: { code: 'BAD_USER_INPUT' } });
  return digits;
}

/**
 * `LpaUid`: checked while a request is validated, so a malformed uid never reaches a resolver.
 * Internally the 12 digits; always written `7000-0000-0047`.
 */
export const LpaUidScalar = new GraphQLScalarType<string, string>({
  name: 'LpaUid',
  description: `${FORM[0]!.toUpperCase()}${FORM.slice(1)}.`,
  serialize: (value) => formatLpaUid(parse(value)),
  parseValue: parse,
  parseLiteral: (node) => {
    if (node.kind !== Kind.STRING) throw new GraphQLError(`LpaUid must be ${FORM}, as a string.`, { extensions: { code: 'BAD_USER_INPUT' } });
    return parse(node.value);
  },
});
