import { Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import type { LpaStoreEventsContext } from '../context';
import { RUNBOOK, type AlarmWiring, type EventsPath } from './alarms';
import type { FunctionNetwork } from './network';
import { acknowledgeTableKeyGrant, functionRole, RUNTIME_REASON } from './function-role';
import { pinLogicalId } from './pin';

/** The LPA Store's change event (src/events/lpa-updated-event.ts): its source and detail-type. */
const LPA_UPDATED = { source: 'opg.poas.lpastore', detailType: 'lpa-updated' } as const;

/** The events Lambda's timeout; the queue hides a received message for 6 times as long (AWS's guidance for SQS event sources). */
const EVENTS_TIMEOUT = Duration.seconds(30);

/**
 * The LPA Store's `lpa-updated` events, from the bus its own bus forwards them to: a rule on that
 * bus (this account's), an SQS queue (customer managed key, TLS only, a dead-letter queue after 5
 * receives, an alarm on anything there), and the events Lambda (dist/events.js) consuming it in
 * batches, reporting each failed record so that only those are retried. Its role may use the cache
 * table's four item operations, the store's reads and JWT secret (as the gateway's role), and
 * receive from (and decrypt) its own queue: no codes table, no Sirius, no scans.
 */
export function lpaStoreUpdatedEvents(
  scope: Construct,
  options: {
    context: LpaStoreEventsContext;
    codePath: string;
    environment: Record<string, string>;
    cacheTable: dynamodb.Table;
    cacheKey: kms.Key;
    lpaStoreGrants: () => iam.PolicyStatement[];
    /** The stack's alarm topic and descriptions: the dead-letter alarm notifies where every other alarm does. */
    alarms: AlarmWiring;
    /** Private subnets and the events function's own security group: the LPA Store, DynamoDB and the endpoints (network.ts). */
    network: FunctionNetwork;
  },
): EventsPath {
  const stack = Stack.of(scope);
  const key = new kms.Key(scope, 'LpaStoreEventsKey', { enableKeyRotation: true, description: 'sirius-gateway LPA Store events queues encryption' });
  // EventBridge sends to an SSE-KMS queue with its own principal, so the key must let it make data
  // keys. This account's rules only (aws:SourceAccount); which rule may send is the queue policy's
  // business below. (Naming the rule here would be a cycle: key -> rule -> queue -> key.)
  key.addToResourcePolicy(
    new iam.PolicyStatement({
      sid: 'EventBridgeSendsToTheEventsQueue',
      principals: [new iam.ServicePrincipal('events.amazonaws.com')],
      actions: ['kms:GenerateDataKey', 'kms:Decrypt'],
      resources: ['*'], // in a key policy, "this key"
      conditions: { StringEquals: { 'aws:SourceAccount': stack.account } },
    }),
  );

  // Kept for inspection: a change the gateway failed to apply 5 times (the store down for long,
  // a bug). Its copy stays served for its time window; redrive once the cause is fixed.
  // Both queues are kept on delete or replacement (RETAIN, tested with the other stateful
  // resources): the dead-letter queue holds changes never applied, the queue those not yet applied.
  const deadLetters = new sqs.Queue(scope, 'LpaStoreEventsDlq', {
    removalPolicy: RemovalPolicy.RETAIN,
    encryption: sqs.QueueEncryption.KMS,
    encryptionMasterKey: key,
    enforceSSL: true,
    retentionPeriod: Duration.days(14),
  });
  const queue = new sqs.Queue(scope, 'LpaStoreEvents', {
    removalPolicy: RemovalPolicy.RETAIN,
    encryption: sqs.QueueEncryption.KMS,
    encryptionMasterKey: key,
    enforceSSL: true,
    visibilityTimeout: Duration.seconds(6 * EVENTS_TIMEOUT.toSeconds()),
    deadLetterQueue: { queue: deadLetters, maxReceiveCount: 5 },
  });

  const bus = events.EventBus.fromEventBusName(scope, 'LpaStoreEventBus', options.context.busName);
  pinLogicalId(key, 'LpaStoreEventsKeyEB4049F1');
  pinLogicalId(deadLetters, 'LpaStoreEventsDlq5E44CA9C');
  pinLogicalId(queue, 'LpaStoreEventsA0B5BDA8');

  const rule = new events.Rule(scope, 'LpaUpdatedRule', {
    eventBus: bus,
    description: 'The LPA Store\'s lpa-updated events, to the sirius-gateway events queue',
    eventPattern: { source: [LPA_UPDATED.source], detailType: [LPA_UPDATED.detailType] },
  });
  // The whole event as the message body. Bound by hand rather than with aws-events-targets'
  // SqsQueue, which for an encrypted queue lets events.amazonaws.com send without naming the rule.
  rule.addTarget({ bind: () => ({ arn: queue.queueArn }) });
  queue.addToResourcePolicy(
    new iam.PolicyStatement({
      sid: 'OnlyTheLpaUpdatedRuleSends',
      principals: [new iam.ServicePrincipal('events.amazonaws.com')],
      actions: ['sqs:SendMessage'],
      resources: [queue.queueArn],
      conditions: { ArnEquals: { 'aws:SourceArn': rule.ruleArn } },
    }),
  );

  options.alarms.notify(
    new cloudwatch.Alarm(scope, 'LpaStoreEventsDeadLetters', {
      alarmName: `${stack.stackName}-LpaStoreEventsDeadLetters`,
      metric: deadLetters.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(1), statistic: 'Maximum' }),
      threshold: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 1,
      // SQS sends the queue's metrics every minute, empty or not: missing data is SQS's gap, not dead letters.
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      alarmDescription: options.alarms.describe(
        'LPA Store lpa-updated events the gateway failed to apply are in the dead-letter queue: inspect, then redrive',
        RUNBOOK.eventsDeadLetters,
      ),
      actionsEnabled: options.alarms.actionsEnabled,
    }),
  );

  const logGroup = new logs.LogGroup(scope, 'EventsLogs', { retention: logs.RetentionDays.ONE_YEAR });
  pinLogicalId(logGroup, 'EventsLogsBA54BBFD');
  const fn = new lambda.Function(scope, 'LpaStoreEventsHandler', {
    runtime: lambda.Runtime.NODEJS_22_X,
    architecture: lambda.Architecture.ARM_64,
    handler: 'events.handler',
    code: lambda.Code.fromAsset(options.codePath),
    memorySize: 512,
    timeout: EVENTS_TIMEOUT,
    logGroup,
    role: functionRole(scope, 'LpaStoreEventsHandlerRole', logGroup),
    environment: options.environment,
    vpc: options.network.vpc,
    vpcSubnets: options.network.vpcSubnets,
    securityGroups: options.network.securityGroups,
  });
  fn.addToRolePolicy(
    new iam.PolicyStatement({
      sid: 'ApplyLpaUpdatesToTheCache',
      actions: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem'],
      resources: [options.cacheTable.tableArn],
    }),
  );
  options.cacheKey.grantEncryptDecrypt(fn);
  acknowledgeTableKeyGrant(fn.role!);
  Validations.of(fn).acknowledge({ id: 'AwsSolutions-L1', reason: RUNTIME_REASON });
  for (const statement of options.lpaStoreGrants()) fn.addToRolePolicy(statement);
  // Receives, deletes and (kms:Decrypt) reads its own queue; at most 5 concurrent batches, so a
  // burst of changes cannot become a burst of store reads.
  fn.addEventSource(
    new SqsEventSource(queue, { batchSize: 10, maxBatchingWindow: Duration.seconds(1), reportBatchItemFailures: true, maxConcurrency: 5 }),
  );
  return { queue, deadLetters, fn };
}
