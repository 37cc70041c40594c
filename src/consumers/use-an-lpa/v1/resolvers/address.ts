import type { AddressResolvers } from '../../../../generated/use-an-lpa/v1';
import { text } from '../../../../sirius/lpa-vocabulary';

export const Address: AddressResolvers = {
  addressLine1: (address) => text(address.addressLine1),
  addressLine2: (address) => text(address.addressLine2),
  addressLine3: (address) => text(address.addressLine3),
  town: (address) => text(address.town),
  county: (address) => text(address.county),
  postcode: (address) => text(address.postcode),
  country: (address) => text(address.country),
};
