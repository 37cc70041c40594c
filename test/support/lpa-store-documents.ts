import { readFileSync } from 'node:fs';

// LPA Store documents for unit tests, made the way the store makes them from OPG's own bodies
// (fixtures/lpa-store, copied from ministryofjustice/opg-data-lpa-store/docs): a creation body
// (`PUT /lpas/{uid}`) gains a uid, `status: in-progress` and `updatedAt`; each update body
// (`POST /lpas/{uid}/updates`) sets its JSON-pointer keys (an index or an actor's uid for list
// entries), and a few types move the status on. Deliberately small: the simulator's lifecycle
// (src/dev/) is the full version, with the store's preconditions.

export type Json = string | number | boolean | null | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

export interface LpaUpdate {
  type: string;
  changes: { key: string; old?: Json; new: Json }[];
}

export function example(name: string): JsonObject {
  return JSON.parse(readFileSync(`fixtures/lpa-store/examples/${name}.json`, 'utf8')) as JsonObject;
}

export function update(name: string): LpaUpdate {
  return JSON.parse(readFileSync(`fixtures/lpa-store/updates/${name}.json`, 'utf8')) as LpaUpdate;
}

export function created(body: JsonObject, uid = 'M-7890-0400-4000', at = '2024-01-11T22:00:00Z'): JsonObject {
  return { ...structuredClone(body), uid, status: 'in-progress', updatedAt: at };
}

const STATUS_AFTER: Record<string, string> = {
  STATUTORY_WAITING_PERIOD: 'statutory-waiting-period',
  REGISTER: 'registered',
  DONOR_WITHDRAW_LPA: 'withdrawn',
};

export function applied(lpa: JsonObject, change: LpaUpdate, at: string): JsonObject {
  const next = structuredClone(lpa);
  for (const { key, new: value } of change.changes) setAt(next, key, value);
  const status = STATUS_AFTER[change.type];
  if (status) next.status = status;
  // The store stamps registration with the moment it happened, though its schema says a date.
  if (change.type === 'REGISTER') next.registrationDate = at;
  next.updatedAt = at;
  return next;
}

/** Created, signed by everyone, through the waiting period and registered (as seen by Use an LPA). */
export function registered(body: JsonObject, uid = 'M-7890-0400-4000', registeredAt = '2024-01-20T10:15:30.123456789Z'): JsonObject {
  let lpa = created(body, uid);
  lpa = applied(lpa, update('certificate-provider-sign'), '2024-01-13T22:00:00Z');
  lpa = applied(lpa, update('attorney-sign'), '2024-01-13T22:00:00Z');
  if (Array.isArray(lpa.trustCorporations) && lpa.trustCorporations.length > 0) lpa = applied(lpa, update('trust-corporation-sign'), '2024-01-13T22:00:00Z');
  lpa = applied(lpa, { type: 'STATUTORY_WAITING_PERIOD', changes: [] }, '2024-01-14T09:00:00Z');
  return applied(lpa, { type: 'REGISTER', changes: [] }, registeredAt);
}

function setAt(root: JsonObject, key: string, value: Json): void {
  const path = key.split('/').slice(1);
  let node: Json = root;
  for (const [i, segment] of path.entries()) {
    const last = i === path.length - 1;
    if (Array.isArray(node)) {
      const index: number = /^\d+$/.test(segment) ? Number(segment) : node.findIndex((entry) => isObject(entry) && entry.uid === segment);
      if (index < 0) throw new Error(`no list entry ${segment} in ${key}`);
      if (last) node[index] = value;
      else node = node[index] ??= {};
    } else if (isObject(node)) {
      if (last) node[segment] = value;
      else node = node[segment] ??= /^\d+$/.test(path[i + 1]!) ? [] : {};
    } else {
      throw new Error(`cannot set ${key}`);
    }
  }
}

function isObject(value: Json | undefined): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
