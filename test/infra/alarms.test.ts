import { readFileSync } from 'node:fs';
import { Duration } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { beforeAll, describe, expect, it } from 'vitest';
import { RUNBOOK } from '../../infra/constructs/alarms';
import { CONSUMER_VERSIONS } from '../../infra/constructs/dashboard';
import { AUTHENTICATION_REFUSED_REASONS, CODE_OUTCOMES, EMBEDDED_METRICS } from '../../src/observability/embedded-metrics';
import { EVENT_BUS_ARN, idOf, LPA_STORE_EVENT_BUS, stackWith, STORE_CONTEXT } from './support';

// Detection that reaches someone: an encrypted topic every alarm notifies (firing and clearing),
// the alarms themselves, and the dashboard and runbook they point to.

const EMAILS = ['oncall@example.org', 'gateway-team@example.org'];
const PAGER = 'https://events.pagerduty.com/integration/0123456789abcdef0123456789abcdef/enqueue';
const ALARM_CONTEXT = { alarmEmails: EMAILS, alarmHttpsEndpoints: [PAGER] };
const DASHBOARD_URL = (stackName: string) => `https://console.aws.amazon.com/cloudwatch/home?region=eu-west-2#dashboards:name=sirius-gateway-${stackName}`;

/** Everything: the LPA Store, the bus, the events path and subscribers. */
let full: Template;
/** No optional context at all. */
let bare: Template;
beforeAll(() => {
  full = Template.fromStack(stackWith({ ...STORE_CONTEXT, eventBusArn: EVENT_BUS_ARN, lpaStoreEventBusName: LPA_STORE_EVENT_BUS, ...ALARM_CONTEXT }, 'TestAlarms'));
  bare = Template.fromStack(stackWith({}, 'TestAlarmsBare'));
}, 120_000);

type Resource = { Properties: Record<string, any> };
const alarmsOf = (t: Template) => t.findResources('AWS::CloudWatch::Alarm') as Record<string, Resource>;
const topicRef = (t: Template) => ({ Ref: idOf(t, 'AWS::SNS::Topic', 'AlarmsTopic') });
const gatewayFunctionId = (t: Template) => Object.keys(t.findResources('AWS::Lambda::Function', { Properties: { Handler: 'lambda.handler' } }))[0]!;
const eventsFunctionId = (t: Template) => Object.keys(t.findResources('AWS::Lambda::Function', { Properties: { Handler: 'events.handler' } }))[0]!;
const alarmNamed = (t: Template, id: string): Record<string, any> => {
  const found = Object.entries(alarmsOf(t)).filter(([logicalId]) => logicalId.startsWith(id) && /^[0-9A-F]{8}$/.test(logicalId.slice(id.length)));
  expect(found.map(([logicalId]) => logicalId), `alarm ${id}`).toHaveLength(1);
  return found[0]![1].Properties;
};
/** A metric of a math alarm's Metrics, by its id. */
const metricOf = (alarm: Record<string, any>, id: string) => (alarm.Metrics as { Id: string; MetricStat?: { Metric: any; Stat: string } }[]).find((m) => m.Id === id)?.MetricStat;

describe('infra: the alarm topic', () => {
  it('is encrypted with its own rotating customer managed key, which CloudWatch (this account\'s alarms) may use to publish', () => {
    const keyId = idOf(full, 'AWS::KMS::Key', 'AlarmsKey');
    full.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: { 'Fn::GetAtt': [keyId, 'Arn'] } });
    const key = full.toJSON().Resources[keyId].Properties;
    expect(key.EnableKeyRotation).toBe(true);
    expect(key.KeyPolicy.Statement).toContainEqual({
      Sid: 'CloudWatchAlarmsPublishToTheAlarmTopic',
      Effect: 'Allow',
      Principal: { Service: 'cloudwatch.amazonaws.com' },
      Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
      Resource: '*',
      Condition: { StringEquals: { 'aws:SourceAccount': '123456789012' } },
    });
    // Not the alias/aws/sns managed key (CloudWatch cannot use it), nor any other stack key.
    expect(JSON.stringify(full.toJSON().Resources[idOf(full, 'AWS::SNS::Topic', 'AlarmsTopic')].Properties.KmsMasterKeyId)).not.toContain('alias/aws/sns');
  });

  it('refuses publishing without TLS (enforceSSL)', () => {
    full.hasResourceProperties('AWS::SNS::TopicPolicy', {
      Topics: [topicRef(full)],
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Action: 'sns:Publish', Principal: '*', Resource: topicRef(full), Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        ]),
      },
    });
  });

  it('has the subscriptions the context names: each email, each https endpoint; none without context', () => {
    const subscriptions = Object.values(full.findResources('AWS::SNS::Subscription')).map((s) => s.Properties);
    expect(subscriptions).toHaveLength(3);
    for (const email of EMAILS) expect(subscriptions).toContainEqual(expect.objectContaining({ Protocol: 'email', Endpoint: email, TopicArn: topicRef(full) }));
    expect(subscriptions).toContainEqual(expect.objectContaining({ Protocol: 'https', Endpoint: PAGER, TopicArn: topicRef(full) }));
    bare.resourceCountIs('AWS::SNS::Subscription', 0);
    bare.resourceCountIs('AWS::SNS::Topic', 1);
  });

  it('takes a list as a comma-separated string too (-c alarmEmails=a,b)', () => {
    const t = Template.fromStack(stackWith({ alarmEmails: EMAILS.join(', ') }, 'TestAlarmsCsv'));
    expect(Object.values(t.findResources('AWS::SNS::Subscription')).map((s) => s.Properties.Endpoint).sort()).toEqual([...EMAILS].sort());
  });

  it.each([
    ['a malformed email', { alarmEmails: ['oncall.example.org'] }, /^context alarmEmails must be email addresses; got "oncall.example.org"/],
    ['two addresses in one item', { alarmEmails: ['a@example.org; b@example.org'] }, /^context alarmEmails must be email addresses/],
    ['an empty email', { alarmEmails: [''] }, /^context alarmEmails must be a non-empty string/],
    ['emails that are not a list', { alarmEmails: { to: 'oncall@example.org' } }, /^context alarmEmails must be a list/],
    ['an email twice', { alarmEmails: ['oncall@example.org', 'oncall@example.org'] }, /^context alarmEmails lists "oncall@example.org" twice/],
    ['an http endpoint', { alarmHttpsEndpoints: ['http://events.pagerduty.com/integration/abc/enqueue'] }, /^context alarmHttpsEndpoints must be an https URL/],
    ['an endpoint that is not a URL', { alarmHttpsEndpoints: ['pagerduty'] }, /^context alarmHttpsEndpoints must be an https URL/],
    ['an endpoint with credentials', { alarmHttpsEndpoints: ['https://user:pass@example.org/hook'] }, /^context alarmHttpsEndpoints must not hold credentials/],
    ['actions enabled neither true nor false', { alarmActionsEnabled: 'yes' }, /^context alarmActionsEnabled must be true or false/],
    ['a mistyped alarm key', { alarmEmail: ['oncall@example.org'] }, /^context alarmEmail is not a context key this stack reads; did you mean one of alarmEmails/],
  ])('refuses at synth %s, naming the key', (_, context, error) => {
    expect(() => stackWith(context, 'TestAlarmsRefused')).toThrow(error);
  });
});

describe('infra: every alarm notifies the topic', () => {
  it('EVERY alarm of the fully configured stack has exactly the topic as alarm and OK action, actions enabled, a deliberate treatMissingData', () => {
    const alarms = Object.entries(alarmsOf(full));
    expect(alarms).toHaveLength(11);
    for (const [id, { Properties: alarm }] of alarms) {
      expect(alarm.AlarmActions, id).toEqual([topicRef(full)]);
      expect(alarm.OKActions, id).toEqual([topicRef(full)]);
      expect(alarm.InsufficientDataActions, id).toBeUndefined();
      expect(alarm.ActionsEnabled, id).toBe(true);
      expect(alarm.TreatMissingData, id).toBe('notBreaching');
      expect(alarm.AlarmName, id).toMatch(/^TestAlarms-/);
    }
  });

  it('the same without the optional context', () => {
    for (const [id, { Properties: alarm }] of Object.entries(alarmsOf(bare))) {
      expect(alarm.AlarmActions, id).toEqual([topicRef(bare)]);
      expect(alarm.OKActions, id).toEqual([topicRef(bare)]);
    }
  });

  it('alarmActionsEnabled=false keeps the alarms and their actions, disabled', () => {
    const t = Template.fromStack(stackWith({ alarmActionsEnabled: 'false' }, 'TestAlarmsMuted'));
    for (const [id, { Properties: alarm }] of Object.entries(alarmsOf(t))) {
      expect(alarm.ActionsEnabled, id).toBe(false);
      expect(alarm.AlarmActions, id).toEqual([topicRef(t)]);
    }
  });

  it('synth fails for an alarm added without the topic', () => {
    const stack = stackWith({}, 'TestAlarmsUnwired');
    new cloudwatch.Alarm(stack, 'Unwired', { metric: new cloudwatch.Metric({ namespace: 'X', metricName: 'Y', period: Duration.minutes(5) }), threshold: 1, evaluationPeriods: 1 });
    expect(() => Template.fromStack(stack)).toThrow(/TestAlarmsUnwired\/Unwired.*every alarm must notify the alarm topic/s);
  });
});

describe('infra: the alarms', () => {
  it('gateway function errors: AWS/Lambda Errors of the gateway function, sustained (2 of 3 5-minute periods with any)', () => {
    expect(alarmNamed(full, 'GatewayErrors')).toMatchObject({
      Namespace: 'AWS/Lambda',
      MetricName: 'Errors',
      Dimensions: [{ Name: 'FunctionName', Value: { Ref: gatewayFunctionId(full) } }],
      Statistic: 'Sum',
      Period: 300,
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      EvaluationPeriods: 3,
      DatapointsToAlarm: 2,
    });
  });

  it('gateway function throttles: any', () => {
    expect(alarmNamed(full, 'GatewayThrottles')).toMatchObject({
      Namespace: 'AWS/Lambda',
      MetricName: 'Throttles',
      Dimensions: [{ Name: 'FunctionName', Value: { Ref: gatewayFunctionId(full) } }],
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
    });
  });

  it('gateway concurrency: the most instances at once reaching 80% of the reserved concurrency (25 in the tests: 20)', () => {
    expect(alarmNamed(full, 'GatewayConcurrency')).toMatchObject({
      Namespace: 'AWS/Lambda',
      MetricName: 'ConcurrentExecutions',
      Dimensions: [{ Name: 'FunctionName', Value: { Ref: gatewayFunctionId(full) } }],
      Statistic: 'Maximum',
      Period: 60,
      Threshold: 20,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
    });
  });

  it('no concurrency alarm without a reserved concurrency', () => {
    const stack = stackWith({}, 'TestAlarmsUnreserved', undefined, { reservedConcurrency: undefined });
    const ids = Object.keys(Template.fromStack(stack).findResources('AWS::CloudWatch::Alarm'));
    expect(ids.filter((id) => id.startsWith('GatewayConcurrency'))).toEqual([]);
    expect(ids).toHaveLength(8);
  });

  it('API 4xx rate: over 10% of requests in 5 minutes, 2 periods running, when there were at least 50', () => {
    const alarm = alarmNamed(full, 'Api4xxRate');
    expect(alarm).toMatchObject({ Threshold: 10, ComparisonOperator: 'GreaterThanThreshold', EvaluationPeriods: 2 });
    const expression = (alarm.Metrics as { Id: string; Expression?: string }[]).find((m) => m.Expression)!;
    expect(expression.Expression).toBe('IF(requests >= 50, 100 * FILL(clientErrors, 0) / requests, 0)');
    expect(metricOf(alarm, 'clientErrors')).toMatchObject({ Metric: { Namespace: 'AWS/ApiGateway', MetricName: '4XXError', Dimensions: [{ Name: 'ApiName', Value: 'sirius-gateway' }] }, Stat: 'Sum' });
    expect(metricOf(alarm, 'requests')).toMatchObject({ Metric: { Namespace: 'AWS/ApiGateway', MetricName: 'Count' }, Stat: 'Sum' });
  });

  it('refused authentications: the EMF metric for every Reason, summed (an alarm cannot SEARCH)', () => {
    const alarm = alarmNamed(full, 'AuthenticationsRefused');
    expect(alarm).toMatchObject({ Threshold: 10, ComparisonOperator: 'GreaterThanOrEqualToThreshold', EvaluationPeriods: 1 });
    const metrics = alarm.Metrics as { Id: string; Expression?: string; ReturnData?: boolean; MetricStat?: { Metric: any; Stat: string; Period: number } }[];
    const stats = metrics.filter((m) => m.MetricStat);
    expect(stats.map((m) => m.MetricStat!.Metric)).toEqual(
      AUTHENTICATION_REFUSED_REASONS.map((reason) => ({
        Namespace: EMBEDDED_METRICS.namespace,
        MetricName: EMBEDDED_METRICS.authenticationsRefused,
        Dimensions: [{ Name: EMBEDDED_METRICS.dimensions.reason, Value: reason }],
      })),
    );
    for (const m of stats) expect(m.MetricStat).toMatchObject({ Stat: 'Sum', Period: 300 });
    const [sum] = metrics.filter((m) => m.Expression);
    for (const m of stats) expect(sum!.Expression).toContain(`FILL(${m.Id}, 0)`);
    expect(sum!.Expression).toMatch(/^SUM\(\[/);
  });

  it('TOO_MANY_ATTEMPTS: the EMF CodeOutcomes with the [Outcome] dimension set only, 20 in 5 minutes', () => {
    expect(CODE_OUTCOMES).toContain('TOO_MANY_ATTEMPTS');
    expect(alarmNamed(full, 'TooManyAttempts')).toMatchObject({
      Namespace: EMBEDDED_METRICS.namespace,
      MetricName: EMBEDDED_METRICS.codeOutcomes,
      Dimensions: [{ Name: EMBEDDED_METRICS.dimensions.outcome, Value: 'TOO_MANY_ATTEMPTS' }],
      Statistic: 'Sum',
      Period: 300,
      Threshold: 20,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
    });
  });

  it('the existing three: 5xx rate, circuit opened and cache faults (metric filters, in the SiriusGateway namespace)', () => {
    expect(alarmNamed(full, 'Api5xxRate')).toMatchObject({ Threshold: 1, ComparisonOperator: 'GreaterThanThreshold', EvaluationPeriods: 2 });
    expect(alarmNamed(full, 'SiriusCircuitOpen')).toMatchObject({ Namespace: EMBEDDED_METRICS.namespace, MetricName: 'SiriusCircuitOpened', Threshold: 1 });
    expect(alarmNamed(full, 'CacheFaultRate')).toMatchObject({ Namespace: EMBEDDED_METRICS.namespace, MetricName: 'CacheFaults', Threshold: 10 });
  });

  it('events function errors, with the events path only; and the dead-letter alarm', () => {
    expect(alarmNamed(full, 'EventsErrors')).toMatchObject({
      Namespace: 'AWS/Lambda',
      MetricName: 'Errors',
      Dimensions: [{ Name: 'FunctionName', Value: { Ref: eventsFunctionId(full) } }],
      Threshold: 1,
      EvaluationPeriods: 3,
      DatapointsToAlarm: 2,
    });
    expect(alarmNamed(full, 'LpaStoreEventsDeadLetters')).toMatchObject({ MetricName: 'ApproximateNumberOfMessagesVisible' });
    expect(Object.keys(alarmsOf(bare)).filter((id) => id.startsWith('EventsErrors') || id.startsWith('LpaStoreEventsDeadLetters'))).toEqual([]);
  });

  it('each alarm\'s description says what it means, links the dashboard and names its runbook section', () => {
    const anchors = new Set<string>(Object.values(RUNBOOK));
    const used = new Set<string>();
    for (const [id, { Properties: alarm }] of Object.entries(alarmsOf(full))) {
      const description = alarm.AlarmDescription as string;
      expect(typeof description, id).toBe('string');
      expect(description.length, id).toBeLessThanOrEqual(1024);
      expect(description, id).toMatch(/^\S.{20,}\.\n/s);
      expect(description, id).toContain(`\nDashboard: ${DASHBOARD_URL('TestAlarms')}\n`);
      const anchor = /\nRunbook: README\.md#([a-z0-9-]+)$/.exec(description)?.[1];
      expect(anchor && anchors.has(anchor), `${id}: ${description}`).toBe(true);
      used.add(anchor!);
    }
    // One section per alarm.
    expect([...used].sort()).toEqual([...anchors].sort());
  });
});

// ─── The dashboard ─────────────────────────────────────────────────────────────────────────────

/** The dashboard body as JSON, references written as REF(id) / GETATT(id.attr), so it parses. */
function dashboardBody(t: Template): { name: string; widgets: any[]; text: string } {
  const dashboards = Object.values(t.findResources('AWS::CloudWatch::Dashboard'));
  expect(dashboards).toHaveLength(1);
  const { DashboardName, DashboardBody } = dashboards[0]!.Properties;
  const parts = typeof DashboardBody === 'string' ? [DashboardBody] : (DashboardBody['Fn::Join'][1] as unknown[]);
  const text = parts
    .map((part) => {
      if (typeof part === 'string') return part;
      const p = part as Record<string, any>;
      if (p.Ref) return `REF(${p.Ref})`;
      if (p['Fn::GetAtt']) return `GETATT(${p['Fn::GetAtt'].join('.')})`;
      throw new Error(`unexpected token in the dashboard body: ${JSON.stringify(part)}`);
    })
    .join('');
  return { name: DashboardName, widgets: JSON.parse(text).widgets, text };
}
const metricsOf = (widgets: any[]) => widgets.flatMap((w) => (w.properties?.metrics ?? []) as unknown[][]);

describe('infra: the dashboard', () => {
  it('is named after the stack, as the alarm descriptions link it', () => {
    expect(dashboardBody(full).name).toBe('sirius-gateway-TestAlarms');
    expect(dashboardBody(bare).name).toBe('sirius-gateway-TestAlarmsBare');
  });

  it('has requests, errors and latency p50/p95/p99 for every consumer and version, one metric each (no SEARCH)', () => {
    const { widgets, text } = dashboardBody(full);
    expect(text).not.toContain('SEARCH(');
    const metrics = metricsOf(widgets);
    const has = (name: string, dimensions: string[], stat?: string) =>
      metrics.some((m) => {
        const [namespace, metricName, ...rest] = m;
        const options = (typeof rest[rest.length - 1] === 'object' ? rest[rest.length - 1] : {}) as { stat?: string };
        const dims = rest.filter((x) => typeof x === 'string');
        return namespace === EMBEDDED_METRICS.namespace && metricName === name && JSON.stringify(dims) === JSON.stringify(dimensions) && (stat === undefined || options.stat === stat);
      });
    const D = EMBEDDED_METRICS.dimensions;
    expect(CONSUMER_VERSIONS).toContainEqual({ consumer: 'none', version: 'none' });
    for (const { consumer, version } of CONSUMER_VERSIONS) {
      const dims = [D.consumer, consumer, D.version, version];
      for (const name of [EMBEDDED_METRICS.requests, EMBEDDED_METRICS.errors, EMBEDDED_METRICS.cacheFresh, EMBEDDED_METRICS.cacheStale, EMBEDDED_METRICS.cacheMiss, EMBEDDED_METRICS.cacheFault, EMBEDDED_METRICS.siriusCalls, EMBEDDED_METRICS.lpaStoreCalls]) {
        expect(has(name, dims), `${name} ${consumer} ${version}`).toBe(true);
      }
      for (const p of ['p50', 'p95', 'p99']) expect(has(EMBEDDED_METRICS.latency, dims, p), `${p} ${consumer} ${version}`).toBe(true);
    }
    for (const outcome of CODE_OUTCOMES) expect(has(EMBEDDED_METRICS.codeOutcomes, [D.outcome, outcome]), outcome).toBe(true);
    for (const reason of AUTHENTICATION_REFUSED_REASONS) expect(has(EMBEDDED_METRICS.authenticationsRefused, [D.reason, reason]), reason).toBe(true);
  });

  it('has the API (count, 4xx, 5xx, Latency and IntegrationLatency), the function (concurrency, throttles, errors), the log filters, and cold starts from the log group', () => {
    const { widgets, text } = dashboardBody(full);
    const metrics = metricsOf(widgets).map((m) => JSON.stringify(m));
    for (const name of ['Count', '4XXError', '5XXError', 'Latency', 'IntegrationLatency']) expect(metrics.some((m) => m.startsWith(`["AWS/ApiGateway","${name}","ApiName","sirius-gateway"`)), name).toBe(true);
    const fn = `REF(${gatewayFunctionId(full)})`;
    for (const name of ['ConcurrentExecutions', 'Throttles', 'Errors', 'Invocations', 'Duration']) expect(metrics.some((m) => m.startsWith(`["AWS/Lambda","${name}","FunctionName","${fn}"`)), name).toBe(true);
    for (const name of ['SiriusCircuitOpened', 'CacheFaults']) expect(metrics.some((m) => m.startsWith(`["${EMBEDDED_METRICS.namespace}","${name}"`)), name).toBe(true);
    const coldStarts = widgets.find((w) => w.type === 'log')!;
    expect(coldStarts.properties.query).toContain(`SOURCE 'REF(${idOf(full, 'AWS::Logs::LogGroup', 'Logs')})'`);
    expect(coldStarts.properties.query).toContain('filter @type = "REPORT"');
    expect(coldStarts.properties.query).toContain('stats count(@initDuration) as coldStarts, avg(@initDuration), max(@initDuration) by bin(5m)');
    // The reserved concurrency and the alarm's threshold are drawn on the concurrency graph.
    const concurrency = widgets.find((w) => w.properties?.title === 'Concurrent executions (max)')!;
    expect(concurrency.properties.annotations.horizontal.map((a: { value: number }) => a.value)).toEqual([25, 20]);
    expect(text).toContain('## Traffic');
  });

  it('lists every alarm of the stack in its alarm status widget', () => {
    const { widgets } = dashboardBody(full);
    const status = widgets.filter((w) => w.type === 'alarm');
    expect(status).toHaveLength(1);
    expect([...status[0].properties.alarms].sort()).toEqual(Object.keys(alarmsOf(full)).map((id) => `GETATT(${id}.Arn)`).sort());
  });

  it('has the events row (queue, dead letters, events function) with the events path only', () => {
    const events = (t: Template) => metricsOf(dashboardBody(t).widgets).map((m) => JSON.stringify(m));
    const queues = Object.keys(full.findResources('AWS::SQS::Queue'));
    expect(queues).toHaveLength(2);
    for (const queue of queues) expect(events(full).some((m) => m.startsWith('["AWS/SQS"') && m.includes(`GETATT(${queue}.QueueName)`)), queue).toBe(true);
    expect(events(full).some((m) => m.includes(`"FunctionName","REF(${eventsFunctionId(full)})"`))).toBe(true);
    expect(events(bare).some((m) => m.startsWith('["AWS/SQS"'))).toBe(false);
  });
});

// ─── The runbook ───────────────────────────────────────────────────────────────────────────────

/** GitHub's heading anchor: lower case, punctuation other than - and _ dropped, spaces to -. */
const githubAnchor = (heading: string) =>
  heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/\s/g, '-');

describe('infra: the runbook', () => {
  // EXPECTED TO FAIL until the runbook text (/tmp/readme-runbook.md) is merged into README.md:
  // every "Runbook: README.md#…" an alarm names must be a heading there.
  it('README.md has a heading for every runbook anchor an alarm description names (fails until the runbook text is merged)', () => {
    const headings = new Set(
      readFileSync('README.md', 'utf8')
        .split('\n')
        .filter((line) => /^#{1,6} /.test(line))
        .map((line) => githubAnchor(line.replace(/^#+ /, ''))),
    );
    const named = Object.values(alarmsOf(full)).map((a) => /Runbook: README\.md#([a-z0-9-]+)/.exec(a.Properties.AlarmDescription)![1]!);
    expect(named.length).toBeGreaterThan(0);
    expect(named.filter((anchor) => !headings.has(anchor))).toEqual([]);
  });

  it('anchors as GitHub makes them', () => {
    expect(githubAnchor('Runbook: API 5xx rate')).toBe('runbook-api-5xx-rate');
    expect(githubAnchor('Runbook: TOO_MANY_ATTEMPTS')).toBe('runbook-too_many_attempts');
  });
});
