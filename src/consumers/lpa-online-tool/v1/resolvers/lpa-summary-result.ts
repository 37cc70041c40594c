import type {
  LpaDeletedResolvers,
  LpaNotFoundResolvers,
  LpaSummaryResultResolvers,
} from '../../../../generated/lpa-online-tool/v1';

const TYPE_BY_OUTCOME = { found: 'LpaSummary', 'not-found': 'LpaNotFound', deleted: 'LpaDeleted' } as const;

export const LpaSummaryResult: LpaSummaryResultResolvers = {
  __resolveType: (lookup) => TYPE_BY_OUTCOME[lookup.outcome],
};

export const LpaNotFound: LpaNotFoundResolvers = { onlineLpaId: ({ ref }) => ref.value };
export const LpaDeleted: LpaDeletedResolvers = { onlineLpaId: ({ ref }) => ref.value, freshness: ({ freshness }) => freshness };
