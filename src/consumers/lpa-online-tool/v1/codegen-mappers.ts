// How codegen types this schema's resolvers (paths relative to src/generated/lpa-online-tool/v1.ts).
export const mappers = {
  LpaSummary: '../../loaders/lpa-lookup#FoundLpa',
  LpaNotFound: '../../loaders/lpa-lookup#MissingLpa',
  LpaDeleted: '../../loaders/lpa-lookup#DeletedLpa',
  Freshness: '../../cache/read-through#Freshness as FreshnessModel',
};
