import { configuredCache } from '../cache/configured-cache';
import { ReadThrough } from '../cache/read-through';
import type { GatewayConfig } from '../config/config';
import type { Logger } from '../logger';
import { configuredLpaStore, lpaStoreCachePolicy } from '../lpa-store/configured-lpa-store';
import { lpaStoreLpas } from '../lpa-store/lpa-store-source';
import { createMetrics } from '../observability/metrics';
import { createLpaUpdatedHandler, type EventOutcome } from './lpa-updated';

export interface EventsApp {
  handle(event: unknown): Promise<EventOutcome>;
  close(): Promise<void>;
}

/**
 * What the events Lambda runs (src/events-lambda.ts): the lpa-updated handler over the cache table
 * and the LPA Store, built from the gateway's own configuration, and nothing else (no GraphQL, no
 * codes): the function may only touch the cache table and read the store.
 */
export async function createEventsApp(config: GatewayConfig, logger: Logger): Promise<EventsApp> {
  const metrics = createMetrics({ circuitState: () => lpaStore?.circuitState() ?? 'closed' });
  const lpaStore = configuredLpaStore(config, undefined, logger, (reason) => metrics.invalidAnswer('lpa-store', reason));
  if (!lpaStore) throw new Error('LPA_STORE_BASE_URL is required by the events function');
  if (!config.cache.tableName) throw new Error('CACHE_TABLE_NAME is required by the events function');
  const cache = configuredCache(config, { tableName: config.cache.tableName, endpoint: config.cache.endpoint }, logger, metrics.cacheWriteFault);
  const reads = new ReadThrough(lpaStoreLpas(lpaStore), cache.store, lpaStoreCachePolicy(config), logger, metrics.reads);
  const handle = createLpaUpdatedHandler({ reads, metrics: metrics.events, logger });
  return {
    handle,
    async close() {
      await lpaStore.close();
      cache.close();
    },
  };
}
