import type { PersonResolvers } from '../../../../generated/use-an-lpa/v1';
import { isoDate, text } from '../../../../sirius/lpa-vocabulary';
import { firstNames, orderedAddresses } from '../mappers';

export const Person: PersonResolvers = {
  uid: (actor) => actor.uId,
  salutation: (actor) => text(actor.salutation),
  firstNames: (actor) => firstNames(actor),
  surname: (actor) => text(actor.surname),
  otherNames: (actor) => text(actor.otherNames),
  dateOfBirth: (actor) => isoDate(actor.dob),
  email: (actor) => text(actor.email),
  isActive: (actor) => actor.systemStatus ?? null,
  addresses: (actor) => orderedAddresses(actor),
};
