import { Stack } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type { Construct } from 'constructs';
import type { EventBusContext, LpaStoreContext } from '../context';

/** The one event the gateway publishes, as Use an LPA does: its source and detail-type. */
const ACTIVATION_KEY_EVENT = { source: 'opg.poas.use', detailType: 'activation-key-requested' } as const;

// Without LPA Store context the gateway runs Sirius-only: no LPA_STORE_* variables, and an M- uid
// answers LPA_STORE_UNAVAILABLE (src/config/config.ts).
export function lpaStoreEnvironment(store: LpaStoreContext | undefined): Record<string, string> {
  if (!store) return {};
  return {
    LPA_STORE_BASE_URL: store.baseUrl,
    LPA_STORE_REGION: store.region,
    // A name or a complete ARN: GetSecretValue takes either, and another account's secret needs the ARN.
    LPA_STORE_JWT_SECRET_NAME: 'name' in store.jwtSecret ? store.jwtSecret.name : store.jwtSecret.completeArn,
  };
}

// The ARN rather than the name: PutEvents takes either, and a bus in another account needs the ARN.
export function eventBusEnvironment(bus: EventBusContext | undefined): Record<string, string> {
  return bus ? { EVENT_BUS_NAME: bus.arn } : {};
}

/**
 * The LPA Store's two IAM-authorised routes, and its JWT secret. Nothing wider: the store's own
 * resource policy must also allow this role (another team's change), but this side grants only
 * what the gateway calls, so a bug or injection here cannot reach the store's write routes.
 * The secret is imported once; each call of the result makes the statements for one more role
 * (the gateway's, and the events Lambda's).
 */
export function lpaStoreStatements(scope: Construct, store: LpaStoreContext): () => iam.PolicyStatement[] {

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
export function grantEventBus(scope: Construct, fn: lambda.Function, config: EventBusContext): void {
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

