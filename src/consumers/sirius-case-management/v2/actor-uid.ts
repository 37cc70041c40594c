import { parseAnyLpaUid, type AnyLpaUid } from '../../../graphql/any-lpa-uid-scalar';
import { userInputError } from '../../../graphql/user-input-error';
import { parseLpaStoreActorUid } from '../../../lpa-store/lpa-store-actor-uid';
import { formatLpaUid, parseLpaUid } from '../../../sirius/lpa-reference';

// v2's actorUid is a String whose form depends on the LPA's system, so it is checked here, per
// LPA, rather than by a scalar. Codes are keyed exactly as use-an-lpa v3 keys them (so that a code
// created here is found there): the LPA by `AnyLpaUid`'s uid (12 digits for Sirius, as v1 and
// use-an-lpa v2 do; dashed `M-…` for the LPA Store), the actor as the system holding the LPA names
// it (12 digits for Sirius, as v1; the store's UUID in lower case).

/**
 * The actor's uid as the codes domain keys it, for an LPA of either system; any other form is
 * `BAD_USER_INPUT` (`what` names the value in the message, `argumentName` the argument).
 */
export function actorKey(lpaUid: AnyLpaUid, actorUid: string, what: string, argumentName: string): string {
  if (lpaUid.system === 'lpa-store') {
    const uuid = parseLpaStoreActorUid(actorUid);
    if (uuid === null) throw userInputError(`${what} must be the actor's UUID on an LPA Store LPA (such as 9ac5cb7c-fc75-40c7-8e53-059f36dbbe3d).`, argumentName);
    return uuid;
  }
  const digits = parseLpaUid(actorUid);
  if (digits === null) throw userInputError(`${what} must be 12 digits starting with 7 on a Sirius LPA, written 7000-0000-0799 or 700000000799.`, argumentName);
  return digits;
}

/** A keyed actor uid as answered: a Sirius actor dashed (`7000-0000-0799`), an LPA Store actor's UUID as held (lower case). */
export function answeredActorUid(lpaKey: string, actorKey: string): string {
  return parseAnyLpaUid(lpaKey)?.system === 'sirius' ? formatLpaUid(actorKey) : actorKey;
}
