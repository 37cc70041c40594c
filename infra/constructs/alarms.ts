import { Duration, Stack } from 'aws-cdk-lib';
import type * as apigateway from 'aws-cdk-lib/aws-apigateway';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct, Node } from 'constructs';
import { AUTHENTICATION_REFUSED_REASONS, CODE_OUTCOMES, EMBEDDED_METRICS } from '../../src/observability/embedded-metrics';
import { asString, ContextError, httpsUrl, refuseUnknownKeys } from '../context';
import { pinLogicalId } from './pin';

// ─── Context: who is told ──────────────────────────────────────────────────────────────────────


/** The dashboard's name: fixed by the stack's, so that alarm descriptions can link it before it exists. */
export function dashboardName(stack: Stack): string {
  return `sirius-gateway-${stack.stackName}`;
}

/** The dashboard in the console, in the stack's region. */
export function dashboardUrl(stack: Stack): string {
  return `https://console.aws.amazon.com/cloudwatch/home?region=${stack.region}#dashboards:name=${dashboardName(stack)}`;
}

export const ALARM_KEYS = {
  emails: 'alarmEmails',
  httpsEndpoints: 'alarmHttpsEndpoints',
  actionsEnabled: 'alarmActionsEnabled',
} as const;

export interface AlarmContext {
  /** Email subscriptions (each must be confirmed from its inbox before it receives anything). */
  emails: string[];
  /** HTTPS subscriptions: a PagerDuty or Opsgenie CloudWatch integration URL. */
  httpsEndpoints: string[];
  /** false mutes every alarm's actions (a rehearsal environment); default true. */
  actionsEnabled: boolean;
}

// Deliberately plain: one @, no spaces or commas, a dot in the domain. SNS checks the rest (it sends a confirmation).
const EMAIL = /^[^\s@,;<>"]+@[^\s@,;<>".]+(\.[^\s@,;<>".]+)+$/;

/**
 * The alarm topic's subscribers, validated; each key optional (none: the topic has no subscriber,
 * and the console or a later subscription is the only way to hear of an alarm). A list may be a
 * JSON array (an environment file, CDK_CONTEXT_JSON) or a comma-separated string (`-c key=a,b`).
 * - `alarmEmails`: email addresses.
 * - `alarmHttpsEndpoints`: https URLs (PagerDuty's or Opsgenie's CloudWatch integration URL).
 * - `alarmActionsEnabled`: true (default) or false, to keep the alarms but send nothing.
 */
export function readAlarmContext(node: Node): AlarmContext {
  refuseUnknownKeys(node, 'alarm', Object.values(ALARM_KEYS));
  const emails = listOf(node, ALARM_KEYS.emails).map((email) => {
    if (!EMAIL.test(email)) throw new ContextError(ALARM_KEYS.emails, `must be email addresses; got ${JSON.stringify(email)}`);
    return email;
  });
  const httpsEndpoints = listOf(node, ALARM_KEYS.httpsEndpoints).map((url) => httpsUrl(ALARM_KEYS.httpsEndpoints, url));
  const enabled = node.tryGetContext(ALARM_KEYS.actionsEnabled) as unknown;
  let actionsEnabled = true;
  if (enabled !== undefined) {
    if (enabled === true || enabled === 'true') actionsEnabled = true;
    else if (enabled === false || enabled === 'false') actionsEnabled = false;
    else throw new ContextError(ALARM_KEYS.actionsEnabled, `must be true or false; got ${JSON.stringify(enabled)}`);
  }
  return { emails, httpsEndpoints, actionsEnabled };
}

function listOf(node: Node, key: string): string[] {
  const value = node.tryGetContext(key) as unknown;
  if (value === undefined) return [];
  const items = typeof value === 'string' ? value.split(',').map((item) => item.trim()) : value;
  if (!Array.isArray(items)) throw new ContextError(key, `must be a list (a JSON array, or a comma-separated string); got ${JSON.stringify(value)}`);
  const strings = items.map((item) => asString(key, item));
  const repeated = strings.find((item, i) => strings.indexOf(item) !== i);
  if (repeated !== undefined) throw new ContextError(key, `lists ${JSON.stringify(repeated)} twice`);
  return strings;
}

// ─── The topic, and how an alarm is wired to it ────────────────────────────────────────────────

/** README.md anchors of each alarm's runbook section (headings `### Runbook: …`). */
export const RUNBOOK = {
  api5xxRate: 'runbook-api-5xx-rate',
  api4xxRate: 'runbook-api-4xx-rate',
  circuitOpen: 'runbook-sirius-circuit-open',
  cacheFaults: 'runbook-cache-faults',
  gatewayErrors: 'runbook-gateway-function-errors',
  gatewayThrottles: 'runbook-gateway-throttles',
  gatewayConcurrency: 'runbook-gateway-concurrency',
  authenticationsRefused: 'runbook-refused-authentications',
  tooManyAttempts: 'runbook-too-many-attempts',
  eventsErrors: 'runbook-events-function-errors',
  eventsDeadLetters: 'runbook-events-dead-letters',
} as const;

/** What every alarm of the stack is made with: made once, before any alarm, and passed to whoever makes one. */
export interface AlarmWiring {
  topic: sns.Topic;
  actionsEnabled: boolean;
  /** The alarm's description: what it means, the dashboard's link and its runbook section. */
  describe(meaning: string, runbook: (typeof RUNBOOK)[keyof typeof RUNBOOK]): string;
  /** The topic as the alarm's action and OK action: the on-call hears it fire and clear. */
  notify(alarm: cloudwatch.Alarm): cloudwatch.Alarm;
}

/**
 * The alarm topic: SSE with its own rotating customer managed key (which CloudWatch may use to
 * publish, for this account's alarms only), TLS only, and the subscribers from context. Pinned:
 * replacing the topic would drop every confirmed subscription.
 */
export function alarmWiring(scope: Construct, context: AlarmContext): AlarmWiring {
  const stack = Stack.of(scope);
  const key = new kms.Key(scope, 'AlarmsKey', { enableKeyRotation: true, description: 'sirius-gateway alarm topic encryption' });
  // CloudWatch publishes to an SSE topic with its own principal, so the key must let it make data keys.
  key.addToResourcePolicy(
    new iam.PolicyStatement({
      sid: 'CloudWatchAlarmsPublishToTheAlarmTopic',
      principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
      actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
      resources: ['*'], // in a key policy, "this key"
      conditions: { StringEquals: { 'aws:SourceAccount': stack.account } },
    }),
  );
  // A display name is at most 100 characters (SNS's limit; a stack name may be 128).
  const topic = new sns.Topic(scope, 'AlarmsTopic', { displayName: `sirius-gateway alarms (${stack.stackName})`.slice(0, 100), masterKey: key, enforceSSL: true });
  pinLogicalId(key, 'AlarmsKey8B9C40AB');
  pinLogicalId(topic, 'AlarmsTopicABBEC356');
  for (const email of context.emails) topic.addSubscription(new subscriptions.EmailSubscription(email));
  for (const url of context.httpsEndpoints) topic.addSubscription(new subscriptions.UrlSubscription(url, { protocol: sns.SubscriptionProtocol.HTTPS }));

  const dashboard = dashboardUrl(stack);
  const action = new actions.SnsAction(topic);
  return {
    topic,
    actionsEnabled: context.actionsEnabled,
    describe: (meaning, runbook) => `${meaning}.\nDashboard: ${dashboard}\nRunbook: README.md#${runbook}`,
    notify(alarm) {
      alarm.addAlarmAction(action);
      alarm.addOkAction(action);
      return alarm;
    },
  };
}

/** Fails synth when an alarm in `scope` does not have exactly the topic as its alarm and OK action. */
export function requireAlarmActions(scope: Construct, wiring: AlarmWiring): void {
  const stack = Stack.of(scope);
  scope.node.addValidation({
    validate() {
      const topic = JSON.stringify(stack.resolve([wiring.topic.topicArn]));
      return scope.node
        .findAll()
        .filter((construct): construct is cloudwatch.CfnAlarm => construct instanceof cloudwatch.CfnAlarm)
        .filter((alarm) => JSON.stringify(stack.resolve(alarm.alarmActions)) !== topic || JSON.stringify(stack.resolve(alarm.okActions)) !== topic)
        .map((alarm) => `${alarm.node.path}: every alarm must notify the alarm topic (alarm and OK actions): use AlarmWiring.notify`);
    },
  });
}

// ─── The alarms ────────────────────────────────────────────────────────────────────────────────

/** The events path's parts, as lpaStoreUpdatedEvents makes and returns them. */
export interface EventsPath {
  queue: sqs.Queue;
  deadLetters: sqs.Queue;
  fn: lambda.Function;
}

export interface GatewayAlarmsOptions {
  api: apigateway.RestApi;
  fn: lambda.IFunction;
  logGroup: logs.ILogGroup;
  /** The function's reserved concurrency: with it, an alarm at 80% of it. */
  reservedConcurrency?: number;
  wiring: AlarmWiring;
  /** The LPA Store events path, when the stack has it. */
  events?: EventsPath;
}

export interface GatewayAlarms {
  /** The metric filters' metrics (from the JSON log lines), for the dashboard. */
  circuitOpened: cloudwatch.Metric;
  cacheFaults: cloudwatch.Metric;
  /** The concurrency alarm's threshold, when there is one. */
  concurrencyThreshold?: number;
}

/** Share of the reserved concurrency at which the concurrency alarm fires. */
export const CONCURRENCY_ALARM_SHARE = 0.8;
/** Below this many requests in 5 minutes the 4xx rate is not judged (a few refusals at night are not a rate). */
export const API_4XX_MINIMUM_REQUESTS = 50;

/**
 * Every alarm of the gateway (the events path's dead-letter alarm is made with the queue), each
 * notifying the alarm topic when it fires and when it clears:
 * - the API: 5xx rate, 4xx rate;
 * - the function: errors, throttles, concurrency near its reservation;
 * - what the gateway absorbs: Sirius's circuit open, cache faults (metric filters on the JSON logs);
 * - who calls: refused authentications, activation code lockouts (Embedded Metric Format);
 * - the events function's errors, when the events path is there.
 * Missing data is never breaching: each metric is only emitted when something happened (a request,
 * an invocation, a log line), so no data means nothing went wrong.
 */
export function gatewayAlarms(scope: Construct, options: GatewayAlarmsOptions): GatewayAlarms {
  const { api, fn, logGroup, wiring } = options;
  const five = Duration.minutes(5);
  const alarm = (id: string, props: Omit<cloudwatch.AlarmProps, 'alarmDescription' | 'actionsEnabled' | 'alarmName'>, meaning: string, runbook: (typeof RUNBOOK)[keyof typeof RUNBOOK]) =>
    wiring.notify(
      new cloudwatch.Alarm(scope, id, {
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
        ...props,
        alarmName: `${Stack.of(scope).stackName}-${id}`,
        alarmDescription: wiring.describe(meaning, runbook),
        actionsEnabled: wiring.actionsEnabled,
      }),
    );

  // The API, as API Gateway counts it (it sees what never reaches the function: edge refusals, throttling).
  // Count's Sum is the number of requests (AWS's documented statistic; CDK's default, SampleCount, is the same number).
  alarm(
    'Api5xxRate',
    {
      metric: new cloudwatch.MathExpression({
        expression: '100 * errors / MAX([requests, 1])',
        usingMetrics: { errors: api.metricServerError({ period: five }), requests: api.metricCount({ period: five, statistic: 'Sum' }) },
        label: '5xx %',
      }),
      threshold: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 2,
    },
    'More than 1% of requests answered 5xx, 10 minutes running',
    RUNBOOK.api5xxRate,
  );
  alarm(
    'Api4xxRate',
    {
      metric: new cloudwatch.MathExpression({
        expression: `IF(requests >= ${API_4XX_MINIMUM_REQUESTS}, 100 * FILL(clientErrors, 0) / requests, 0)`,
        usingMetrics: { clientErrors: api.metricClientError({ period: five }), requests: api.metricCount({ period: five, statistic: 'Sum' }) },
        label: '4xx %',
      }),
      threshold: 10,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 2,
    },
    `More than 10% of requests answered 4xx (refused tokens or API keys, throttling, bad queries), 10 minutes running, with at least ${API_4XX_MINIMUM_REQUESTS} requests in each 5 minutes`,
    RUNBOOK.api4xxRate,
  );

  // The function.
  alarm(
    'GatewayErrors',
    {
      metric: fn.metricErrors({ period: five, statistic: 'Sum' }),
      threshold: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 3,
      datapointsToAlarm: 2,
    },
    'The gateway function failed invocations (crashed, timed out or ran out of memory: not a GraphQL error, which is answered) in 2 of the last 3 5-minute periods',
    RUNBOOK.gatewayErrors,
  );
  alarm(
    'GatewayThrottles',
    {
      metric: fn.metricThrottles({ period: five, statistic: 'Sum' }),
      threshold: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 1,
    },
    'Lambda throttled the gateway function (its reserved concurrency, or the account\'s, is used up): callers got errors from API Gateway',
    RUNBOOK.gatewayThrottles,
  );
  let concurrencyThreshold: number | undefined;
  if (options.reservedConcurrency !== undefined) {
    concurrencyThreshold = Math.max(1, Math.ceil(CONCURRENCY_ALARM_SHARE * options.reservedConcurrency));
    alarm(
      'GatewayConcurrency',
      {
        metric: fn.metric('ConcurrentExecutions', { period: Duration.minutes(1), statistic: 'Maximum' }),
        threshold: concurrencyThreshold,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        evaluationPeriods: 5,
        datapointsToAlarm: 3,
      },
      `The gateway function ran ${concurrencyThreshold} or more instances at once (${CONCURRENCY_ALARM_SHARE * 100}% of its reserved ${options.reservedConcurrency}) in 3 of the last 5 minutes: throttling is next`,
      RUNBOOK.gatewayConcurrency,
    );
  }

  // What the gateway absorbs, from its JSON log lines. The circuit filter matches any upstream's
  // breaker (`upstream`: sirius or lpa-store) opening; the cache's own breaker logs `Open`, not `open`.
  const logMetric = (id: string, pattern: logs.IFilterPattern, metricName: string) =>
    new logs.MetricFilter(scope, id, { logGroup, filterPattern: pattern, metricNamespace: EMBEDDED_METRICS.namespace, metricName, metricValue: '1' }).metric({
      period: five,
      statistic: 'Sum',
    });
  const circuitOpened = logMetric('CircuitOpenFilter', logs.FilterPattern.stringValue('$.circuit', '=', 'open'), 'SiriusCircuitOpened');
  alarm(
    'SiriusCircuitOpen',
    { metric: circuitOpened, threshold: 1, comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD, evaluationPeriods: 1 },
    'The Sirius circuit breaker opened: consumers are being served from the cache (the LPA Store\'s breaker opening counts too)',
    RUNBOOK.circuitOpen,
  );
  const cacheFaults = logMetric('CacheFaultFilter', logs.FilterPattern.stringValue('$.msg', '=', 'cache fault (failing open)'), 'CacheFaults');
  alarm(
    'CacheFaultRate',
    { metric: cacheFaults, threshold: 10, comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD, evaluationPeriods: 2 },
    'DynamoDB faults: requests are going to Sirius without the cache (10 or more cache faults in each of 2 5-minute periods)',
    RUNBOOK.cacheFaults,
  );

  // Who calls, from the function's Embedded Metric Format lines. One metric per Reason, summed:
  // an alarm cannot use SEARCH, and the reasons are a fixed list.
  const emf = (metricName: string, dimensionsMap: Record<string, string>) =>
    new cloudwatch.Metric({ namespace: EMBEDDED_METRICS.namespace, metricName, dimensionsMap, period: five, statistic: 'Sum' });
  const byReason = Object.fromEntries(
    AUTHENTICATION_REFUSED_REASONS.map((reason, i) => [`reason${i}`, emf(EMBEDDED_METRICS.authenticationsRefused, { [EMBEDDED_METRICS.dimensions.reason]: reason })]),
  );
  alarm(
    'AuthenticationsRefused',
    {
      metric: new cloudwatch.MathExpression({
        expression: `SUM([${Object.keys(byReason).map((id) => `FILL(${id}, 0)`).join(', ')}])`,
        usingMetrics: byReason,
        label: 'authentications refused',
        period: five,
      }),
      threshold: 10,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 1,
    },
    'The gateway function refused 10 or more authentications in 5 minutes (a token API Gateway let through, but not a registered caller\'s, or none at all): a misconfigured caller or someone probing',
    RUNBOOK.authenticationsRefused,
  );
  const tooManyAttempts = 'TOO_MANY_ATTEMPTS' satisfies (typeof CODE_OUTCOMES)[number];
  alarm(
    'TooManyAttempts',
    {
      metric: emf(EMBEDDED_METRICS.codeOutcomes, { [EMBEDDED_METRICS.dimensions.outcome]: tooManyAttempts }),
      threshold: 20,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 1,
    },
    'Activation code checks answered TOO_MANY_ATTEMPTS 20 or more times in 5 minutes (locked codes, or a caller over its rate): someone may be guessing codes',
    RUNBOOK.tooManyAttempts,
  );

  if (options.events) {
    alarm(
      'EventsErrors',
      {
        metric: options.events.fn.metricErrors({ period: five, statistic: 'Sum' }),
        threshold: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        evaluationPeriods: 3,
        datapointsToAlarm: 2,
      },
      'The LPA Store events function failed whole invocations (crashed or timed out: each batch is retried, then dead-lettered) in 2 of the last 3 5-minute periods',
      RUNBOOK.eventsErrors,
    );
  }
  return { circuitOpened, cacheFaults, ...(concurrencyThreshold !== undefined ? { concurrencyThreshold } : {}) };
}
