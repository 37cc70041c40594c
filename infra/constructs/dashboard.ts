import { Duration, Stack } from 'aws-cdk-lib';
import type * as apigateway from 'aws-cdk-lib/aws-apigateway';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { consumerSchemas } from '../../src/consumers';
import { AUTHENTICATION_REFUSED_REASONS, CODE_OUTCOMES, EMBEDDED_METRICS, NO_CONSUMER } from '../../src/observability/embedded-metrics';
import { dashboardName, type EventsPath, type GatewayAlarms } from './alarms';

export interface GatewayDashboardOptions {
  api: apigateway.RestApi;
  fn: lambda.IFunction;
  logGroup: logs.ILogGroup;
  alarms: GatewayAlarms;
  reservedConcurrency?: number;
  events?: EventsPath;
}

/**
 * The consumer and version pairs the gateway's Embedded Metric Format lines carry: every consumer
 * schema (known at synth, src/consumers), and `none` for requests that reached none (health, 401,
 * 404). One metric per pair rather than a SEARCH: the dashboard is exactly what the template says,
 * the same on every deploy, a line per schema even while it has no traffic, and a schema added is a
 * deploy (with new code) that adds its line.
 */
export const CONSUMER_VERSIONS: readonly { consumer: string; version: string }[] = [
  ...consumerSchemas.map(({ consumer, version }) => ({ consumer, version })),
  { consumer: NO_CONSUMER, version: NO_CONSUMER },
];

const M = EMBEDDED_METRICS;
const D = EMBEDDED_METRICS.dimensions;
const PERIOD = Duration.minutes(5);
const FULL = 24;

/**
 * The operator's picture, top to bottom in the order a question is asked: is anything alarming;
 * what are callers getting (requests, errors, latency by consumer and version); what is the gateway
 * absorbing (upstream calls, breakers, the cache); who is being refused (authentications, code
 * lockouts); the function itself (concurrency, throttles, errors, cold starts); and the LPA Store
 * events path when there is one. Every alarm of the stack is on it.
 */
export function gatewayDashboard(scope: Construct, options: GatewayDashboardOptions): cloudwatch.Dashboard {
  const stack = Stack.of(scope);
  const { api, fn, alarms } = options;
  const emf = (metricName: string, dimensionsMap: Record<string, string>, statistic = 'Sum', label?: string) =>
    new cloudwatch.Metric({ namespace: M.namespace, metricName, dimensionsMap, statistic, period: PERIOD, ...(label ? { label } : {}) });
  const perPair = (metricName: string, statistic = 'Sum') =>
    CONSUMER_VERSIONS.map(({ consumer, version }) => emf(metricName, { [D.consumer]: consumer, [D.version]: version }, statistic, `${consumer} ${version}`));
  // One line summing a per-request metric over every pair (ids unique per metric, as a widget may hold several).
  const total = (metricName: string, label: string) => {
    const id = metricName.charAt(0).toLowerCase() + metricName.slice(1);
    const metrics = Object.fromEntries(perPair(metricName).map((metric, i) => [`${id}${i}`, metric]));
    return new cloudwatch.MathExpression({ expression: `SUM([${Object.keys(metrics).map((m) => `FILL(${m}, 0)`).join(', ')}])`, usingMetrics: metrics, label, period: PERIOD });
  };
  const graph = (title: string, left: cloudwatch.IMetric[], more: Partial<cloudwatch.GraphWidgetProps> = {}) =>
    new cloudwatch.GraphWidget({ title, left, width: 8, height: 6, period: PERIOD, ...more });
  const text = (markdown: string) => new cloudwatch.TextWidget({ markdown, width: FULL, height: 2 });

  const allAlarms = stack.node
    .findAll()
    .filter((construct): construct is cloudwatch.Alarm => construct instanceof cloudwatch.Alarm);

  const dashboard = new cloudwatch.Dashboard(scope, 'Dashboard', {
    dashboardName: dashboardName(stack),
    defaultInterval: Duration.hours(6),
  });

  dashboard.addWidgets(
    new cloudwatch.TextWidget({
      markdown: [
        `# sirius-gateway (${stack.stackName})`,
        'Each alarm says what it means and names its runbook section in README.md (Runbook: …); each notifies the alarm topic when it fires and when it clears.',
        'Rows: alarms · traffic by consumer and version · latency · upstreams and the cache · refusals · the function · the LPA Store events path (when deployed). Per-request metrics are the function\'s Embedded Metric Format lines (namespace `SiriusGateway`); API Gateway\'s own see what never reaches the function.',
      ].join('\n\n'),
      width: FULL,
      height: 3,
    }),
  );
  dashboard.addWidgets(new cloudwatch.AlarmStatusWidget({ title: 'Alarms', alarms: allAlarms, width: FULL, height: 4 }));

  dashboard.addWidgets(
    text('## Traffic\nRequests and 5xx answers per consumer schema and version, as the function counts them (`none`: health checks, 401s, 404s). API Gateway counts everything, including what its authoriser, API keys and throttling refused before the function.'),
  );
  dashboard.addWidgets(
    graph(`Requests by consumer and version (${M.requests})`, perPair(M.requests), { stacked: true }),
    graph(`5xx by consumer and version (${M.errors})`, perPair(M.errors)),
    graph('API Gateway: requests, 4xx, 5xx', [api.metricCount({ period: PERIOD })], { right: [api.metricClientError({ period: PERIOD }), api.metricServerError({ period: PERIOD })] }),
  );

  dashboard.addWidgets(
    text('## Latency\nThe function\'s own measure of each request (from arrival to answer) by consumer and version, and API Gateway\'s: Latency (the whole request at the edge) and IntegrationLatency (the Lambda part, cold starts included).'),
  );
  dashboard.addWidgets(
    graph(`${M.latency} p50 by consumer and version (ms)`, perPair(M.latency, 'p50')),
    graph(`${M.latency} p95 by consumer and version (ms)`, perPair(M.latency, 'p95')),
    graph(`${M.latency} p99 by consumer and version (ms)`, perPair(M.latency, 'p99')),
  );
  dashboard.addWidgets(
    graph(
      'API Gateway Latency and IntegrationLatency (ms)',
      (['p50', 'p95', 'p99'] as const).flatMap((p) => [
        api.metricLatency({ statistic: p, period: PERIOD, label: `Latency ${p}` }),
        api.metricIntegrationLatency({ statistic: p, period: PERIOD, label: `IntegrationLatency ${p}` }),
      ]),
      { width: FULL },
    ),
  );

  dashboard.addWidgets(
    text('## Upstreams and the cache\nCalls to Sirius and the LPA Store (a batch read is one call), breakers opening and cache faults (from the log lines the alarms watch), and how reads were served: fresh from the cache, stale while an upstream failed, missed, or the cache faulted (the gateway then fails open to the upstream).'),
  );
  dashboard.addWidgets(
    graph('Upstream calls', [total(M.siriusCalls, `${M.siriusCalls}`), total(M.lpaStoreCalls, `${M.lpaStoreCalls}`)]),
    graph('Breakers opened, cache faults (log lines)', [alarms.circuitOpened.with({ label: 'circuit opened (SiriusCircuitOpened)' }), alarms.cacheFaults.with({ label: 'cache faults (CacheFaults)' })]),
    graph(
      'Cache reads by result',
      [total(M.cacheFresh, M.cacheFresh), total(M.cacheStale, M.cacheStale), total(M.cacheMiss, M.cacheMiss), total(M.cacheFault, M.cacheFault)],
      { stacked: true },
    ),
  );

  dashboard.addWidgets(
    text('## Refusals\nActivation code checks and uses by outcome (TOO_MANY_ATTEMPTS: a locked code or a caller over its rate), and authentications the function refused by reason (API Gateway\'s authoriser refuses most bad tokens before the function: see its 4xx above).'),
  );
  dashboard.addWidgets(
    graph(`${M.codeOutcomes} by ${D.outcome}`, CODE_OUTCOMES.map((outcome) => emf(M.codeOutcomes, { [D.outcome]: outcome }, 'Sum', outcome)), { width: 12 }),
    graph(
      `${M.authenticationsRefused} by ${D.reason}`,
      AUTHENTICATION_REFUSED_REASONS.map((reason) => emf(M.authenticationsRefused, { [D.reason]: reason }, 'Sum', reason)),
      { width: 12, stacked: true },
    ),
  );

  dashboard.addWidgets(
    text('## The function\nInstances running at once against its reserved concurrency, throttles and failed invocations (crashes and timeouts, not GraphQL errors), duration, and cold starts (no metric exists for them: a Logs Insights query on the REPORT lines\' Init Duration).'),
  );
  const concurrencyLines: cloudwatch.HorizontalAnnotation[] = [
    ...(options.reservedConcurrency !== undefined ? [{ value: options.reservedConcurrency, label: 'reserved concurrency', color: cloudwatch.Color.RED }] : []),
    ...(alarms.concurrencyThreshold !== undefined ? [{ value: alarms.concurrencyThreshold, label: 'alarm', color: cloudwatch.Color.ORANGE }] : []),
  ];
  dashboard.addWidgets(
    graph('Concurrent executions (max)', [fn.metric('ConcurrentExecutions', { statistic: 'Maximum', period: PERIOD })], { leftAnnotations: concurrencyLines }),
    graph('Invocations, errors, throttles', [fn.metricInvocations({ period: PERIOD })], { right: [fn.metricErrors({ period: PERIOD }), fn.metricThrottles({ period: PERIOD })] }),
    graph('Duration (ms)', (['p50', 'p99', 'Maximum'] as const).map((statistic) => fn.metricDuration({ statistic, period: PERIOD, label: `Duration ${statistic}` }))),
  );
  dashboard.addWidgets(
    new cloudwatch.LogQueryWidget({
      title: 'Cold starts (Init Duration of REPORT lines, ms)',
      logGroupNames: [options.logGroup.logGroupName],
      queryLines: ['filter @type = "REPORT"', 'stats count(@initDuration) as coldStarts, avg(@initDuration), max(@initDuration) by bin(5m)'],
      view: cloudwatch.LogQueryVisualizationType.LINE,
      width: FULL,
      height: 6,
    }),
  );

  if (options.events) {
    const { queue, deadLetters, fn: eventsFn } = options.events;
    dashboard.addWidgets(
      text('## LPA Store events\n`lpa-updated` events: received and deleted (applied or dropped) by the queue, the oldest waiting, dead letters (failed 5 times: inspect, then redrive), and the events function\'s failed invocations and duration.'),
    );
    dashboard.addWidgets(
      graph(
        'Events queue',
        [queue.metricNumberOfMessagesReceived({ period: PERIOD }), queue.metricNumberOfMessagesDeleted({ period: PERIOD })],
        { right: [queue.metricApproximateAgeOfOldestMessage({ period: PERIOD, statistic: 'Maximum' })], width: 8 },
      ),
      graph('Dead letters (visible)', [deadLetters.metricApproximateNumberOfMessagesVisible({ period: PERIOD, statistic: 'Maximum' })], { width: 8 }),
      graph('Events function: invocations, errors, duration', [eventsFn.metricInvocations({ period: PERIOD }), eventsFn.metricErrors({ period: PERIOD })], {
        right: [eventsFn.metricDuration({ statistic: 'p99', period: PERIOD, label: 'Duration p99' })],
        width: 8,
      }),
    );
  }
  return dashboard;
}
