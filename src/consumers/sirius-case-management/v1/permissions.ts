import { consumerPermissions, requireScope } from '../../../auth/scope-rules';

export const scopes = ['codes.manage'] as const;

const manageCodes = requireScope('codes.manage');

// Only case management creates and revokes codes: this schema is registered for it alone, and
// every field needs codes.manage.
export const permissions = consumerPermissions({
  Query: { activationCodeStatus: manageCodes },
  Mutation: { createActivationCodes: manageCodes, revokeActivationCode: manageCodes },
  CreatedActivationCode: manageCodes,
  RevokedActivationCode: manageCodes,
  ActivationCodeStatus: manageCodes,
});
