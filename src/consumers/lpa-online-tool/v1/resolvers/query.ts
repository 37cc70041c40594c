import type { QueryResolvers } from '../../../../generated/lpa-online-tool/v1';
import { userInputError } from '../../../../graphql/user-input-error';
import { parseOnlineLpaId } from '../../../../sirius/lpa-reference';

export const Query: QueryResolvers = {
  lpa: (_root, { onlineLpaId }, { loaders }) => {
    const id = parseOnlineLpaId(onlineLpaId);
    if (id === null) {
      throw userInputError('onlineLpaId must be an online tool reference: A followed by 11 digits, e.g. A33718377316.', 'onlineLpaId');
    }
    return loaders.lpa.load({ kind: 'onlineLpaId', value: id });
  },
};
