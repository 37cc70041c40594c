import type { CacheStore } from '../cache/cache-store';
import type { SiriusClient } from '../sirius/sirius-client';
import type { LpaStoreClient } from '../lpa-store/lpa-store-client';

export interface Readiness {
  ready: boolean;
  /** Named as OPG's REST gateway named them in its health check. */
  body: {
    'api-status': 'OK';
    'sirius-status': UpstreamStatus;
    'lpa-store-status': UpstreamStatus | 'NOT_CONFIGURED';
    'cache-status': 'OK' | 'DOWN';
  };
}

type UpstreamStatus = 'OK' | 'DOWN' | 'UNAUTHORISED';

export interface ReadinessOptions {
  /** One probe's answer serves every readiness request for this long. */
  cacheMs: number;
  /** A dependency that has not answered within this is DOWN. */
  deadlineMs: number;
  now?: () => number;
}

/**
 * Whether this instance can serve: it can while any dependency answers (from the cache while the
 * upstreams are down, from them while the cache is: it fails open), so an upstream's state is
 * reported but never alone fails readiness, or an orchestrator would pull every instance out of service in
 * exactly the outage the cache exists for. The endpoint is unauthenticated, so one probe (both
 * asked at once, each within `deadlineMs`) serves all callers for `cacheMs`: readiness requests
 * never multiply Sirius calls.
 */
export function createReadinessCheck(sirius: SiriusClient, lpaStore: LpaStoreClient | undefined, cache: CacheStore, options: ReadinessOptions) {
  const now = options.now ?? Date.now;
  let last: { at: number; probe: Promise<Readiness> } | undefined;

  async function probe(requestId: string): Promise<Readiness> {
    const [siriusStatus, lpaStoreStatus, cacheUp] = await Promise.all([
      within(sirius.health({ requestId }), options.deadlineMs, 'DOWN' as const),
      lpaStore ? within(lpaStore.health({ requestId }), options.deadlineMs, 'DOWN' as const) : ('NOT_CONFIGURED' as const),
      within(cache.isReachable(), options.deadlineMs, false),
    ]);
    return {
      ready: cacheUp || siriusStatus === 'OK' || lpaStoreStatus === 'OK',
      body: { 'api-status': 'OK', 'sirius-status': siriusStatus, 'lpa-store-status': lpaStoreStatus, 'cache-status': cacheUp ? 'OK' : 'DOWN' },
    };
  }

  return (requestId: string): Promise<Readiness> => {
    if (!last || now() - last.at >= options.cacheMs) last = { at: now(), probe: probe(requestId) };
    return last.probe;
  };
}

function within<T>(work: Promise<T>, ms: number, otherwise: T): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<T>((resolve) => {
    timer = setTimeout(() => resolve(otherwise), ms);
    timer.unref();
  });
  return Promise.race([work.catch(() => otherwise), deadline]).finally(() => clearTimeout(timer));
}
