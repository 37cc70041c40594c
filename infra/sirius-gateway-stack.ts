import { Duration, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type { Construct } from 'constructs';
import { consumerSchemas } from '../src/consumers';
import { readEventBusContext, readLpaStoreContext, type EventBusContext, type LpaStoreContext } from './context';

export interface SiriusGatewayStackProps extends StackProps {
  /** Sirius's base URL in this environment. */
  siriusBaseUrl: string;
  /** Name of the existing Secrets Manager secret that signs calls to Sirius. */
  siriusSigningSecretName: string;
  /** The built bundle (`npm run build`): dist/lambda.js and dist/schema. */
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

/** The gateway in AWS: cache and codes tables, Lambda behind API Gateway, Cognito for its callers, alarms. */
export class SiriusGatewayStack extends Stack {
  constructor(scope: Construct, id: string, props: SiriusGatewayStackProps) {
    super(scope, id, props);
    // Read first, so a bad value fails synth before anything is built. Either may be absent: see infra/context.ts.
    const lpaStore = readLpaStoreContext(this.node);
    const eventBus = readEventBusContext(this.node);

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
    const fn = new lambda.Function(this, 'Gateway', {
      runtime: lambda.Runtime.NODEJS_22_X,
      architecture: lambda.Architecture.ARM_64,
      handler: 'lambda.handler',
      code: lambda.Code.fromAsset(props.codePath),
      memorySize: 1024,
      timeout: Duration.seconds(15),
      reservedConcurrentExecutions: props.reservedConcurrency,
      logGroup,
      environment: {
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
      },
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
    if (lpaStore) grantLpaStore(this, fn, lpaStore);
    if (eventBus) grantEventBus(this, fn, eventBus);

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
 */
function grantLpaStore(scope: Construct, fn: lambda.Function, store: LpaStoreContext): void {
  fn.addToRolePolicy(new iam.PolicyStatement({ sid: 'InvokeLpaStoreReads', actions: ['execute-api:Invoke'], resources: [...store.routeArns] }));

  // Imported, never created: the store's team owns and rotates it. Only GetSecretValue: the gateway
  // never describes it (grantRead would add DescribeSecret).
  const secret =
    'name' in store.jwtSecret
      ? secretsmanager.Secret.fromSecretNameV2(scope, 'LpaStoreJwtSecret', store.jwtSecret.name)
      : secretsmanager.Secret.fromSecretCompleteArn(scope, 'LpaStoreJwtSecret', store.jwtSecret.completeArn);
  // By name the ARN's random suffix is unknown: `-??????` matches exactly it, not other secrets sharing the prefix.
  const secretArn = secret.secretFullArn ?? `${secret.secretArn}-??????`;
  fn.addToRolePolicy(new iam.PolicyStatement({ sid: 'ReadLpaStoreJwtSecret', actions: ['secretsmanager:GetSecretValue'], resources: [secretArn] }));

  // A secret shared across accounts must be encrypted with a customer managed key, which the role
  // must be able to use; only through Secrets Manager, so the grant cannot decrypt anything else.
  if (store.jwtSecretKmsKeyArn) {
    const secretRegion = 'region' in store.jwtSecret ? store.jwtSecret.region : Stack.of(scope).region;
    fn.addToRolePolicy(
      new iam.PolicyStatement({
        sid: 'DecryptLpaStoreJwtSecret',
        actions: ['kms:Decrypt'],
        resources: [store.jwtSecretKmsKeyArn],
        conditions: { StringEquals: { 'kms:ViaService': `secretsmanager.${secretRegion}.amazonaws.com` } },
      }),
    );
  }
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
