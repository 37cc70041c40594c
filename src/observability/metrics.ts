import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

// Prometheus metrics for one gateway instance (its own registry: several can share a process in
// tests). Labels are bounded: consumer and version come from the routing table, operations are
// registered documents' names (or `ad-hoc`: a name a client sends is never a label), outcomes are
// fixed lists.

import type { CacheResult, ReadObserver, ReadOutcome } from './read-observer';
import { NO_CONSUMER, type AuthenticationRefusedReason, type EmbeddedMetrics } from './embedded-metrics';
import type { RequestStats } from './request-stats';

// Where nothing scrapes /metrics (Lambda), `embedded` also writes the alarmed-on ones to the log as
// CloudWatch Embedded Metric Format lines, recorded here beside their Prometheus twins.

export interface MetricsOptions {
  circuitState: () => 'closed' | 'open' | 'half-open';
  embedded?: EmbeddedMetrics;
  /**
   * Node's own process metrics (CPU, memory, GC, event loop), default on. Only worth collecting
   * where something scrapes the registry: a Lambda's never is (its alarms read the EMF lines), and
   * setting them up is ~10 ms of its cold start.
   */
  processMetrics?: boolean;
}

export function createMetrics(options: MetricsOptions) {
  const { embedded } = options;
  const registry = new Registry();
  if (options.processMetrics !== false) collectDefaultMetrics({ register: registry });

  const requests = new Counter({
    name: 'gateway_requests_total',
    help: 'HTTP requests by consumer schema, operation and outcome (the HTTP status class or code)',
    labelNames: ['consumer', 'version', 'operation', 'status'] as const,
    registers: [registry],
  });
  const duration = new Histogram({
    name: 'gateway_request_duration_seconds',
    help: 'HTTP request latency',
    labelNames: ['consumer', 'version'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  });
  const siriusCalls = new Counter({
    name: 'gateway_sirius_calls_total',
    help: 'Logical reads from Sirius (retries included in one) by outcome',
    labelNames: ['outcome'] as const,
    registers: [registry],
  });
  const upstreamCalls = new Counter({
    name: 'gateway_upstream_calls_total',
    help: 'Calls to each upstream (a batch read of many resources is one call)',
    labelNames: ['upstream'] as const,
    registers: [registry],
  });
  const upstreamReads = new Counter({
    name: 'gateway_upstream_reads_total',
    help: 'Resources read from each upstream, by outcome',
    labelNames: ['upstream', 'outcome'] as const,
    registers: [registry],
  });
  const events = new Counter({
    name: 'gateway_events_total',
    help: 'LPA Store change events (lpa-updated): received, applied, dropped (malformed, not-cached: never retried), failed (retried)',
    labelNames: ['outcome', 'reason'] as const,
    registers: [registry],
  });
  const eventLag = new Histogram({
    name: 'gateway_event_lag_seconds',
    help: "From the store's change (the event's time) to the cache holding it",
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300],
    registers: [registry],
  });
  const cacheReads = new Counter({
    name: 'gateway_cache_reads_total',
    help: 'Cache reads: fresh hit, stale hit served while Sirius failed, miss, DynamoDB fault',
    labelNames: ['result'] as const,
    registers: [registry],
  });
  const cacheWriteFaults = new Counter({
    name: 'gateway_cache_write_faults_total',
    help: 'Cache writes that stored nothing (the response was still served): a DynamoDB fault, or an answer too large to store',
    labelNames: ['reason'] as const,
    registers: [registry],
  });
  const invalidAnswers = new Counter({
    name: 'gateway_upstream_invalid_answers_total',
    help: 'Upstream answers refused (served as the upstream unavailable, never cached): not-json, too-large, wrong-shape, another-lpa (an integrity error)',
    labelNames: ['upstream', 'reason'] as const,
    registers: [registry],
  });
  const activationCodes = new Counter({
    name: 'gateway_activation_codes_total',
    help: 'Activation code operations by outcome (create, revoke, validate, mark-used; valid, no-match, expired, used, revoked, too-many-attempts, …)',
    labelNames: ['operation', 'outcome'] as const,
    registers: [registry],
  });
  const authenticationsRefused = new Counter({
    name: 'gateway_authentications_refused_total',
    help: 'Requests refused at authentication, by reason (missing-token, not-bearer-jwt, invalid-token, unregistered-client, unregistered-iam-principal)',
    labelNames: ['reason'] as const,
    registers: [registry],
  });
  new Gauge({
    name: 'gateway_sirius_circuit_open',
    help: 'Sirius circuit breaker: 0 closed, 0.5 half-open, 1 open',
    registers: [registry],
    collect() {
      const state = options.circuitState();
      this.set(state === 'open' ? 1 : state === 'half-open' ? 0.5 : 0);
    },
  });

  return {
    registry,
    /** `operation`: a registered document's name, `ad-hoc`, or undefined when none ran (`none`). */
    request(labels: { consumer?: string; version?: string; operation?: string; status: number; seconds: number; stats?: RequestStats }) {
      const consumer = labels.consumer ?? NO_CONSUMER;
      const version = labels.version ?? NO_CONSUMER;
      requests.inc({ consumer, version, operation: labels.operation ?? 'none', status: String(labels.status) });
      duration.observe({ consumer, version }, labels.seconds);
      embedded?.request(consumer, version, labels.status, labels.seconds * 1000, labels.stats);
    },
    /** Reads of any upstream; Sirius's also keep their released metric (one read is one call there). */
    reads: {
      call: (upstream: string) => upstreamCalls.inc({ upstream }),
      read(upstream: string, outcome: ReadOutcome) {
        upstreamReads.inc({ upstream, outcome });
        if (upstream === 'sirius') siriusCalls.inc({ outcome });
      },
      cache: (result: CacheResult) => cacheReads.inc({ result }),
    } satisfies ReadObserver,
    events: {
      event: (outcome: 'received' | 'applied' | 'dropped' | 'failed', reason = '') => events.inc({ outcome, reason }),
      lag: (seconds: number) => eventLag.observe(seconds),
    },
    cacheWriteFault: (reason: 'fault' | 'too-large') => cacheWriteFaults.inc({ reason }),
    invalidAnswer: (upstream: string, reason: string) => invalidAnswers.inc({ upstream, reason }),
    activationCode(operation: string, outcome: string) {
      activationCodes.inc({ operation, outcome });
      embedded?.codeOutcome(operation, outcome);
    },
    authenticationRefused(reason: AuthenticationRefusedReason) {
      authenticationsRefused.inc({ reason });
      embedded?.authenticationRefused(reason);
    },
  };
}

export type GatewayMetrics = ReturnType<typeof createMetrics>;
