import type { QueryResolvers } from '../../../../generated/sirius-case-management/v1';

export const Query: QueryResolvers = {
  activationCodeStatus: (_root, { lpaUid, actorUid }, { codes }) => codes.status(lpaUid, actorUid).then((status) => status ?? null),
};
