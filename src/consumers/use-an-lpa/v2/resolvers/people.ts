import type { PersonResolvers, TrustCorporationResolvers } from '../../../../generated/use-an-lpa/v2';
import { Person as PersonV1 } from '../../v1/resolvers/person';
import { TrustCorporation as TrustCorporationV1 } from '../../v1/resolvers/trust-corporation';

// v2 has no isActive: only those who can act are listed.
const { isActive: _personIsActive, ...person } = PersonV1;
const { isActive: _corporationIsActive, ...corporation } = TrustCorporationV1;

export const Person: PersonResolvers = person;
export const TrustCorporation: TrustCorporationResolvers = corporation;
