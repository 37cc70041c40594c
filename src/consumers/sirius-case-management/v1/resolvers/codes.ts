import type { ActivationCodeStatusResolvers, CreatedActivationCodeResolvers, RevokedActivationCodeResolvers } from '../../../../generated/sirius-case-management/v1';

// Times are epoch milliseconds in the codes domain (they survive an idempotent replay as JSON).
const at = (ms: number | undefined) => (ms === undefined ? null : new Date(ms));

export const CreatedActivationCode: CreatedActivationCodeResolvers = {
  lpaUid: (created) => created.lpaUid,
  actorUid: (created) => created.actorUid,
  code: (created) => created.code,
  createdAt: (created) => new Date(created.createdAt),
  expiresAt: (created) => new Date(created.validUntil),
};

export const RevokedActivationCode: RevokedActivationCodeResolvers = {
  revoked: (outcome) => outcome.revoked,
};

const STATES = { active: 'ACTIVE', used: 'USED', revoked: 'REVOKED', expired: 'EXPIRED' } as const;

export const ActivationCodeStatus: ActivationCodeStatusResolvers = {
  status: (view) => STATES[view.status],
  createdAt: (view) => new Date(view.createdAt),
  expiresAt: (view) => new Date(view.validUntil),
  usedAt: (view) => at(view.usedAt),
  revokedAt: (view) => at(view.revokedAt),
};
