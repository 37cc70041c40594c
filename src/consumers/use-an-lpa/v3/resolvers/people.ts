import type { AddressResolvers, PersonResolvers, TrustCorporationResolvers } from '../../../../generated/use-an-lpa/v3';
import type { CombinedAddress, CombinedPerson, CombinedTrustCorporation } from '../combined-lpa';

// People, trust corporations and addresses are already v3's plain values (mappers.ts mapped them
// from whichever system answered): each field is read as it is.
function reading<T extends object>(keys: readonly (keyof T & string)[]): { [K in keyof T]: (parent: T) => T[K] } {
  return Object.fromEntries(keys.map((key) => [key, (parent: T) => parent[key]])) as { [K in keyof T]: (parent: T) => T[K] };
}

export const Person: PersonResolvers = reading<CombinedPerson>(['uid', 'salutation', 'firstNames', 'surname', 'otherNames', 'dateOfBirth', 'email', 'addresses']);
export const TrustCorporation: TrustCorporationResolvers = reading<CombinedTrustCorporation>(['uid', 'name', 'companyNumber', 'email', 'addresses']);
export const Address: AddressResolvers = reading<CombinedAddress>([
  'addressLine1',
  'addressLine2',
  'addressLine3',
  'town',
  'county',
  'postcode',
  'country',
  'countryCode',
]);
