import type { CachePolicy } from '../cache/read-through';
import type { GatewayConfig } from '../config/config';
import { secretSource } from '../config/secret-source';
import type { Logger } from '../logger';
import { LpaStoreClient } from './lpa-store-client';
import { awsCredentials, createLpaStoreSigner, fixedCredentials } from './request-signer';

/** The embedded LPA Store simulator, as the gateway reaches it. */
export interface EmbeddedLpaStore {
  url: string;
  region: string;
  credentials: { accessKeyId: string; secretAccessKey: string };
  jwtSecret: string;
}

/** The LPA Store's client from configuration: the embedded simulator's, the configured store's, or none. */
export function configuredLpaStore(config: GatewayConfig, embedded: EmbeddedLpaStore | undefined, logger: Logger, onInvalidAnswer: (reason: string) => void): LpaStoreClient | undefined {
  const baseUrl = embedded?.url ?? config.lpaStore.baseUrl;
  if (baseUrl === undefined) return undefined;
  const signer = createLpaStoreSigner({
    region: embedded?.region ?? config.lpaStore.region,
    // In AWS the function's role (the default provider chain); the store lets in an allow-list of roles.
    credentials: embedded ? fixedCredentials(embedded.credentials) : awsCredentials(),
    jwtSecret: secretSource(config.lpaStore.jwtSecret, embedded?.jwtSecret, 'LPA_STORE_JWT_SECRET_NAME'),
  });
  const { retries, connections, breakerFailures, breakerHalfOpenSeconds, maxResponseBytes } = config.sirius;
  return new LpaStoreClient(
    { baseUrl, timeoutMs: config.lpaStore.timeoutMs, retries, connections, breakerFailures, breakerHalfOpenSeconds, maxResponseBytes, onInvalidAnswer },
    signer,
    logger,
  );
}

/**
 * LPA Store LPAs change only through the store, which announces each change: a copy is fresh for
 * a long window (a change refreshes it), and each process keeps its own copy only briefly, the
 * most it may lag behind a change another instance applied.
 */
export function lpaStoreCachePolicy(config: GatewayConfig): CachePolicy {
  return { ...config.cache, freshSeconds: config.lpaStore.freshSeconds, memorySeconds: config.lpaStore.memorySeconds, changeEvents: true };
}
