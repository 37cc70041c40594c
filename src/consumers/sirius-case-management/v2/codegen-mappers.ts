// Resolver parents for this schema: the codes domain's own shapes, as in v1 (this consumer never
// sees Sirius or LPA Store payloads). Paths are relative to src/generated/sirius-case-management/v2.ts.
export const mappers = {
  CreatedActivationCode: '../../codes/activation-codes#CreatedCode',
  ActivationCodeStatus: '../../codes/activation-codes#CodeStatusView',
  RevokedActivationCode: '../../codes/activation-codes#RevocationOutcome',
};

// Scalars this schema adds: resolvers get an `AnyLpaUid` parsed (which system, which uid) and
// answer it as a string in any accepted form.
export const scalars = {
  AnyLpaUid: { input: '../../graphql/any-lpa-uid-scalar#AnyLpaUid', output: 'string' },
};
