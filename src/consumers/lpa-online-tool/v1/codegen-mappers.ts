// How codegen types this schema's resolvers (paths relative to src/generated/lpa-online-tool/v1.ts).
export const mappers = {
  LpaSummary: '../../sirius/lpa-lookup#FoundLpa',
  LpaNotFound: '../../sirius/lpa-lookup#MissingLpa',
  LpaDeleted: '../../sirius/lpa-lookup#DeletedLpa',
  Freshness: '../../cache/lpa-read-through#Freshness as FreshnessModel',
};
