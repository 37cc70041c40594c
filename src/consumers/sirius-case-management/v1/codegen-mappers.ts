// Resolver parents for this schema: the codes domain's own shapes (this consumer never sees Sirius
// payloads). Paths are relative to src/generated/sirius-case-management/v1.ts.
export const mappers = {
  CreatedActivationCode: '../../codes/activation-codes#CreatedCode',
  ActivationCodeStatus: '../../codes/activation-codes#CodeStatusView',
  RevokedActivationCode: '../../codes/activation-codes#RevocationOutcome',
};
