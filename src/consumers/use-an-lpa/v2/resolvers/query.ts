import type { QueryResolvers } from '../../../../generated/use-an-lpa/v2';
import { userInputError } from '../../../../graphql/user-input-error';
import { MAX_UIDS_PER_QUERY } from '../../v1/resolvers/query';

// uids arrive as 12 digits: the LpaUid scalar refused every other form during validation.
export const Query: QueryResolvers = {
  lpa: (_root, { uid }, { loaders }) => loaders.lpa.load({ kind: 'uid', value: uid }),

  lpas: (_root, { uids }, { loaders }) => {
    if (uids.length > MAX_UIDS_PER_QUERY) {
      throw userInputError(`uids may name at most ${MAX_UIDS_PER_QUERY} LPAs in one query.`, 'uids');
    }
    return uids.map((uid) => loaders.lpa.load({ kind: 'uid', value: uid }));
  },
};
