import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type { Construct } from 'constructs';
import { RESOURCE_SERVER, scopesOf, type Callers } from './callers';

export interface GatewayApiOptions {
  fn: lambda.IFunction;
  callers: Callers;
  throttle?: { rateLimit: number; burstLimit: number };
}

/**
 * The API: Cognito verifies tokens at the edge too (the function verifies again), stage
 * throttling, and a usage plan with an API key per caller. Made in `scope` (the stack): an API
 * key's logical id must not change, or CloudFormation replaces it and its consumer's key with it.
 */
export function gatewayApi(scope: Construct, options: GatewayApiOptions): apigateway.RestApi {
  const { callers } = options;
  const api = new apigateway.RestApi(scope, 'Api', {
    restApiName: 'sirius-gateway',
    deployOptions: {
      stageName: 'v1',
      throttlingRateLimit: options.throttle?.rateLimit ?? 200,
      throttlingBurstLimit: options.throttle?.burstLimit ?? 400,
      metricsEnabled: true,
    },
  });
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
  api.root.resourceForPath('health/live').addMethod('GET', integration);
  for (const caller of callers.registry) {
    const plan = api.addUsagePlan(`Plan-${caller.name}`, {
      name: caller.name,
      throttle: { rateLimit: 50, burstLimit: 100 },
      quota: { limit: 1_000_000, period: apigateway.Period.DAY },
      apiStages: [{ api, stage: api.deploymentStage }],
    });
    plan.addApiKey(api.addApiKey(`Key-${caller.name}`, { apiKeyName: caller.name }));
  }
  return api;
}
