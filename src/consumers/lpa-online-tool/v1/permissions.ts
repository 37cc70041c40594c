import { consumerPermissions, requireScope } from '../../../auth/scope-rules';

export const scopes = ['lpa.status'] as const;

const readStatus = requireScope('lpa.status');

export const permissions = consumerPermissions({
  Query: { lpa: readStatus },
  LpaSummary: readStatus,
  LpaNotFound: readStatus,
  LpaDeleted: readStatus,
  Freshness: readStatus,
});
