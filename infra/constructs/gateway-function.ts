import { Duration, Validations, type Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type { Construct } from 'constructs';
import type { EventBusContext, LpaStoreContext } from '../context';
import type { Callers } from './callers';
import { RESOURCE_SERVER } from './callers';
import type { DataStores } from './data-stores';
import type { FunctionNetwork } from './network';
import { eventBusEnvironment, lpaStoreEnvironment } from './upstream-access';
import { acknowledgeTableKeyGrant, functionRole, RUNTIME_REASON } from './function-role';
import { pinLogicalId } from './pin';

export interface GatewayFunctionOptions {
  siriusBaseUrl: string;
  siriusSigningSecretName: string;
  /** The built Lambda asset (`npm run build`). */
  codePath: string;
  reservedConcurrency?: number;
  tracesEndpoint?: string;
  stores: DataStores;
  callers: Callers;
  lpaStore?: LpaStoreContext;
  eventBus?: EventBusContext;
  /** Private subnets and the function's own security group (network.ts). */
  network: FunctionNetwork;
}

export interface GatewayFunction {
  fn: lambda.Function;
  logGroup: logs.LogGroup;
  /** The gateway's configuration (src/config/config.ts); the events Lambda runs with the same. */
  environment: Record<string, string>;
}

/**
 * The gateway's Lambda (dist/lambda.js) with its configuration and least-privilege grants: the
 * item operations on its own tables, their keys, and its two secrets. Upstream grants (the LPA
 * Store, the event bus) are added by the stack, as they depend on context.
 */
export function gatewayFunction(scope: Stack, options: GatewayFunctionOptions): GatewayFunction {
  const { stores, callers } = options;
  const signingSecret = secretsmanager.Secret.fromSecretNameV2(scope, 'SiriusSigningSecret', options.siriusSigningSecretName);
  const logGroup = new logs.LogGroup(scope, 'Logs', { retention: logs.RetentionDays.ONE_YEAR });
  pinLogicalId(logGroup, 'Logs6819BB44');
  // A variable naming a table or secret is not a grant: the roles get only what they use.
  const environment: Record<string, string> = {
    NODE_ENV: 'production',
    SIRIUS_BASE_URL: options.siriusBaseUrl,
    SIRIUS_SIGNING_SECRET_NAME: options.siriusSigningSecretName,
    CACHE_TABLE_NAME: stores.cache.tableName,
    AUTH_ISSUER: 'cognito',
    COGNITO_USER_POOL_ID: callers.pool.userPoolId,
    AUTH_SCOPE_PREFIX: `${RESOURCE_SERVER}/`,
    CALLER_REGISTRY_JSON: scope.toJsonString({ callers: callers.registry }),
    // Only operations registered under operations/ run (the production default, stated).
    TRUSTED_DOCUMENTS: 'enforce',
    CODES_TABLE_NAME: stores.codes.tableName,
    CODES_SECRET_NAME: stores.codesSecret.secretName,
    ...lpaStoreEnvironment(options.lpaStore),
    ...eventBusEnvironment(options.eventBus),
    ...(options.tracesEndpoint ? { OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: options.tracesEndpoint, OTEL_SERVICE_NAME: 'sirius-gateway' } : {}),
  };
  const fn = new lambda.Function(scope, 'Gateway', {
    runtime: lambda.Runtime.NODEJS_22_X,
    architecture: lambda.Architecture.ARM_64,
    handler: 'lambda.handler',
    code: lambda.Code.fromAsset(options.codePath),
    memorySize: 1024,
    timeout: Duration.seconds(15),
    reservedConcurrentExecutions: options.reservedConcurrency,
    logGroup,
    role: functionRole(scope, 'GatewayRole', logGroup),
    environment,
    // In the VPC's private subnets; egress only where its security group says (network.ts).
    vpc: options.network.vpc,
    vpcSubnets: options.network.vpcSubnets,
    securityGroups: options.network.securityGroups,
  });
  // Least privilege: the three item operations on its own table, and its key and secret.
  fn.addToRolePolicy(new iam.PolicyStatement({ actions: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:DeleteItem'], resources: [stores.cache.tableArn] }));
  // On the codes table, conditional updates too (state changes, counters); still no scans.
  fn.addToRolePolicy(
    new iam.PolicyStatement({ actions: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem'], resources: [stores.codes.tableArn] }),
  );
  stores.cacheKey.grantEncryptDecrypt(fn);
  stores.codesKey.grantEncryptDecrypt(fn);
  acknowledgeTableKeyGrant(fn.role!);
  Validations.of(fn).acknowledge({ id: 'AwsSolutions-L1', reason: RUNTIME_REASON });
  signingSecret.grantRead(fn);
  stores.codesSecret.grantRead(fn);
  return { fn, logGroup, environment };
}
