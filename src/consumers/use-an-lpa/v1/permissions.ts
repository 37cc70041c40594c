import { consumerPermissions, requireScope } from '../../../auth/scope-rules';

export const scopes = ['lpa.read', 'lpa.personal-data'] as const;

const readLpas = requireScope('lpa.read');
// Reached only through an Lpa (which needs lpa.read); names are part of reading an LPA,
// contact and identity details are not.
const personalData = requireScope('lpa.personal-data');

export const permissions = consumerPermissions({
  Query: { lpa: readLpas, lpas: readLpas },
  Lpa: readLpas,
  LpaNotFound: readLpas,
  LpaDeleted: readLpas,
  Person: { '*': readLpas, dateOfBirth: personalData, email: personalData, addresses: personalData },
  TrustCorporation: { '*': readLpas, email: personalData, addresses: personalData },
  Address: personalData,
  Freshness: readLpas,
});
