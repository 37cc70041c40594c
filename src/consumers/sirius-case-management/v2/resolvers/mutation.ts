import type { MutationResolvers } from '../../../../generated/sirius-case-management/v2';
import type { CodeRequest } from '../../../../codes/activation-codes';
import { userInputError } from '../../../../graphql/user-input-error';
import { idempotent } from '../../../../mutations/idempotent-mutation';
import { MAX_CODES_PER_REQUEST } from '../../v1/resolvers/mutation';
import { actorKey } from '../actor-uid';

// v1's mutations for LPAs of either system. Every uid is keyed (actor-uid.ts) before anything else,
// so a malformed actor uid acts on nothing, and the idempotent input is the keyed one: for a Sirius
// LPA exactly v1's, so a retry may cross versions.
export const Mutation: MutationResolvers = {
  createActivationCodes: (_root, args, context) => {
    if (args.input.length > MAX_CODES_PER_REQUEST) throw userInputError(`input may hold at most ${MAX_CODES_PER_REQUEST} codes.`, 'input');
    const input: CodeRequest[] = args.input.map(({ lpaUid, actorUid, dateOfBirth }, index) => ({
      lpaUid: lpaUid.uid,
      actorUid: actorKey(lpaUid, actorUid, `input[${index}].actorUid`, 'input'),
      dateOfBirth,
    }));
    return idempotent(context, 'createActivationCodes', { ...args, input }, () => context.codes.create(input));
  },
  revokeActivationCode: (_root, args, context) => {
    const lpaUid = args.lpaUid.uid;
    const actorUid = actorKey(args.lpaUid, args.actorUid, 'actorUid', 'actorUid');
    return idempotent(context, 'revokeActivationCode', { ...args, lpaUid, actorUid }, async () => ({ revoked: await context.codes.revoke(lpaUid, actorUid) }));
  },
};
