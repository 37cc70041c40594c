import type { CacheStore } from '../cache/cache-store';
import type { SiriusClient } from '../sirius/sirius-client';

export interface Readiness {
  ready: boolean;
  /** Named as OPG's REST gateway named them in its health check. */
  body: { 'api-status': 'OK'; 'sirius-status': 'OK' | 'DOWN' | 'UNAUTHORISED'; 'cache-status': 'OK' | 'DOWN' };
}

/** Both dependencies asked at once; each answer bounded by its client's own timeout. */
export function createReadinessCheck(sirius: SiriusClient, cache: CacheStore) {
  return async (requestId: string): Promise<Readiness> => {
    const [siriusStatus, cacheUp] = await Promise.all([sirius.health({ requestId }), cache.isReachable()]);
    return {
      ready: siriusStatus === 'OK' && cacheUp,
      body: { 'api-status': 'OK', 'sirius-status': siriusStatus, 'cache-status': cacheUp ? 'OK' : 'DOWN' },
    };
  };
}
