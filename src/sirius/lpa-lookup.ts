import type { SiriusLpaAnswer } from './sirius-client';
import type { LpaReference } from './lpa-reference';
import type { SiriusLpa } from './sirius-lpa';

// What a loader hands to resolvers: Sirius's answer plus the reference it was asked for (so that a
// "not found" can say which LPA it means). Codegen maps the consumer union members onto these.

export interface FoundLpa {
  outcome: 'found';
  ref: LpaReference;
  lpa: SiriusLpa;
}
export interface MissingLpa {
  outcome: 'not-found';
  ref: LpaReference;
}
export interface DeletedLpa {
  outcome: 'deleted';
  ref: LpaReference;
}
export type LpaLookup = FoundLpa | MissingLpa | DeletedLpa;

export function toLookup(ref: LpaReference, answer: SiriusLpaAnswer): LpaLookup {
  return answer.outcome === 'found' ? { outcome: 'found', ref, lpa: answer.lpa } : { outcome: answer.outcome, ref };
}
