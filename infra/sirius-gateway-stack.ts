import { Duration, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { consumerSchemas } from '../src/consumers';
import {
  readEventBusContext,
  readLpaStoreContext,
  readLpaStoreEventsContext,
  type EventBusContext,
  type LpaStoreContext,
  type LpaStoreEventsContext,
} from './context';

export interface SiriusGatewayStackProps extends StackProps {
  /** Sirius's base URL in this environment. */
  siriusBaseUrl: string;
  /** Name of the existing Secrets Manager secret that signs calls to Sirius. */
  siriusSigningSecretName: string;
  /** The built bundle (`npm run build`): dist/lambda.js, dist/events.js and dist/schema. */
  codePath: string;
  /** Reserved concurrency for the function; undefined for none. */
  reservedConcurrency?: number;
  /** Stage-wide throttling. */
  throttle?: { rateLimit: number; burstLimit: number };
  /** OTLP/HTTP traces URL, e.g. an ADOT collector layer's http://localhost:4318/v1/traces; none: no tracing. */
  tracesEndpoint?: string;
}

const RESOURCE_SERVER = 'sirius-gateway';
/** The one event the gateway publishes, as Use an LPA does: its source and detail-type. */
const ACTIVATION_KEY_EVENT = { source: 'opg.poas.use', detailType: 'activation-key-requested' } as const;
/** The LPA Store's change event (src/events/lpa-updated-event.ts): its source and detail-type. */
const LPA_UPDATED = { source: 'opg.poas.lpastore', detailType: 'lpa-updated' } as const;

/** The events Lambda's timeout; the queue hides a received message for 6 times as long (AWS's guidance for SQS event sources). */
const EVENTS_TIMEOUT = Duration.seconds(30);

/**
 * The gateway in AWS: cache and codes tables, Lambda behind API Gateway, Cognito for its callers,
 * alarms; with `lpaStoreEventBusName`, the LPA Store's `lpa-updated` events path too.
 */
export class SiriusGatewayStack extends Stack {
  constructor(scope: Construct, id: string, props: SiriusGatewayStackProps) {
    super(scope, id, props);
    // Read first, so a bad value fails synth before anything is built. Either may be absent: see infra/context.ts.
    const lpaStore = readLpaStoreContext(this.node);
    const eventBus = readEventBusContext(this.node);
    const lpaStoreEvents = readLpaStoreEventsContext(this.node, lpaStore);

    // The cache: the gateway owns it. TTL deletes expired items; reads check expiry too.
    const key = new kms.Key(this, 'CacheKey', { enableKeyRotation: true, description: 'sirius-gateway cache encryption' });
    const table = new dynamodb.Table(this, 'Cache', {
      partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING },
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      timeToLiveAttribute: 'expiresAt',
      encryption: dynamodb.TableEncryption.CUSTOMER_MANAGED,
      encryptionKey: key,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      removalPolicy: RemovalPolicy.RETAIN,
    });

    // Activation codes: the gateway's own record (not a cache), with the same protections. TTL
    // removes codes (and rate-limit and idempotency items) after they can no longer matter.
    const codesKey = new kms.Key(this, 'CodesKey', { enableKeyRotation: true, description: 'sirius-gateway activation codes encryption' });
    const codesTable = new dynamodb.Table(this, 'Codes', {
      partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING },
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      timeToLiveAttribute: 'ttl',
      encryption: dynamodb.TableEncryption.CUSTOMER_MANAGED,
      encryptionKey: codesKey,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      removalPolicy: RemovalPolicy.RETAIN,
    });
    // Keys the HMACs of codes and dates of birth: without it a copy of the table reveals nothing.
    const codesSecret = new secretsmanager.Secret(this, 'CodesSecret', {
      description: 'sirius-gateway: keys activation code hashes (never rotate: existing codes would stop matching)',
      generateSecretString: { passwordLength: 64, excludePunctuation: true },
      removalPolicy: RemovalPolicy.RETAIN,
    });

    // Callers: one Cognito app client per consumer, client-credentials only, with the scopes its
    // schema's rules use. The caller registry is generated from the same list, with the client ids.
    const pool = new cognito.UserPool(this, 'Callers', { selfSignUpEnabled: false, removalPolicy: RemovalPolicy.RETAIN });
    pool.addDomain('Domain', { cognitoDomain: { domainPrefix: `sirius-gateway-${this.account}`.slice(0, 63) } });
    const consumers = [...new Set(consumerSchemas.map((schema) => schema.consumer))];
    const allScopes = [...new Set(consumerSchemas.flatMap((schema) => schema.scopes))];
    const resourceServer = pool.addResourceServer('ResourceServer', {
      identifier: RESOURCE_SERVER,
      scopes: allScopes.map((scopeName) => new cognito.ResourceServerScope({ scopeName, scopeDescription: `sirius-gateway ${scopeName}` })),
    });
    const callers = consumers.map((consumer) => {
      const schemas = consumerSchemas.filter((schema) => schema.consumer === consumer);
      const scopes = [...new Set(schemas.flatMap((schema) => schema.scopes))];
      const client = pool.addClient(`Client-${consumer}`, {
        userPoolClientName: consumer,
        generateSecret: true,
        authFlows: {},
        oAuth: {
          flows: { clientCredentials: true },
          scopes: scopes.map((scopeName) => cognito.OAuthScope.resourceServer(resourceServer, new cognito.ResourceServerScope({ scopeName, scopeDescription: scopeName }))),
        },
        accessTokenValidity: Duration.hours(1),
      });
      return { name: consumer, clientIds: [client.userPoolClientId], consumers: { [consumer]: schemas.map((schema) => schema.version) }, scopes };
    });

    const signingSecret = secretsmanager.Secret.fromSecretNameV2(this, 'SiriusSigningSecret', props.siriusSigningSecretName);
    const logGroup = new logs.LogGroup(this, 'Logs', { retention: logs.RetentionDays.ONE_YEAR });
    // The gateway's configuration (src/config/config.ts). The events Lambda loads the same
    // configuration (the same checks pass, the same cache and LPA Store settings apply): a variable
    // naming a table or secret is not a grant, and its role gets only what it uses.
    const environment: Record<string, string> = {
      NODE_ENV: 'production',
      NODE_OPTIONS: '--enable-source-maps',
      SIRIUS_BASE_URL: props.siriusBaseUrl,
      SIRIUS_SIGNING_SECRET_NAME: props.siriusSigningSecretName,
      CACHE_TABLE_NAME: table.tableName,
      AUTH_ISSUER: 'cognito',
      COGNITO_USER_POOL_ID: pool.userPoolId,
      AUTH_SCOPE_PREFIX: `${RESOURCE_SERVER}/`,
      CALLER_REGISTRY_JSON: this.toJsonString({ callers }),
      // Only operations registered under operations/ run (the production default, stated).
      TRUSTED_DOCUMENTS: 'enforce',
      CODES_TABLE_NAME: codesTable.tableName,
      CODES_SECRET_NAME: codesSecret.secretName,
      ...lpaStoreEnvironment(lpaStore),
      ...eventBusEnvironment(eventBus),
      ...(props.tracesEndpoint ? { OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: props.tracesEndpoint, OTEL_SERVICE_NAME: 'sirius-gateway' } : {}),
    };
    const fn = new lambda.Function(this, 'Gateway', {
      runtime: lambda.Runtime.NODEJS_22_X,
      architecture: lambda.Architecture.ARM_64,
      handler: 'lambda.handler',
      code: lambda.Code.fromAsset(props.codePath),
      memorySize: 1024,
      timeout: Duration.seconds(15),
      reservedConcurrentExecutions: props.reservedConcurrency,
      logGroup,
      environment,
    });
    // Least privilege: the three item operations on its own table, and its key and secret.
    fn.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:DeleteItem'],
        resources: [table.tableArn],
      }),
    );
    // On the codes table, conditional updates too (state changes, counters); still no scans.
    fn.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem'],
        resources: [codesTable.tableArn],
      }),
    );
    key.grantEncryptDecrypt(fn);
    codesKey.grantEncryptDecrypt(fn);
    signingSecret.grantRead(fn);
    codesSecret.grantRead(fn);
    const lpaStoreGrants = lpaStore ? lpaStoreStatements(this, lpaStore) : undefined;
    for (const statement of lpaStoreGrants?.() ?? []) fn.addToRolePolicy(statement);
    if (eventBus) grantEventBus(this, fn, eventBus);
    if (lpaStoreEvents && lpaStoreGrants) {
      lpaStoreUpdatedEvents(this, { context: lpaStoreEvents, codePath: props.codePath, environment, cacheTable: table, cacheKey: key, lpaStoreGrants });
    }

    // The API: Cognito verifies tokens at the edge too (the function verifies again), stage
    // throttling, and a usage plan with an API key per caller.
    const api = new apigateway.RestApi(this, 'Api', {
      restApiName: 'sirius-gateway',
      deployOptions: {
        stageName: 'v1',
        throttlingRateLimit: props.throttle?.rateLimit ?? 200,
        throttlingBurstLimit: props.throttle?.burstLimit ?? 400,
        metricsEnabled: true,
      },
    });
    const integration = new apigateway.LambdaIntegration(fn);
    const authorizer = new apigateway.CognitoUserPoolsAuthorizer(this, 'Authorizer', { cognitoUserPools: [pool] });
    for (const consumer of consumers) {
      const scopes = consumerSchemas.filter((schema) => schema.consumer === consumer).flatMap((schema) => schema.scopes);
      api.root.resourceForPath(`${consumer}/{version}/graphql`).addMethod('POST', integration, {
        authorizer,
        authorizationType: apigateway.AuthorizationType.COGNITO,
        authorizationScopes: [...new Set(scopes)].map((scope) => `${RESOURCE_SERVER}/${scope}`),
        apiKeyRequired: true,
      });
    }
    api.root.resourceForPath('health/live').addMethod('GET', integration);
    for (const caller of callers) {
      const plan = api.addUsagePlan(`Plan-${caller.name}`, {
        name: caller.name,
        throttle: { rateLimit: 50, burstLimit: 100 },
        quota: { limit: 1_000_000, period: apigateway.Period.DAY },
        apiStages: [{ api, stage: api.deploymentStage }],
      });
      plan.addApiKey(api.addApiKey(`Key-${caller.name}`, { apiKeyName: caller.name }));
    }

    // Alarms: the API failing, Sirius's circuit open, the cache faulting (from the JSON log lines).
    new cloudwatch.Alarm(this, 'Api5xxRate', {
      metric: new cloudwatch.MathExpression({
        expression: '100 * errors / MAX([requests, 1])',
        usingMetrics: { errors: api.metricServerError({ period: Duration.minutes(5) }), requests: api.metricCount({ period: Duration.minutes(5) }) },
      }),
      threshold: 1,
      evaluationPeriods: 2,
      alarmDescription: 'More than 1% of requests answered 5xx',
    });
    const logMetric = (id: string, pattern: logs.IFilterPattern, metricName: string) =>
      new logs.MetricFilter(this, id, { logGroup, filterPattern: pattern, metricNamespace: 'SiriusGateway', metricName, metricValue: '1' }).metric({
        period: Duration.minutes(5),
        statistic: 'Sum',
      });
    new cloudwatch.Alarm(this, 'SiriusCircuitOpen', {
      metric: logMetric('CircuitOpenFilter', logs.FilterPattern.stringValue('$.circuit', '=', 'open'), 'SiriusCircuitOpened'),
      threshold: 1,
      evaluationPeriods: 1,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      alarmDescription: 'The Sirius circuit breaker opened: consumers are being served from the cache',
    });
    new cloudwatch.Alarm(this, 'CacheFaultRate', {
      metric: logMetric('CacheFaultFilter', logs.FilterPattern.stringValue('$.msg', '=', 'cache fault (failing open)'), 'CacheFaults'),
      threshold: 10,
      evaluationPeriods: 2,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      alarmDescription: 'DynamoDB faults: requests are going to Sirius without the cache',
    });
  }
}

// Without LPA Store context the gateway runs Sirius-only: no LPA_STORE_* variables, and an M- uid
// answers LPA_STORE_UNAVAILABLE (src/config/config.ts).
function lpaStoreEnvironment(store: LpaStoreContext | undefined): Record<string, string> {
  if (!store) return {};
  return {
    LPA_STORE_BASE_URL: store.baseUrl,
    LPA_STORE_REGION: store.region,
    // A name or a complete ARN: GetSecretValue takes either, and another account's secret needs the ARN.
    LPA_STORE_JWT_SECRET_NAME: 'name' in store.jwtSecret ? store.jwtSecret.name : store.jwtSecret.completeArn,
  };
}

// The ARN rather than the name: PutEvents takes either, and a bus in another account needs the ARN.
function eventBusEnvironment(bus: EventBusContext | undefined): Record<string, string> {
  return bus ? { EVENT_BUS_NAME: bus.arn } : {};
}

/**
 * The LPA Store's two IAM-authorised routes, and its JWT secret. Nothing wider: the store's own
 * resource policy must also allow this role (another team's change), but this side grants only
 * what the gateway calls, so a bug or injection here cannot reach the store's write routes.
 * The secret is imported once; each call of the result makes the statements for one more role
 * (the gateway's, and the events Lambda's).
 */
function lpaStoreStatements(scope: Construct, store: LpaStoreContext): () => iam.PolicyStatement[] {

  // Imported, never created: the store's team owns and rotates it. Only GetSecretValue: the gateway
  // never describes it (grantRead would add DescribeSecret).
  const secret =
    'name' in store.jwtSecret
      ? secretsmanager.Secret.fromSecretNameV2(scope, 'LpaStoreJwtSecret', store.jwtSecret.name)
      : secretsmanager.Secret.fromSecretCompleteArn(scope, 'LpaStoreJwtSecret', store.jwtSecret.completeArn);
  // By name the ARN's random suffix is unknown: `-??????` matches exactly it, not other secrets sharing the prefix.
  const secretArn = secret.secretFullArn ?? `${secret.secretArn}-??????`;
  const secretRegion = 'region' in store.jwtSecret ? store.jwtSecret.region : Stack.of(scope).region;

  return () => [
    new iam.PolicyStatement({ sid: 'InvokeLpaStoreReads', actions: ['execute-api:Invoke'], resources: [...store.routeArns] }),
    new iam.PolicyStatement({ sid: 'ReadLpaStoreJwtSecret', actions: ['secretsmanager:GetSecretValue'], resources: [secretArn] }),
    // A secret shared across accounts must be encrypted with a customer managed key, which the role
    // must be able to use; only through Secrets Manager, so the grant cannot decrypt anything else.
    ...(store.jwtSecretKmsKeyArn
      ? [
          new iam.PolicyStatement({
            sid: 'DecryptLpaStoreJwtSecret',
            actions: ['kms:Decrypt'],
            resources: [store.jwtSecretKmsKeyArn],
            conditions: { StringEquals: { 'kms:ViaService': `secretsmanager.${secretRegion}.amazonaws.com` } },
          }),
        ]
      : []),
  ];
}

/**
 * PutEvents on the configured bus only, and (IAM's events:source and events:detail-type condition
 * keys) only the event the gateway publishes: the role cannot impersonate another producer on a
 * shared bus.
 */
function grantEventBus(scope: Construct, fn: lambda.Function, config: EventBusContext): void {
  const bus = events.EventBus.fromEventBusArn(scope, 'EventBus', config.arn);
  fn.addToRolePolicy(
    new iam.PolicyStatement({
      sid: 'PutActivationKeyRequestedEvents',
      actions: ['events:PutEvents'],
      resources: [bus.eventBusArn],
      conditions: { StringEquals: { 'events:source': ACTIVATION_KEY_EVENT.source, 'events:detail-type': ACTIVATION_KEY_EVENT.detailType } },
    }),
  );
}

/**
 * The LPA Store's `lpa-updated` events, from the bus its own bus forwards them to: a rule on that
 * bus (this account's), an SQS queue (customer managed key, TLS only, a dead-letter queue after 5
 * receives, an alarm on anything there), and the events Lambda (dist/events.js) consuming it in
 * batches, reporting each failed record so that only those are retried. Its role may use the cache
 * table's four item operations, the store's reads and JWT secret (as the gateway's role), and
 * receive from (and decrypt) its own queue: no codes table, no Sirius, no scans.
 */
function lpaStoreUpdatedEvents(
  scope: Construct,
  options: {
    context: LpaStoreEventsContext;
    codePath: string;
    environment: Record<string, string>;
    cacheTable: dynamodb.Table;
    cacheKey: kms.Key;
    lpaStoreGrants: () => iam.PolicyStatement[];
  },
): void {
  const stack = Stack.of(scope);
  const key = new kms.Key(scope, 'LpaStoreEventsKey', { enableKeyRotation: true, description: 'sirius-gateway LPA Store events queues encryption' });
  // EventBridge sends to an SSE-KMS queue with its own principal, so the key must let it make data
  // keys. This account's rules only (aws:SourceAccount); which rule may send is the queue policy's
  // business below. (Naming the rule here would be a cycle: key -> rule -> queue -> key.)
  key.addToResourcePolicy(
    new iam.PolicyStatement({
      sid: 'EventBridgeSendsToTheEventsQueue',
      principals: [new iam.ServicePrincipal('events.amazonaws.com')],
      actions: ['kms:GenerateDataKey', 'kms:Decrypt'],
      resources: ['*'], // in a key policy, "this key"
      conditions: { StringEquals: { 'aws:SourceAccount': stack.account } },
    }),
  );

  // Kept for inspection: a change the gateway failed to apply 5 times (the store down for long,
  // a bug). Its copy stays served for its time window; redrive once the cause is fixed.
  const deadLetters = new sqs.Queue(scope, 'LpaStoreEventsDlq', {
    encryption: sqs.QueueEncryption.KMS,
    encryptionMasterKey: key,
    enforceSSL: true,
    retentionPeriod: Duration.days(14),
  });
  const queue = new sqs.Queue(scope, 'LpaStoreEvents', {
    encryption: sqs.QueueEncryption.KMS,
    encryptionMasterKey: key,
    enforceSSL: true,
    visibilityTimeout: Duration.seconds(6 * EVENTS_TIMEOUT.toSeconds()),
    deadLetterQueue: { queue: deadLetters, maxReceiveCount: 5 },
  });

  const bus = events.EventBus.fromEventBusName(scope, 'LpaStoreEventBus', options.context.busName);
  const rule = new events.Rule(scope, 'LpaUpdatedRule', {
    eventBus: bus,
    description: 'The LPA Store\'s lpa-updated events, to the sirius-gateway events queue',
    eventPattern: { source: [LPA_UPDATED.source], detailType: [LPA_UPDATED.detailType] },
  });
  // The whole event as the message body. Bound by hand rather than with aws-events-targets'
  // SqsQueue, which for an encrypted queue lets events.amazonaws.com send without naming the rule.
  rule.addTarget({ bind: () => ({ arn: queue.queueArn }) });
  queue.addToResourcePolicy(
    new iam.PolicyStatement({
      sid: 'OnlyTheLpaUpdatedRuleSends',
      principals: [new iam.ServicePrincipal('events.amazonaws.com')],
      actions: ['sqs:SendMessage'],
      resources: [queue.queueArn],
      conditions: { ArnEquals: { 'aws:SourceArn': rule.ruleArn } },
    }),
  );

  new cloudwatch.Alarm(scope, 'LpaStoreEventsDeadLetters', {
    metric: deadLetters.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(1), statistic: 'Maximum' }),
    threshold: 1,
    comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
    evaluationPeriods: 1,
    treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    alarmDescription: 'LPA Store lpa-updated events the gateway failed to apply are in the dead-letter queue: inspect, then redrive',
  });

  const fn = new lambda.Function(scope, 'LpaStoreEventsHandler', {
    runtime: lambda.Runtime.NODEJS_22_X,
    architecture: lambda.Architecture.ARM_64,
    handler: 'events.handler',
    code: lambda.Code.fromAsset(options.codePath),
    memorySize: 512,
    timeout: EVENTS_TIMEOUT,
    logGroup: new logs.LogGroup(scope, 'EventsLogs', { retention: logs.RetentionDays.ONE_YEAR }),
    environment: options.environment,
  });
  fn.addToRolePolicy(
    new iam.PolicyStatement({
      sid: 'ApplyLpaUpdatesToTheCache',
      actions: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem'],
      resources: [options.cacheTable.tableArn],
    }),
  );
  options.cacheKey.grantEncryptDecrypt(fn);
  for (const statement of options.lpaStoreGrants()) fn.addToRolePolicy(statement);
  // Receives, deletes and (kms:Decrypt) reads its own queue; at most 5 concurrent batches, so a
  // burst of changes cannot become a burst of store reads.
  fn.addEventSource(
    new SqsEventSource(queue, { batchSize: 10, maxBatchingWindow: Duration.seconds(1), reportBatchItemFailures: true, maxConcurrency: 5 }),
  );
}
