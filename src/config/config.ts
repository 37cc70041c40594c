import * as z from 'zod';
import { isHttpsOrLoopback } from '../upstream/secure-url';
import type { IssuerConfig } from '../auth/token-verifier';

// Every setting comes from the environment and is checked here, once, at start-up. With nothing
// set the gateway runs its embedded default (Sirius simulator and friends, started by src/dev);
// naming a real Sirius switches that off, and production never falls back to it.

const port = z.coerce.number().int().min(0).max(65535);
const positiveInt = z.coerce.number().int().positive();

/**
 * Production's upstreams are https. The one exception is a loopback address, where nothing crosses
 * a network (the benchmarks run the production configuration against simulators on 127.0.0.1).
 */
const productionSafe = (url: string | undefined): boolean => url === undefined || isHttpsOrLoopback(new URL(url));

const EnvSchema = z
  .object({
    NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
    PORT: port.default(4000),
    HOST: z.string().min(1).optional(),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    MAX_BODY_BYTES: positiveInt.default(100_000),
    SIRIUS_BASE_URL: z.url({ protocol: /^https?$/ }).optional(),
    SIRIUS_TIMEOUT_MS: positiveInt.default(3_000),
    SIRIUS_RETRIES: z.coerce.number().int().min(0).max(5).default(2),
    SIRIUS_CONNECTIONS: positiveInt.default(32),
    SIRIUS_CONCURRENCY_PER_REQUEST: positiveInt.default(8),
    SIRIUS_SIMULATOR_PORT: port.default(4010),
    SIRIUS_FIXTURES: z.string().min(1).optional(),
    LPA_STORE_BASE_URL: z.url({ protocol: /^https?$/ }).optional(),
    LPA_STORE_REGION: z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d$/, 'must be an AWS region, e.g. eu-west-1').default('eu-west-1'),
    LPA_STORE_JWT_SECRET_NAME: z.string().min(1).optional(),
    LPA_STORE_JWT_SECRET: z.string().min(16, 'must be at least 16 characters').optional(),
    LPA_STORE_TIMEOUT_MS: positiveInt.default(3_000),
    LPA_STORE_FRESH_SECONDS: z.coerce.number().int().min(0).default(86_400),
    LPA_STORE_MEMORY_SECONDS: z.coerce.number().int().min(0).default(1),
    LPA_STORE_SIMULATOR_PORT: port.default(4030),
    LPA_STORE_FIXTURES: z.string().min(1).optional(),
    EVENT_BUS_NAME: z.string().regex(/^[\w.\-/:]{1,1600}$/, 'must be an EventBridge bus name or ARN').optional(),
    SIRIUS_SIGNING_SECRET: z.string().min(16, 'must be at least 16 characters').optional(),
    SIRIUS_SIGNING_SECRET_NAME: z.string().min(1).optional(),
    SIRIUS_SECRET_REFRESH_SECONDS: positiveInt.default(300),
    SIRIUS_SESSION_DATA: z.string().min(1).default('sirius-gateway'),
    SIRIUS_BREAKER_FAILURES: positiveInt.default(5),
    SIRIUS_BREAKER_HALF_OPEN_SECONDS: positiveInt.default(10),
    // About 1 MB: a real LPA is a few kilobytes; anything far larger is a fault, never buffered whole.
    SIRIUS_MAX_RESPONSE_BYTES: positiveInt.default(1_048_576),
    MAX_LPAS_PER_REQUEST: positiveInt.default(50),
    CACHE_FRESH_SECONDS: z.coerce.number().int().min(0).default(30),
    CACHE_STALE_IF_ERROR_SECONDS: z.coerce.number().int().min(0).default(172_800),
    CACHE_TABLE_NAME: z.string().regex(/^[\w.-]{3,255}$/, 'must be a DynamoDB table name').optional(),
    CACHE_COMPRESS_ABOVE_BYTES: positiveInt.default(16_384),
    CACHE_WRITE_WAIT_MS: z.coerce.number().int().min(0).default(100),
    CACHE_MEMORY_ENTRIES: z.coerce.number().int().min(0).default(1000),
    CACHE_MEMORY_BYTES: z.coerce.number().int().min(0).default(32 * 1024 * 1024),
    CACHE_BREAKER_FAILURES: positiveInt.default(5),
    CACHE_BREAKER_HALF_OPEN_SECONDS: positiveInt.default(5),
    CACHE_IN_MEMORY: z.enum(['0', '1']).default('0'),
    DYNAMODB_ENDPOINT: z.url({ protocol: /^https?$/ }).optional(),
    DYNAMODB_TIMEOUT_MS: positiveInt.default(300),
    DYNAMODB_DEADLINE_MS: positiveInt.optional(),
    CODES_DYNAMODB_TIMEOUT_MS: positiveInt.default(1_000),
    CODES_DYNAMODB_DEADLINE_MS: positiveInt.optional(),
    METRICS_PORT: port.optional(),
    READINESS_CACHE_SECONDS: z.coerce.number().int().min(0).default(5),
    READINESS_DEADLINE_MS: positiveInt.default(1_000),
    AWS_REGION: z.string().min(1).default('eu-west-2'),
    AUTH_ISSUER: z.enum(['cognito', 'oidc']).optional(),
    COGNITO_USER_POOL_ID: z.string().regex(/^[\w-]+_[0-9a-zA-Z]+$/, 'must look like eu-west-2_AbCdEf123').optional(),
    OIDC_ISSUER: z.string().min(1).optional(),
    OIDC_JWKS_URI: z.url({ protocol: /^https?$/ }).optional(),
    OIDC_AUDIENCE: z.string().min(1).optional(),
    OIDC_CLIENT_ID_CLAIM: z.string().min(1).default('client_id'),
    // For issuers whose access tokens carry neither typ at+jwt nor token_use access (Entra ID: idtyp=app).
    OIDC_ACCESS_TOKEN_CLAIM: z
      .string()
      .regex(/^[^=\s]+=\S+$/, 'must be name=value: the claim every access token carries, e.g. idtyp=app for Entra ID')
      .transform((setting) => ({ name: setting.slice(0, setting.indexOf('=')), value: setting.slice(setting.indexOf('=') + 1) }))
      .optional(),
    AUTH_SCOPE_PREFIX: z.string().default('sirius-gateway/'),
    JWKS_REFETCH_SECONDS: positiveInt.default(10),
    CALLER_REGISTRY_FILE: z.string().min(1).optional(),
    CALLER_REGISTRY_JSON: z.string().min(1).optional(),
    DEV_ISSUER_PORT: port.default(4020),
    MAX_QUERY_DEPTH: positiveInt.default(16),
    MAX_QUERY_COST: positiveInt.default(2000),
    MAX_QUERY_ALIASES: positiveInt.default(15),
    MAX_QUERY_TOKENS: positiveInt.default(2000),
    MAX_QUERY_DIRECTIVES: positiveInt.default(20),
    TRUSTED_DOCUMENTS: z.enum(['enforce', 'allow']).optional(),
    OPERATIONS_DIR: z.string().min(1).optional(),
    CODES_TABLE_NAME: z.string().regex(/^[\w.-]{3,255}$/, 'must be a DynamoDB table name').optional(),
    CODES_SECRET_NAME: z.string().min(1).optional(),
    CODES_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
    CODES_VALID_DAYS: positiveInt.default(365),
    CODES_LOCK_AFTER_FAILURES: positiveInt.default(5),
    CODES_LOCK_SECONDS: positiveInt.default(900),
    CODES_CHECKS_PER_MINUTE_PER_CALLER: positiveInt.default(600),
    CODES_CHECKS_PER_MINUTE_PER_CODE: positiveInt.default(10),
    CODES_LETTERS_PER_ACTOR_PER_DAY: positiveInt.default(3),
    CODES_LETTERS_PER_MINUTE_PER_CALLER: positiveInt.default(60),
    IDEMPOTENCY_LEASE_SECONDS: positiveInt.default(30),
    // OpenTelemetry's own variable names, so an ADOT/collector setup configures us unchanged.
    OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: z.url({ protocol: /^https?$/ }).optional(),
    OTEL_EXPORTER_OTLP_ENDPOINT: z.url({ protocol: /^https?$/ }).optional(),
    OTEL_SERVICE_NAME: z.string().min(1).default('sirius-gateway'),
    // Set by the Lambda runtime: where nothing scrapes /metrics, metrics go to the log (EMF).
    AWS_LAMBDA_FUNCTION_NAME: z.string().min(1).optional(),
    EMBEDDED_METRICS: z.enum(['true', 'false']).optional(),
  })
  // Production's upstreams carry personal data and signed credentials: never in clear. (Not the
  // OTLP endpoint: an ADOT collector beside the function listens on http://localhost by design.)
  .refine((env) => env.NODE_ENV !== 'production' || productionSafe(env.SIRIUS_BASE_URL), {
    path: ['SIRIUS_BASE_URL'],
    message: 'must be an https:// URL when NODE_ENV=production (http only to a loopback address)',
  })
  .refine((env) => env.NODE_ENV !== 'production' || productionSafe(env.LPA_STORE_BASE_URL), {
    path: ['LPA_STORE_BASE_URL'],
    message: 'must be an https:// URL when NODE_ENV=production (http only to a loopback address)',
  })
  .refine((env) => env.NODE_ENV !== 'production' || env.SIRIUS_BASE_URL !== undefined, {
    path: ['SIRIUS_BASE_URL'],
    message: 'is required when NODE_ENV=production (the embedded Sirius simulator never runs in production)',
  })
  // A real Sirius is never put behind the dev issuer: naming one requires a real issuer and registry.
  .refine((env) => env.SIRIUS_BASE_URL === undefined || env.AUTH_ISSUER !== undefined, {
    path: ['AUTH_ISSUER'],
    message: 'is required (cognito or oidc) when SIRIUS_BASE_URL is set',
  })
  .refine((env) => env.SIRIUS_BASE_URL === undefined || env.SIRIUS_SIGNING_SECRET_NAME || env.SIRIUS_SIGNING_SECRET, {
    path: ['SIRIUS_SIGNING_SECRET_NAME'],
    message: 'is required when SIRIUS_BASE_URL is set: the Secrets Manager secret that signs calls to Sirius',
  })
  .refine((env) => env.NODE_ENV !== 'production' || env.SIRIUS_SIGNING_SECRET === undefined, {
    path: ['SIRIUS_SIGNING_SECRET'],
    message: 'must not be set when NODE_ENV=production: use SIRIUS_SIGNING_SECRET_NAME (Secrets Manager)',
  })
  .refine((env) => env.LPA_STORE_BASE_URL === undefined || env.LPA_STORE_JWT_SECRET_NAME || env.LPA_STORE_JWT_SECRET, {
    path: ['LPA_STORE_JWT_SECRET_NAME'],
    message: 'is required when LPA_STORE_BASE_URL is set: the Secrets Manager secret the store checks X-Jwt-Authorization against',
  })
  .refine((env) => env.NODE_ENV !== 'production' || env.LPA_STORE_JWT_SECRET === undefined, {
    path: ['LPA_STORE_JWT_SECRET'],
    message: 'must not be set when NODE_ENV=production: use LPA_STORE_JWT_SECRET_NAME (Secrets Manager)',
  })
  .refine((env) => env.LPA_STORE_BASE_URL === undefined || env.SIRIUS_BASE_URL !== undefined, {
    path: ['LPA_STORE_BASE_URL'],
    message: 'needs SIRIUS_BASE_URL too: the embedded default runs its own LPA Store simulator',
  })
  .refine((env) => env.SIRIUS_BASE_URL === undefined || env.CACHE_TABLE_NAME !== undefined, {
    path: ['CACHE_TABLE_NAME'],
    message: 'is required when SIRIUS_BASE_URL is set (production never creates its own table)',
  })
  .refine((env) => env.SIRIUS_BASE_URL === undefined || env.CODES_TABLE_NAME !== undefined, {
    path: ['CODES_TABLE_NAME'],
    message: 'is required when SIRIUS_BASE_URL is set: the activation codes table',
  })
  .refine((env) => env.SIRIUS_BASE_URL === undefined || env.CODES_SECRET_NAME || env.CODES_SECRET, {
    path: ['CODES_SECRET_NAME'],
    message: 'is required when SIRIUS_BASE_URL is set: the Secrets Manager secret that keys code hashes',
  })
  .refine((env) => env.NODE_ENV !== 'production' || env.CODES_SECRET === undefined, {
    path: ['CODES_SECRET'],
    message: 'must not be set when NODE_ENV=production: use CODES_SECRET_NAME (Secrets Manager)',
  })
  .refine((env) => env.AUTH_ISSUER === undefined || env.CALLER_REGISTRY_FILE !== undefined || env.CALLER_REGISTRY_JSON !== undefined, {
    path: ['CALLER_REGISTRY_FILE'],
    message: 'is required when AUTH_ISSUER is set (or CALLER_REGISTRY_JSON, the same JSON inline)',
  })
  .refine((env) => env.AUTH_ISSUER !== 'cognito' || env.COGNITO_USER_POOL_ID !== undefined, {
    path: ['COGNITO_USER_POOL_ID'],
    message: 'is required when AUTH_ISSUER=cognito',
  })
  .refine((env) => env.AUTH_ISSUER !== 'oidc' || (env.OIDC_ISSUER && env.OIDC_JWKS_URI && env.OIDC_AUDIENCE), {
    path: ['OIDC_ISSUER'],
    message: 'OIDC_ISSUER, OIDC_JWKS_URI and OIDC_AUDIENCE are all required when AUTH_ISSUER=oidc',
  })
  // Ignoring it silently would leave whoever set it believing their issuer's tokens are checked by it.
  .refine((env) => env.OIDC_ACCESS_TOKEN_CLAIM === undefined || env.AUTH_ISSUER === 'oidc', {
    path: ['OIDC_ACCESS_TOKEN_CLAIM'],
    message: 'applies only when AUTH_ISSUER=oidc',
  });

export interface GatewayConfig {
  production: boolean;
  /** True when the gateway starts its own Sirius simulator: no real Sirius was named. */
  embedded: boolean;
  port: number;
  host: string;
  logLevel: z.infer<typeof EnvSchema>['LOG_LEVEL'];
  maxBodyBytes: number;
  sirius: {
    /** Undefined on the embedded default until the simulator has a port. */
    baseUrl: string | undefined;
    timeoutMs: number;
    retries: number;
    connections: number;
    concurrencyPerRequest: number;
    breakerFailures: number;
    breakerHalfOpenSeconds: number;
    /** A larger answer is abandoned as it arrives (SIRIUS_UNAVAILABLE), never buffered or cached. */
    maxResponseBytes: number;
    /** Distinct LPAs one request may read: whatever the document, one request costs at most this. */
    maxLpasPerRequest: number;
    /** A literal secret (tests, non-production) or a Secrets Manager name; embedded: generated. */
    signingSecret: { kind: 'literal'; value: string } | { kind: 'secrets-manager'; name: string; refreshSeconds: number } | undefined;
    sessionData: string;
  };
  cache: {
    freshSeconds: number;
    staleIfErrorSeconds: number;
    compressAboveBytes: number;
    writeWaitMs: number;
    /** LPAs kept in process memory while fresh, in front of DynamoDB (0: none). */
    memoryEntries: number;
    /** …and at most this many bytes of them. */
    memoryBytes: number;
    /** Consecutive DynamoDB faults after which the cache is skipped for `breakerHalfOpenSeconds`. */
    breakerFailures: number;
    breakerHalfOpenSeconds: number;
    region: string;
    /** One DynamoDB attempt, and the whole call (retries included). */
    timeoutMs: number;
    deadlineMs: number;
    /** Undefined on the embedded default until local DynamoDB (dynalite) has started. */
    tableName: string | undefined;
    endpoint: string | undefined;
    /** Embedded default: keep the cache in memory rather than under .local/ (tests). */
    inMemory: boolean;
  };
  simulator: { port: number; fixtures: string | undefined };
  /**
   * The LPA Store. Outside the embedded default it is optional: without LPA_STORE_BASE_URL the
   * gateway serves Sirius's LPAs only, and an LPA Store uid answers LPA_STORE_UNAVAILABLE.
   */
  lpaStore: {
    /** Undefined on the embedded default until its simulator has a port, or when not configured. */
    baseUrl: string | undefined;
    region: string;
    timeoutMs: number;
    /**
     * LPA Store LPAs change only through the store, which announces every change (lpa-updated):
     * a cached copy is served this long, because a change refreshes it (src/events/lpa-updated.ts).
     */
    freshSeconds: number;
    /**
     * How long this process keeps its own copy of an LPA Store LPA in front of DynamoDB: the most
     * an instance that did not handle a change event can lag behind it (plus the event's delivery).
     */
    memorySeconds: number;
    jwtSecret: { kind: 'literal'; value: string } | { kind: 'secrets-manager'; name: string; refreshSeconds: number } | undefined;
    simulator: { port: number; fixtures: string | undefined };
    /** Where activation-key-requested events go (an LPA Store LPA's letter); embedded: recorded in memory. */
    eventBusName: string | undefined;
  };
  auth: {
    /** Undefined: the embedded dev issuer and dev callers. */
    issuer: IssuerConfig | undefined;
    scopePrefix: string;
    jwksRefetchSeconds: number;
    callerRegistryFile: string | undefined;
    /** The registry inline (the infrastructure fills in Cognito client ids known only at deploy). */
    callerRegistryJson: string | undefined;
    devIssuerPort: number;
  };
  limits: { depth: number; cost: number; aliases: number; tokens: number; directives: number };
  codes: {
    /** Undefined on the embedded default until local DynamoDB has started. */
    tableName: string | undefined;
    /** Keys code and date-of-birth hashes; embedded: generated and kept under .local/. */
    secret: { kind: 'literal'; value: string } | { kind: 'secrets-manager'; name: string; refreshSeconds: number } | undefined;
    validDays: number;
    lockAfterFailures: number;
    lockSeconds: number;
    perCallerPerMinute: number;
    perCodePerMinute: number;
    /** Letters one actor of one LPA may be sent per (UTC) day, and one caller may ask for per minute. */
    lettersPerActorPerDay: number;
    lettersPerMinutePerCaller: number;
    /** How long an idempotent mutation's attempt holds its key before a retry may take over. */
    idempotencyLeaseSeconds: number;
    /** The codes table is the record, not a cache: it may wait longer, but never unboundedly. */
    dynamoTimeoutMs: number;
    dynamoDeadlineMs: number;
  };
  /** `enforce`: only registered operations run; `allow`: ad-hoc ones too (logged). */
  trustedDocuments: 'enforce' | 'allow';
  /** The operations registry ({consumer}/{version}/...); undefined: the project's operations/. */
  operationsDir: string | undefined;
  /** OTLP/HTTP traces URL; undefined: no spans are recorded or exported. */
  tracing: { endpoint: string | undefined; serviceName: string };
  /**
   * Where /metrics is served: on the main listener only on the embedded default; elsewhere on its
   * own port (default 9464, Prometheus's convention), so a load balancer forwarding the main port
   * never exposes it.
   */
  metrics: { port: number | undefined };
  /** One readiness probe answers every caller for `cacheMs`; each dependency has `deadlineMs`. */
  readiness: { cacheMs: number; deadlineMs: number };
  /**
   * Metrics as CloudWatch Embedded Metric Format log lines (src/observability/embedded-metrics.ts):
   * EMBEDDED_METRICS, by default on in Lambda (AWS_LAMBDA_FUNCTION_NAME set), where nothing scrapes
   * /metrics, and off elsewhere.
   */
  embeddedMetrics: boolean;
}

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`);
  }
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): GatewayConfig {
  // An empty variable means "not set", as it does to shells and to most deployment tools.
  const present = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== undefined && value !== ''));
  const parsed = EnvSchema.safeParse(present);
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((issue) => {
        const name = issue.path.join('.');
        const value = present[name];
        // Name the bad value to help whoever deploys, except secrets, which never reach a log.
        const shown = value === undefined || /SECRET/.test(name) ? '' : `=${JSON.stringify(value)}`;
        return `${name}${shown}: ${issue.message}`;
      }),
    );
  }
  const e = parsed.data;
  const embedded = e.SIRIUS_BASE_URL === undefined;
  return {
    production: e.NODE_ENV === 'production',
    embedded,
    port: e.PORT,
    // The embedded default is for one engineer's machine: keep it off the network.
    host: e.HOST ?? (embedded ? '127.0.0.1' : '0.0.0.0'),
    logLevel: e.LOG_LEVEL,
    maxBodyBytes: e.MAX_BODY_BYTES,
    sirius: {
      baseUrl: e.SIRIUS_BASE_URL,
      timeoutMs: e.SIRIUS_TIMEOUT_MS,
      retries: e.SIRIUS_RETRIES,
      connections: e.SIRIUS_CONNECTIONS,
      concurrencyPerRequest: e.SIRIUS_CONCURRENCY_PER_REQUEST,
      breakerFailures: e.SIRIUS_BREAKER_FAILURES,
      breakerHalfOpenSeconds: e.SIRIUS_BREAKER_HALF_OPEN_SECONDS,
      maxResponseBytes: e.SIRIUS_MAX_RESPONSE_BYTES,
      maxLpasPerRequest: e.MAX_LPAS_PER_REQUEST,
      signingSecret: e.SIRIUS_SIGNING_SECRET_NAME
        ? { kind: 'secrets-manager', name: e.SIRIUS_SIGNING_SECRET_NAME, refreshSeconds: e.SIRIUS_SECRET_REFRESH_SECONDS }
        : e.SIRIUS_SIGNING_SECRET
          ? { kind: 'literal', value: e.SIRIUS_SIGNING_SECRET }
          : undefined,
      sessionData: e.SIRIUS_SESSION_DATA,
    },
    cache: {
      freshSeconds: e.CACHE_FRESH_SECONDS,
      staleIfErrorSeconds: e.CACHE_STALE_IF_ERROR_SECONDS,
      compressAboveBytes: e.CACHE_COMPRESS_ABOVE_BYTES,
      writeWaitMs: e.CACHE_WRITE_WAIT_MS,
      memoryEntries: e.CACHE_MEMORY_ENTRIES,
      memoryBytes: e.CACHE_MEMORY_BYTES,
      breakerFailures: e.CACHE_BREAKER_FAILURES,
      breakerHalfOpenSeconds: e.CACHE_BREAKER_HALF_OPEN_SECONDS,
      region: e.AWS_REGION,
      timeoutMs: e.DYNAMODB_TIMEOUT_MS,
      // Two attempts, and nothing more: a cache that cannot answer is skipped (it fails open).
      deadlineMs: e.DYNAMODB_DEADLINE_MS ?? 2 * e.DYNAMODB_TIMEOUT_MS,
      tableName: e.CACHE_TABLE_NAME,
      endpoint: e.DYNAMODB_ENDPOINT,
      inMemory: e.CACHE_IN_MEMORY === '1',
    },
    simulator: { port: e.SIRIUS_SIMULATOR_PORT, fixtures: e.SIRIUS_FIXTURES },
    lpaStore: {
      baseUrl: e.LPA_STORE_BASE_URL,
      region: e.LPA_STORE_REGION,
      timeoutMs: e.LPA_STORE_TIMEOUT_MS,
      freshSeconds: e.LPA_STORE_FRESH_SECONDS,
      memorySeconds: e.LPA_STORE_MEMORY_SECONDS,
      jwtSecret: e.LPA_STORE_JWT_SECRET_NAME
        ? { kind: 'secrets-manager', name: e.LPA_STORE_JWT_SECRET_NAME, refreshSeconds: e.SIRIUS_SECRET_REFRESH_SECONDS }
        : e.LPA_STORE_JWT_SECRET
          ? { kind: 'literal', value: e.LPA_STORE_JWT_SECRET }
          : undefined,
      simulator: { port: e.LPA_STORE_SIMULATOR_PORT, fixtures: e.LPA_STORE_FIXTURES },
      eventBusName: e.EVENT_BUS_NAME,
    },
    auth: {
      issuer:
        e.AUTH_ISSUER === 'cognito'
          ? { kind: 'cognito', userPoolId: e.COGNITO_USER_POOL_ID! }
          : e.AUTH_ISSUER === 'oidc'
            ? {
                kind: 'oidc',
                issuer: e.OIDC_ISSUER!,
                jwksUri: e.OIDC_JWKS_URI!,
                audience: e.OIDC_AUDIENCE!,
                clientIdClaim: e.OIDC_CLIENT_ID_CLAIM,
                accessTokenClaim: e.OIDC_ACCESS_TOKEN_CLAIM,
              }
            : undefined,
      scopePrefix: e.AUTH_SCOPE_PREFIX,
      jwksRefetchSeconds: e.JWKS_REFETCH_SECONDS,
      callerRegistryFile: e.CALLER_REGISTRY_FILE,
      callerRegistryJson: e.CALLER_REGISTRY_JSON,
      devIssuerPort: e.DEV_ISSUER_PORT,
    },
    limits: {
      depth: e.MAX_QUERY_DEPTH,
      cost: e.MAX_QUERY_COST,
      aliases: e.MAX_QUERY_ALIASES,
      tokens: e.MAX_QUERY_TOKENS,
      directives: e.MAX_QUERY_DIRECTIVES,
    },
    codes: {
      tableName: e.CODES_TABLE_NAME,
      secret: e.CODES_SECRET_NAME
        ? { kind: 'secrets-manager', name: e.CODES_SECRET_NAME, refreshSeconds: e.SIRIUS_SECRET_REFRESH_SECONDS }
        : e.CODES_SECRET
          ? { kind: 'literal', value: e.CODES_SECRET }
          : undefined,
      validDays: e.CODES_VALID_DAYS,
      lockAfterFailures: e.CODES_LOCK_AFTER_FAILURES,
      lockSeconds: e.CODES_LOCK_SECONDS,
      perCallerPerMinute: e.CODES_CHECKS_PER_MINUTE_PER_CALLER,
      perCodePerMinute: e.CODES_CHECKS_PER_MINUTE_PER_CODE,
      lettersPerActorPerDay: e.CODES_LETTERS_PER_ACTOR_PER_DAY,
      lettersPerMinutePerCaller: e.CODES_LETTERS_PER_MINUTE_PER_CALLER,
      idempotencyLeaseSeconds: e.IDEMPOTENCY_LEASE_SECONDS,
      dynamoTimeoutMs: e.CODES_DYNAMODB_TIMEOUT_MS,
      dynamoDeadlineMs: e.CODES_DYNAMODB_DEADLINE_MS ?? 2 * e.CODES_DYNAMODB_TIMEOUT_MS + 500,
    },
    // Engineers explore the embedded default freely; anywhere else only registered operations run.
    trustedDocuments: e.TRUSTED_DOCUMENTS ?? (embedded ? 'allow' : 'enforce'),
    operationsDir: e.OPERATIONS_DIR,
    tracing: {
      // As the OTLP spec says: the signal-specific URL as given, the base URL plus /v1/traces.
      endpoint:
        e.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT ??
        (e.OTEL_EXPORTER_OTLP_ENDPOINT ? `${e.OTEL_EXPORTER_OTLP_ENDPOINT.replace(/\/+$/, '')}/v1/traces` : undefined),
      serviceName: e.OTEL_SERVICE_NAME,
    },
    metrics: { port: e.METRICS_PORT ?? (embedded ? undefined : 9464) },
    readiness: { cacheMs: e.READINESS_CACHE_SECONDS * 1000, deadlineMs: e.READINESS_DEADLINE_MS },
    embeddedMetrics: e.EMBEDDED_METRICS === undefined ? e.AWS_LAMBDA_FUNCTION_NAME !== undefined : e.EMBEDDED_METRICS === 'true',
  };
}
