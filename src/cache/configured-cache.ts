import type { GatewayConfig } from '../config/config';
import type { Logger } from '../logger';
import { CacheStore, type CacheWrite } from './cache-store';
import { createDynamoClient } from './dynamodb-client';

/** The cache table from configuration, with its bounded client; `close` releases its sockets. */
export function configuredCache(config: GatewayConfig, table: { tableName: string; endpoint: string | undefined }, logger: Logger, onWriteFault?: (reason: Exclude<CacheWrite, 'stored' | 'superseded'>) => void) {
  const client = createDynamoClient({ region: config.cache.region, endpoint: table.endpoint, timeoutMs: config.cache.timeoutMs, deadlineMs: config.cache.deadlineMs });
  const store = new CacheStore({
    client,
    tableName: table.tableName,
    compressAboveBytes: config.cache.compressAboveBytes,
    // Nothing is served past its fresh window or stale-if-error, so nothing need be kept longer.
    retainSeconds: Math.max(config.cache.freshSeconds, config.cache.staleIfErrorSeconds, config.lpaStore.freshSeconds),
    logger,
    onWriteFault,
    breakerFailures: config.cache.breakerFailures,
    breakerHalfOpenSeconds: config.cache.breakerHalfOpenSeconds,
  });
  return { store, close: () => client.destroy() };
}
