import type { MutationResolvers } from '../../../../generated/sirius-case-management/v1';
import { userInputError } from '../../../../graphql/user-input-error';
import { idempotent } from '../../../../mutations/idempotent-mutation';

export const MAX_CODES_PER_REQUEST = 100;

export const Mutation: MutationResolvers = {
  createActivationCodes: (_root, args, context) => {
    if (args.input.length > MAX_CODES_PER_REQUEST) throw userInputError(`input may hold at most ${MAX_CODES_PER_REQUEST} codes.`, 'input');
    return idempotent(context, 'createActivationCodes', args, () => context.codes.create(args.input));
  },
  revokeActivationCode: (_root, args, context) =>
    idempotent(context, 'revokeActivationCode', args, async () => ({ revoked: await context.codes.revoke(args.lpaUid, args.actorUid) })),
};
