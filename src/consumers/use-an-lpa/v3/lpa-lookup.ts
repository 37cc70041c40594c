import type { Freshness } from '../../../cache/read-through';
import type { CombinedLpa } from './combined-lpa';
import type { LpaLookup, LpaStoreLookup } from '../../../loaders/lpa-lookup';
import { formatLpaUid } from '../../../sirius/lpa-reference';
import { fromLpaStore, fromSirius } from './mappers';
import type { SiriusLpa } from '../../../sirius/sirius-lpa';
import type { LpaStoreLpa } from '../../../lpa-store/lpa-store-lpa';

// What the loaders hand v3's resolvers for one uid, whichever system answered: the combined LPA
// (already mapped from that system's document), or a typed reason why there is none. `uid` is the
// uid asked for, in its dashed form (`7000-0000-0047` or `M-7890-0400-4000`). Codegen maps the
// members of v3's `LpaResult` union onto these.

export interface FoundCombinedLpa {
  outcome: 'found';
  uid: string;
  combined: CombinedLpa;
  freshness: Freshness;
}
export interface MissingCombinedLpa {
  outcome: 'not-found';
  uid: string;
}
export interface DeletedCombinedLpa {
  outcome: 'deleted';
  uid: string;
  freshness: Freshness;
}
export type V3Lookup = FoundCombinedLpa | MissingCombinedLpa | DeletedCombinedLpa;

// A document is mapped once, not once per request: a hot LPA's document is the same object for as
// long as the cache keeps it in memory (documents are never changed after validation, and the
// combined LPA is only read). Mapping a seven-LPA dashboard from the store took ~117 µs a request.
const fromSiriusCache = new WeakMap<SiriusLpa, CombinedLpa>();
const fromLpaStoreCache = new WeakMap<LpaStoreLpa, CombinedLpa>();

function mappedOnce<Doc extends object>(map: (doc: Doc) => CombinedLpa, cache: WeakMap<Doc, CombinedLpa>, doc: Doc): CombinedLpa {
  let combined = cache.get(doc);
  if (combined === undefined) {
    combined = map(doc);
    cache.set(doc, combined);
  }
  return combined;
}

/** Sirius's answer as v3 hands it on. */
export function fromSiriusLookup(lookup: LpaLookup): V3Lookup {
  const uid = formatLpaUid(lookup.ref.value);
  switch (lookup.outcome) {
    case 'found':
      return { outcome: 'found', uid, combined: mappedOnce(fromSirius, fromSiriusCache, lookup.lpa), freshness: lookup.freshness };
    case 'deleted':
      return { outcome: 'deleted', uid, freshness: lookup.freshness };
    default:
      return { outcome: 'not-found', uid };
  }
}

/** The LPA Store's answer as v3 hands it on. */
export function fromLpaStoreLookup(lookup: LpaStoreLookup): V3Lookup {
  switch (lookup.outcome) {
    case 'found':
      return { outcome: 'found', uid: lookup.uid, combined: mappedOnce(fromLpaStore, fromLpaStoreCache, lookup.lpa), freshness: lookup.freshness };
    case 'deleted':
      return { outcome: 'deleted', uid: lookup.uid, freshness: lookup.freshness };
    default:
      return { outcome: 'not-found', uid: lookup.uid };
  }
}
