import { consumerPermissions, requireScope } from '../../../auth/scope-rules';

export const scopes = ['lpa.read', 'lpa.personal-data', 'codes.use'] as const;

const readLpas = requireScope('lpa.read');
const personalData = requireScope('lpa.personal-data');
const useCodes = requireScope('codes.use');

// v2's rules, for both systems' LPAs: names, statuses and dates with lpa.read; dates of birth,
// emails and addresses only with lpa.personal-data; the code mutations with codes.use.
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
