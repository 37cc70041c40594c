// Metrics as CloudWatch Embedded Metric Format (EMF) log lines, for the Lambda entries, where
// nothing scrapes /metrics: CloudWatch turns each line into metric data points, on which the
// stack's alarms and dashboard are built.
// https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch_Embedded_Metric_Format_Specification.html
//
// A line is one JSON object: `_aws` (Timestamp in ms and the CloudWatchMetrics directives), and
// each dimension (a string) and metric (a number) it names as a top-level member. Anything else
// on the line (pino's level, time, service, msg) is ignored by CloudWatch. Lines are written
// through the gateway's logger (app.ts gives it a child without redaction: nothing here needs it).
//
// Dimension values are only ever the gateway's own vocabulary (fixed lists below, and consumer
// schema names from the routing table): never a string a client chose, and never personal data.
//
// infra/ imports this module at synth time for the names below: it imports nothing at run time.

import type { RequestStats } from './request-stats';

/** The names CloudWatch knows these metrics by: the alarms and dashboard in infra/ use them. */
export const EMBEDDED_METRICS = {
  namespace: 'SiriusGateway',
  /** Checks and uses of activation codes: dimensions [Outcome] and [Operation, Outcome]. */
  codeOutcomes: 'CodeOutcomes',
  /** Requests refused at authentication (401/403): dimension [Reason]. */
  authenticationsRefused: 'AuthenticationsRefused',
  /** Per request, all with dimensions [Consumer, Version]: */
  requests: 'Requests',
  /** …answered with a 5xx status; */
  errors: 'Errors',
  /** …in milliseconds; */
  latency: 'Latency',
  /** …its cache reads by result (fresh hit, stale hit served while the upstream failed, miss, DynamoDB fault); */
  cacheFresh: 'CacheFresh',
  cacheStale: 'CacheStale',
  cacheMiss: 'CacheMiss',
  cacheFault: 'CacheFault',
  /** …and the calls it made to each upstream (a batch read is one call). */
  siriusCalls: 'SiriusCalls',
  lpaStoreCalls: 'LpaStoreCalls',
  dimensions: {
    outcome: 'Outcome',
    operation: 'Operation',
    reason: 'Reason',
    consumer: 'Consumer',
    version: 'Version',
  },
} as const;

/** `Operation` values of CodeOutcomes. */
export const CODE_OPERATIONS = ['validate', 'mark-used'] as const;
/** `Outcome` values of CodeOutcomes: the answers Use an LPA is given (ActivationCodeRefused's reasons, and VALID). */
export const CODE_OUTCOMES = ['VALID', 'NO_MATCH', 'EXPIRED', 'USED', 'REVOKED', 'TOO_MANY_ATTEMPTS'] as const;
/** `Reason` values of AuthenticationsRefused (and the `reason` label of gateway_authentications_refused_total). */
export const AUTHENTICATION_REFUSED_REASONS = [
  /** No Authorization header and no IAM identity (401). */
  'missing-token',
  /** An Authorization header that is not `Bearer <JWT>` (401). */
  'not-bearer-jwt',
  /** A JWT that failed verification: signature, issuer, audience, expiry, not an access token (401). */
  'invalid-token',
  /** A valid token whose client id is not in the caller registry (403). */
  'unregistered-client',
  /** An IAM principal (verified by API Gateway) not in the caller registry (403). */
  'unregistered-iam-principal',
] as const;
export type AuthenticationRefusedReason = (typeof AUTHENTICATION_REFUSED_REASONS)[number];
/** `Consumer` and `Version` of a request that reached no consumer schema (health, 401, 404). */
export const NO_CONSUMER = 'none';

type CodeOutcome = (typeof CODE_OUTCOMES)[number];
type Unit = 'Count' | 'Milliseconds';

/** Where lines go: the gateway's pino logger (anything with its `info(object, message)`). */
export interface EmbeddedMetricsLog {
  info(line: object, message: string): void;
}

export interface EmbeddedMetrics {
  /** One check or use of an activation code; other operations (create, revoke, letters) are not emitted. */
  codeOutcome(operation: string, outcome: string): void;
  authenticationRefused(reason: AuthenticationRefusedReason): void;
  /** One line per request: its count, error, latency, cache reads and upstream calls. */
  request(consumer: string, version: string, status: number, milliseconds: number, stats: RequestStats | undefined): void;
}

/** The message of every EMF line: `{$.msg = "embedded metrics"}` finds them. */
export const EMBEDDED_METRICS_MESSAGE = 'embedded metrics';

const M = EMBEDDED_METRICS;
const D = EMBEDDED_METRICS.dimensions;

// Each kind of line has one directive, built once: a line adds only its Timestamp and values.
const directive = (dimensions: string[][], metrics: [string, Unit][]) =>
  Object.freeze([Object.freeze({ Namespace: M.namespace, Dimensions: dimensions, Metrics: metrics.map(([Name, Unit]) => ({ Name, Unit })) })]);

const CODE_DIRECTIVE = directive([[D.outcome], [D.operation, D.outcome]], [[M.codeOutcomes, 'Count']]);
const REFUSED_DIRECTIVE = directive([[D.reason]], [[M.authenticationsRefused, 'Count']]);
const REQUEST_DIRECTIVE = directive(
  [[D.consumer, D.version]],
  [
    [M.requests, 'Count'],
    [M.errors, 'Count'],
    [M.latency, 'Milliseconds'],
    [M.cacheFresh, 'Count'],
    [M.cacheStale, 'Count'],
    [M.cacheMiss, 'Count'],
    [M.cacheFault, 'Count'],
    [M.siriusCalls, 'Count'],
    [M.lpaStoreCalls, 'Count'],
  ],
);

// The codes domain's outcomes (kebab-case) as the API names them.
const OUTCOME_NAMES: Readonly<Record<string, CodeOutcome>> = {
  valid: 'VALID',
  'no-match': 'NO_MATCH',
  expired: 'EXPIRED',
  used: 'USED',
  revoked: 'REVOKED',
  'too-many-attempts': 'TOO_MANY_ATTEMPTS',
};
const OPERATIONS: ReadonlySet<string> = new Set(CODE_OPERATIONS);
const REASONS: ReadonlySet<string> = new Set(AUTHENTICATION_REFUSED_REASONS);

export function createEmbeddedMetrics(log: EmbeddedMetricsLog, now: () => number = Date.now): EmbeddedMetrics {
  return {
    codeOutcome(operation, outcome) {
      const name = OUTCOME_NAMES[outcome];
      if (!OPERATIONS.has(operation) || name === undefined) return;
      log.info({ _aws: { Timestamp: now(), CloudWatchMetrics: CODE_DIRECTIVE }, Operation: operation, Outcome: name, CodeOutcomes: 1 }, EMBEDDED_METRICS_MESSAGE);
    },
    authenticationRefused(reason) {
      if (!REASONS.has(reason)) return;
      log.info({ _aws: { Timestamp: now(), CloudWatchMetrics: REFUSED_DIRECTIVE }, Reason: reason, AuthenticationsRefused: 1 }, EMBEDDED_METRICS_MESSAGE);
    },
    request(consumer, version, status, milliseconds, stats) {
      const cache = stats?.cache;
      const calls = stats?.upstreamCalls;
      log.info(
        {
          _aws: { Timestamp: now(), CloudWatchMetrics: REQUEST_DIRECTIVE },
          Consumer: consumer,
          Version: version,
          Requests: 1,
          Errors: status >= 500 ? 1 : 0,
          Latency: Math.round(milliseconds * 1000) / 1000,
          CacheFresh: cache?.fresh ?? 0,
          CacheStale: cache?.stale ?? 0,
          CacheMiss: cache?.miss ?? 0,
          CacheFault: cache?.fault ?? 0,
          SiriusCalls: calls?.sirius ?? 0,
          LpaStoreCalls: calls?.['lpa-store'] ?? 0,
        },
        EMBEDDED_METRICS_MESSAGE,
      );
    },
  };
}
