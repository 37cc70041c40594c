import { describe, expect, it } from 'vitest';
import { createLogger } from '../../src/logger';
import {
  AUTHENTICATION_REFUSED_REASONS,
  CODE_OUTCOMES,
  createEmbeddedMetrics,
  EMBEDDED_METRICS,
  EMBEDDED_METRICS_MESSAGE,
} from '../../src/observability/embedded-metrics';
import { createMetrics } from '../../src/observability/metrics';
import { newRequestStats } from '../../src/observability/request-stats';
import { expectValidEmf, type Directive } from '../support/emf';

// CloudWatch Embedded Metric Format, as the specification has it:
// https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch_Embedded_Metric_Format_Specification.html
// The lines are read back from the gateway's real logger (its redaction and fields included).

function capture() {
  const lines: string[] = [];
  const logger = createLogger('info', { write: (text: string) => void lines.push(text) });
  return { lines, logger };
}

describe('embedded metrics (EMF)', () => {
  it('an activation code outcome is one valid line: CodeOutcomes by [Outcome] and [Operation, Outcome]', () => {
    const { lines, logger } = capture();
    const emf = createEmbeddedMetrics(logger);
    emf.codeOutcome('validate', 'too-many-attempts');
    emf.codeOutcome('mark-used', 'valid');
    expect(lines).toHaveLength(2);
    const { line, metrics } = expectValidEmf(lines[0]!);
    expect(metrics).toEqual(['CodeOutcomes']);
    expect(line).toMatchObject({ CodeOutcomes: 1, Outcome: 'TOO_MANY_ATTEMPTS', Operation: 'validate', msg: EMBEDDED_METRICS_MESSAGE, level: 30 });
    expect((line._aws as { CloudWatchMetrics: Directive[] }).CloudWatchMetrics[0]!.Dimensions).toEqual([['Outcome'], ['Operation', 'Outcome']]);
    expect(expectValidEmf(lines[1]!).line).toMatchObject({ Outcome: 'VALID', Operation: 'mark-used' });
  });

  it('emits only the check and use outcomes it knows: never a string it was handed', () => {
    const { lines, logger } = capture();
    const emf = createEmbeddedMetrics(logger);
    emf.codeOutcome('create', 'created');
    emf.codeOutcome('revoke', 'revoked');
    emf.codeOutcome('validate', 'Rachel Sanderson');
    emf.codeOutcome('Rachel Sanderson', 'valid');
    emf.authenticationRefused('Bearer eyJhbGciOi' as never);
    expect(lines).toEqual([]);
    for (const outcome of ['valid', 'no-match', 'expired', 'used', 'revoked', 'too-many-attempts']) emf.codeOutcome('validate', outcome);
    expect(lines.map((text) => JSON.parse(text).Outcome)).toEqual([...CODE_OUTCOMES]);
  });

  it('a refused authentication is one valid line: AuthenticationsRefused by [Reason]', () => {
    const { lines, logger } = capture();
    const emf = createEmbeddedMetrics(logger);
    for (const reason of AUTHENTICATION_REFUSED_REASONS) emf.authenticationRefused(reason);
    expect(lines).toHaveLength(AUTHENTICATION_REFUSED_REASONS.length);
    for (const [i, text] of lines.entries()) {
      const { line, metrics, dimensions } = expectValidEmf(text);
      expect(metrics).toEqual(['AuthenticationsRefused']);
      expect(dimensions).toEqual(['Reason']);
      expect(line).toMatchObject({ Reason: AUTHENTICATION_REFUSED_REASONS[i], AuthenticationsRefused: 1 });
    }
  });

  it('a request is one valid line: count, 5xx, latency in ms, cache reads and upstream calls by [Consumer, Version]', () => {
    const { lines, logger } = capture();
    const emf = createEmbeddedMetrics(logger, () => 1_767_225_600_123);
    const stats = newRequestStats();
    stats.cache.fresh = 2;
    stats.cache.miss = 1;
    stats.upstreamCalls.sirius = 1;
    stats.upstreamCalls['lpa-store'] = 3;
    emf.request('use-an-lpa', 'v2', 200, 12.3456, stats);
    emf.request('none', 'none', 503, 1, undefined);
    const first = JSON.parse(lines[0]!);
    expect(first._aws.Timestamp).toBe(1_767_225_600_123);
    expect(first).toMatchObject({
      Consumer: 'use-an-lpa', Version: 'v2', Requests: 1, Errors: 0, Latency: 12.346,
      CacheFresh: 2, CacheStale: 0, CacheMiss: 1, CacheFault: 0, SiriusCalls: 1, LpaStoreCalls: 3,
    });
    expect(JSON.parse(lines[1]!)).toMatchObject({ Consumer: 'none', Requests: 1, Errors: 1, Latency: 1, CacheFresh: 0, SiriusCalls: 0 });
    // With the clock now, each line is valid EMF.
    const { lines: live, logger: liveLogger } = capture();
    createEmbeddedMetrics(liveLogger).request('use-an-lpa', 'v2', 200, 5, stats);
    const { metrics, dimensions } = expectValidEmf(live[0]!);
    expect(dimensions).toEqual(['Consumer', 'Version']);
    expect(metrics).toEqual(['Requests', 'Errors', 'Latency', 'CacheFresh', 'CacheStale', 'CacheMiss', 'CacheFault', 'SiriusCalls', 'LpaStoreCalls']);
    expect(JSON.parse(live[0]!)._aws.CloudWatchMetrics[0].Metrics).toContainEqual({ Name: 'Latency', Unit: 'Milliseconds' });
  });

  it('the exported names are the ones on the lines (infra builds alarms from them)', () => {
    const { lines, logger } = capture();
    const emf = createEmbeddedMetrics(logger);
    emf.codeOutcome('validate', 'no-match');
    emf.authenticationRefused('invalid-token');
    emf.request('use-an-lpa', 'v2', 200, 1, newRequestStats());
    const named = lines.flatMap((text) => {
      const { metrics, dimensions } = expectValidEmf(text);
      return [...metrics, ...dimensions];
    });
    const { namespace: _namespace, dimensions, ...metricNames } = EMBEDDED_METRICS;
    expect(new Set(named)).toEqual(new Set([...Object.values(metricNames), ...Object.values(dimensions)]));
  });

  it("survives the logger's redaction: a line whose member matched a censored path would lose it, _aws never does", () => {
    const { lines, logger } = capture();
    createEmbeddedMetrics(logger.child({ requestId: 'r-1' })).codeOutcome('validate', 'valid');
    const line = JSON.parse(lines[0]!);
    expect(JSON.stringify(line)).not.toContain('[redacted]');
    expect(line._aws.CloudWatchMetrics[0].Namespace).toBe('SiriusGateway');
    expect(line.requestId).toBe('r-1');
  });

  it('are recorded with their Prometheus twins by createMetrics: check and use outcomes only', async () => {
    const { lines, logger } = capture();
    const metrics = createMetrics({ circuitState: () => 'closed', embedded: createEmbeddedMetrics(logger) });
    metrics.activationCode('validate', 'too-many-attempts');
    metrics.activationCode('create', 'created');
    metrics.authenticationRefused('unregistered-client');
    metrics.request({ consumer: 'use-an-lpa', version: 'v3', operation: 'ad-hoc', status: 500, seconds: 0.25, stats: newRequestStats() });
    metrics.request({ status: 401, seconds: 0.001 });
    expect(lines.map((text) => JSON.parse(text))).toMatchObject([
      { Outcome: 'TOO_MANY_ATTEMPTS', Operation: 'validate' },
      { Reason: 'unregistered-client' },
      { Consumer: 'use-an-lpa', Version: 'v3', Errors: 1, Latency: 250 },
      { Consumer: 'none', Version: 'none', Errors: 0 },
    ]);
    const text = await metrics.registry.metrics();
    expect(text).toMatch(/gateway_authentications_refused_total\{reason="unregistered-client"\} 1/);
    expect(text).toMatch(/gateway_activation_codes_total\{operation="validate",outcome="too-many-attempts"\} 1/);
  });
});
