import type { Freshness, Read } from '../cache/read-through';
import type { LpaReference } from '../sirius/lpa-reference';
import type { SiriusLpa } from '../sirius/sirius-lpa';
import type { LpaStoreLpa } from '../lpa-store/lpa-store-lpa';

// What a loader hands to resolvers: Sirius's answer, the reference it was asked for (so that a
// "not found" can say which LPA it means), and where the answer came from. Codegen maps the
// consumer union members onto these.

export interface FoundLpa {
  outcome: 'found';
  ref: LpaReference;
  lpa: SiriusLpa;
  freshness: Freshness;
}
export interface MissingLpa {
  outcome: 'not-found';
  ref: LpaReference;
}
export interface DeletedLpa {
  outcome: 'deleted';
  ref: LpaReference;
  freshness: Freshness;
}
export type LpaLookup = FoundLpa | MissingLpa | DeletedLpa;

export function toLookup(ref: LpaReference, { answer, freshness }: Read<SiriusLpa>): LpaLookup {
  switch (answer.outcome) {
    case 'found':
      return { outcome: 'found', ref, lpa: answer.doc, freshness };
    case 'deleted':
      return { outcome: 'deleted', ref, freshness };
    default:
      return { outcome: 'not-found', ref };
  }
}

/** The LPA Store's answer for one uid (dashed), as a loader hands it to resolvers. */
export type LpaStoreLookup =
  | { outcome: 'found'; uid: string; lpa: LpaStoreLpa; freshness: Freshness }
  | { outcome: 'not-found'; uid: string }
  | { outcome: 'deleted'; uid: string; freshness: Freshness };

export function toStoreLookup(uid: string, { answer, freshness }: Read<LpaStoreLpa>): LpaStoreLookup {
  switch (answer.outcome) {
    case 'found':
      return { outcome: 'found', uid, lpa: answer.doc, freshness };
    case 'deleted':
      return { outcome: 'deleted', uid, freshness };
    default:
      return { outcome: 'not-found', uid };
  }
}
