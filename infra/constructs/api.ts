import { CfnOutput, Validations } from 'aws-cdk-lib';
import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { RESOURCE_SERVER, scopesOf, type Callers } from './callers';
import type { EdgeContext } from './edge-context';
import { gatewayWaf } from './edge-waf';

export interface GatewayApiOptions {
  fn: lambda.IFunction;
  callers: Callers;
  edge: EdgeContext;
  throttle?: { rateLimit: number; burstLimit: number };
}

/**
 * TLS 1.3, and TLS 1.2 with forward-secret ciphers only: the newest regional policy aws-cdk-lib
 * offers that still admits TLS 1.2 clients (SecurityPolicy_TLS13_1_3_2025_09 would refuse them).
 * Enhanced policies need an endpoint access mode: STRICT (the request's endpoint type and SNI host
 * must match the API's or domain's).
 */
export const TLS_POLICY = apigateway.SecurityPolicy.TLS13_1_2_PFS_PQ_2025_09;

/**
 * The access log line, one JSON object a request: who (Cognito client id, API key id, source IP),
 * what (method, resource path, status, length), how long, and what the WAF did. Never a body, a
 * header, a token or the API key itself ($context.identity.apiKey): ids only.
 */
export const ACCESS_LOG_FIELDS = {
  requestId: apigateway.AccessLogField.contextRequestId(),
  extendedRequestId: apigateway.AccessLogField.contextExtendedRequestId(),
  requestTime: apigateway.AccessLogField.contextRequestTime(),
  clientId: apigateway.AccessLogField.contextAuthorizerClaims('client_id'),
  apiKeyId: apigateway.AccessLogField.contextIdentityApiKeyId(),
  sourceIp: apigateway.AccessLogField.contextIdentitySourceIp(),
  httpMethod: apigateway.AccessLogField.contextHttpMethod(),
  resourcePath: apigateway.AccessLogField.contextResourcePath(),
  protocol: apigateway.AccessLogField.contextProtocol(),
  status: apigateway.AccessLogField.contextStatus(),
  responseLength: apigateway.AccessLogField.contextResponseLength(),
  integrationLatency: apigateway.AccessLogField.contextIntegrationLatency(),
  responseLatency: apigateway.AccessLogField.contextResponseLatency(),
  wafStatus: apigateway.AccessLogField.contextWafStatus(),
  wafResponseCode: apigateway.AccessLogField.contextWafResponseCode(),
  errorType: '$context.error.responseType',
};

/**
 * The API: Cognito verifies tokens at the edge too (the function verifies again), stage
 * throttling, and a usage plan with an API key per caller. Made in `scope` (the stack): an API
 * key's logical id must not change, or CloudFormation replaces it and its consumer's key with it.
 *
 * The edge (from context, infra/constructs/edge-context.ts): REGIONAL or PRIVATE; TLS 1.2+ on the
 * API and on a custom domain, whose presence disables the execute-api endpoint; a resource policy
 * when callers are restricted; a WAF web ACL on the stage; JSON access logs; execution logs at
 * ERROR without data. The account's API Gateway CloudWatch role is the account's (set once per
 * region), not this stack's: `cloudWatchRole: false`.
 */
export function gatewayApi(scope: Construct, options: GatewayApiOptions): apigateway.RestApi {
  const { callers, edge } = options;
  const accessLogs = new logs.LogGroup(scope, 'ApiAccessLogs', { retention: logs.RetentionDays.ONE_YEAR });
  const api = new apigateway.RestApi(scope, 'Api', {
    restApiName: 'sirius-gateway',
    cloudWatchRole: false,
    endpointConfiguration:
      edge.endpointType === 'PRIVATE'
        ? {
            types: [apigateway.EndpointType.PRIVATE],
            vpcEndpoints: edge.vpcEndpointIds.map((id) => ec2.InterfaceVpcEndpoint.fromInterfaceVpcEndpointAttributes(scope, `ApiVpcEndpoint-${id}`, { vpcEndpointId: id, port: 443 })),
          }
        : { types: [apigateway.EndpointType.REGIONAL] },
    disableExecuteApiEndpoint: edge.domain !== undefined,
    policy: resourcePolicy(edge),
    deployOptions: {
      stageName: 'v1',
      throttlingRateLimit: options.throttle?.rateLimit ?? 200,
      throttlingBurstLimit: options.throttle?.burstLimit ?? 400,
      metricsEnabled: true,
      loggingLevel: apigateway.MethodLoggingLevel.ERROR,
      dataTraceEnabled: false,
      accessLogDestination: new apigateway.LogGroupLogDestination(accessLogs),
      accessLogFormat: apigateway.AccessLogFormat.custom(JSON.stringify(ACCESS_LOG_FIELDS)),
    },
  });
  // The RestApi L2 has no securityPolicy yet; the execute-api endpoint (when enabled) gets the
  // same policy as the custom domain. (Without one, a REGIONAL API's default endpoint is TLS_1_0.)
  const cfnApi = api.node.defaultChild as apigateway.CfnRestApi;
  cfnApi.securityPolicy = TLS_POLICY;
  cfnApi.endpointAccessMode = apigateway.EndpointAccessMode.STRICT;

  const integration = new apigateway.LambdaIntegration(options.fn);
  const authorizer = new apigateway.CognitoUserPoolsAuthorizer(scope, 'Authorizer', { cognitoUserPools: [callers.pool] });
  for (const consumer of callers.consumers) {
    api.root.resourceForPath(`${consumer}/{version}/graphql`).addMethod('POST', integration, {
      authorizer,
      authorizationType: apigateway.AuthorizationType.COGNITO,
      authorizationScopes: scopesOf(consumer).map((scope) => `${RESOURCE_SERVER}/${scope}`),
      apiKeyRequired: true,
    });
  }
  // Liveness answered by API Gateway itself: no Lambda invocation (and no permission for one), so
  // a load balancer or monitor polling it costs nothing and cannot wake or exhaust the function.
  const live = api.root.resourceForPath('health/live').addMethod(
    'GET',
    new apigateway.MockIntegration({
      passthroughBehavior: apigateway.PassthroughBehavior.NEVER,
      requestTemplates: { 'application/json': '{"statusCode": 200}' },
      integrationResponses: [{ statusCode: '200', responseTemplates: { 'application/json': '{"status":"ok"}' } }],
    }),
    { methodResponses: [{ statusCode: '200' }] },
  );
  for (const id of ['AwsSolutions-APIG4', 'AwsSolutions-COG4']) {
    Validations.of(live).acknowledge({ id, reason: 'Liveness for monitors and load balancers: a mock answering {"status":"ok"}, which reaches no function and no data.' });
  }
  // Request validation would answer a malformed body with API Gateway's own 400, not the GraphQL
  // over HTTP error a client's library understands; the function validates every request itself
  // (body, document, variables) and answers in GraphQL's shape.
  Validations.of(api).acknowledge({ id: 'AwsSolutions-APIG2', reason: 'The gateway validates GraphQL requests itself and answers in the GraphQL over HTTP error shape clients expect; a model here would duplicate it and answer differently.' });
  for (const caller of callers.registry) {
    const plan = api.addUsagePlan(`Plan-${caller.name}`, {
      name: caller.name,
      throttle: { rateLimit: 50, burstLimit: 100 },
      quota: { limit: 1_000_000, period: apigateway.Period.DAY },
      apiStages: [{ api, stage: api.deploymentStage }],
    });
    plan.addApiKey(api.addApiKey(`Key-${caller.name}`, { apiKeyName: caller.name }));
  }

  gatewayWaf(scope, { stage: api.deploymentStage, waf: edge.waf });

  if (edge.domain) {
    const domain = new apigateway.DomainName(scope, 'ApiDomain', {
      domainName: edge.domain.name,
      certificate: acm.Certificate.fromCertificateArn(scope, 'ApiCertificate', edge.domain.certificateArn),
      endpointType: apigateway.EndpointType.REGIONAL,
      securityPolicy: TLS_POLICY,
      endpointAccessMode: apigateway.EndpointAccessMode.STRICT,
    });
    // At the root: https://<domain>/<consumer>/<version>/graphql, the stage name not in the path.
    domain.addBasePathMapping(api, { stage: api.deploymentStage });
    // The execute-api URL output would name a disabled endpoint.
    api.node.tryRemoveChild('Endpoint');
    new CfnOutput(scope, 'ApiUrl', { value: `https://${edge.domain.name}/` });
    new CfnOutput(scope, 'ApiDomainTarget', { value: domain.domainNameAliasDomainName, description: `DNS: ${edge.domain.name} as an alias (or CNAME) of this` });
  }
  return api;
}

/**
 * Who may call, before any authoriser runs. None when neither list is given (REGIONAL only: then
 * anyone may reach the API, and Cognito, the API keys, throttling and the WAF decide). Otherwise
 * Allow Invoke on this API (`execute-api:/*`, API Gateway's shorthand for the API's own ARN: its
 * ARN would be a circular reference), and Deny it unless the request came through one of the
 * listed VPC endpoints or from one of the listed CIDRs: a Deny's conditions are ANDed, so it
 * applies only when neither matches.
 */
function resourcePolicy(edge: EdgeContext): iam.PolicyDocument | undefined {
  const { allowedSourceVpcEndpoints: vpces, allowedSourceCidrs: cidrs } = edge;
  if (vpces.length === 0 && cidrs.length === 0) return undefined;
  const invoke = { principals: [new iam.AnyPrincipal()], actions: ['execute-api:Invoke'], resources: ['execute-api:/*'] };
  return new iam.PolicyDocument({
    statements: [
      new iam.PolicyStatement({ sid: 'InvokeThisApi', effect: iam.Effect.ALLOW, ...invoke }),
      new iam.PolicyStatement({
        sid: 'OnlyFromAllowedSources',
        effect: iam.Effect.DENY,
        ...invoke,
        conditions: {
          ...(vpces.length > 0 ? { StringNotEquals: { 'aws:SourceVpce': vpces } } : {}),
          ...(cidrs.length > 0 ? { NotIpAddress: { 'aws:SourceIp': cidrs } } : {}),
        },
      }),
    ],
  });
}
