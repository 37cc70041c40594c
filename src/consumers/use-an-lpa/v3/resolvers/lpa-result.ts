import type { LpaDeletedResolvers, LpaNotFoundResolvers, LpaResultResolvers } from '../../../../generated/use-an-lpa/v3';

// What a look-up found, for either system. The uid is the one asked for, already dashed; the
// AnyLpaUid scalar checks it again on the way out.
const TYPE_BY_OUTCOME = { found: 'Lpa', 'not-found': 'LpaNotFound', deleted: 'LpaDeleted' } as const;

export const LpaResult: LpaResultResolvers = {
  __resolveType: (lookup) => TYPE_BY_OUTCOME[lookup.outcome],
};

export const LpaNotFound: LpaNotFoundResolvers = {
  uid: ({ uid }) => uid,
};

export const LpaDeleted: LpaDeletedResolvers = {
  uid: ({ uid }) => uid,
  freshness: ({ freshness }) => freshness,
};
