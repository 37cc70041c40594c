import { Match, Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { consumerSchemas } from '../../src/consumers';
import { VPC_NETWORK_INTERFACE_ACTIONS } from '../../infra/constructs/function-role';
import {
  actionsOf,
  EVENT_BUS_ARN,
  functionRole,
  idOf,
  LPA_STORE_EVENT_BUS,
  stackWith,
  STORE_ACCOUNT,
  STORE_CONTEXT,
  STORE_KEY_ARN,
  STORE_SECRET_ARN,
  STORE_STAGE_ARN,
  statementsOf,
  statementsOfRole,
  type Statement,
} from './support';

let template: Template;
/** With the LPA Store (secret by complete ARN, with its KMS key) and the event bus. */
let withStore: Template;
/** The same, and the LPA Store's lpa-updated events path. */
let withEvents: Template;
beforeAll(() => {
  template = Template.fromStack(stackWith({}));
  withStore = Template.fromStack(stackWith({ ...STORE_CONTEXT, eventBusArn: EVENT_BUS_ARN }, 'TestWithStore'));
  withEvents = Template.fromStack(stackWith({ ...STORE_CONTEXT, eventBusArn: EVENT_BUS_ARN, lpaStoreEventBusName: LPA_STORE_EVENT_BUS }, 'TestWithEvents'));
}, 120_000);

/** Lambda's network-interface actions for a VPC function (infra/constructs/function-role.ts): on *, and exactly these. */
function isVpcNetworkInterfaces(statement: Statement): boolean {
  return statement.Sid === 'ManageItsVpcNetworkInterfaces' && statement.Resource === '*' && JSON.stringify(actionsOf(statement)) === JSON.stringify([...VPC_NETWORK_INTERFACE_ACTIONS]);
}

describe('infra: the synthesised template', () => {
  it('has the cache table: on demand, TTL on expiresAt, SSE with its own KMS key, no point-in-time recovery (rebuildable, 48-hour personal data), kept on delete', () => {
    template.resourceCountIs('AWS::DynamoDB::Table', 2);
    template.hasResource('AWS::DynamoDB::Table', {
      DeletionPolicy: 'Retain',
      Properties: {
        KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
        BillingMode: 'PAY_PER_REQUEST',
        TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
        SSESpecification: { SSEEnabled: true, SSEType: 'KMS', KMSMasterKeyId: Match.anyValue() },
        // Off on purpose (infra/constructs/data-stores.ts): PITR would keep 35 days of it.
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: false },
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
    // And the alarm topic's key (test/infra/alarms.test.ts), the backup vault's and the codes secret's (test/infra/custody.test.ts).
    expect(Object.keys(keys).sort()).toEqual([
      expect.stringMatching(/^AlarmsKey/),
      expect.stringMatching(/^BackupVaultKey/),
      expect.stringMatching(/^CacheKey/),
      expect.stringMatching(/^CodesKey/),
      expect.stringMatching(/^CodesSecretKey/),
    ]);
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

  it('alarms on the 5xx rate, Sirius circuit opening, and cache faults (and more: test/infra/alarms.test.ts)', () => {
    template.resourceCountIs('AWS::CloudWatch::Alarm', 9);
    template.hasResourceProperties('AWS::CloudWatch::Alarm', { AlarmDescription: Match.stringLikeRegexp('^More than 1% of requests answered 5xx'), Threshold: 1 });
    template.hasResourceProperties('AWS::Logs::MetricFilter', { FilterPattern: '{ $.circuit = "open" }', MetricTransformations: [Match.objectLike({ MetricName: 'SiriusCircuitOpened' })] });
    template.hasResourceProperties('AWS::Logs::MetricFilter', { FilterPattern: '{ $.msg = "cache fault (failing open)" }' });
  });
});

describe('infra: the LPA Store and the event bus, from CDK context', () => {
  it('without their context: no LPA_STORE_* or EVENT_BUS_NAME variables, and no execute-api, events or LPA Store secret grants', () => {
    template.hasResourceProperties('AWS::Lambda::Function', {
      Handler: 'lambda.handler',
      Environment: {
        Variables: Match.objectLike({ LPA_STORE_BASE_URL: Match.absent(), LPA_STORE_REGION: Match.absent(), LPA_STORE_JWT_SECRET_NAME: Match.absent(), EVENT_BUS_NAME: Match.absent() }),
      },
    });
    const statements = statementsOf(template);
    expect(statements.filter((s) => actionsOf(s).some((a) => a.startsWith('execute-api:') || a.startsWith('events:')))).toEqual([]);
    // Only the Sirius signing secret and the codes secret: one statement for both since cdk.json's
    // @aws-cdk/aws-iam:minimizePolicies merges their identical grants (the same actions on the same two secrets).
    expect(statements.filter((s) => actionsOf(s).some((a) => a.startsWith('secretsmanager:')))).toEqual([
      {
        Effect: 'Allow',
        Action: ['secretsmanager:DescribeSecret', 'secretsmanager:GetSecretValue'],
        Resource: ['arn:aws:secretsmanager:eu-west-2:123456789012:secret:sirius-gateway/sirius-jwt-secret-??????', { Ref: idOf(template, 'AWS::SecretsManager::Secret', 'CodesSecret') }],
      },
    ]);
    expect(JSON.stringify(statements)).not.toContain(STORE_ACCOUNT);
  });

  it('with it: the function gets the store URL, its region (from the API ARN), the secret and the bus', () => {
    withStore.hasResourceProperties('AWS::Lambda::Function', {
      Handler: 'lambda.handler',
      Environment: {
        Variables: Match.objectLike({
          LPA_STORE_BASE_URL: 'https://lpa-store.test.example',
          LPA_STORE_REGION: 'eu-west-1',
          // Another account's secret: GetSecretValue needs its ARN, which the variable then holds.
          LPA_STORE_JWT_SECRET_NAME: STORE_SECRET_ARN,
          EVENT_BUS_NAME: EVENT_BUS_ARN,
        }),
      },
    });
  });

  it("lets the function's role invoke only GET /lpas/{uid} and POST /lpas on the configured stage: no wildcard route, no other action", () => {
    withStore.hasResourceProperties('AWS::IAM::Policy', {
      Roles: [functionRole(withStore)],
      PolicyDocument: {
        Statement: Match.arrayWith([
          {
            Sid: 'InvokeLpaStoreReads',
            Effect: 'Allow',
            Action: 'execute-api:Invoke',
            Resource: [`${STORE_STAGE_ARN}/GET/lpas/M-????-????-????`, `${STORE_STAGE_ARN}/POST/lpas`],
          },
        ]),
      },
    });
    const invoking = statementsOf(withStore).filter((s) => actionsOf(s).some((a) => a.startsWith('execute-api:')));
    expect(invoking.map((s) => s.Sid)).toEqual(['InvokeLpaStoreReads']);
    for (const t of [template, withStore]) {
      for (const statement of statementsOf(t).filter((s) => actionsOf(s).some((a) => a === '*' || a.startsWith('execute-api:')))) {
        expect([statement.Resource].flat()).not.toContain('*');
        expect(JSON.stringify(statement.Resource)).not.toContain('*');
      }
    }
  });

  it("reads the store's JWT secret with GetSecretValue only, and decrypts it with the named key only through Secrets Manager", () => {
    withStore.hasResourceProperties('AWS::IAM::Policy', {
      Roles: [functionRole(withStore)],
      PolicyDocument: {
        Statement: Match.arrayWith([
          { Sid: 'ReadLpaStoreJwtSecret', Effect: 'Allow', Action: 'secretsmanager:GetSecretValue', Resource: STORE_SECRET_ARN },
          {
            Sid: 'DecryptLpaStoreJwtSecret',
            Effect: 'Allow',
            Action: 'kms:Decrypt',
            Resource: STORE_KEY_ARN,
            Condition: { StringEquals: { 'kms:ViaService': 'secretsmanager.eu-west-1.amazonaws.com' } },
          },
        ]),
      },
    });
    // Imported, never created: the only secret the stack creates is its own codes secret.
    withStore.resourceCountIs('AWS::SecretsManager::Secret', 1);
    const mentioningStore = statementsOf(withStore).filter((s) => JSON.stringify(s.Resource).includes(STORE_ACCOUNT));
    expect(mentioningStore.map((s) => s.Sid).sort()).toEqual(['DecryptLpaStoreJwtSecret', 'InvokeLpaStoreReads', 'ReadLpaStoreJwtSecret']);
  });

  it("a secret named in this account: that secret only (its random suffix as ??????), no KMS grant, and the bus left out when not given", () => {
    const byName = Template.fromStack(stackWith({ ...STORE_CONTEXT, lpaStoreJwtSecret: 'lpa-store/jwt-secret', lpaStoreJwtSecretKmsKeyArn: undefined }, 'TestSecretByName'));
    byName.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          {
            Sid: 'ReadLpaStoreJwtSecret',
            Effect: 'Allow',
            Action: 'secretsmanager:GetSecretValue',
            // cdk.json's @aws-cdk/core:enablePartitionLiterals: a literal ARN, not a join on AWS::Partition.
            Resource: 'arn:aws:secretsmanager:eu-west-2:123456789012:secret:lpa-store/jwt-secret-??????',
          },
        ]),
      },
    });
    byName.hasResourceProperties('AWS::Lambda::Function', {
      Handler: 'lambda.handler',
      Environment: { Variables: Match.objectLike({ LPA_STORE_JWT_SECRET_NAME: 'lpa-store/jwt-secret', EVENT_BUS_NAME: Match.absent() }) },
    });
    const statements = statementsOf(byName);
    expect(statements.filter((s) => s.Sid === 'DecryptLpaStoreJwtSecret' || actionsOf(s).some((a) => a.startsWith('events:')))).toEqual([]);
  });

  it('puts events on the configured bus only, and only source opg.poas.use with detail-type activation-key-requested', () => {
    withStore.hasResourceProperties('AWS::IAM::Policy', {
      Roles: [functionRole(withStore)],
      PolicyDocument: {
        Statement: Match.arrayWith([
          {
            Sid: 'PutActivationKeyRequestedEvents',
            Effect: 'Allow',
            Action: 'events:PutEvents',
            Resource: EVENT_BUS_ARN,
            Condition: { StringEquals: { 'events:source': 'opg.poas.use', 'events:detail-type': 'activation-key-requested' } },
          },
        ]),
      },
    });
    const eventStatements = statementsOf(withStore).filter((s) => actionsOf(s).some((a) => a.startsWith('events:')));
    expect(eventStatements.map((s) => s.Sid)).toEqual(['PutActivationKeyRequestedEvents']);
  });

  // Each case names the key at fault, before anything is built.
  it.each([
    ['a non-https store URL', { ...STORE_CONTEXT, lpaStoreBaseUrl: 'http://lpa-store.test.example' }, /^context lpaStoreBaseUrl must be an https URL/],
    ['a store URL that is not a URL', { ...STORE_CONTEXT, lpaStoreBaseUrl: 'lpa-store.test.example' }, /^context lpaStoreBaseUrl must be an https URL/],
    ['a store URL with a path (dropped by the client)', { ...STORE_CONTEXT, lpaStoreBaseUrl: 'https://abcdef1234.execute-api.eu-west-1.amazonaws.com/production' }, /^context lpaStoreBaseUrl must be an origin only/],
    ['store context without the URL', { ...STORE_CONTEXT, lpaStoreBaseUrl: undefined }, /^context lpaStoreBaseUrl is required when any LPA Store context is given/],
    ['only the URL', { lpaStoreBaseUrl: 'https://lpa-store.test.example' }, /^context lpaStoreApiArn is required when any LPA Store context is given \(lpaStoreBaseUrl was\)/],
    ['only the KMS key', { lpaStoreJwtSecretKmsKeyArn: STORE_KEY_ARN }, /^context lpaStoreBaseUrl is required/],
    ['a wildcard API ARN', { ...STORE_CONTEXT, lpaStoreApiArn: `arn:aws:execute-api:eu-west-1:${STORE_ACCOUNT}:abcdef1234/*/*/lpas*` }, /^context lpaStoreApiArn must be arn:aws:execute-api:/],
    ['an API ARN with a route', { ...STORE_CONTEXT, lpaStoreApiArn: `${STORE_STAGE_ARN}/GET/lpas/*` }, /^context lpaStoreApiArn must be/],
    ['an API ARN with any stage', { ...STORE_CONTEXT, lpaStoreApiArn: `arn:aws:execute-api:eu-west-1:${STORE_ACCOUNT}:abcdef1234/*` }, /^context lpaStoreApiArn must be/],
    ['an API ARN that is not a string', { ...STORE_CONTEXT, lpaStoreApiArn: 42 }, /^context lpaStoreApiArn must be a non-empty string/],
    ['a wildcard secret ARN', { ...STORE_CONTEXT, lpaStoreJwtSecret: `arn:aws:secretsmanager:eu-west-1:${STORE_ACCOUNT}:secret:*` }, /^context lpaStoreJwtSecret must be a secret name or a complete secret ARN/],
    ['a wildcard secret name', { ...STORE_CONTEXT, lpaStoreJwtSecret: 'lpa-store/*' }, /^context lpaStoreJwtSecret must be a secret name/],
    ['a KMS alias instead of a key', { ...STORE_CONTEXT, lpaStoreJwtSecretKmsKeyArn: `arn:aws:kms:eu-west-1:${STORE_ACCOUNT}:alias/lpa-store` }, /^context lpaStoreJwtSecretKmsKeyArn must be/],
    ['a mistyped LPA Store key', { ...STORE_CONTEXT, lpaStoreBaseURL: 'https://lpa-store.test.example' }, /^context lpaStoreBaseURL is not a context key/],
    ['an event bus name instead of its ARN', { eventBusArn: 'use-an-lpa' }, /^context eventBusArn must be arn:aws:events:/],
    ['a wildcard event bus', { eventBusArn: 'arn:aws:events:eu-west-2:123456789012:event-bus/*' }, /^context eventBusArn must be/],
    ['an empty event bus ARN', { eventBusArn: '' }, /^context eventBusArn must be a non-empty string/],
    ['a mistyped event bus key', { eventBusName: 'use-an-lpa' }, /^context eventBusName is not a context key/],
  ])('refuses at synth %s, naming the key', (_, context, error) => {
    // undefined stands for a key left out.
    const given = Object.fromEntries(Object.entries(context).filter(([, value]) => value !== undefined));
    expect(() => stackWith(given, 'TestRefused')).toThrow(error);
  });
});

// Regressions a security review found before: wildcards creeping into a role. These run over
// the stack with and without the LPA Store, so a new grant cannot widen either shape.
describe('infra: no IAM wildcards', () => {
  const templates = () => ({ 'without the LPA Store': template, 'with the LPA Store and the bus': withStore, 'with the LPA Store events too': withEvents });

  it('no statement allows every action (*) or every action of a service (service:*), or uses NotAction/NotResource', () => {
    for (const [shape, t] of Object.entries(templates())) {
      for (const statement of statementsOf(t)) {
        const where = `${shape}: ${JSON.stringify(statement)}`;
        expect(actionsOf(statement).filter((a) => a === '*' || a.endsWith(':*')), where).toEqual([]);
        expect(statement.NotAction, where).toBeUndefined();
        expect(statement.NotResource, where).toBeUndefined();
      }
    }
  });

  it('no statement has Resource * (but Lambda\'s VPC network-interface actions); none of invoke, put-events, secret or key use has a * anywhere in its resources', () => {
    const pinned = ['execute-api:', 'events:', 'secretsmanager:', 'kms:'];
    for (const [shape, t] of Object.entries(templates())) {
      for (const statement of statementsOf(t)) {
        const where = `${shape}: ${JSON.stringify(statement)}`;
        // The one exception, exactly as test/infra/roles.test.ts asserts it: EC2 has no narrower resource for these.
        if (isVpcNetworkInterfaces(statement)) continue;
        expect([statement.Resource].flat(), where).not.toContain('*');
        if (actionsOf(statement).some((a) => pinned.some((prefix) => a.startsWith(prefix)))) expect(JSON.stringify(statement.Resource), where).not.toContain('*');
      }
    }
  });

  it('the new grants are on the function role only, with no condition loosened: each PutEvents is conditioned on source and detail-type', () => {
    const role = functionRole(withStore);
    for (const [id, policy] of Object.entries(withStore.findResources('AWS::IAM::Policy'))) {
      const statements = (policy.Properties.PolicyDocument as { Statement: Statement[] }).Statement;
      if (statements.some((s) => actionsOf(s).some((a) => a.startsWith('execute-api:') || a.startsWith('events:')))) expect(policy.Properties.Roles, id).toEqual([role]);
    }
    for (const statement of statementsOf(withStore).filter((s) => actionsOf(s).includes('events:PutEvents'))) {
      expect(statement.Condition).toEqual({ StringEquals: { 'events:source': 'opg.poas.use', 'events:detail-type': 'activation-key-requested' } });
    }
    // With the events path: the store's grants on the two functions' roles only, PutEvents still on the gateway's only.
    const roles = [functionRole(withEvents), functionRole(withEvents, 'events.handler')];
    for (const [id, policy] of Object.entries(withEvents.findResources('AWS::IAM::Policy'))) {
      const statements = (policy.Properties.PolicyDocument as { Statement: Statement[] }).Statement;
      if (statements.some((s) => actionsOf(s).some((a) => a.startsWith('execute-api:')))) expect(roles, id).toContainEqual(policy.Properties.Roles[0]);
      if (statements.some((s) => actionsOf(s).some((a) => a.startsWith('events:')))) expect(policy.Properties.Roles, id).toEqual([roles[0]]);
    }
  });
});

// The LPA Store's lpa-updated events (issue 15): rule -> encrypted queue (+ DLQ, alarm) -> events Lambda.
describe('infra: the LPA Store events path, from CDK context', () => {
  const mainQueueId = (t: Template) => Object.keys(t.findResources('AWS::SQS::Queue')).find((id) => id.startsWith('LpaStoreEvents') && !id.startsWith('LpaStoreEventsDlq'))!;
  const dlqId = (t: Template) => idOf(t, 'AWS::SQS::Queue', 'LpaStoreEventsDlq');
  const eventsFunction = (t: Template) => {
    const functions = Object.entries(t.findResources('AWS::Lambda::Function', { Properties: { Handler: 'events.handler' } }));
    expect(functions).toHaveLength(1);
    return { id: functions[0]![0], properties: functions[0]![1].Properties as Record<string, any> };
  };

  it('without lpaStoreEventBusName: no rule, queue, queue policy, event source mapping, events function, key or alarm', () => {
    for (const t of [template, withStore]) {
      t.resourceCountIs('AWS::Events::Rule', 0);
      t.resourceCountIs('AWS::SQS::Queue', 0);
      t.resourceCountIs('AWS::SQS::QueuePolicy', 0);
      t.resourceCountIs('AWS::Lambda::EventSourceMapping', 0);
      expect(Object.keys(t.findResources('AWS::Lambda::Function', { Properties: { Handler: 'events.handler' } }))).toEqual([]);
      expect(Object.keys(t.findResources('AWS::KMS::Key')).filter((id) => id.startsWith('LpaStoreEvents'))).toEqual([]);
      t.resourceCountIs('AWS::CloudWatch::Alarm', 9);
      expect(statementsOf(t).filter((s) => actionsOf(s).some((a) => a.startsWith('sqs:')))).toEqual([]);
    }
  });

  it("has a rule on the configured bus matching source opg.poas.lpastore and detail-type lpa-updated, whose one target is the queue (the whole event)", () => {
    const rules = withEvents.findResources('AWS::Events::Rule');
    expect(Object.keys(rules)).toHaveLength(1);
    const rule = Object.values(rules)[0]!.Properties;
    expect(rule.EventBusName).toBe(LPA_STORE_EVENT_BUS);
    expect(rule.EventPattern).toEqual({ source: ['opg.poas.lpastore'], 'detail-type': ['lpa-updated'] });
    expect(rule.State).toBe('ENABLED');
    // No Input, InputPath or InputTransformer: the queue gets the event as EventBridge has it.
    expect(rule.Targets).toEqual([{ Id: expect.any(String), Arn: { 'Fn::GetAtt': [mainQueueId(withEvents), 'Arn'] } }]);
  });

  it('encrypts the queue and its dead-letter queue with a rotating customer managed key, refuses non-TLS access to both, and keeps dead letters 14 days', () => {
    withEvents.resourceCountIs('AWS::SQS::Queue', 2);
    const keyId = idOf(withEvents, 'AWS::KMS::Key', 'LpaStoreEventsKey');
    withEvents.hasResourceProperties('AWS::KMS::Key', { EnableKeyRotation: true });
    expect(withEvents.toJSON().Resources[keyId].Properties.EnableKeyRotation).toBe(true);
    for (const id of [mainQueueId(withEvents), dlqId(withEvents)]) {
      const queue = withEvents.toJSON().Resources[id].Properties;
      expect(queue.KmsMasterKeyId, id).toEqual({ 'Fn::GetAtt': [keyId, 'Arn'] });
      expect(queue.SqsManagedSseEnabled, id).toBeUndefined();
      withEvents.hasResourceProperties('AWS::SQS::QueuePolicy', {
        Queues: [{ Ref: id }],
        PolicyDocument: {
          Statement: Match.arrayWith([
            { Effect: 'Deny', Principal: { AWS: '*' }, Action: 'sqs:*', Resource: { 'Fn::GetAtt': [id, 'Arn'] }, Condition: { Bool: { 'aws:SecureTransport': 'false' } } },
          ]),
        },
      });
    }
    expect(withEvents.toJSON().Resources[dlqId(withEvents)].Properties.MessageRetentionPeriod).toBe(14 * 24 * 3600);
    // EventBridge may use the key only for this account's rules (which rule: the queue policy).
    withEvents.hasResourceProperties('AWS::KMS::Key', {
      KeyPolicy: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Effect: 'Allow',
            Principal: { Service: 'events.amazonaws.com' },
            // Sorted (cdk.json's @aws-cdk/aws-iam:minimizePolicies).
            Action: ['kms:Decrypt', 'kms:GenerateDataKey'],
            Condition: { StringEquals: { 'aws:SourceAccount': '123456789012' } },
          }),
        ]),
      },
    });
  });

  it('redrives to the dead-letter queue after 5 receives, and hides a received message for at least 6 times the function timeout', () => {
    const queue = withEvents.toJSON().Resources[mainQueueId(withEvents)].Properties;
    expect(queue.RedrivePolicy).toEqual({ deadLetterTargetArn: { 'Fn::GetAtt': [dlqId(withEvents), 'Arn'] }, maxReceiveCount: 5 });
    const { properties } = eventsFunction(withEvents);
    expect(queue.VisibilityTimeout).toBeGreaterThanOrEqual(6 * properties.Timeout);
  });

  it('lets only the rule send to the queue: events.amazonaws.com with aws:SourceArn the rule ARN, and no other Allow', () => {
    const [policy] = Object.values(withEvents.findResources('AWS::SQS::QueuePolicy', { Properties: { Queues: [{ Ref: mainQueueId(withEvents) }] } }));
    const allows = (policy!.Properties.PolicyDocument.Statement as Statement[]).filter((s) => s.Effect === 'Allow');
    expect(allows).toEqual([
      {
        Sid: 'OnlyTheLpaUpdatedRuleSends',
        Effect: 'Allow',
        Principal: { Service: 'events.amazonaws.com' },
        Action: 'sqs:SendMessage',
        Resource: { 'Fn::GetAtt': [mainQueueId(withEvents), 'Arn'] },
        Condition: { ArnEquals: { 'aws:SourceArn': { 'Fn::GetAtt': [idOf(withEvents, 'AWS::Events::Rule', 'LpaUpdatedRule'), 'Arn'] } } },
      },
    ]);
    // The dead-letter queue takes nothing from anyone: only SQS's redrive puts messages there.
    const [dlqPolicy] = Object.values(withEvents.findResources('AWS::SQS::QueuePolicy', { Properties: { Queues: [{ Ref: dlqId(withEvents) }] } }));
    expect((dlqPolicy!.Properties.PolicyDocument.Statement as Statement[]).filter((s) => s.Effect === 'Allow')).toEqual([]);
  });

  it('alarms as soon as anything is in the dead-letter queue, wired like the stack’s other alarms', () => {
    withEvents.resourceCountIs('AWS::CloudWatch::Alarm', 11);
    const alarms = withEvents.findResources('AWS::CloudWatch::Alarm', {
      Properties: { Namespace: 'AWS/SQS', MetricName: 'ApproximateNumberOfMessagesVisible', Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [dlqId(withEvents), 'QueueName'] } }] },
    });
    expect(Object.keys(alarms)).toHaveLength(1);
    const alarm = Object.values(alarms)[0]!.Properties;
    expect(alarm).toMatchObject({ Threshold: 1, ComparisonOperator: 'GreaterThanOrEqualToThreshold', EvaluationPeriods: 1, TreatMissingData: 'notBreaching' });
    // It notifies the alarm topic, firing and clearing, as the stack's other alarms do.
    const other = Object.values(withEvents.findResources('AWS::CloudWatch::Alarm')).find((a) => String(a.Properties.AlarmDescription).startsWith('More than 1% of requests answered 5xx'))!;
    const topic = [{ Ref: idOf(withEvents, 'AWS::SNS::Topic', 'AlarmsTopic') }];
    expect(other.Properties.AlarmActions).toEqual(topic);
    expect(alarm.AlarmActions).toEqual(topic);
    expect(alarm.OKActions).toEqual(topic);
  });

  it('runs dist/events.js (handler) on Node.js 22, ARM, with the gateway’s configuration, fed by the queue in batches of 10 reporting each failed record', () => {
    const { id, properties } = eventsFunction(withEvents);
    expect(properties).toMatchObject({ Runtime: 'nodejs22.x', Architectures: ['arm64'], Handler: 'events.handler', Timeout: 30 });
    // The same code asset as the gateway's (dist/).
    const [gateway] = Object.values(withEvents.findResources('AWS::Lambda::Function', { Properties: { Handler: 'lambda.handler' } }));
    expect(properties.Code).toEqual(gateway!.Properties.Code);
    // Same configuration, so the same checks pass and the same cache and LPA Store settings apply.
    expect(properties.Environment).toEqual(gateway!.Properties.Environment);
    expect(properties.Environment.Variables).toMatchObject({
      CACHE_TABLE_NAME: { Ref: idOf(withEvents, 'AWS::DynamoDB::Table', 'Cache') },
      LPA_STORE_BASE_URL: 'https://lpa-store.test.example',
      LPA_STORE_REGION: 'eu-west-1',
      LPA_STORE_JWT_SECRET_NAME: STORE_SECRET_ARN,
    });
    withEvents.resourceCountIs('AWS::Lambda::EventSourceMapping', 1);
    withEvents.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      EventSourceArn: { 'Fn::GetAtt': [mainQueueId(withEvents), 'Arn'] },
      FunctionName: { Ref: id },
      BatchSize: 10,
      MaximumBatchingWindowInSeconds: Match.anyValue(),
      FunctionResponseTypes: ['ReportBatchItemFailures'],
    });
    const mapping = Object.values(withEvents.findResources('AWS::Lambda::EventSourceMapping'))[0]!.Properties;
    expect(mapping.MaximumBatchingWindowInSeconds).toBeLessThanOrEqual(5);
  });

  it("limits the events function's role to the cache table's item operations, the store's reads and secret, and its own queue: no codes table, no Sirius, no scans, no *", () => {
    const role = functionRole(withEvents, 'events.handler');
    const statements = statementsOfRole(withEvents, role);
    const codes = [idOf(withEvents, 'AWS::DynamoDB::Table', 'Codes'), idOf(withEvents, 'AWS::KMS::Key', 'CodesKey'), idOf(withEvents, 'AWS::SecretsManager::Secret', 'CodesSecret')];
    for (const statement of statements) {
      const where = JSON.stringify(statement);
      for (const id of codes) expect(where).not.toContain(id);
      expect(where).not.toContain('sirius-jwt-secret');
      expect(actionsOf(statement), where).not.toContain('*');
      if (!isVpcNetworkInterfaces(statement)) expect([statement.Resource].flat(), where).not.toContain('*');
      expect(actionsOf(statement).filter((a) => a.endsWith(':*')), where).toEqual([]);
    }
    const dynamo = statements.filter((s) => actionsOf(s).some((a) => a.startsWith('dynamodb:')));
    expect(dynamo.map((s) => [s.Resource, actionsOf(s).sort()])).toEqual([
      [{ 'Fn::GetAtt': [idOf(withEvents, 'AWS::DynamoDB::Table', 'Cache'), 'Arn'] }, ['dynamodb:DeleteItem', 'dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem']],
    ]);
    // The store's grants exactly as the gateway's.
    const storeGrants = (t: Statement[]) => t.filter((s) => s.Sid && ['InvokeLpaStoreReads', 'ReadLpaStoreJwtSecret', 'DecryptLpaStoreJwtSecret'].includes(s.Sid));
    expect(storeGrants(statements)).toHaveLength(3);
    expect(storeGrants(statements)).toEqual(storeGrants(statementsOfRole(withEvents, functionRole(withEvents))));
    expect(statements.filter((s) => actionsOf(s).some((a) => a.startsWith('secretsmanager:'))).map((s) => s.Sid)).toEqual(['ReadLpaStoreJwtSecret']);
    expect(statements.filter((s) => actionsOf(s).some((a) => a.startsWith('events:')))).toEqual([]);
    // Its own queue only (receive, delete, visibility), and that queue's key to decrypt.
    const sqsStatements = statements.filter((s) => actionsOf(s).some((a) => a.startsWith('sqs:')));
    expect(sqsStatements.map((s) => s.Resource)).toEqual([{ 'Fn::GetAtt': [mainQueueId(withEvents), 'Arn'] }]);
    expect(actionsOf(sqsStatements[0]!)).not.toContain('sqs:SendMessage');
    const keys = statements.filter((s) => actionsOf(s).some((a) => a.startsWith('kms:'))).map((s) => s.Resource);
    expect(keys).toEqual(
      expect.arrayContaining([{ 'Fn::GetAtt': [idOf(withEvents, 'AWS::KMS::Key', 'CacheKey'), 'Arn'] }, { 'Fn::GetAtt': [idOf(withEvents, 'AWS::KMS::Key', 'LpaStoreEventsKey'), 'Arn'] }, STORE_KEY_ARN]),
    );
    expect(keys).toHaveLength(3);
    expect(statements.find((s) => JSON.stringify(s.Resource) === JSON.stringify({ 'Fn::GetAtt': [idOf(withEvents, 'AWS::KMS::Key', 'LpaStoreEventsKey'), 'Arn'] }))!.Action).toBe('kms:Decrypt');
  });

  it.each([
    ['events without the LPA Store', { lpaStoreEventBusName: LPA_STORE_EVENT_BUS }, /^context lpaStoreEventBusName needs the LPA Store context too/],
    ['a bus ARN instead of its name', { ...STORE_CONTEXT, lpaStoreEventBusName: 'arn:aws:events:eu-west-1:111122223333:event-bus/lpa-store' }, /^context lpaStoreEventBusName must be the name of an event bus in this stack's account/],
    ['a wildcard bus name', { ...STORE_CONTEXT, lpaStoreEventBusName: 'lpa-*' }, /^context lpaStoreEventBusName must be an event bus name/],
    ['an empty bus name', { ...STORE_CONTEXT, lpaStoreEventBusName: '' }, /^context lpaStoreEventBusName must be a non-empty string/],
    ['a mistyped events key', { ...STORE_CONTEXT, lpaStoreEventBusArn: 'arn:aws:events:eu-west-2:123456789012:event-bus/lpa-store-events' }, /^context lpaStoreEventBusArn is not a context key this stack reads; did you mean one of .*lpaStoreEventBusName/],
  ])('refuses at synth %s, naming the key', (_, context, error) => {
    expect(() => stackWith(context, 'TestEventsRefused')).toThrow(error);
  });
});
