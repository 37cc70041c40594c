// An actor's uid on an LPA Store LPA (its donor, an attorney, a trust corporation, ...): the UUID
// the store gives each person on the LPA (`9ac5cb7c-fc75-40c7-8e53-059f36dbbe3d`, as the store's
// examples write them). Use an LPA and the activation-key-requested event carry it as is.
//
// Accepted in either case, as services that upper-case UUIDs send them; always the lower-case form
// out, so that one actor has one key (activation codes, letter limits, idempotency records).

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A UUID in either case → lower case; anything else → null. */
export function parseLpaStoreActorUid(input: string): string | null {
  return UUID.test(input) ? input.toLowerCase() : null;
}
