// The API's edge (infra/constructs/api.ts, edge-context.ts, edge-waf.ts), the callers' Cognito
// clients (callers.ts) and the Lambdas' asset (scripts/build.mjs): each hardening asserted exactly.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { FileSystem } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { consumerSchemas } from '../../src/consumers';
import { LPA_STORE_EVENT_BUS, stackWith, STORE_CONTEXT } from './support';

const VPCE_A = 'vpce-0123456789abcdef0';
const VPCE_B = 'vpce-0fedcba9876543210';
const CERTIFICATE = 'arn:aws:acm:eu-west-2:123456789012:certificate/12345678-1234-1234-1234-123456789012';
const DOMAIN = { apiDomainName: 'api.sirius-gateway.example.gov.uk', apiCertificateArn: CERTIFICATE };
const TLS_POLICY = 'SecurityPolicy_TLS13_1_2_PFS_PQ_2025_09';

let regional: Template;
let withDomain: Template;
let restricted: Template;
let privateApi: Template;
beforeAll(() => {
  regional = Template.fromStack(stackWith({}, 'EdgeRegional'));
  withDomain = Template.fromStack(stackWith({ ...DOMAIN, wafRateLimit: '500', wafEvaluationWindowSec: 60 }, 'EdgeDomain'));
  restricted = Template.fromStack(stackWith({ apiAllowedSourceVpcEndpoints: [VPCE_A], apiAllowedSourceCidrs: '203.0.113.0/24, 2001:db8::/32' }, 'EdgeRestricted'));
  privateApi = Template.fromStack(stackWith({ apiEndpointType: 'PRIVATE', apiVpcEndpointIds: [VPCE_A, VPCE_B] }, 'EdgePrivate'));
}, 120_000);

const only = (t: Template, type: string) => {
  const resources = Object.entries(t.findResources(type));
  expect(resources, type).toHaveLength(1);
  return { id: resources[0]![0], properties: resources[0]![1].Properties as Record<string, any> };
};
const consumers = [...new Set(consumerSchemas.map((schema) => schema.consumer))];
const scopesOf = (consumer: string) => [...new Set(consumerSchemas.filter((s) => s.consumer === consumer).flatMap((s) => s.scopes))].map((s) => `sirius-gateway/${s}`);

describe('edge: endpoint and TLS', () => {
  it('is REGIONAL by default, its execute-api endpoint on the TLS 1.2+ (forward-secret) policy in STRICT access mode', () => {
    const api = only(regional, 'AWS::ApiGateway::RestApi').properties;
    expect(api.EndpointConfiguration).toEqual({ Types: ['REGIONAL'] });
    expect(api.SecurityPolicy).toBe(TLS_POLICY);
    expect(api.EndpointAccessMode).toBe('STRICT');
    expect(api.DisableExecuteApiEndpoint).not.toBe(true);
    regional.resourceCountIs('AWS::ApiGateway::DomainName', 0);
    regional.resourceCountIs('AWS::ApiGateway::BasePathMapping', 0);
  });

  it('with a custom domain: a REGIONAL DomainName on the TLS 1.2+ policy with its certificate, mapped at the root to the stage, and the execute-api endpoint disabled', () => {
    const api = only(withDomain, 'AWS::ApiGateway::RestApi');
    expect(api.properties.DisableExecuteApiEndpoint).toBe(true);
    const domain = only(withDomain, 'AWS::ApiGateway::DomainName');
    expect(domain.properties).toEqual({
      DomainName: DOMAIN.apiDomainName,
      RegionalCertificateArn: CERTIFICATE,
      EndpointConfiguration: { Types: ['REGIONAL'] },
      SecurityPolicy: TLS_POLICY,
      EndpointAccessMode: 'STRICT',
    });
    const stage = only(withDomain, 'AWS::ApiGateway::Stage');
    expect(only(withDomain, 'AWS::ApiGateway::BasePathMapping').properties).toEqual({
      DomainName: { Ref: domain.id },
      RestApiId: { Ref: api.id },
      Stage: { Ref: stage.id },
    });
    // No output naming the disabled execute-api URL; the domain's DNS target instead.
    const outputs = withDomain.toJSON().Outputs as Record<string, { Value: unknown }>;
    expect(Object.keys(outputs).filter((id) => id.startsWith('ApiEndpoint'))).toEqual([]);
    expect(outputs.ApiDomainTarget!.Value).toEqual({ 'Fn::GetAtt': [domain.id, 'RegionalDomainName'] });
  });

  it('PRIVATE from context: associated with the given VPC endpoints, and a resource policy admitting only them', () => {
    const api = only(privateApi, 'AWS::ApiGateway::RestApi').properties;
    expect(api.EndpointConfiguration).toEqual({ Types: ['PRIVATE'], VpcEndpointIds: [VPCE_A, VPCE_B] });
    expect(api.Policy.Statement).toEqual([
      { Sid: 'InvokeThisApi', Effect: 'Allow', Principal: { AWS: '*' }, Action: 'execute-api:Invoke', Resource: 'execute-api:/*' },
      {
        Sid: 'OnlyFromAllowedSources',
        Effect: 'Deny',
        Principal: { AWS: '*' },
        Action: 'execute-api:Invoke',
        Resource: 'execute-api:/*',
        Condition: { StringNotEquals: { 'aws:SourceVpce': [VPCE_A, VPCE_B] } },
      },
    ]);
  });
});

describe('edge: resource policy', () => {
  it('with allowed VPC endpoints and CIDRs: Allow Invoke on this API, Deny it unless the request came through one of the endpoints or from one of the CIDRs', () => {
    const api = only(restricted, 'AWS::ApiGateway::RestApi').properties;
    expect(api.EndpointConfiguration).toEqual({ Types: ['REGIONAL'] });
    expect(api.Policy).toEqual({
      Version: '2012-10-17',
      Statement: [
        { Sid: 'InvokeThisApi', Effect: 'Allow', Principal: { AWS: '*' }, Action: 'execute-api:Invoke', Resource: 'execute-api:/*' },
        {
          Sid: 'OnlyFromAllowedSources',
          Effect: 'Deny',
          Principal: { AWS: '*' },
          Action: 'execute-api:Invoke',
          Resource: 'execute-api:/*',
          // Both in one Deny: conditions are ANDed, so it denies only when neither matches.
          Condition: { StringNotEquals: { 'aws:SourceVpce': [VPCE_A] }, NotIpAddress: { 'aws:SourceIp': ['203.0.113.0/24', '2001:db8::/32'] } },
        },
      ],
    });
  });

  it('REGIONAL with neither list: no resource policy (Cognito, API keys, throttling and the WAF decide)', () => {
    expect(only(regional, 'AWS::ApiGateway::RestApi').properties.Policy).toBeUndefined();
  });
});

describe('edge: WAF', () => {
  const rulesOf = (t: Template) => only(t, 'AWS::WAFv2::WebACL').properties.Rules as Record<string, any>[];

  it('a REGIONAL web ACL, allowing by default, with metrics on (and no sampled requests: they hold the tokens and API keys)', () => {
    const acl = only(regional, 'AWS::WAFv2::WebACL').properties;
    expect(acl.Scope).toBe('REGIONAL');
    expect(acl.DefaultAction).toEqual({ Allow: {} });
    expect(acl.VisibilityConfig).toEqual({ CloudWatchMetricsEnabled: true, SampledRequestsEnabled: false, MetricName: 'sirius-gateway-api' });
    for (const rule of acl.Rules) expect(rule.VisibilityConfig, rule.Name).toEqual({ CloudWatchMetricsEnabled: true, SampledRequestsEnabled: false, MetricName: rule.Name });
  });

  it('rate-limits per IP (2000 per 5 minutes by default), then runs the three AWS managed rule groups, counting only SizeRestrictions_BODY', () => {
    expect(rulesOf(regional).map((rule) => [rule.Priority, rule.Name])).toEqual([
      [0, 'RateLimitPerIp'],
      [1, 'AWSManagedRulesAmazonIpReputationList'],
      [2, 'AWSManagedRulesKnownBadInputsRuleSet'],
      [3, 'AWSManagedRulesCommonRuleSet'],
    ]);
    const [rate, reputation, badInputs, common] = rulesOf(regional);
    expect(rate).toMatchObject({ Action: { Block: {} }, Statement: { RateBasedStatement: { AggregateKeyType: 'IP', Limit: 2000, EvaluationWindowSec: 300 } } });
    expect(reputation!.Statement).toEqual({ ManagedRuleGroupStatement: { VendorName: 'AWS', Name: 'AWSManagedRulesAmazonIpReputationList' } });
    expect(badInputs!.Statement).toEqual({ ManagedRuleGroupStatement: { VendorName: 'AWS', Name: 'AWSManagedRulesKnownBadInputsRuleSet' } });
    expect(common!.Statement).toEqual({
      ManagedRuleGroupStatement: { VendorName: 'AWS', Name: 'AWSManagedRulesCommonRuleSet', RuleActionOverrides: [{ Name: 'SizeRestrictions_BODY', ActionToUse: { Count: {} } }] },
    });
    // The groups' own actions stand (an override of Count would make a whole group count only).
    for (const rule of [reputation, badInputs, common]) expect(rule!.OverrideAction, rule!.Name).toEqual({ None: {} });
  });

  it('takes the rate limit and its window from context', () => {
    expect(rulesOf(withDomain)[0]!.Statement.RateBasedStatement).toEqual({ AggregateKeyType: 'IP', Limit: 500, EvaluationWindowSec: 60 });
  });

  it('is associated with the API stage', () => {
    const acl = only(regional, 'AWS::WAFv2::WebACL');
    const stage = only(regional, 'AWS::ApiGateway::Stage');
    const api = only(regional, 'AWS::ApiGateway::RestApi');
    expect(only(regional, 'AWS::WAFv2::WebACLAssociation').properties).toEqual({
      WebACLArn: { 'Fn::GetAtt': [acl.id, 'Arn'] },
      // cdk.json's @aws-cdk/core:enablePartitionLiterals: arn:aws:..., not a join on AWS::Partition.
      ResourceArn: { 'Fn::Join': ['', ['arn:aws:apigateway:eu-west-2::/restapis/', { Ref: api.id }, '/stages/', { Ref: stage.id }]] },
    });
  });
});

describe('edge: logs', () => {
  const ACCESS_LOG = {
    requestId: '$context.requestId',
    extendedRequestId: '$context.extendedRequestId',
    requestTime: '$context.requestTime',
    clientId: '$context.authorizer.claims.client_id',
    apiKeyId: '$context.identity.apiKeyId',
    sourceIp: '$context.identity.sourceIp',
    httpMethod: '$context.httpMethod',
    resourcePath: '$context.resourcePath',
    protocol: '$context.protocol',
    status: '$context.status',
    responseLength: '$context.responseLength',
    integrationLatency: '$context.integrationLatency',
    responseLatency: '$context.responseLatency',
    wafStatus: '$context.waf.status',
    wafResponseCode: '$context.wafResponseCode',
    errorType: '$context.error.responseType',
  };

  it('writes JSON access logs with exactly these fields to a log group of their own, kept a year', () => {
    const stage = only(regional, 'AWS::ApiGateway::Stage').properties;
    expect(JSON.parse(stage.AccessLogSetting.Format)).toEqual(ACCESS_LOG);
    // cdk.json's @aws-cdk/aws-apigateway:logGroupDestinationArnWithoutWildcard: the group's ARN without its
    // trailing `:*` (a join on the group's name, not its Fn::GetAtt Arn); the same log group.
    const logGroupId = stage.AccessLogSetting.DestinationArn['Fn::Join']?.[1]?.[1]?.Ref as string;
    expect(typeof logGroupId).toBe('string');
    expect(stage.AccessLogSetting.DestinationArn).toEqual({ 'Fn::Join': ['', ['arn:aws:logs:eu-west-2:123456789012:log-group:', { Ref: logGroupId }]] });
    expect(regional.toJSON().Resources[logGroupId]).toMatchObject({ Type: 'AWS::Logs::LogGroup', Properties: { RetentionInDays: 365 } });
    // Not the function's log group.
    const fn = Object.values(regional.findResources('AWS::Lambda::Function', { Properties: { Handler: 'lambda.handler' } }))[0]!;
    expect(fn.Properties.LoggingConfig?.LogGroup).not.toEqual({ Ref: logGroupId });
  });

  it('logs no body, header, token or API key value', () => {
    const format = only(regional, 'AWS::ApiGateway::Stage').properties.AccessLogSetting.Format as string;
    for (const forbidden of ['$input', 'body', 'Authorization', 'header', '$context.identity.apiKey"', 'claims.sub', '$context.authorizer.claims"', 'requestOverride', 'token']) {
      expect(format, forbidden).not.toContain(forbidden);
    }
  });

  it('execution logging at ERROR without data traces, metrics on, tracing not turned on, for every method', () => {
    const stage = only(regional, 'AWS::ApiGateway::Stage').properties;
    expect(stage.MethodSettings).toEqual([
      { ResourcePath: '/*', HttpMethod: '*', LoggingLevel: 'ERROR', DataTraceEnabled: false, MetricsEnabled: true, ThrottlingRateLimit: 100, ThrottlingBurstLimit: 200 },
    ]);
    expect(stage.TracingEnabled).not.toBe(true);
  });

  it("leaves the account's API Gateway CloudWatch role to the account: no AWS::ApiGateway::Account, no role for API Gateway", () => {
    for (const t of [regional, withDomain, privateApi]) {
      t.resourceCountIs('AWS::ApiGateway::Account', 0);
      const roles = Object.values(t.findResources('AWS::IAM::Role')).map((role) => JSON.stringify(role.Properties.AssumeRolePolicyDocument));
      expect(roles.filter((doc) => doc.includes('apigateway.amazonaws.com'))).toEqual([]);
    }
  });
});

describe('edge: methods', () => {
  it('GET /health/live is answered by API Gateway (MOCK, 200, {"status":"ok"} as application/json), with no Lambda permission for it', () => {
    const health = Object.values(regional.findResources('AWS::ApiGateway::Method', { Properties: { HttpMethod: 'GET' } }));
    expect(health).toHaveLength(1);
    expect(health[0]!.Properties).toMatchObject({
      AuthorizationType: 'NONE',
      Integration: {
        Type: 'MOCK',
        PassthroughBehavior: 'NEVER',
        RequestTemplates: { 'application/json': '{"statusCode": 200}' },
        IntegrationResponses: [{ StatusCode: '200', ResponseTemplates: { 'application/json': '{"status":"ok"}' } }],
      },
      MethodResponses: [{ StatusCode: '200' }],
    });
    expect(JSON.parse(health[0]!.Properties.Integration.IntegrationResponses[0].ResponseTemplates['application/json'])).toEqual({ status: 'ok' });
    const permissions = Object.values(regional.findResources('AWS::Lambda::Permission')).map((p) => JSON.stringify(p.Properties.SourceArn));
    expect(permissions.filter((arn) => arn.includes('health'))).toEqual([]);
    // The GraphQL routes only: a stage permission and a test-invoke permission each.
    expect(permissions.filter((arn) => arn.includes('/POST/'))).toHaveLength(consumers.length * 2);
  });

  // Regression: every method but the health check is behind Cognito, an API key and exactly its consumer's scopes.
  it.each([['REGIONAL', () => regional], ['with a custom domain', () => withDomain], ['restricted callers', () => restricted], ['PRIVATE', () => privateApi]])(
    '%s: every method except GET /health/live uses the Cognito authoriser, an API key and exactly its consumer\'s scopes',
    (_, template) => {
      const t = template();
      const authorizer = only(t, 'AWS::ApiGateway::Authorizer');
      expect(authorizer.properties.Type).toBe('COGNITO_USER_POOLS');
      const resources = t.toJSON().Resources as Record<string, { Type: string; Properties: Record<string, any> }>;
      const pathOf = (resourceId: { Ref?: string; 'Fn::GetAtt'?: unknown }): string => {
        if (!resourceId.Ref) return '';
        const resource = resources[resourceId.Ref]!.Properties;
        return `${pathOf(resource.ParentId)}/${resource.PathPart}`;
      };
      const methods = Object.values(t.findResources('AWS::ApiGateway::Method')).map((m) => ({ path: pathOf(m.Properties.ResourceId), ...m.Properties }));
      expect(methods.map((m) => `${m.HttpMethod} ${m.path}`).sort()).toEqual(['GET /health/live', ...consumers.map((c) => `POST /${c}/{version}/graphql`)].sort());
      for (const method of methods.filter((m) => !(m.HttpMethod === 'GET' && m.path === '/health/live'))) {
        const consumer = method.path.split('/')[1]!;
        expect(method, method.path).toMatchObject({ AuthorizationType: 'COGNITO_USER_POOLS', ApiKeyRequired: true, AuthorizerId: { Ref: authorizer.id } });
        expect(method.AuthorizationScopes, method.path).toEqual(scopesOf(consumer));
      }
    },
  );
});

describe('identity: the callers\' Cognito clients and pool', () => {
  it('each client: access tokens valid 15 minutes, client credentials only, no user auth flow, no user-existence errors, token revocation on', () => {
    const clients = Object.values(regional.findResources('AWS::Cognito::UserPoolClient')).map((c) => c.Properties);
    expect(clients.map((c) => c.ClientName).sort()).toEqual([...consumers].sort());
    for (const client of clients) {
      expect(client, client.ClientName).toMatchObject({
        AccessTokenValidity: 15,
        TokenValidityUnits: { AccessToken: 'minutes' },
        AllowedOAuthFlows: ['client_credentials'],
        // Cognito's least: refresh only (inert: client credentials issue no refresh tokens). Left
        // out, Cognito would enable ALLOW_USER_SRP_AUTH and ALLOW_CUSTOM_AUTH too.
        ExplicitAuthFlows: ['ALLOW_REFRESH_TOKEN_AUTH'],
        PreventUserExistenceErrors: 'ENABLED',
        EnableTokenRevocation: true,
        GenerateSecret: true,
      });
      expect(client.IdTokenValidity, client.ClientName).toBeUndefined();
    }
  });

  it('the pool: deletion protection on, retained, no self sign-up', () => {
    regional.hasResource('AWS::Cognito::UserPool', {
      DeletionPolicy: 'Retain',
      Properties: Match.objectLike({ DeletionProtection: 'ACTIVE', AdminCreateUserConfig: { AllowAdminCreateUserOnly: true } }),
    });
  });
});

describe('edge: context is refused at synth, naming the key', () => {
  it.each([
    ['an unknown endpoint type', { apiEndpointType: 'EDGE' }, /^context apiEndpointType must be "REGIONAL" or "PRIVATE"/],
    ['PRIVATE without VPC endpoints', { apiEndpointType: 'PRIVATE' }, /^context apiVpcEndpointIds is required when apiEndpointType is PRIVATE/],
    ['VPC endpoints for a REGIONAL API', { apiVpcEndpointIds: [VPCE_A] }, /^context apiVpcEndpointIds is only for apiEndpointType PRIVATE/],
    ['a malformed VPC endpoint id', { apiEndpointType: 'PRIVATE', apiVpcEndpointIds: ['vpc-0123456789abcdef0'] }, /^context apiVpcEndpointIds must list VPC endpoint ids/],
    ['a malformed allowed VPC endpoint', { apiAllowedSourceVpcEndpoints: ['vpce-*'] }, /^context apiAllowedSourceVpcEndpoints must list VPC endpoint ids/],
    ['an empty list', { apiAllowedSourceVpcEndpoints: [] }, /^context apiAllowedSourceVpcEndpoints must be a non-empty list/],
    ['a list that is not one', { apiAllowedSourceCidrs: { cidr: '203.0.113.0/24' } }, /^context apiAllowedSourceCidrs must be a non-empty list/],
    ['a CIDR without a prefix', { apiAllowedSourceCidrs: ['203.0.113.7'] }, /^context apiAllowedSourceCidrs must list CIDRs/],
    ['an out-of-range address', { apiAllowedSourceCidrs: ['203.0.113.256/32'] }, /^context apiAllowedSourceCidrs must list CIDRs/],
    ['a /0 CIDR', { apiAllowedSourceCidrs: ['0.0.0.0/0'] }, /^context apiAllowedSourceCidrs must list CIDRs .*not \/0/],
    ['an IPv6 /0', { apiAllowedSourceCidrs: ['::/0'] }, /^context apiAllowedSourceCidrs must list CIDRs/],
    ['host bits set', { apiAllowedSourceCidrs: ['203.0.113.7/24'] }, /^context apiAllowedSourceCidrs must list CIDRs with their host bits clear/],
    ['CIDRs for a PRIVATE API', { apiEndpointType: 'PRIVATE', apiVpcEndpointIds: [VPCE_A], apiAllowedSourceCidrs: ['203.0.113.0/24'] }, /^context apiAllowedSourceCidrs is for a REGIONAL API only/],
    ['a domain without a certificate', { apiDomainName: DOMAIN.apiDomainName }, /^context apiCertificateArn is required when apiDomainName is given/],
    ['a certificate without a domain', { apiCertificateArn: CERTIFICATE }, /^context apiDomainName is required when apiCertificateArn is given/],
    ['an uppercase domain', { ...DOMAIN, apiDomainName: 'API.example.gov.uk' }, /^context apiDomainName must be a lowercase host name/],
    ['a wildcard domain', { ...DOMAIN, apiDomainName: '*.example.gov.uk' }, /^context apiDomainName must be a lowercase host name/],
    ['a URL for a domain', { ...DOMAIN, apiDomainName: 'https://api.example.gov.uk' }, /^context apiDomainName must be a lowercase host name/],
    ['a certificate that is not an ACM ARN', { ...DOMAIN, apiCertificateArn: 'arn:aws:iam::123456789012:server-certificate/api' }, /^context apiCertificateArn must be arn:aws:acm:/],
    ['a certificate in another region', { ...DOMAIN, apiCertificateArn: CERTIFICATE.replace('eu-west-2', 'us-east-1') }, /^context apiCertificateArn must be a certificate in the stack's region \(eu-west-2\); got one in us-east-1/],
    ['a domain for a PRIVATE API', { ...DOMAIN, apiEndpointType: 'PRIVATE', apiVpcEndpointIds: [VPCE_A] }, /^context apiDomainName is for a REGIONAL API only/],
    ['a rate limit that is not a number', { wafRateLimit: 'lots' }, /^context wafRateLimit must be a whole number/],
    ['a rate limit below WAF\'s minimum', { wafRateLimit: 5 }, /^context wafRateLimit must be between 10 and 2000000000/],
    ['a window WAF does not offer', { wafEvaluationWindowSec: 30 }, /^context wafEvaluationWindowSec must be one of 60, 120, 300, 600/],
    ['a mistyped edge key', { apiAllowedSourceCIDRs: ['203.0.113.0/24'] }, /^context apiAllowedSourceCIDRs is not a context key/],
    ['a mistyped WAF key', { wafRatelimit: 100 }, /^context wafRatelimit is not a context key/],
  ])('refuses %s', (_, context, error) => {
    expect(() => stackWith(context, 'EdgeRefused')).toThrow(error);
  });
});

describe("the Lambdas' asset", () => {
  let outdir: string;
  beforeAll(() => {
    // Its own directory (scripts/build.mjs <dir>): dist/ is rebuilt by other tests.
    outdir = mkdtempSync(join(tmpdir(), 'sirius-gateway-asset-build-'));
    execFileSync(process.execPath, ['scripts/build.mjs', outdir], { stdio: 'pipe' });
  }, 120_000);
  afterAll(() => rmSync(outdir, { recursive: true, force: true }));

  const filesUnder = (dir: string): string[] =>
    readdirSync(dir).flatMap((name) => (statSync(join(dir, name)).isDirectory() ? filesUnder(join(dir, name)) : [join(dir, name)]));

  it('holds lambda.js, events.js (ESM: its own package.json), their chunks, schema/ and operations/ only: no server, no source maps, no fixtures', () => {
    const asset = join(outdir, 'lambda');
    const files = filesUnder(asset).map((file) => relative(asset, file).split('\\').join('/'));
    // Code split by the build (chunk-*.js, beside the entries): shared, or loaded on demand.
    const chunks = files.filter((file) => /^chunk-[A-Z0-9]+\.js$/.test(file));
    expect(chunks.length).toBeGreaterThan(0);
    expect(files.filter((file) => !file.startsWith('schema/') && !file.startsWith('operations/') && !chunks.includes(file)).sort()).toEqual(['events.js', 'lambda.js', 'package.json']);
    expect(JSON.parse(readFileSync(join(asset, 'package.json'), 'utf8'))).toEqual({ type: 'module' });
    expect(files.filter((file) => file.endsWith('.map'))).toEqual([]);
    expect(files).not.toContain('main.js');
    expect(files.filter((file) => file.includes('fixtures'))).toEqual([]);
    // Exactly the repository's contracts and registered operations.
    const tree = (dir: string) => filesUnder(dir).map((file) => relative(dir, file)).sort();
    expect(files.filter((file) => file.startsWith('schema/')).map((file) => file.slice('schema/'.length)).sort()).toEqual(tree('schema'));
    expect(files.filter((file) => file.startsWith('operations/')).map((file) => file.slice('operations/'.length)).sort()).toEqual(tree('operations'));
    // No sourceMappingURL left pointing at a map that is not there.
    for (const entry of ['lambda.js', 'events.js', ...chunks]) expect(execFileSync('tail', ['-c', '200', join(asset, entry)], { encoding: 'utf8' })).not.toContain('sourceMappingURL');
  });

  it('is what both functions deploy: the stack is given dist/lambda, not dist/ (the S3 key is the directory\'s fingerprint)', () => {
    const t = Template.fromStack(
      stackWith({ ...STORE_CONTEXT, lpaStoreEventBusName: LPA_STORE_EVENT_BUS }, 'EdgeAsset'),
    );
    const functions = Object.values(t.findResources('AWS::Lambda::Function')).filter((fn) => ['lambda.handler', 'events.handler'].includes(fn.Properties.Handler));
    expect(functions).toHaveLength(2);
    for (const fn of functions) expect(fn.Properties.Code.S3Key, fn.Properties.Handler).toBe(`${FileSystem.fingerprint('dist/lambda')}.zip`);
  });
});
