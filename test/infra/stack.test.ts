import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { consumerSchemas } from '../../src/consumers';
import { SiriusGatewayStack } from '../../infra/sirius-gateway-stack';

let template: Template;
beforeAll(() => {
  if (!existsSync('dist/lambda.js')) execFileSync(process.execPath, ['scripts/build.mjs'], { stdio: 'pipe' });
  const app = new App({ outdir: 'infra/cdk.out' });
  const stack = new SiriusGatewayStack(app, 'Test', {
    env: { account: '123456789012', region: 'eu-west-2' },
    siriusBaseUrl: 'https://sirius.test.internal',
    siriusSigningSecretName: 'sirius-gateway/sirius-jwt-secret',
    codePath: 'dist',
    reservedConcurrency: 25,
    throttle: { rateLimit: 100, burstLimit: 200 },
    tracesEndpoint: 'http://localhost:4318/v1/traces',
  });
  template = Template.fromStack(stack);
}, 120_000);

describe('infra: the synthesised template', () => {
  it('has the cache table: on demand, TTL on expiresAt, SSE with its own KMS key, point-in-time recovery, kept on delete', () => {
    template.resourceCountIs('AWS::DynamoDB::Table', 2);
    template.hasResource('AWS::DynamoDB::Table', {
      DeletionPolicy: 'Retain',
      Properties: {
        KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
        BillingMode: 'PAY_PER_REQUEST',
        TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
        SSESpecification: { SSEEnabled: true, SSEType: 'KMS', KMSMasterKeyId: Match.anyValue() },
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      },
    });
    template.hasResourceProperties('AWS::KMS::Key', { EnableKeyRotation: true });
  });

  it('has the activation codes table with the same protections (TTL on ttl), its own KMS key, and a generated hashing secret', () => {
    const tables = template.findResources('AWS::DynamoDB::Table', {
      DeletionPolicy: 'Retain',
      Properties: {
        KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
        BillingMode: 'PAY_PER_REQUEST',
        TimeToLiveSpecification: { AttributeName: 'ttl', Enabled: true },
        SSESpecification: { SSEEnabled: true, SSEType: 'KMS', KMSMasterKeyId: Match.anyValue() },
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      },
    });
    expect(Object.keys(tables)).toEqual([expect.stringMatching(/^Codes/)]);
    const keys = template.findResources('AWS::KMS::Key', { Properties: { EnableKeyRotation: true } });
    expect(Object.keys(keys).sort()).toEqual([expect.stringMatching(/^CacheKey/), expect.stringMatching(/^CodesKey/)]);
    template.hasResource('AWS::SecretsManager::Secret', {
      DeletionPolicy: 'Retain',
      Properties: { GenerateSecretString: Match.objectLike({ PasswordLength: 64 }) },
    });
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ CODES_TABLE_NAME: { Ref: Match.stringLikeRegexp('^Codes') }, CODES_SECRET_NAME: Match.anyValue() }) },
    });
  });

  it('runs the Lambda on Node.js 22, ARM, with memory, timeout, reserved concurrency and production settings', () => {
    template.hasResourceProperties('AWS::Lambda::Function', {
      Runtime: 'nodejs22.x',
      Architectures: ['arm64'],
      Handler: 'lambda.handler',
      MemorySize: 1024,
      Timeout: 15,
      ReservedConcurrentExecutions: 25,
      Environment: {
        Variables: Match.objectLike({
          NODE_ENV: 'production',
          SIRIUS_BASE_URL: 'https://sirius.test.internal',
          SIRIUS_SIGNING_SECRET_NAME: 'sirius-gateway/sirius-jwt-secret',
          AUTH_ISSUER: 'cognito',
          CACHE_TABLE_NAME: Match.anyValue(),
          COGNITO_USER_POOL_ID: Match.anyValue(),
          CALLER_REGISTRY_JSON: Match.anyValue(),
          OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://localhost:4318/v1/traces',
          TRUSTED_DOCUMENTS: 'enforce',
        }),
      },
    });
  });

  it('lets the function only Get, Put and Delete items on the cache table, and also Update on the codes table: no scans, no other table', () => {
    const policies = template.findResources('AWS::IAM::Policy');
    const statements = Object.values(policies).flatMap(
      (policy) =>
        (policy as { Properties: { PolicyDocument: { Statement: { Action: string | string[]; Resource: unknown }[] } } }).Properties.PolicyDocument.Statement,
    );
    const dynamo = statements.filter((statement) => [statement.Action].flat().some((action) => action.startsWith('dynamodb:')));
    const byTable = Object.fromEntries(dynamo.map((statement) => [JSON.stringify(statement.Resource), [statement.Action].flat().sort()]));
    expect(byTable).toEqual({
      [JSON.stringify({ 'Fn::GetAtt': [Object.keys(template.findResources('AWS::DynamoDB::Table', { Properties: { TimeToLiveSpecification: { AttributeName: 'expiresAt' } } }))[0], 'Arn'] })]: [
        'dynamodb:DeleteItem',
        'dynamodb:GetItem',
        'dynamodb:PutItem',
      ],
      [JSON.stringify({ 'Fn::GetAtt': [Object.keys(template.findResources('AWS::DynamoDB::Table', { Properties: { TimeToLiveSpecification: { AttributeName: 'ttl' } } }))[0], 'Arn'] })]: [
        'dynamodb:DeleteItem',
        'dynamodb:GetItem',
        'dynamodb:PutItem',
        'dynamodb:UpdateItem',
      ],
    });
  });

  it('has a Cognito resource server whose scopes are the ones the consumer rules use, and one client-credentials client per consumer', () => {
    const scopes = [...new Set(consumerSchemas.flatMap((schema) => schema.scopes))];
    template.hasResourceProperties('AWS::Cognito::UserPoolResourceServer', {
      Identifier: 'sirius-gateway',
      Scopes: scopes.map((scope) => ({ ScopeName: scope, ScopeDescription: Match.anyValue() })),
    });
    const consumers = [...new Set(consumerSchemas.map((schema) => schema.consumer))];
    template.resourceCountIs('AWS::Cognito::UserPoolClient', consumers.length);
    for (const consumer of consumers) {
      template.hasResourceProperties('AWS::Cognito::UserPoolClient', {
        ClientName: consumer,
        GenerateSecret: true,
        AllowedOAuthFlows: ['client_credentials'],
        AllowedOAuthScopes: [...new Set(consumerSchemas.filter((s) => s.consumer === consumer).flatMap((s) => s.scopes))].map((scope) => ({ 'Fn::Join': ['', [{ Ref: Match.stringLikeRegexp('^CallersResourceServer') }, `/${scope}`]] })),
      });
    }
  });

  it('fronts it with API Gateway: Cognito authoriser with scopes, API keys, stage throttling and a usage plan per caller', () => {
    template.hasResourceProperties('AWS::ApiGateway::Authorizer', { Type: 'COGNITO_USER_POOLS' });
    template.hasResourceProperties('AWS::ApiGateway::Method', {
      HttpMethod: 'POST',
      AuthorizationType: 'COGNITO_USER_POOLS',
      ApiKeyRequired: true,
      AuthorizationScopes: ['sirius-gateway/lpa.read', 'sirius-gateway/lpa.personal-data', 'sirius-gateway/codes.use'],
    });
    template.hasResourceProperties('AWS::ApiGateway::Method', { HttpMethod: 'POST', AuthorizationScopes: ['sirius-gateway/codes.manage'] });
    template.hasResourceProperties('AWS::ApiGateway::Stage', {
      StageName: 'v1',
      MethodSettings: Match.arrayWith([Match.objectLike({ ThrottlingRateLimit: 100, ThrottlingBurstLimit: 200 })]),
    });
    const consumers = new Set(consumerSchemas.map((schema) => schema.consumer));
    template.resourceCountIs('AWS::ApiGateway::UsagePlan', consumers.size);
    template.resourceCountIs('AWS::ApiGateway::ApiKey', consumers.size);
    template.hasResourceProperties('AWS::ApiGateway::UsagePlan', {
      UsagePlanName: 'use-an-lpa',
      Throttle: { RateLimit: 50, BurstLimit: 100 },
      Quota: { Limit: 1_000_000, Period: 'DAY' },
    });
  });

  it('alarms on the 5xx rate, Sirius circuit opening, and cache faults', () => {
    template.resourceCountIs('AWS::CloudWatch::Alarm', 3);
    template.hasResourceProperties('AWS::CloudWatch::Alarm', { AlarmDescription: 'More than 1% of requests answered 5xx', Threshold: 1 });
    template.hasResourceProperties('AWS::Logs::MetricFilter', { FilterPattern: '{ $.circuit = "open" }', MetricTransformations: [Match.objectLike({ MetricName: 'SiriusCircuitOpened' })] });
    template.hasResourceProperties('AWS::Logs::MetricFilter', { FilterPattern: '{ $.msg = "cache fault (failing open)" }' });
  });
});
