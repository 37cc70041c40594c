import DataLoader from 'dataloader';
import { GraphQLError } from 'graphql';
import { concurrencyBound } from './concurrency-bound';
import { toLookup, type LpaLookup } from './lpa-lookup';
import { referenceKey, type LpaReference } from '../sirius/lpa-reference';
import type { ReadThrough } from '../cache/read-through';
import type { ReadObserver } from '../observability/read-observer';
import type { SiriusLpa } from '../sirius/sirius-lpa';
import { inSpan, SpanKind } from '../observability/tracing';

export interface SiriusLoaders {
  /** One LPA by uid or online tool id; errors are `SiriusUnavailableError`. */
  lpa: DataLoader<LpaReference, LpaLookup, string>;
}

export interface LoaderOptions {
  requestId: string;
  /** Collects what this request's reads cost, for its log line. */
  observer?: ReadObserver;
  /** How many Sirius calls one request may have in flight at once. */
  concurrency: number;
  /** Distinct LPAs one request may read at all (a budget: query limits bound a document, not its arguments). */
  maxLpas: number;
}

export const LPA_LIMIT_EXCEEDED = 'LPA_LIMIT_EXCEEDED';

/**
 * Loaders for one request, never shared: DataLoader's memo is only safe within a request (one
 * caller, one moment). Sirius has no batch endpoint, so a batch fans out single reads (cache, then
 * Sirius) with bounded
 * concurrency; the loader's value is that one query naming the same LPA several times (aliases,
 * repeated uids, the same LPA reached by two fields) asks Sirius once.
 */
export function createSiriusLoaders(reads: ReadThrough<LpaReference, SiriusLpa>, options: LoaderOptions): SiriusLoaders {
  const limit = concurrencyBound(options.concurrency);
  const call = { requestId: options.requestId };
  // DataLoader hands each distinct LPA to a batch once per request, so counting here counts LPAs.
  let budget = options.maxLpas;
  return {
    lpa: new DataLoader<LpaReference, LpaLookup, string>(
      (refs) =>
        inSpan('lpa batch', SpanKind.INTERNAL, { 'sirius_gateway.batch.size': refs.length }, () =>
          Promise.all(
            refs.map((ref) =>
              budget-- <= 0
                ? overBudget(options.maxLpas)
                : limit(() => reads.read(ref, call, options.observer)).then(
                (read) => toLookup(ref, read),
                (error: unknown) => (error instanceof Error ? error : new Error(String(error))),
              ),
            ),
          ),
        ),
      { cacheKeyFn: referenceKey },
    ),
  };
}

/** The LPAs past the budget, each at its own path; the rest of the answer stands. */
function overBudget(maxLpas: number): Error {
  return new GraphQLError(`One request may read at most ${maxLpas} distinct LPAs; ask for the rest in another request.`, {
    extensions: { code: LPA_LIMIT_EXCEEDED, maxLpas },
  });
}
