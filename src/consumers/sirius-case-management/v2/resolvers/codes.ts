import type { CreatedActivationCodeResolvers } from '../../../../generated/sirius-case-management/v2';
import { CreatedActivationCode as CreatedActivationCodeV1 } from '../../v1/resolvers/codes';
import { answeredActorUid } from '../actor-uid';

// v1's resolvers, but for actorUid: a String in v2 (v1's SiriusUid scalar wrote it dashed), so it is
// written here, in the form of the LPA's system. lpaUid is answered by the AnyLpaUid scalar, dashed.
export const CreatedActivationCode: CreatedActivationCodeResolvers = {
  ...CreatedActivationCodeV1,
  actorUid: (created) => answeredActorUid(created.lpaUid, created.actorUid),
};

export { ActivationCodeStatus, RevokedActivationCode } from '../../v1/resolvers/codes';
