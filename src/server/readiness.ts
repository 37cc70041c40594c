import type { CacheStore } from '../cache/cache-store';
import type { SiriusClient } from '../sirius/sirius-client';

export interface Readiness {
  ready: boolean;
  /** Named as OPG's REST gateway named them in its health check. */
  body: { 'api-status': 'OK'; 'sirius-status': 'OK' | 'DOWN'; 'cache-status': 'OK' | 'DOWN' };
}

/** Both dependencies asked at once; each answer bounded by its client's own timeout. */
export function createReadinessCheck(sirius: SiriusClient, cache: CacheStore) {
  return async (requestId: string): Promise<Readiness> => {
    const [siriusUp, cacheUp] = await Promise.all([sirius.isHealthy({ requestId }), cache.isReachable()]);
    return {
      ready: siriusUp && cacheUp,
      body: { 'api-status': 'OK', 'sirius-status': siriusUp ? 'OK' : 'DOWN', 'cache-status': cacheUp ? 'OK' : 'DOWN' },
    };
  };
}
