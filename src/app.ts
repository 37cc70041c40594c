import type { RequestListener } from 'node:http';
import { createAuthenticator } from './auth/authenticate';
import { createIdentity, type DevIdentity } from './auth/identity';
import type { GatewayConfig } from './config/config';
import { consumerSchemas } from './consumers';
import type { Logger } from './logger';
import { createGraphQLEndpoint, type GraphQLEndpoint } from './server/graphql-endpoint';
import { createRequestListener } from './server/http-handler';
import { CacheStore } from './cache/cache-store';
import { createDynamoClient } from './cache/dynamodb-client';
import { LpaReadThrough } from './cache/lpa-read-through';
import { createReadinessCheck } from './server/readiness';
import { createSiriusLoaders } from './sirius/loaders';
import { SiriusClient } from './sirius/sirius-client';

/** The gateway as a request listener, independent of how it is hosted (node:http, Lambda). */
export interface App {
  listener: RequestListener;
  endpoints: readonly GraphQLEndpoint[];
  close(): Promise<void>;
}

export interface AppDependencies {
  config: GatewayConfig;
  /** The Sirius to call: the configured one, or the embedded simulator's address. */
  siriusBaseUrl: string;
  /** The cache table: the configured one, or the embedded local DynamoDB's. */
  cacheTable: { tableName: string; endpoint: string | undefined };
  /** The embedded default's issuer, registry and Sandbox token; absent in production. */
  dev?: DevIdentity & { sandboxToken: string };
  logger: Logger;
}

export async function createApp({ config, siriusBaseUrl, cacheTable, dev, logger }: AppDependencies): Promise<App> {
  const { verifier, registry } = createIdentity(config, { schemas: consumerSchemas }, dev);
  // Fetch the signing keys now rather than on the first request; a failure is retried then.
  await verifier.hydrate().catch((error: unknown) => logger.warn({ err: error }, 'JWKS not fetched at start-up'));

  const sirius = new SiriusClient({ ...config.sirius, baseUrl: siriusBaseUrl }, logger);
  const dynamo = createDynamoClient({ region: config.cache.region, endpoint: cacheTable.endpoint, timeoutMs: config.cache.timeoutMs });
  const cache = new CacheStore({
    client: dynamo,
    tableName: cacheTable.tableName,
    compressAboveBytes: config.cache.compressAboveBytes,
    // Nothing is served past stale-if-error, so nothing need be kept longer.
    retainSeconds: Math.max(config.cache.freshSeconds, config.cache.staleIfErrorSeconds),
    logger,
  });
  const reads = new LpaReadThrough(sirius, cache, config.cache, logger);
  const explorable = dev !== undefined;
  const endpoints = await Promise.all(
    consumerSchemas.map((definition) =>
      createGraphQLEndpoint(definition, {
        explorable,
        sandboxHeaders: dev ? { Authorization: `Bearer ${dev.sandboxToken}` } : undefined,
        limits: config.limits,
        logger,
      }),
    ),
  );
  const listener = createRequestListener({
    endpoints,
    explorable,
    authenticate: createAuthenticator(verifier, registry, logger),
    maxBodyBytes: config.maxBodyBytes,
    readiness: createReadinessCheck(sirius, cache),
    logger,
    createContext: (requestId, caller) => ({
      requestId,
      caller,
      explorable,
      loaders: createSiriusLoaders(reads, { requestId, concurrency: config.sirius.concurrencyPerRequest }),
    }),
  });
  return {
    listener,
    endpoints,
    async close() {
      await Promise.all(endpoints.map((endpoint) => endpoint.server.stop()));
      await sirius.close();
      dynamo.destroy();
    },
  };
}
