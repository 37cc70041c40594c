// An LPA Store uid, `M-7890-0400-4000`: "M" and 12 digits, the last a Damm check digit over the
// other 11. This is how opg-data-lpa-uid makes them (ministryofjustice/opg-data-lpa-uid,
// lambda/create-case/uid.go: `formatUID` mixes a sequence number into 11 zero-padded digits and
// appends `checksum`, a Damm check digit from the standard order-10 quasigroup table; its test
// checks a uid by running all 12 digits through the table and expecting 0). Checking the digit here
// refuses a mistyped uid before anything asks the store for it.
//
// Accepted forms: `M-7890-0400-4000` (how the store, its events and OPG's letters write it) and
// `M789004004000` (dashes dropped, as callers that normalise Sirius uids do). Only a capital M: the
// store's own pattern is case-sensitive and the callers are services, not people typing; anything
// friendlier belongs in the form a person types into. Always answered in the dashed form.

const FORMS = /^M-(\d{4})-(\d{4})-(\d{4})$|^M(\d{4})(\d{4})(\d{4})$/;

/**
 * The store's own pattern for a uid (its openapi.yaml, `M(-[0-9]{4}){3}`), anchored: the form its
 * documents and events carry. It does not check the check digit (parseLpaStoreUid does).
 */
export const LPA_STORE_UID_FORMAT = /^M(-\d{4}){3}$/;

// Damm's totally anti-symmetric quasigroup of order 10 (rows: interim digit, columns: next digit).
// Any single wrong digit, and any swap of two adjacent digits, changes the result.
const DAMM = [
  [0, 3, 1, 7, 5, 9, 8, 6, 4, 2],
  [7, 0, 9, 2, 1, 5, 4, 8, 6, 3],
  [4, 2, 0, 6, 8, 7, 1, 3, 5, 9],
  [1, 7, 5, 0, 9, 8, 3, 4, 2, 6],
  [6, 1, 2, 3, 0, 4, 5, 9, 7, 8],
  [3, 6, 7, 4, 2, 0, 9, 5, 8, 1],
  [5, 8, 6, 9, 7, 2, 0, 1, 3, 4],
  [8, 9, 4, 5, 3, 6, 2, 0, 1, 7],
  [9, 4, 3, 8, 6, 1, 7, 2, 0, 5],
  [2, 5, 8, 1, 4, 3, 6, 7, 9, 0],
] as const;

/** The Damm interim digit after the given digits: the check digit for them, or 0 if they end in a valid one. */
function dammInterim(digits: string): number {
  let interim = 0;
  for (let i = 0; i < digits.length; i++) interim = DAMM[interim]![digits.charCodeAt(i) - 48]!;
  return interim;
}

function dashed(digits: string): string {
  return `M-${digits.slice(0, 4)}-${digits.slice(4, 8)}-${digits.slice(8, 12)}`;
}

/**
 * `M-7890-0400-4000` or `M789004004000` → `M-7890-0400-4000`, when the check digit is right;
 * anything else (another form, or a wrong check digit) → null.
 */
export function parseLpaStoreUid(input: string): string | null {
  const match = FORMS.exec(input);
  if (!match) return null;
  const digits = match.slice(1).filter(Boolean).join('');
  return dammInterim(digits) === 0 ? dashed(digits) : null;
}

/** A valid LPA Store uid from 11 digits, as opg-data-lpa-uid would write it (for fixtures and tests). */
export function lpaStoreUidFromDigits(elevenDigits: string): string {
  if (!/^\d{11}$/.test(elevenDigits)) throw new Error('An LPA Store uid is made from exactly 11 digits.');
  return dashed(elevenDigits + String(dammInterim(elevenDigits)));
}
