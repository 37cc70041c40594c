// The two ways a consumer can name an LPA in Sirius, normalised once so that loaders, caches and
// logs agree on one key per LPA.

const UID_FORMS = /^7\d{11}$|^7\d{3}-\d{4}-\d{4}$/;
const ONLINE_LPA_ID = /^A\d{11}$/;

export type LpaReference =
  | { kind: 'uid'; /** 12 digits, e.g. 700000000047 */ value: string }
  | { kind: 'onlineLpaId'; /** e.g. A33718377316 */ value: string };

/** `7000-0000-0047` or `700000000047` → `700000000047`; anything else → null. */
export function parseLpaUid(input: string): string | null {
  return UID_FORMS.test(input) ? input.replaceAll('-', '') : null;
}

export function parseOnlineLpaId(input: string): string | null {
  return ONLINE_LPA_ID.test(input) ? input : null;
}

/** `700000000047` → `7000-0000-0047`, the form Sirius and OPG's letters use. */
export function formatLpaUid(digits: string): string {
  return `${digits.slice(0, 4)}-${digits.slice(4, 8)}-${digits.slice(8, 12)}`;
}

/** A stable string key for a reference: the loader key, and (later) the cache key. */
export function referenceKey(ref: LpaReference): string {
  return ref.kind === 'uid' ? `lpa#uid#${ref.value}` : `lpa#online#${ref.value}`;
}
