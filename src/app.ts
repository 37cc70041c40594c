import { createAuthenticator } from './auth/authenticate';
import { createIdentity, type DevIdentity } from './auth/identity';
import type { GatewayConfig } from './config/config';
import { consumerSchemas } from './consumers';
import type { Logger } from './logger';
import { createGraphQLEndpoint, type GraphQLEndpoint } from './server/graphql-endpoint';
import { createGatewayHandler, type GatewayHandler } from './server/gateway-handler';
import { CacheStore } from './cache/cache-store';
import { createDynamoClient } from './cache/dynamodb-client';
import { LpaReadThrough } from './cache/lpa-read-through';
import { createMetrics } from './observability/metrics';
import { observerFor } from './observability/request-stats';
import { startTracing } from './observability/tracing';
import { createReadinessCheck } from './server/readiness';
import { trustedDocuments } from './server/trusted-documents';
import { lifecycleHeaders } from './server/version-lifecycle';
import { loadManifest } from './contracts/manifest';
import { loadOperations } from './contracts/operations';
import { projectPath } from './project-paths';
import { createSiriusLoaders } from './sirius/loaders';
import { createRequestSigner, fixedSecret, type SecretSource } from './sirius/request-signer';
import { secretsManagerSecret } from './sirius/secrets-manager-secret';
import { SiriusClient } from './sirius/sirius-client';

/** The gateway, independent of how it is hosted (node:http in src/main.ts, Lambda in src/lambda.ts). */
export interface App {
  handle: GatewayHandler;
  endpoints: readonly GraphQLEndpoint[];
  /** Exports buffered telemetry (Lambda calls it before its instance may be frozen). */
  flush(): Promise<void>;
  close(): Promise<void>;
}

export interface AppDependencies {
  config: GatewayConfig;
  /** The Sirius to call: the configured one, or the embedded simulator's address. */
  siriusBaseUrl: string;
  /** The embedded simulator's signing secret; production reads its own from configuration. */
  siriusSigningSecret?: string;
  /** The cache table: the configured one, or the embedded local DynamoDB's. */
  cacheTable: { tableName: string; endpoint: string | undefined };
  /** The embedded default's issuer, registry and Sandbox token; absent in production. */
  dev?: DevIdentity & { sandboxToken: string };
  logger: Logger;
}

export async function createApp({ config, siriusBaseUrl, siriusSigningSecret, cacheTable, dev, logger }: AppDependencies): Promise<App> {
  const tracing = config.tracing.endpoint ? startTracing({ endpoint: config.tracing.endpoint, serviceName: config.tracing.serviceName }, logger) : undefined;
  const { verifier, registry } = createIdentity(config, { schemas: consumerSchemas }, dev);
  // Fetch the signing keys now rather than on the first request; a failure is retried then.
  await verifier.hydrate().catch((error: unknown) => logger.warn({ err: error }, 'JWKS not fetched at start-up'));

  const sign = createRequestSigner({ secrets: signingSecretSource(config, siriusSigningSecret), sessionData: config.sirius.sessionData });
  const sirius = new SiriusClient({ ...config.sirius, baseUrl: siriusBaseUrl }, sign, logger);
  const metrics = createMetrics({ circuitState: () => sirius.circuitState() });
  const dynamo = createDynamoClient({ region: config.cache.region, endpoint: cacheTable.endpoint, timeoutMs: config.cache.timeoutMs });
  const cache = new CacheStore({
    client: dynamo,
    tableName: cacheTable.tableName,
    compressAboveBytes: config.cache.compressAboveBytes,
    // Nothing is served past stale-if-error, so nothing need be kept longer.
    retainSeconds: Math.max(config.cache.freshSeconds, config.cache.staleIfErrorSeconds),
    logger,
    onWriteFault: metrics.cacheWriteFault,
  });
  const reads = new LpaReadThrough(sirius, cache, config.cache, logger, metrics);
  const explorable = dev !== undefined;
  const manifest = loadManifest();
  const endpoints = await Promise.all(
    consumerSchemas.map((definition) =>
      createGraphQLEndpoint(definition, {
        explorable,
        documents: trustedDocuments(loadOperations(projectPath('operations'), definition.consumer, definition.version)),
        lifecycleHeaders: lifecycleHeaders(manifest, definition.consumer, definition.version),
        sandboxHeaders: dev ? { Authorization: `Bearer ${dev.sandboxToken}` } : undefined,
        limits: config.limits,
        logger,
      }),
    ),
  );
  const handle = createGatewayHandler({
    endpoints,
    explorable,
    authenticate: createAuthenticator(verifier, registry, logger),
    maxBodyBytes: config.maxBodyBytes,
    trustedDocuments: config.trustedDocuments,
    readiness: createReadinessCheck(sirius, cache),
    metrics,
    logger,
    createContext: (requestId, caller, stats) => ({
      requestId,
      caller,
      explorable,
      loaders: createSiriusLoaders(reads, { requestId, concurrency: config.sirius.concurrencyPerRequest, observer: observerFor(stats) }),
    }),
  });
  return {
    handle,
    endpoints,
    flush: async () => tracing?.flush(),
    async close() {
      await Promise.all(endpoints.map((endpoint) => endpoint.server.stop()));
      await sirius.close();
      dynamo.destroy();
      await tracing?.shutdown();
    },
  };
}

function signingSecretSource(config: GatewayConfig, embeddedSecret: string | undefined): SecretSource {
  const configured = config.sirius.signingSecret;
  if (configured?.kind === 'secrets-manager') {
    return secretsManagerSecret({ secretId: configured.name, refreshSeconds: configured.refreshSeconds });
  }
  const secret = configured?.value ?? embeddedSecret;
  if (secret === undefined) throw new Error('No Sirius signing secret: set SIRIUS_SIGNING_SECRET_NAME');
  return fixedSecret(secret);
}
