// How the LPA Store makes an LPA document (ministryofjustice/opg-data-lpa-store, lambda/create and
// lambda/update), for the simulator's seed: `PUT /lpas/{uid}` turns the donor's details into an LPA
// (defaults filled in, uid, status `in-progress`, updatedAt), and each `POST /lpas/{uid}/updates`
// applies its `changes` (JSON-pointer keys with new values) and, for some types, moves the status on,
// refusing what the store refuses (registering before the waiting period, cancelling an
// unregistered LPA, an update type it does not know...). A refusal throws LpaUpdateRefused, carrying
// the `errors` entry of the store's 400: for the seed it is a mistake in the plan; for the
// simulator's admin path (POST /__lpas/{uid}/updates) it is the answer.

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

/** What the store says when it refuses an update: one entry of its 400's `errors`. */
export class LpaUpdateRefused extends Error {
  constructor(
    readonly source: string,
    readonly detail: string,
  ) {
    super(`the LPA Store would refuse this update: ${detail}`);
    this.name = 'LpaUpdateRefused';
  }
}

/**
 * The update types the simulator knows: those of OPG's update bodies (fixtures/lpa-store/updates,
 * ../shared/fixtures/lpa-store/updates) and REGISTER. The store answers any other with 400
 * `{"source":"/type","detail":"invalid value"}`. Only the effects below are modelled (statuses and
 * their preconditions, changes written at their keys); the store's per-type list of allowed keys
 * is not, beyond the keys the store sets itself (KEYS_THE_STORE_SETS).
 */
export const UPDATE_TYPES: ReadonlySet<string> = new Set([
  'ATTORNEY_DECISIONS',
  'ATTORNEY_OPT_OUT',
  'ATTORNEY_SIGN',
  'CERTIFICATE_PROVIDER_CONFIRM_IDENTITY',
  'CERTIFICATE_PROVIDER_OPT_OUT',
  'CERTIFICATE_PROVIDER_SIGN',
  'CHANGE_ATTORNEYS',
  'CORRECTION',
  'DONOR_CONFIRM_IDENTITY',
  'DONOR_WITHDRAW_LPA',
  'OPG_STATUS_CHANGE',
  'PAPER_ATTORNEY_ACCESS_ONLINE',
  'PAPER_CERTIFICATE_PROVIDER_ACCESS_ONLINE',
  'REGISTER',
  'SEVER_RESTRICTIONS_AND_CONDITIONS',
  'STATUTORY_WAITING_PERIOD',
  'TRUST_CORPORATION_SIGN',
]);

/** Fields the store keeps itself: no update writes them by key (only OPG_STATUS_CHANGE, `/status`). */
const KEYS_THE_STORE_SETS = ['/uid', '/status', '/updatedAt', '/registrationDate'];

/** The store's update of `lpa`, made at `at` (the store's clock): a new document, or LpaUpdateRefused. */
export function applyUpdate(lpa: JsonObject, update: LpaUpdate, at: string): JsonObject {
  refuseUnless(UPDATE_TYPES.has(update.type), 'invalid value', '/type');
  for (const [index, change] of update.changes.entries()) {
    const allowed = update.type === 'OPG_STATUS_CHANGE' && change.key === '/status';
    refuseUnless(allowed || !KEYS_THE_STORE_SETS.includes(change.key), 'unexpected change provided', `/changes/${index}`);
  }
  const next = structuredClone(lpa);
  const before = statusOf(next);
  PRECONDITIONS[update.type]?.(next, update);
  for (const [index, change] of update.changes.entries()) setAt(next, change.key, change.new, `/changes/${index}/key`);
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

/** Types whose changes must be empty: the store's parser consumes none, so any is unexpected. */
function noChanges(update: LpaUpdate): void {
  refuseUnless(update.changes.length === 0, 'unexpected change provided', '/changes/0');
}

const PRECONDITIONS: Record<string, (lpa: JsonObject, update: LpaUpdate) => void> = {
  STATUTORY_WAITING_PERIOD(lpa, update) {
    noChanges(update);
    refuseUnless(statusOf(lpa) === 'in-progress', 'status must be in-progress to make statutory waiting period', '/type');
    refuseUnless(typeof lpa.signedAt === 'string', 'lpa must be signed', '/type');
    refuseUnless(isObject(lpa.certificateProvider) && typeof lpa.certificateProvider.signedAt === 'string', 'lpa must have a certificate', '/type');
    refuseUnless(objects(lpa.attorneys).every((attorney) => typeof attorney.signedAt === 'string'), 'lpa must be signed by attorneys', '/type');
    const signatories = objects(lpa.trustCorporations).flatMap((corporation) => objects(corporation.signatories));
    refuseUnless(signatories.every((signatory) => typeof signatory.signedAt === 'string'), 'lpa must be signed by trust corporations', '/type');
  },
  REGISTER(lpa, update) {
    noChanges(update);
    refuseUnless(statusOf(lpa) === 'statutory-waiting-period', 'status must be statutory waiting period to register', '/type');
  },
  DONOR_WITHDRAW_LPA(lpa, update) {
    noChanges(update);
    refuseUnless(!['withdrawn', 'registered', 'cannot-register'].includes(statusOf(lpa)), `cannot withdraw a ${statusOf(lpa)} lpa`, '/type');
  },
  ATTORNEY_SIGN(lpa, update) {
    for (const attorney of touched(lpa, 'attorneys', update)) refuseUnless(attorney.signedAt === undefined, 'attorney cannot sign again', '/changes');
  },
  CHANGE_ATTORNEYS(lpa, update) {
    for (const [index, change] of update.changes.entries()) {
      const attorney = resolve(lpa, pointer(change.key).slice(0, 2));
      const from = isObject(attorney) ? attorney.status : undefined;
      const source = `/changes/${index}/new`;
      refuseUnless(!(change.new === 'removed' && from === 'inactive'), 'An inactive attorney cannot be removed', source);
      refuseUnless(!(change.new === 'inactive' && from === 'active'), 'An active attorney cannot be made inactive', source);
      refuseUnless(!(change.new === 'active' && from === 'removed'), 'A removed attorney cannot be made active', source);
    }
  },
  // opg_change_status.go: one change, `/status`, whose `old` (when given) must be the status now.
  OPG_STATUS_CHANGE(lpa, update) {
    refuseUnless(update.changes.length > 0, 'missing /status', '/changes');
    refuseUnless(update.changes.length === 1, 'unexpected change provided', '/changes/1');
    const [change] = update.changes;
    refuseUnless(change!.key === '/status', 'unexpected change provided', '/changes/0');
    refuseUnless(change!.old === undefined || change!.old === statusOf(lpa), 'does not match existing value', '/changes/0/old');
  },
};

/** lambda/update/opg_change_status.go: the statuses OPG may set by hand, and from where. */
function checkOpgStatusChange(from: string, to: string): void {
  const refuse = (condition: boolean, detail: string) => refuseUnless(condition, detail, '/status');
  refuse(['cannot-register', 'cancelled', 'do-not-register', 'expired'].includes(to), 'Lpa cannot be manually updated to this status');
  if (to === 'cannot-register') refuse(from !== 'registered' && from !== 'cancelled', `Lpa status cannot be ${from} while changing to cannot register`);
  if (to === 'cancelled') refuse(from === 'registered', 'Lpa status has to be registered while changing to cancelled');
  if (to === 'do-not-register') refuse(from === 'statutory-waiting-period', 'Lpa status has to be statutory waiting period while changing to do not register');
  if (to === 'expired') refuse(['in-progress', 'statutory-waiting-period', 'do-not-register'].includes(from), 'Lpa status cannot change to expired from here');
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
function setAt(lpa: JsonObject, key: string, value: Json, source: string): void {
  if (value === null) return;
  const path = pointer(key);
  const last = path.pop();
  if (last === undefined || (path.length === 0 && last === '')) throw new LpaUpdateRefused(source, `change key ${key}: not a JSON pointer`);
  let here: Json = lpa;
  for (const [index, segment] of path.entries()) {
    const nextIsIndex = /^\d+$/.test(path[index + 1] ?? last);
    here = childOf(here, segment, key, source, () => (nextIsIndex ? [] : {}));
  }
  if (Array.isArray(here)) here[listIndex(here, last, key, source)] = value;
  else if (isObject(here)) here[last] = value;
  else throw new LpaUpdateRefused(source, `change key ${key}: not an object`);
}

function childOf(parent: Json, segment: string, key: string, source: string, make: () => Json): Json {
  if (Array.isArray(parent)) {
    const index = listIndex(parent, segment, key, source);
    parent[index] ??= make();
    return parent[index]!;
  }
  if (!isObject(parent)) throw new LpaUpdateRefused(source, `change key ${key}: not an object at ${segment}`);
  parent[segment] ??= make();
  return parent[segment]!;
}

function listIndex(list: Json[], segment: string, key: string, source: string): number {
  if (/^\d+$/.test(segment)) {
    const index = Number(segment);
    if (index > list.length) throw new LpaUpdateRefused(source, `change key ${key}: index out of range`);
    return index;
  }
  const index = list.findIndex((item) => isObject(item) && item.uid === segment);
  if (index < 0) throw new LpaUpdateRefused(source, `change key ${key}: no member with uid ${segment}`);
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

function refuseUnless(condition: boolean, detail: string, source: string): void {
  if (!condition) throw new LpaUpdateRefused(source, detail);
}
