import type { ActivationCodeAcceptedResolvers, MutationResolvers } from '../../../../generated/use-an-lpa/v3';
import type { AnyLpaUid } from '../../../../graphql/any-lpa-uid-scalar';
import { userInputError } from '../../../../graphql/user-input-error';
import { isTransientCheck } from '../../../../codes/activation-codes';
import { parseLpaStoreActorUid } from '../../../../lpa-store/lpa-store-actor-uid';
import { idempotent } from '../../../../mutations/idempotent-mutation';
import { formatLpaUid, parseLpaUid } from '../../../../sirius/lpa-reference';

// v2's activation-code mutations, for either system's LPAs. The codes domain keys a code by the
// LPA's uid as each system writes it (12 digits for Sirius, as v2 does; dashed M- for the store).
// A letter for a Sirius LPA is asked of Sirius; for an LPA Store LPA it is announced as an event.

const codeKey = (uid: AnyLpaUid) => uid.uid;

export const Mutation: MutationResolvers = {
  validateActivationCode: (_root, args, context) =>
    idempotent(context, 'validateActivationCode', { ...args, lpaUid: codeKey(args.lpaUid) }, () => context.codes.validate(args.code, codeKey(args.lpaUid), args.dateOfBirth, context.caller.name), {
      transient: isTransientCheck,
    }),
  markActivationCodeUsed: (_root, args, context) =>
    idempotent(
      context,
      'markActivationCodeUsed',
      { ...args, lpaUid: codeKey(args.lpaUid) },
      (attempt) => context.codes.markUsed(args.code, codeKey(args.lpaUid), args.dateOfBirth, context.caller.name, attempt?.keyDigest),
      { transient: isTransientCheck },
    ),
  requestActivationKeyLetter: (_root, args, context) => {
    const { lpaUid } = args;
    if (lpaUid.system === 'lpa-store') {
      // An LPA Store actor is a UUID (the store's own actor ids).
      const actorUid = parseLpaStoreActorUid(args.actorUid);
      if (actorUid === null) throw userInputError("actorUid must be the actor's UUID on an LPA Store LPA.", 'actorUid');
      return idempotent(context, 'requestActivationKeyLetter', { ...args, lpaUid: lpaUid.uid, actorUid }, async () => ({
        queued: (await context.lpaStoreLetters.request(lpaUid.uid, actorUid)) === 'queued',
      }));
    }
    const actorUid = parseLpaUid(args.actorUid);
    if (actorUid === null) throw userInputError('actorUid must be 12 digits starting with 7, written 7000-0000-0799 or 700000000799.', 'actorUid');
    return idempotent(context, 'requestActivationKeyLetter', { ...args, lpaUid: lpaUid.uid, actorUid }, async () => ({
      queued: (await context.siriusLetters.request(lpaUid.uid, actorUid)) === 'queued',
    }));
  },
};

// The actor a code was created for, as the codes domain holds it: 12 digits for a Sirius actor
// (answered dashed, as v2 does) or an LPA Store actor's UUID, lower case (answered as it is: v2's
// resolver would cut a UUID into `xxxx-xxxx-xxxx`).
export const ActivationCodeAccepted: ActivationCodeAcceptedResolvers = {
  actorUid: (check) => {
    if (check.outcome !== 'valid') return '';
    const siriusActor = parseLpaUid(check.actorUid);
    return siriusActor === null ? check.actorUid : formatLpaUid(siriusActor);
  },
};
