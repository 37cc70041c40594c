import { createAuthenticator } from './auth/authenticate';
import { createIdentity, type DevIdentity } from './auth/identity';
import type { GatewayConfig } from './config/config';
import { consumerSchemas } from './consumers';
import { withoutRedaction, type Logger } from './logger';
import { createGraphQLEndpoint, type GraphQLEndpoint } from './server/graphql-endpoint';
import { createGatewayHandler, type GatewayHandler } from './server/gateway-handler';
import { configuredCache } from './cache/configured-cache';
import { createDynamoClient } from './cache/dynamodb-client';
import { secretSource } from './config/secret-source';
import { ReadThrough } from './cache/read-through';
import { siriusLpas } from './sirius/sirius-lpa-source';
import { createMetrics, type GatewayMetrics } from './observability/metrics';
import { createEmbeddedMetrics } from './observability/embedded-metrics';
import { observerFor } from './observability/request-stats';
import { startTracing } from './observability/tracing';
import { createReadinessCheck } from './server/readiness';
import { trustedDocuments } from './server/trusted-documents';
import { lifecycleHeaders } from './server/version-lifecycle';
import { loadManifest } from './contracts/manifest';
import { loadOperations } from './contracts/operations';
import { projectPath } from './project-paths';
import { createLpaLoaders } from './loaders/lpa-loaders';
import { configuredLpaStore, lpaStoreCachePolicy } from './lpa-store/configured-lpa-store';
import { lpaStoreLpas, unconfiguredLpaStore } from './lpa-store/lpa-store-source';
import type { EmbeddedStack } from './dev/embedded-stack';
import type { EventRelay } from './dev/event-relay';
import { createLpaUpdatedHandler } from './events/lpa-updated';
import { eventBridgeActivationKeyRequests, type ActivationKeyRequests } from './events/activation-key-requests';
import { LpaStoreUnavailableError } from './lpa-store/errors';
import { createRequestSigner } from './sirius/request-signer';
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
  /** The embedded LPA Store simulator; production reads the store's address from configuration. */
  embeddedLpaStore?: EmbeddedStack['lpaStore'];
  /** The embedded default records the events it would publish; production puts them on EVENT_BUS_NAME. */
  embeddedEvents?: ActivationKeyRequests;
  /** The embedded LPA Store simulator's change events; in AWS the events Lambda handles them. */
  embeddedLpaStoreChanges?: EventRelay;
  logger: Logger;
  /**
   * When each consumer schema's endpoint (its schema, shield and Apollo Server) is built: all
   * before the app is returned (the default: a long-running server is ready, and a broken schema
   * stops it, before it listens), or each on its first request (a Lambda: a cold start builds
   * only the one its first request needs; a broken schema fails its own requests). The registry
   * is read at start either way.
   */
  buildEndpoints?: 'at start' | 'on first request';
  /** Node's process metrics in the registry (default on); off where nothing scrapes it (a Lambda). */
  processMetrics?: boolean;
}

export async function createApp({ config, siriusBaseUrl, siriusSigningSecret, cacheTable, codesTable, codesSecret, dev, embeddedLpaStore, embeddedEvents, embeddedLpaStoreChanges, logger, buildEndpoints = 'at start', processMetrics = true }: AppDependencies): Promise<App> {
  // The registry first: a registry file whose ids are not its documents' stops start-up here,
  // naming the file and the operation, before any client is created.
  const operationsDir = config.operationsDir ?? projectPath('operations');
  const documents = consumerSchemas.map((definition) => trustedDocuments(loadOperations(operationsDir, definition.consumer, definition.version)));
  const tracing = config.tracing.endpoint ? await startTracing({ endpoint: config.tracing.endpoint, serviceName: config.tracing.serviceName }, logger) : undefined;
  const { verifier, registry } = createIdentity(config, { schemas: consumerSchemas }, dev);
  // Fetch the signing keys now rather than on the first request; a failure is retried then. The
  // fetch runs while the clients below are made (in a Lambda, inside INIT) and, when they are
  // built at start, the schemas.
  const hydrated = verifier.hydrate().catch((error: unknown) => logger.warn({ err: error }, 'JWKS not fetched at start-up'));

  const sign = createRequestSigner({ secrets: secretSource(config.sirius.signingSecret, siriusSigningSecret, 'SIRIUS_SIGNING_SECRET_NAME'), sessionData: config.sirius.sessionData });
  const sirius = new SiriusClient({ ...config.sirius, baseUrl: siriusBaseUrl, onInvalidAnswer: (reason) => metrics.invalidAnswer('sirius', reason) }, sign, logger);
  // EMF lines hold only the gateway's own vocabulary and numbers (embedded-metrics.ts refuses anything else).
  const embedded = config.embeddedMetrics ? createEmbeddedMetrics(withoutRedaction(logger)) : undefined;
  const metrics = createMetrics({ circuitState: () => sirius.circuitState(), embedded, processMetrics });
  const { store: cache, close: closeCache } = configuredCache(config, cacheTable, logger, metrics.cacheWriteFault);
  const lpaStore = configuredLpaStore(config, embeddedLpaStore, logger, (reason) => metrics.invalidAnswer('lpa-store', reason));
  const reads = {
    sirius: new ReadThrough(siriusLpas(sirius), cache, config.cache, logger, metrics.reads),
    lpaStore: new ReadThrough(lpaStore ? lpaStoreLpas(lpaStore) : unconfiguredLpaStore(), cache, lpaStoreCachePolicy(config), logger, metrics.reads),
  };
  // Changes the store announces reach the cache through the same handler the events Lambda runs.
  embeddedLpaStoreChanges?.subscribe(createLpaUpdatedHandler({ reads: reads.lpaStore, metrics: metrics.events, logger }));
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
  const activationKeyRequests = embeddedEvents ?? activationKeyRequestsFor(config);
  const explorable = dev !== undefined;
  const manifest = loadManifest();
  const endpoints = consumerSchemas.map((definition, index) =>
    createGraphQLEndpoint(definition, {
      explorable,
      documents: documents[index]!,
      lifecycleHeaders: lifecycleHeaders(manifest, definition.consumer, definition.version),
      sandboxHeaders: dev ? { Authorization: `Bearer ${dev.sandboxToken}` } : undefined,
      limits: config.limits,
      logger,
      assumeValidSchema: buildEndpoints === 'on first request',
    }),
  );
  if (buildEndpoints === 'at start') await Promise.all(endpoints.map((endpoint) => endpoint.server()));
  await hydrated;
  const handle = createGatewayHandler({
    endpoints,
    explorable,
    authenticate: createAuthenticator(verifier, registry, logger, metrics.authenticationRefused),
    maxBodyBytes: config.maxBodyBytes,
    trustedDocuments: config.trustedDocuments,
    readiness: createReadinessCheck(sirius, lpaStore, cache, config.readiness),
    metrics,
    servesMetrics: config.metrics.port === undefined,
    logger,
    createContext: (requestId, caller, stats, { idempotencyKey, actingUser }) => ({
      requestId,
      caller,
      explorable,
      codes,
      mutations: { idempotency },
      // Rate limited per actor and per caller before Sirius is asked to post anything.
      siriusLetters: { request: (caseUid, actorUid) => letters.request(caseUid, actorUid, caller.name, () => sirius.requestCodeLetter(caseUid, actorUid, { requestId })) },
      lpaStoreLetters: {
        request: (uid, actorUid) =>
          letters.request(uid, actorUid, caller.name, async () => {
            await activationKeyRequests.publish({ uid, actor: actorUid });
            return 'queued' as const;
          }),
      },
      idempotencyKey,
      loaders: createLpaLoaders(reads, { requestId, actor: actingUser, concurrency: config.sirius.concurrencyPerRequest, maxLpas: config.sirius.maxLpasPerRequest, observer: observerFor(stats) }),
    }),
  });
  return {
    handle,
    endpoints,
    metrics,
    flush: async () => tracing?.flush(),
    async close() {
      await Promise.all(endpoints.map((endpoint) => endpoint.stop()));
      await sirius.close();
      await lpaStore?.close();
      closeCache();
      codesDynamo.destroy();
      await tracing?.shutdown();
    },
  };
}

/** Where an LPA Store LPA's letter requests go: the configured bus, or nowhere (a clear refusal). */
function activationKeyRequestsFor(config: GatewayConfig): ActivationKeyRequests {
  const busName = config.lpaStore.eventBusName;
  if (busName === undefined) {
    return { publish: async () => { throw new LpaStoreUnavailableError('no event bus is configured (EVENT_BUS_NAME) for activation-key-requested', false); } };
  }
  return eventBridgeActivationKeyRequests({ busName, region: config.cache.region, timeoutMs: config.lpaStore.timeoutMs });
}

