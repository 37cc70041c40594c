import { consumerPermissions, requireScope } from '../../../auth/scope-rules';

export const scopes = ['lpa.read', 'lpa.personal-data', 'codes.use'] as const;

const readLpas = requireScope('lpa.read');
const personalData = requireScope('lpa.personal-data');
const useCodes = requireScope('codes.use');

// v1's rules for reading LPAs, and codes.use for the activation code mutations.
export const permissions = consumerPermissions({
  Query: { lpa: readLpas, lpas: readLpas },
  Mutation: { validateActivationCode: useCodes, markActivationCodeUsed: useCodes, requestActivationKeyLetter: useCodes },
  ActivationCodeAccepted: useCodes,
  ActivationKeyLetterRequest: useCodes,
  ActivationCodeRefused: useCodes,
  Lpa: readLpas,
  LpaNotFound: readLpas,
  LpaDeleted: readLpas,
  Person: { '*': readLpas, dateOfBirth: personalData, email: personalData, addresses: personalData },
  TrustCorporation: { '*': readLpas, email: personalData, addresses: personalData },
  Address: personalData,
  Freshness: readLpas,
});
