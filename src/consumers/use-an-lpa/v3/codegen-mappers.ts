// How codegen types this schema's resolvers (paths relative to src/generated/use-an-lpa/v3.ts).
// The results of a look-up are what the loaders hand over (lpa-lookup.ts); an `Lpa`'s fields,
// people and addresses are the combined LPA's own plain values, so they need no mapper. Code
// checks come from the codes domain, as in v2.
export const mappers = {
  Lpa: '../../consumers/use-an-lpa/v3/lpa-lookup#FoundCombinedLpa',
  LpaNotFound: '../../consumers/use-an-lpa/v3/lpa-lookup#MissingCombinedLpa',
  LpaDeleted: '../../consumers/use-an-lpa/v3/lpa-lookup#DeletedCombinedLpa',
  Freshness: '../../cache/read-through#Freshness as FreshnessModel',
  ActivationCodeAccepted: '../../codes/activation-codes#CodeCheck',
  ActivationCodeRefused: '../../codes/activation-codes#CodeCheck',
};

// Scalars this schema adds: resolvers get an `AnyLpaUid` parsed (which system, which uid) and
// answer it as a string in any accepted form.
export const scalars = {
  AnyLpaUid: { input: '../../graphql/any-lpa-uid-scalar#AnyLpaUid', output: 'string' },
};
