import { createAuthenticator } from './auth/authenticate';
import { createIdentity, type DevIdentity } from './auth/identity';
import type { GatewayConfig } from './config/config';
import { consumerSchemas } from './consumers';
import type { Logger } from './logger';
import { createGraphQLEndpoint, type GraphQLEndpoint } from './server/graphql-endpoint';
import { createGatewayHandler, type GatewayHandler } from './server/gateway-handler';
import { CacheStore } from './cache/cache-store';
import { createDynamoClient } from './cache/dynamodb-client';
import { ReadThrough } from './cache/read-through';
import { siriusLpas } from './sirius/sirius-lpa-source';
import { createMetrics, type GatewayMetrics } from './observability/metrics';
import { observerFor } from './observability/request-stats';
import { startTracing } from './observability/tracing';
import { createReadinessCheck } from './server/readiness';
import { trustedDocuments } from './server/trusted-documents';
import { lifecycleHeaders } from './server/version-lifecycle';
import { loadManifest } from './contracts/manifest';
import { loadOperations } from './contracts/operations';
import { projectPath } from './project-paths';
import { createSiriusLoaders } from './loaders/lpa-loaders';
import { createRequestSigner, fixedSecret, type SecretSource } from './sirius/request-signer';
import { secretsManagerSecret } from './sirius/secrets-manager-secret';
import { SiriusClient } from './sirius/sirius-client';
import { ActivationCodes } from './codes/activation-codes';
import { codeSecrets } from './codes/code-secrets';
import { CodeStore } from './codes/code-store';
import { AttemptLock } from './codes/attempt-lock';
import { reportingUnavailability } from './codes/codes-unavailable';
import { LetterLimits } from './codes/letter-limits';
import { ShardedRateLimit } from './codes/sharded-rate-limit';
import { IdempotencyStore } from './mutations/idempotency-store';

/** The gateway, independent of how it is hosted (node:http in src/main.ts, Lambda in src/lambda.ts). */
export interface App {
  handle: GatewayHandler;
  endpoints: readonly GraphQLEndpoint[];
  /** Served on their own listener outside the embedded default (see config.metrics). */
  metrics: GatewayMetrics;
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
  /** The activation codes table, likewise. */
  codesTable: { tableName: string; endpoint: string | undefined };
  /** The embedded default's codes secret; production reads its own from configuration. */
  codesSecret?: string;
  /** The embedded default's issuer, registry and Sandbox token; absent in production. */
  dev?: DevIdentity & { sandboxToken: string };
  logger: Logger;
}

export async function createApp({ config, siriusBaseUrl, siriusSigningSecret, cacheTable, codesTable, codesSecret, dev, logger }: AppDependencies): Promise<App> {
  const tracing = config.tracing.endpoint ? startTracing({ endpoint: config.tracing.endpoint, serviceName: config.tracing.serviceName }, logger) : undefined;
  const { verifier, registry } = createIdentity(config, { schemas: consumerSchemas }, dev);
  // Fetch the signing keys now rather than on the first request; a failure is retried then.
  await verifier.hydrate().catch((error: unknown) => logger.warn({ err: error }, 'JWKS not fetched at start-up'));

  const sign = createRequestSigner({ secrets: secretSource(config.sirius.signingSecret, siriusSigningSecret, 'SIRIUS_SIGNING_SECRET_NAME'), sessionData: config.sirius.sessionData });
  const sirius = new SiriusClient({ ...config.sirius, baseUrl: siriusBaseUrl, onInvalidAnswer: (reason) => metrics.siriusInvalidAnswer(reason) }, sign, logger);
  const metrics = createMetrics({ circuitState: () => sirius.circuitState() });
  const dynamo = createDynamoClient({ region: config.cache.region, endpoint: cacheTable.endpoint, timeoutMs: config.cache.timeoutMs, deadlineMs: config.cache.deadlineMs });
  const cache = new CacheStore({
    client: dynamo,
    tableName: cacheTable.tableName,
    compressAboveBytes: config.cache.compressAboveBytes,
    // Nothing is served past stale-if-error, so nothing need be kept longer.
    retainSeconds: Math.max(config.cache.freshSeconds, config.cache.staleIfErrorSeconds),
    logger,
    onWriteFault: metrics.cacheWriteFault,
    breakerFailures: config.cache.breakerFailures,
    breakerHalfOpenSeconds: config.cache.breakerHalfOpenSeconds,
  });
  const reads = new ReadThrough(siriusLpas(sirius), cache, config.cache, logger, metrics.reads);
  // The codes table is the record, not a cache: its client waits longer and faults are errors.
  // Its faults that a retry may outlast (timeouts, throttling) answer CODES_UNAVAILABLE.
  const codesDynamo = reportingUnavailability(createDynamoClient({ region: config.cache.region, endpoint: codesTable.endpoint, timeoutMs: config.codes.dynamoTimeoutMs, deadlineMs: config.codes.dynamoDeadlineMs }), logger);
  const secrets = codeSecrets(secretSource(config.codes.secret, codesSecret, 'CODES_SECRET_NAME'));
  const codeStore = new CodeStore(codesDynamo, codesTable.tableName);
  const callerLimits = new ShardedRateLimit(codeStore);
  const attempts = new AttemptLock(codesDynamo, codesTable.tableName, { maxFailures: config.codes.lockAfterFailures, windowSeconds: config.codes.lockSeconds });
  const codes = new ActivationCodes(codeStore, attempts, callerLimits, secrets, config.codes, metrics.activationCode);
  const letters = new LetterLimits(codeStore, callerLimits, config.codes, metrics.activationCode);
  const idempotency = new IdempotencyStore(codesDynamo, codesTable.tableName, secrets, { retainSeconds: 24 * 3600, leaseSeconds: config.codes.idempotencyLeaseSeconds, logger });
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
    readiness: createReadinessCheck(sirius, cache, config.readiness),
    metrics,
    servesMetrics: config.metrics.port === undefined,
    logger,
    createContext: (requestId, caller, stats, idempotencyKey) => ({
      requestId,
      caller,
      explorable,
      codes,
      mutations: { idempotency },
      // Rate limited per actor and per caller before Sirius is asked to post anything.
      siriusLetters: { request: (caseUid, actorUid) => letters.request(caseUid, actorUid, caller.name, () => sirius.requestCodeLetter(caseUid, actorUid, { requestId })) },
      idempotencyKey,
      loaders: createSiriusLoaders(reads, { requestId, concurrency: config.sirius.concurrencyPerRequest, maxLpas: config.sirius.maxLpasPerRequest, observer: observerFor(stats) }),
    }),
  });
  return {
    handle,
    endpoints,
    metrics,
    flush: async () => tracing?.flush(),
    async close() {
      await Promise.all(endpoints.map((endpoint) => endpoint.server.stop()));
      await sirius.close();
      dynamo.destroy();
      codesDynamo.destroy();
      await tracing?.shutdown();
    },
  };
}

type ConfiguredSecret = GatewayConfig['sirius']['signingSecret'];

/** A secret from Secrets Manager by name, a literal (tests), or the embedded stack's. */
function secretSource(configured: ConfiguredSecret, embeddedSecret: string | undefined, setting: string): SecretSource {
  if (configured?.kind === 'secrets-manager') {
    return secretsManagerSecret({ secretId: configured.name, refreshSeconds: configured.refreshSeconds });
  }
  const secret = configured?.value ?? embeddedSecret;
  if (secret === undefined) throw new Error(`No secret configured: set ${setting}`);
  return fixedSecret(secret);
}
