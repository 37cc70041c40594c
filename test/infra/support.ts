// The stack as test/infra/ synthesises it, and readers of its IAM statements.
import { readFileSync } from 'node:fs';
import { App } from 'aws-cdk-lib';
import type { Template } from 'aws-cdk-lib/assertions';
import { expect } from 'vitest';
import { SiriusGatewayStack, type SiriusGatewayStackProps } from '../../infra/sirius-gateway-stack';

/** Context every environment has (infra/environments/example.json's shape); each test adds to it. */
export const BASE_CONTEXT: Record<string, unknown> = {
  // The VPC the functions run in (infra/constructs/network.ts): required in every environment.
  vpcId: 'vpc-0a1b2c3d4e5f60718',
  vpcAvailabilityZones: ['eu-west-2a', 'eu-west-2b', 'eu-west-2c'],
  vpcPrivateSubnetIds: ['subnet-0aaaaaaaaaaaaaaa1', 'subnet-0bbbbbbbbbbbbbbb2', 'subnet-0ccccccccccccccc3'],
  vpcPrivateRouteTableIds: ['rtb-0aaaaaaaaaaaaaaa1', 'rtb-0bbbbbbbbbbbbbbb2', 'rtb-0ccccccccccccccc3'],
  siriusCidrs: ['10.162.0.0/20', '10.162.16.0/20'],
  dynamoDbPrefixListId: 'pl-b3a742da',
  egressToCognitoJwks: 'pl-0c0c0c0c0c0c0c0c0',
  // The one role besides the gateway's that may read the codes secret (infra/constructs/data-stores.ts).
  breakGlassRoleArn: 'arn:aws:iam::123456789012:role/breakglass',
};

/** cdk.json's context (the feature flags): the template tested is the one `cdk deploy` would make. */
export const CDK_JSON_CONTEXT = (JSON.parse(readFileSync('cdk.json', 'utf8')) as { context: Record<string, unknown> }).context;

/**
 * The stack as the tests deploy it, with the given CDK context (as `-c key=value` or an environment
 * file would give it). Its app writes to a temporary directory of its own, never infra/cdk.out/
 * (the CLI's, which a deploy reads).
 */
export function stackWith(
  context: Record<string, unknown>,
  id = 'Test',
  prepare?: (app: App) => void,
  props: Partial<SiriusGatewayStackProps> = {},
): SiriusGatewayStack {
  const app = new App({ context: { ...CDK_JSON_CONTEXT, ...BASE_CONTEXT, ...context } });
  prepare?.(app);
  return new SiriusGatewayStack(app, id, {
    env: { account: '123456789012', region: 'eu-west-2' },
    siriusBaseUrl: 'https://sirius.test.internal',
    siriusSigningSecretName: 'sirius-gateway/sirius-jwt-secret',
    codePath: 'dist/lambda',
    reservedConcurrency: 25,
    throttle: { rateLimit: 100, burstLimit: 200 },
    tracesEndpoint: 'http://localhost:4318/v1/traces',
    ...props,
  });
}

// The LPA Store is another team's API in another account; the bus is this account's.
export const STORE_ACCOUNT = '111122223333';
export const STORE_STAGE_ARN = `arn:aws:execute-api:eu-west-1:${STORE_ACCOUNT}:abcdef1234/production`;
export const STORE_SECRET_ARN = `arn:aws:secretsmanager:eu-west-1:${STORE_ACCOUNT}:secret:lpa-store/jwt-secret-AbC123`;
export const STORE_KEY_ARN = `arn:aws:kms:eu-west-1:${STORE_ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;
export const EVENT_BUS_ARN = 'arn:aws:events:eu-west-2:123456789012:event-bus/use-an-lpa';
export const STORE_CONTEXT = {
  lpaStoreBaseUrl: 'https://lpa-store.test.example',
  // Where the functions' 443 to the store may go (network.ts): required with the store.
  egressToLpaStore: 'pl-0e1e2e3e4e5e6e7e8',
  lpaStoreApiArn: STORE_STAGE_ARN,
  lpaStoreJwtSecret: STORE_SECRET_ARN,
  lpaStoreJwtSecretKmsKeyArn: STORE_KEY_ARN,
};

/** The bus in this account that the LPA Store's bus forwards its events to. */
export const LPA_STORE_EVENT_BUS = 'lpa-store-events';

export interface Statement {
  Sid?: string;
  Effect: string;
  Action?: string | string[];
  NotAction?: unknown;
  Resource?: unknown;
  NotResource?: unknown;
  Condition?: unknown;
}

/** Every IAM statement in the template: role policies, inline role policies and managed policies. */
export function statementsOf(t: Template): Statement[] {
  const documents = [
    ...Object.values(t.findResources('AWS::IAM::Policy')).map((r) => r.Properties.PolicyDocument),
    ...Object.values(t.findResources('AWS::IAM::ManagedPolicy')).map((r) => r.Properties.PolicyDocument),
    ...Object.values(t.findResources('AWS::IAM::Role')).flatMap((r) => (r.Properties.Policies ?? []).map((p: { PolicyDocument: unknown }) => p.PolicyDocument)),
  ] as { Statement: Statement[] }[];
  return documents.flatMap((document) => document.Statement);
}

export const actionsOf = (statement: Statement) => [statement.Action ?? []].flat();

/** The Lambda's role (the gateway's, or with `events.handler` the events Lambda's), as the function refers to it. */
export function functionRole(t: Template, handler = 'lambda.handler'): { Ref: string } {
  const [fn] = Object.values(t.findResources('AWS::Lambda::Function', { Properties: { Handler: handler } }));
  return { Ref: (fn!.Properties.Role as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0] };
}

/** The logical id of the one resource of `type` whose id starts with `prefix`. */
export function idOf(t: Template, type: string, prefix: string): string {
  const ids = Object.keys(t.findResources(type)).filter((id) => id.startsWith(prefix));
  expect(ids, `${type} ${prefix}*`).toHaveLength(1);
  return ids[0]!;
}

/** The statements of the IAM policies attached to `role`. */
export function statementsOfRole(t: Template, role: { Ref: string }): Statement[] {
  return Object.values(t.findResources('AWS::IAM::Policy'))
    .filter((policy) => JSON.stringify(policy.Properties.Roles) === JSON.stringify([role]))
    .flatMap((policy) => (policy.Properties.PolicyDocument as { Statement: Statement[] }).Statement);
}

