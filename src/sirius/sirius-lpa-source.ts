import type { Upstream } from '../upstream/upstream';
import { referenceKey, type LpaReference } from './lpa-reference';
import { interpretLpaResponse, type SiriusClient } from './sirius-client';
import type { SiriusLpa } from './sirius-lpa';

/**
 * Sirius's LPAs as the cache and loaders see an upstream: one read at a time (Sirius has no batch
 * endpoint), keyed by uid or online tool id; a cached record passes the same checks as a live one.
 */
export function siriusLpas(client: SiriusClient): Upstream<LpaReference, SiriusLpa> {
  return {
    name: 'sirius',
    key: referenceKey,
    fetch: (ref, call) => client.getLpa(ref, call),
    encode: (lpa) => JSON.stringify(lpa),
    decode(body, ref) {
      try {
        const answer = interpretLpaResponse(200, [JSON.parse(body)], ref, body.length);
        return answer.outcome === 'found' ? answer.doc : undefined;
      } catch {
        return undefined;
      }
    },
  };
}
