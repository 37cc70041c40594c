import DataLoader from 'dataloader';
import { GraphQLError } from 'graphql';
import type { ReadThrough } from '../cache/read-through';
import type { LpaStoreLpa } from '../lpa-store/lpa-store-lpa';
import type { ReadObserver } from '../observability/read-observer';
import { inSpan, SpanKind } from '../observability/tracing';
import { referenceKey, type LpaReference } from '../sirius/lpa-reference';
import type { SiriusLpa } from '../sirius/sirius-lpa';
import { concurrencyBound } from './concurrency-bound';
import { toLookup, toStoreLookup, type LpaLookup, type LpaStoreLookup } from './lpa-lookup';

export interface LpaLoaders {
  /** One Sirius LPA by uid or online tool id; errors are `SiriusUnavailableError`. */
  lpa: DataLoader<LpaReference, LpaLookup, string>;
  /** One LPA Store LPA by its dashed uid; errors are `LpaStoreUnavailableError`. */
  lpaStoreLpa: DataLoader<string, LpaStoreLookup, string>;
}

export interface LpaReads {
  sirius: ReadThrough<LpaReference, SiriusLpa>;
  lpaStore: ReadThrough<string, LpaStoreLpa>;
}

export interface LoaderOptions {
  requestId: string;
  /** The person acting, for upstreams that keep an audit trail (the LPA Store). */
  actor?: string;
  /** Collects what this request's reads cost, for its log line. */
  observer?: ReadObserver;
  /** How many Sirius calls one request may have in flight at once. */
  concurrency: number;
  /** Distinct LPAs one request may read at all, from every upstream (a budget: query limits bound a document, not its arguments). */
  maxLpas: number;
}

export const LPA_LIMIT_EXCEEDED = 'LPA_LIMIT_EXCEEDED';

/**
 * Loaders for one request, never shared: DataLoader's memo is only safe within a request (one
 * caller, one moment). One query naming the same LPA several times (aliases, repeated uids, two
 * fields) asks for it once. Sirius has no batch endpoint, so its batch fans out single reads with
 * bounded concurrency; the LPA Store's goes to the read-through whole, which asks the store once
 * per batch of misses.
 */
export function createLpaLoaders(reads: LpaReads, options: LoaderOptions): LpaLoaders {
  const limit = concurrencyBound(options.concurrency);
  const call = { requestId: options.requestId, actor: options.actor };
  // DataLoader hands each distinct LPA to a batch once per request, so counting here counts LPAs.
  let budget = options.maxLpas;
  const withinBudget = () => budget-- > 0;
  return {
    lpa: new DataLoader<LpaReference, LpaLookup, string>(
      (refs) =>
        inSpan('lpa batch', SpanKind.INTERNAL, { 'sirius_gateway.batch.size': refs.length, 'sirius_gateway.upstream': 'sirius' }, () =>
          Promise.all(
            refs.map((ref) =>
              !withinBudget()
                ? overBudget(options.maxLpas)
                : limit(() => reads.sirius.read(ref, call, options.observer)).then(
                    (read) => toLookup(ref, read),
                    (error: unknown) => (error instanceof Error ? error : new Error(String(error))),
                  ),
            ),
          ),
        ),
      { cacheKeyFn: referenceKey },
    ),
    lpaStoreLpa: new DataLoader<string, LpaStoreLookup, string>((uids) =>
      inSpan('lpa batch', SpanKind.INTERNAL, { 'sirius_gateway.batch.size': uids.length, 'sirius_gateway.upstream': 'lpa-store' }, async () => {
        const allowed = uids.filter(withinBudget);
        const reads_ = await reads.lpaStore.readMany(allowed, call, options.observer);
        // DataLoader wants one answer per uid, in order: those past the budget come last.
        return uids.map((uid, index) => {
          if (index >= allowed.length) return overBudget(options.maxLpas);
          const read = reads_[index]!;
          return read instanceof Error ? read : toStoreLookup(uid, read);
        });
      }),
    ),
  };
}

/** The LPAs past the budget, each at its own path; the rest of the answer stands. */
function overBudget(maxLpas: number): Error {
  return new GraphQLError(`One request may read at most ${maxLpas} distinct LPAs; ask for the rest in another request.`, {
    extensions: { code: LPA_LIMIT_EXCEEDED, maxLpas },
  });
}
