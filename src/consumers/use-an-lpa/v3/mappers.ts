// Use an LPA v3's view of both systems that hold LPAs: one pure function per upstream, from its
// validated document to the one combined LPA that v3's resolvers answer field by field. Whole-LPA
// mappers rather than per-field ones, because the rules cut across fields (an attorney is listed
// under `attorneys` or `replacementAttorneys` or nowhere) and because the loaders can then cache,
// compare and log one neutral value whatever system answered. Nothing else in the gateway knows both
// systems' words.
import type { AttorneyDecisions, LpaStatus } from '../../../generated/use-an-lpa/v3';
import { isCalendarDate } from '../../../calendar-date';
import type { LpaStoreAddress, LpaStoreAttorney, LpaStoreLpa, LpaStoreTrustCorporation } from '../../../lpa-store/lpa-store-lpa';
import { formatLpaUid } from '../../../sirius/lpa-reference';
import { isoDate, statusConstant, text } from '../../../sirius/lpa-vocabulary';
import type { SiriusAddress, SiriusCaseActor, SiriusLpa } from '../../../sirius/sirius-lpa';
import { uidDigits } from '../../../sirius/sirius-lpa';
import { activeAttorneys, attorneyDecisions, firstNames, orderedAddresses } from '../v1/mappers';
import type { CombinedAddress, CombinedLpa, CombinedPerson, CombinedTrustCorporation } from './combined-lpa';

// ---------------------------------------------------------------------------------------------
// Sirius: as v2 reads it (v1's mappers), in v3's shape.

/** A Sirius LPA: attorneys removed from it (`systemStatus: false`) are not listed, as in v2. */
export function fromSirius(lpa: SiriusLpa): CombinedLpa {
  return {
    uid: siriusUid(lpa.uId),
    source: 'SIRIUS',
    status: statusConstant(lpa.status),
    type: lpa.caseSubtype === 'hw' ? 'HEALTH_AND_WELFARE' : 'PROPERTY_AND_FINANCE',
    applicationType: lpa.applicationType === 'Online' ? 'ONLINE' : lpa.applicationType === 'Classic' ? 'CLASSIC' : null,
    onlineLpaId: text(lpa.onlineLpaId),
    howAttorneysMakeDecisions: attorneyDecisions(lpa),
    howAttorneysMakeDecisionsDetails: null,
    howReplacementAttorneysMakeDecisions: null,
    howReplacementAttorneysStepIn: null,
    howReplacementAttorneysStepInDetails: null,
    whenAttorneysCanAct:
      lpa.attorneyActDecisions === 'When Registered' ? 'WHEN_REGISTERED' : lpa.attorneyActDecisions === 'Loss of capacity' ? 'LOSS_OF_CAPACITY' : null,
    lifeSustainingTreatment:
      lpa.lifeSustainingTreatment === 'Option A' ? 'OPTION_A' : lpa.lifeSustainingTreatment === 'Option B' ? 'OPTION_B' : null,
    hasRestrictions: lpa.applicationHasRestrictions === true,
    restrictionsAndConditions: null,
    hasGuidance: lpa.applicationHasGuidance === true,
    isCleansed: lpa.lpaIsCleansed === true,
    donorSignatureDate: isoDate(lpa.lpaDonorSignatureDate),
    registrationDate: isoDate(lpa.registrationDate),
    receiptDate: isoDate(lpa.receiptDate),
    rejectedDate: isoDate(lpa.rejectedDate),
    cancellationDate: isoDate(lpa.cancellationDate),
    invalidDate: isoDate(lpa.invalidDate),
    withdrawnDate: isoDate(lpa.withdrawnDate),
    dispatchDate: isoDate(lpa.dispatchDate),
    statusDate: isoDate(lpa.statusDate),
    updatedAt: null,
    donor: siriusPerson(lpa.donor),
    attorneys: activeAttorneys(lpa).map(siriusPerson),
    // Sirius's own list, as v2 answers it: Sirius does not say whether a replacement has stepped in.
    replacementAttorneys: (lpa.replacementAttorneys ?? []).map(siriusPerson),
    certificateProviders: (lpa.certificateProviders ?? []).map(siriusPerson),
    trustCorporations: (lpa.trustCorporations ?? []).filter((corporation) => corporation.systemStatus !== false).map(siriusTrustCorporation),
    replacementTrustCorporations: null,
  };
}

/** Sirius writes uids dashed or not; v3 answers them dashed. */
function siriusUid(uid: string): string {
  return formatLpaUid(uidDigits(uid));
}

function siriusPerson(actor: SiriusCaseActor): CombinedPerson {
  return {
    uid: siriusUid(actor.uId),
    salutation: text(actor.salutation),
    firstNames: firstNames(actor),
    surname: text(actor.surname),
    otherNames: text(actor.otherNames),
    dateOfBirth: isoDate(actor.dob),
    email: text(actor.email),
    addresses: orderedAddresses(actor).map(siriusAddress),
  };
}

function siriusTrustCorporation(actor: SiriusCaseActor): CombinedTrustCorporation {
  return {
    uid: siriusUid(actor.uId),
    name: text(actor.companyName),
    companyNumber: null,
    email: text(actor.email),
    addresses: orderedAddresses(actor).map(siriusAddress),
  };
}

function siriusAddress(address: SiriusAddress): CombinedAddress {
  return {
    addressLine1: text(address.addressLine1),
    addressLine2: text(address.addressLine2),
    addressLine3: text(address.addressLine3),
    town: text(address.town),
    county: text(address.county),
    postcode: text(address.postcode),
    country: text(address.country),
    countryCode: null,
  };
}

// ---------------------------------------------------------------------------------------------
// The LPA Store (../shared/fixtures/lpa-store/schemas/2024-10/).

const STORE_STATUSES: Readonly<Record<string, LpaStatus>> = {
  'in-progress': 'IN_PROGRESS',
  'statutory-waiting-period': 'STATUTORY_WAITING_PERIOD',
  registered: 'REGISTERED',
  'cannot-register': 'CANNOT_REGISTER',
  'do-not-register': 'DO_NOT_REGISTER',
  expired: 'EXPIRED',
  withdrawn: 'WITHDRAWN',
  cancelled: 'CANCELLED',
  'de-registered': 'DE_REGISTERED',
  suspended: 'SUSPENDED',
};

/**
 * The store's status as v3 names it (its word in upper snake case). A word the store added after
 * v3 was released is `UNRECOGNISED`, never an error: the rest of the LPA is still worth answering.
 */
export function lpaStoreStatus(status: string): LpaStatus {
  return Object.hasOwn(STORE_STATUSES, status) ? STORE_STATUSES[status]! : 'UNRECOGNISED';
}

const STORE_DECISIONS: Readonly<Record<string, AttorneyDecisions>> = {
  jointly: 'JOINTLY',
  'jointly-and-severally': 'JOINTLY_AND_SEVERALLY',
  'jointly-for-some-severally-for-others': 'JOINTLY_FOR_SOME_JOINTLY_AND_SEVERALLY_FOR_OTHERS',
};

function storeDecisions(value: string | null): AttorneyDecisions | null {
  return value !== null && Object.hasOwn(STORE_DECISIONS, value) ? STORE_DECISIONS[value]! : null;
}

/**
 * Where an attorney or trust corporation of the store is listed:
 * - `active` (an original attorney, or a replacement who has stepped in): acting;
 * - `inactive` with `appointmentType: replacement`: a replacement still waiting;
 * - `replacement` (a legacy status in Use an LPA's own test data): a replacement still waiting;
 * - `removed`, an `inactive` original, and any status the gateway does not know: nowhere (never
 *   shown to an organisation as someone who may act).
 */
export type Appointment = 'acting' | 'waiting-replacement' | 'not-listed';

export function appointment(actor: Pick<LpaStoreAttorney, 'status' | 'appointmentType'>): Appointment {
  if (actor.status === 'active') return 'acting';
  if (actor.status === 'replacement') return 'waiting-replacement';
  if (actor.status === 'inactive' && actor.appointmentType === 'replacement') return 'waiting-replacement';
  return 'not-listed';
}

/** An LPA of the store. Attorneys and trust corporations are sorted by `appointment`. */
export function fromLpaStore(lpa: LpaStoreLpa): CombinedLpa {
  const attorneys = (wanted: Appointment) => lpa.attorneys.filter((attorney) => appointment(attorney) === wanted).map(storePerson);
  const corporations = (wanted: Appointment) =>
    lpa.trustCorporations.filter((corporation) => appointment(corporation) === wanted).map(storeTrustCorporation);
  const restrictions = text(lpa.restrictionsAndConditions);
  return {
    uid: lpa.uid,
    source: 'LPA_STORE',
    status: lpaStoreStatus(lpa.status),
    type: lpa.lpaType === 'personal-welfare' ? 'HEALTH_AND_WELFARE' : 'PROPERTY_AND_FINANCE',
    applicationType: lpa.channel === 'online' ? 'ONLINE' : lpa.channel === 'paper' ? 'CLASSIC' : null,
    onlineLpaId: null,
    howAttorneysMakeDecisions: storeDecisions(lpa.howAttorneysMakeDecisions),
    howAttorneysMakeDecisionsDetails: text(lpa.howAttorneysMakeDecisionsDetails),
    howReplacementAttorneysMakeDecisions: storeDecisions(lpa.howReplacementAttorneysMakeDecisions),
    howReplacementAttorneysStepIn:
      lpa.howReplacementAttorneysStepIn === 'all-can-no-longer-act'
        ? 'ALL_CAN_NO_LONGER_ACT'
        : lpa.howReplacementAttorneysStepIn === 'one-can-no-longer-act'
          ? 'ONE_CAN_NO_LONGER_ACT'
          : lpa.howReplacementAttorneysStepIn === 'another-way'
            ? 'ANOTHER_WAY'
            : null,
    howReplacementAttorneysStepInDetails: text(lpa.howReplacementAttorneysStepInDetails),
    whenAttorneysCanAct:
      lpa.whenTheLpaCanBeUsed === 'when-has-capacity' ? 'WHEN_REGISTERED' : lpa.whenTheLpaCanBeUsed === 'when-capacity-lost' ? 'LOSS_OF_CAPACITY' : null,
    lifeSustainingTreatment:
      lpa.lifeSustainingTreatmentOption === 'option-a' ? 'OPTION_A' : lpa.lifeSustainingTreatmentOption === 'option-b' ? 'OPTION_B' : null,
    // A paper LPA's restrictions are scanned pages, not text: there are some all the same.
    hasRestrictions: restrictions !== null || lpa.restrictionsAndConditionsImages.length > 0,
    restrictionsAndConditions: restrictions,
    hasGuidance: null,
    isCleansed: null,
    donorSignatureDate: calendarDay(lpa.signedAt),
    registrationDate: calendarDay(lpa.registrationDate),
    receiptDate: null,
    rejectedDate: null,
    cancellationDate: null,
    invalidDate: null,
    withdrawnDate: null,
    dispatchDate: null,
    statusDate: null,
    updatedAt: moment(lpa.updatedAt),
    donor: { ...storePerson(lpa.donor), otherNames: text(lpa.donor.otherNamesKnownBy) },
    attorneys: attorneys('acting'),
    replacementAttorneys: attorneys('waiting-replacement'),
    certificateProviders: lpa.certificateProvider ? [storePerson(lpa.certificateProvider)] : [],
    trustCorporations: corporations('acting'),
    replacementTrustCorporations: corporations('waiting-replacement'),
  };
}

interface StorePerson {
  uid: string;
  firstNames: string;
  lastName: string;
  address: LpaStoreAddress | null;
  email: string | null;
  dateOfBirth?: string | null;
}

function storePerson(person: StorePerson): CombinedPerson {
  return {
    uid: person.uid,
    salutation: null,
    firstNames: text(person.firstNames),
    surname: text(person.lastName),
    otherNames: null,
    dateOfBirth: calendarDay(person.dateOfBirth ?? null),
    email: text(person.email),
    addresses: person.address ? [storeAddress(person.address)] : [],
  };
}

function storeTrustCorporation(corporation: LpaStoreTrustCorporation): CombinedTrustCorporation {
  return {
    uid: corporation.uid,
    name: text(corporation.name),
    companyNumber: text(corporation.companyNumber),
    email: text(corporation.email),
    addresses: corporation.address ? [storeAddress(corporation.address)] : [],
  };
}

function storeAddress(address: LpaStoreAddress): CombinedAddress {
  return {
    addressLine1: text(address.line1),
    addressLine2: text(address.line2),
    addressLine3: text(address.line3),
    town: text(address.town),
    county: null,
    postcode: text(address.postcode),
    country: null,
    countryCode: text(address.country),
  };
}


// ---------------------------------------------------------------------------------------------
// Dates. The store types `registrationDate` as a date but writes a full timestamp; `signedAt` is
// one by design. An LPA is registered (or signed) on a day in the UK, so a moment is answered as its
// calendar day in Europe/London: registered at 23:30 UTC on a summer evening is the next day.

const LONDON_DAY = new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/London', year: 'numeric', month: '2-digit', day: '2-digit' });
const TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;

/** Go writes an unset time as its zero value, `0001-01-01T00:00:00Z`: that is no date at all. */
const GO_ZERO_DAY = '0001-01-01';

/**
 * `2024-01-20` → itself; `2024-06-01T23:30:00Z` → `2024-06-02` (the day in London); anything else
 * (null, Go's zero time, a date that is not a real day, other text) → null.
 */
export function calendarDay(value: string | null): string | null {
  if (!value || value.startsWith(GO_ZERO_DAY)) return null;
  if (value.length === 10) return isCalendarDate(value) ? value : null;
  const instant = moment(value);
  if (!instant) return null;
  const parts = Object.fromEntries(LONDON_DAY.formatToParts(instant).map((part) => [part.type, part.value]));
  return `${parts.year}-${parts.month}-${parts.day}`;
}

/** An RFC 3339 timestamp as a Date; null when absent, unset (Go's zero time) or not a timestamp. */
function moment(value: string | null): Date | null {
  if (!value || value.startsWith(GO_ZERO_DAY) || !TIMESTAMP.test(value) || !isCalendarDate(value.slice(0, 10))) return null;
  const instant = new Date(value);
  return Number.isNaN(instant.getTime()) ? null : instant;
}
