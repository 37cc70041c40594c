import type { LpaResultResolvers } from '../../../../generated/use-an-lpa/v1';

const TYPE_BY_OUTCOME = { found: 'Lpa', 'not-found': 'LpaNotFound', deleted: 'LpaDeleted' } as const;

export const LpaResult: LpaResultResolvers = {
  __resolveType: (lookup) => TYPE_BY_OUTCOME[lookup.outcome],
};
