import type { Upstream } from '../upstream/upstream';
import { MAX_UIDS_PER_CALL, type LpaStoreClient } from './lpa-store-client';
import { LpaStoreUnavailableError } from './errors';
import { parseLpaStoreLpa, type LpaStoreLpa } from './lpa-store-lpa';

/**
 * The LPA Store's LPAs as the cache and loaders see an upstream, by dashed uid (`M-7890-0400-4000`):
 * one call per batch of misses. A cached document passes the same checks as a live one.
 */
export function lpaStoreLpas(client: LpaStoreClient): Upstream<string, LpaStoreLpa> {
  const key = (uid: string) => `lpa#${uid}`;
  return {
    name: 'lpa-store',
    key,
    fetch: (uid, call) => client.getLpa(uid, call),
    // The client answers by uid; the read-through matches answers by key.
    fetchMany: async (uids, call) => new Map([...(await client.getLpas(uids, call))].map(([uid, answer]) => [key(uid), answer])),
    maxBatch: MAX_UIDS_PER_CALL,
    encode: (lpa) => JSON.stringify(lpa),
    version: updatedVersion,
    decode(body, uid) {
      try {
        const parsed = parseLpaStoreLpa(JSON.parse(body));
        return parsed.ok && parsed.lpa.uid === uid ? parsed.lpa : undefined;
      } catch {
        return undefined;
      }
    },
  };
}

/**
 * Where no LPA Store is configured (LPA_STORE_BASE_URL unset outside the embedded default): every
 * LPA Store uid answers LPA_STORE_UNAVAILABLE, and nothing is ever cached for it.
 */
export function unconfiguredLpaStore(): Upstream<string, LpaStoreLpa> {
  const refuse = async (): Promise<never> => {
    throw new LpaStoreUnavailableError('no LPA Store is configured (LPA_STORE_BASE_URL)', false);
  };
  return { name: 'lpa-store', key: (uid) => `lpa#${uid}`, fetch: refuse, fetchMany: refuse, encode: (lpa) => JSON.stringify(lpa), decode: () => undefined };
}

/**
 * `updatedAt` in one fixed form (ms, UTC), so that versions order as strings: the store's own
 * timestamps vary in precision ("…00Z", "…00.123456Z"), which would not.
 */
function updatedVersion(lpa: LpaStoreLpa): string | undefined {
  const at = lpa.updatedAt ? Date.parse(lpa.updatedAt) : Number.NaN;
  return Number.isNaN(at) ? undefined : new Date(at).toISOString();
}
