import { Duration, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type { Construct } from 'constructs';
import { consumerSchemas } from '../src/consumers';

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

/** The gateway in AWS: cache and codes tables, Lambda behind API Gateway, Cognito for its callers, alarms. */
export class SiriusGatewayStack extends Stack {
  constructor(scope: Construct, id: string, props: SiriusGatewayStackProps) {
    super(scope, id, props);

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
