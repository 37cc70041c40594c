import type { QueryResolvers } from '../../../../generated/sirius-case-management/v2';
import { actorKey } from '../actor-uid';

export const Query: QueryResolvers = {
  activationCodeStatus: (_root, { lpaUid, actorUid }, { codes }) =>
    codes.status(lpaUid.uid, actorKey(lpaUid, actorUid, 'actorUid', 'actorUid')).then((status) => status ?? null),
};
