import type {
  ActivationCodeAcceptedResolvers,
  ActivationCodeCheckResolvers,
  ActivationCodeRefusedResolvers,
  ActivationKeyLetterRequestResolvers,
  MutationResolvers,
} from '../../../../generated/use-an-lpa/v2';
import { userInputError } from '../../../../graphql/user-input-error';
import { isTransientCheck, type CodeCheck } from '../../../../codes/activation-codes';
import { idempotent } from '../../../../mutations/idempotent-mutation';
import { formatLpaUid, parseLpaUid } from '../../../../sirius/lpa-reference';

// Use an LPA's side of activation codes: check a code, then use it. The caller's name scopes the
// rate limits; the code itself goes no further than the codes domain (never a log or an error).
// A rate-limited answer is transient: an idempotent retry is evaluated again, not replayed.
// Letter requests are rate limited too, in the codes domain (src/codes/letter-limits.ts).
export const Mutation: MutationResolvers = {
  validateActivationCode: (_root, args, context) =>
    idempotent(context, 'validateActivationCode', args, () => context.codes.validate(args.code, args.lpaUid, args.dateOfBirth, context.caller.name), {
      transient: isTransientCheck,
    }),
  markActivationCodeUsed: (_root, args, context) =>
    idempotent(
      context,
      'markActivationCodeUsed',
      args,
      (attempt) => context.codes.markUsed(args.code, args.lpaUid, args.dateOfBirth, context.caller.name, attempt?.keyDigest),
      { transient: isTransientCheck },
    ),
  requestActivationKeyLetter: (_root, args, context) => {
    const actorUid = parseLpaUid(args.actorUid);
    if (actorUid === null) throw userInputError('actorUid must be 12 digits starting with 7, written 7000-0000-0799 or 700000000799.', 'actorUid');
    return idempotent(context, 'requestActivationKeyLetter', { ...args, actorUid }, async () => ({
      queued: (await context.siriusLetters.request(args.lpaUid, actorUid)) === 'queued',
    }));
  },
};

export const ActivationKeyLetterRequest: ActivationKeyLetterRequestResolvers = {
  queued: (request) => request.queued,
};

export const ActivationCodeCheck: ActivationCodeCheckResolvers = {
  __resolveType: (check) => (check.outcome === 'valid' ? 'ActivationCodeAccepted' : 'ActivationCodeRefused'),
};

export const ActivationCodeAccepted: ActivationCodeAcceptedResolvers = {
  actorUid: (check) => (check.outcome === 'valid' ? formatLpaUid(check.actorUid) : ''),
};

const REFUSALS = {
  'no-match': 'NO_MATCH',
  expired: 'EXPIRED',
  used: 'USED',
  revoked: 'REVOKED',
  'too-many-attempts': 'TOO_MANY_ATTEMPTS',
} as const satisfies Record<Exclude<CodeCheck['outcome'], 'valid'>, string>;

export const ActivationCodeRefused: ActivationCodeRefusedResolvers = {
  reason: (check) => (check.outcome === 'valid' ? 'NO_MATCH' : REFUSALS[check.outcome]),
  retryAfterSeconds: (check) => (check.outcome === 'too-many-attempts' ? check.retryAfterSeconds : null),
};
