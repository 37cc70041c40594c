import type { TrustCorporationResolvers } from '../../../../generated/use-an-lpa/v1';
import { text } from '../../../../sirius/lpa-vocabulary';
import { orderedAddresses } from '../mappers';

export const TrustCorporation: TrustCorporationResolvers = {
  uid: (actor) => actor.uId,
  companyName: (actor) => text(actor.companyName),
  email: (actor) => text(actor.email),
  isActive: (actor) => actor.systemStatus ?? null,
  addresses: (actor) => orderedAddresses(actor),
};
