// How codegen types this schema's resolvers: each GraphQL type's parent is the Sirius shape it is
// resolved from. Paths are relative to the generated file (src/generated/use-an-lpa/v1.ts).
export const mappers = {
  Lpa: '../../loaders/lpa-lookup#FoundLpa',
  LpaNotFound: '../../loaders/lpa-lookup#MissingLpa',
  LpaDeleted: '../../loaders/lpa-lookup#DeletedLpa',
  Freshness: '../../cache/read-through#Freshness as FreshnessModel',
  Person: '../../sirius/sirius-lpa#SiriusCaseActor',
  TrustCorporation: '../../sirius/sirius-lpa#SiriusCaseActor',
  Address: '../../sirius/sirius-lpa#SiriusAddress',
};
