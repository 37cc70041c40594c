// How the LPA Store makes an LPA document (ministryofjustice/opg-data-lpa-store, lambda/create and
// lambda/update), for the simulator's seed: `PUT /lpas/{uid}` turns the donor's details into an LPA
// (defaults filled in, uid, status `in-progress`, updatedAt), and each `POST /lpas/{uid}/updates`
// applies its `changes` (JSON-pointer keys with new values) and, for some types, moves the status on,
// refusing what the store refuses (registering before the waiting period, cancelling an
// unregistered LPA...). A refusal here is a mistake in the seed plan, so it throws.

export type Json = string | number | boolean | null | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

export interface LpaUpdate {
  type: string;
  changes: { key: string; old?: Json; new: Json }[];
}

/** The store's create: the donor's details with its defaults (lambda/create/set_defaults.go). */
export function createLpa(uid: string, donorDetails: JsonObject, at: string): JsonObject {
  const lpa = structuredClone(donorDetails);
  for (const corporation of objects(lpa.trustCorporations)) matchGoFieldNames(corporation, TRUST_CORPORATION_FIELDS);
  setDefaults(lpa);
  lpa.uid = uid;
  lpa.status = 'in-progress';
  lpa.updatedAt = at;
  return lpa;
}

/** The store's update of `lpa`, made at `at` (the store's clock): a new document. */
export function applyUpdate(lpa: JsonObject, update: LpaUpdate, at: string): JsonObject {
  const next = structuredClone(lpa);
  const before = statusOf(next);
  PRECONDITIONS[update.type]?.(next, update);
  for (const change of update.changes) setAt(next, change.key, change.new);
  const after = STATUS_AFTER[update.type];
  if (after) next.status = after;
  if (update.type === 'REGISTER') next.registrationDate = at;
  if (update.type === 'OPG_STATUS_CHANGE') checkOpgStatusChange(before, statusOf(next));
  next.updatedAt = at;
  return next;
}

/** Types whose effect is a status of their own (their `changes` are empty). */
const STATUS_AFTER: Record<string, string> = {
  STATUTORY_WAITING_PERIOD: 'statutory-waiting-period',
  REGISTER: 'registered',
  DONOR_WITHDRAW_LPA: 'withdrawn',
};

const PRECONDITIONS: Record<string, (lpa: JsonObject, update: LpaUpdate) => void> = {
  STATUTORY_WAITING_PERIOD(lpa) {
    refuseUnless(statusOf(lpa) === 'in-progress', 'status must be in-progress to make statutory waiting period');
    refuseUnless(typeof lpa.signedAt === 'string', 'lpa must be signed');
    refuseUnless(isObject(lpa.certificateProvider) && typeof lpa.certificateProvider.signedAt === 'string', 'lpa must have a certificate');
    refuseUnless(objects(lpa.attorneys).every((attorney) => typeof attorney.signedAt === 'string'), 'lpa must be signed by attorneys');
    const signatories = objects(lpa.trustCorporations).flatMap((corporation) => objects(corporation.signatories));
    refuseUnless(signatories.every((signatory) => typeof signatory.signedAt === 'string'), 'lpa must be signed by trust corporations');
  },
  REGISTER(lpa) {
    refuseUnless(statusOf(lpa) === 'statutory-waiting-period', 'status must be statutory waiting period to register');
  },
  DONOR_WITHDRAW_LPA(lpa) {
    refuseUnless(!['withdrawn', 'registered', 'cannot-register'].includes(statusOf(lpa)), `cannot withdraw a ${statusOf(lpa)} lpa`);
  },
  ATTORNEY_SIGN(lpa, update) {
    for (const attorney of touched(lpa, 'attorneys', update)) refuseUnless(attorney.signedAt === undefined, 'attorney cannot sign again');
  },
  CHANGE_ATTORNEYS(lpa, update) {
    for (const change of update.changes) {
      const attorney = resolve(lpa, pointer(change.key).slice(0, 2));
      const from = isObject(attorney) ? attorney.status : undefined;
      refuseUnless(!(change.new === 'removed' && from === 'inactive'), 'An inactive attorney cannot be removed');
      refuseUnless(!(change.new === 'inactive' && from === 'active'), 'An active attorney cannot be made inactive');
      refuseUnless(!(change.new === 'active' && from === 'removed'), 'A removed attorney cannot be made active');
    }
  },
};

/** lambda/update/opg_change_status.go: the statuses OPG may set by hand, and from where. */
function checkOpgStatusChange(from: string, to: string): void {
  refuseUnless(['cannot-register', 'cancelled', 'do-not-register', 'expired'].includes(to), 'Lpa cannot be manually updated to this status');
  if (to === 'cannot-register') refuseUnless(from !== 'registered' && from !== 'cancelled', `Lpa status cannot be ${from} while changing to cannot register`);
  if (to === 'cancelled') refuseUnless(from === 'registered', 'Lpa status has to be registered while changing to cancelled');
  if (to === 'do-not-register') refuseUnless(from === 'statutory-waiting-period', 'Lpa status has to be statutory waiting period while changing to do not register');
  if (to === 'expired') refuseUnless(['in-progress', 'statutory-waiting-period', 'do-not-register'].includes(from), 'Lpa status cannot change to expired from here');
}

/** set_defaults.go: jointly for several attorneys, option B for life-sustaining treatment, and so on. */
function setDefaults(lpa: JsonObject): void {
  const people = [...objects(lpa.attorneys), ...objects(lpa.trustCorporations)];
  const actives = people.filter((person) => person.status === 'active').length;
  const replacements = people.filter((person) => person.status === 'inactive' && person.appointmentType === 'replacement').length;
  const unset = (key: string) => lpa[key] === undefined || lpa[key] === '';
  if (actives > 1 && unset('howAttorneysMakeDecisions')) {
    lpa.howAttorneysMakeDecisions = 'jointly';
    lpa.howAttorneysMakeDecisionsIsDefault = true;
  }
  const replacementsDecide =
    replacements > 1 && (lpa.howReplacementAttorneysStepIn === 'all-can-no-longer-act' || lpa.howAttorneysMakeDecisions !== 'jointly-and-severally');
  if (replacementsDecide && unset('howReplacementAttorneysMakeDecisions')) {
    lpa.howReplacementAttorneysMakeDecisions = 'jointly';
    lpa.howReplacementAttorneysMakeDecisionsIsDefault = true;
  }
  if (lpa.lpaType === 'property-and-affairs' && unset('whenTheLpaCanBeUsed')) {
    lpa.whenTheLpaCanBeUsed = 'when-has-capacity';
    lpa.whenTheLpaCanBeUsedIsDefault = true;
  }
  if (lpa.lpaType === 'personal-welfare' && unset('lifeSustainingTreatmentOption')) {
    lpa.lifeSustainingTreatmentOption = 'option-b';
    lpa.lifeSustainingTreatmentOptionIsDefault = true;
  }
}

// Go decodes JSON field names case-insensitively, so OPG's own example `companyNUmber` is stored as
// `companyNumber` (compare example-lpa-default-request.json with -response.json).
const TRUST_CORPORATION_FIELDS = ['uid', 'name', 'companyNumber', 'email', 'appointmentType', 'address', 'status', 'mobile', 'signatories', 'contactLanguagePreference', 'channel'];

function matchGoFieldNames(object: JsonObject, fields: string[]): void {
  for (const key of Object.keys(object)) {
    const field = fields.find((name) => name.toLowerCase() === key.toLowerCase());
    if (field && field !== key) {
      object[field] = object[key]!;
      delete object[key];
    }
  }
}

/**
 * Sets the value at a change's key. A list is indexed by position (`/attorneys/0/...`) or by its
 * member's uid (`/attorneys/9ac5cb7c-.../...`), as the store reads keys; missing objects and lists
 * on the way are made (a trust corporation's first signatory). `null` leaves the field as it is: the
 * store's Go structs decode null into a plain field as no change.
 */
function setAt(lpa: JsonObject, key: string, value: Json): void {
  if (value === null) return;
  const path = pointer(key);
  const last = path.pop();
  if (last === undefined || (path.length === 0 && last === '')) throw new Error(`change key ${key}: not a JSON pointer`);
  let here: Json = lpa;
  for (const [index, segment] of path.entries()) {
    const nextIsIndex = /^\d+$/.test(path[index + 1] ?? last);
    here = childOf(here, segment, key, () => (nextIsIndex ? [] : {}));
  }
  if (Array.isArray(here)) here[listIndex(here, last, key)] = value;
  else if (isObject(here)) here[last] = value;
  else throw new Error(`change key ${key}: not an object`);
}

function childOf(parent: Json, segment: string, key: string, make: () => Json): Json {
  if (Array.isArray(parent)) {
    const index = listIndex(parent, segment, key);
    parent[index] ??= make();
    return parent[index]!;
  }
  if (!isObject(parent)) throw new Error(`change key ${key}: not an object at ${segment}`);
  parent[segment] ??= make();
  return parent[segment]!;
}

function listIndex(list: Json[], segment: string, key: string): number {
  if (/^\d+$/.test(segment)) {
    const index = Number(segment);
    if (index > list.length) throw new Error(`change key ${key}: index out of range`);
    return index;
  }
  const index = list.findIndex((item) => isObject(item) && item.uid === segment);
  if (index < 0) throw new Error(`change key ${key}: no member with uid ${segment}`);
  return index;
}

/** The value at the first segments of a key (an attorney, say), resolved the way setAt resolves them. */
function resolve(lpa: JsonObject, segments: string[]): Json | undefined {
  let here: Json | undefined = lpa;
  for (const segment of segments) {
    if (Array.isArray(here)) here = /^\d+$/.test(segment) ? here[Number(segment)] : here.find((item) => isObject(item) && item.uid === segment);
    else if (isObject(here)) here = here[segment];
    else return undefined;
  }
  return here;
}

/** The members of `list` (attorneys, trust corporations) that an update's keys name. */
function touched(lpa: JsonObject, list: string, update: LpaUpdate): JsonObject[] {
  const members = new Set<JsonObject>();
  for (const change of update.changes) {
    const [first, member] = pointer(change.key);
    const found = first === list && member !== undefined ? resolve(lpa, [list, member]) : undefined;
    if (isObject(found)) members.add(found);
  }
  return [...members];
}

/** A JSON pointer's segments, unescaped (RFC 6901). */
function pointer(key: string): string[] {
  return key
    .split('/')
    .slice(1)
    .map((segment) => segment.replaceAll('~1', '/').replaceAll('~0', '~'));
}

function statusOf(lpa: JsonObject): string {
  return typeof lpa.status === 'string' ? lpa.status : '';
}

function objects(value: Json | undefined): JsonObject[] {
  return Array.isArray(value) ? value.filter(isObject) : [];
}

export function isObject(value: Json | undefined): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function refuseUnless(condition: boolean, detail: string): void {
  if (!condition) throw new Error(`the LPA Store would refuse this update: ${detail}`);
}
