import { GraphQLError, GraphQLScalarType, Kind } from 'graphql';
import { formatLpaUid, parseLpaUid } from '../sirius/lpa-reference';

const FORM = '12 digits starting with 7, written 7000-0000-0047 or 700000000047';

/**
 * A Sirius uid as a scalar (an LPA's, or an actor's: the same form), checked while a request is
 * validated so that a malformed one never reaches a resolver. Internally the 12 digits; always
 * written `7000-0000-0047`.
 */
function siriusUidScalar(name: string, what: string): GraphQLScalarType<string, string> {
  const parse = (value: unknown): string => {
    const digits = typeof value === 'string' ? parseLpaUid(value) : null;
    if (digits === null) throw new GraphQLError(`${name} must be ${what}: ${FORM}.`, { extensions: { code: 'BAD_USER_INPUT' } });
    return digits;
  };
  return new GraphQLScalarType<string, string>({
    name,
    description: `${what[0]!.toUpperCase()}${what.slice(1)}: ${FORM}.`,
    serialize: (value) => formatLpaUid(parse(value)),
    parseValue: parse,
    parseLiteral: (node) => {
      if (node.kind !== Kind.STRING) throw new GraphQLError(`${name} must be ${what}, as a string.`, { extensions: { code: 'BAD_USER_INPUT' } });
      return parse(node.value);
    },
  });
}

export const LpaUidScalar = siriusUidScalar('LpaUid', 'an LPA uid');
export const SiriusUidScalar = siriusUidScalar('SiriusUid', 'a Sirius case or actor uid');
