// Each function role's whole policy, statement by statement: anything added to a role (a wider
// action, a wildcard, another table or secret, a managed policy) fails here. The only `*`
// resource is Lambda's network-interface actions for a VPC function (infra/constructs/function-role.ts).
import { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { EVENT_BUS_ARN, functionRole, LPA_STORE_EVENT_BUS, stackWith, statementsOfRole, STORE_CONTEXT, STORE_KEY_ARN, STORE_SECRET_ARN, STORE_STAGE_ARN } from './support';

const arn = (logicalId: string) => ({ 'Fn::GetAtt': [logicalId, 'Arn'] });
const OWN_LOGS = (logGroup: string) => ({ Sid: 'WriteItsOwnLogs', Effect: 'Allow', Action: ['logs:CreateLogStream', 'logs:PutLogEvents'], Resource: arn(logGroup) });
const NETWORK_INTERFACES = {
  Sid: 'ManageItsVpcNetworkInterfaces',
  Effect: 'Allow',
  Action: ['ec2:AssignPrivateIpAddresses', 'ec2:CreateNetworkInterface', 'ec2:DeleteNetworkInterface', 'ec2:DescribeNetworkInterfaces', 'ec2:DescribeSubnets', 'ec2:UnassignPrivateIpAddresses'],
  Resource: '*',
};
const TABLE_KEY_ACTIONS = ['kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey*', 'kms:ReEncrypt*'];
const STORE_READS = [
  { Sid: 'InvokeLpaStoreReads', Effect: 'Allow', Action: 'execute-api:Invoke', Resource: [`${STORE_STAGE_ARN}/GET/lpas/M-????-????-????`, `${STORE_STAGE_ARN}/POST/lpas`] },
  { Sid: 'ReadLpaStoreJwtSecret', Effect: 'Allow', Action: 'secretsmanager:GetSecretValue', Resource: STORE_SECRET_ARN },
  { Sid: 'DecryptLpaStoreJwtSecret', Effect: 'Allow', Action: 'kms:Decrypt', Resource: STORE_KEY_ARN, Condition: { StringEquals: { 'kms:ViaService': 'secretsmanager.eu-west-1.amazonaws.com' } } },
];
const GATEWAY_BASE = [
  OWN_LOGS('Logs6819BB44'),
  NETWORK_INTERFACES,
  { Effect: 'Allow', Action: ['dynamodb:DeleteItem', 'dynamodb:GetItem', 'dynamodb:PutItem'], Resource: arn('Cache18F6EE16') },
  { Effect: 'Allow', Action: ['dynamodb:DeleteItem', 'dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'], Resource: arn('CodesF8754664') },
  { Effect: 'Allow', Action: TABLE_KEY_ACTIONS, Resource: [arn('CacheKeyA9E311EC'), arn('CodesKey2436C5CD')] },
  {
    Effect: 'Allow',
    Action: ['secretsmanager:DescribeSecret', 'secretsmanager:GetSecretValue'],
    Resource: ['arn:aws:secretsmanager:eu-west-2:123456789012:secret:sirius-gateway/sirius-jwt-secret-??????', { Ref: 'CodesSecret102C4477' }],
  },
];

let siriusOnly: Template;
let full: Template;
beforeAll(() => {
  siriusOnly = Template.fromStack(stackWith({}, 'RolesSiriusOnly'));
  full = Template.fromStack(stackWith({ ...STORE_CONTEXT, eventBusArn: EVENT_BUS_ARN, lpaStoreEventBusName: LPA_STORE_EVENT_BUS }, 'RolesFull'));
}, 120_000);

describe('the function roles, whole', () => {
  it("the gateway's, Sirius only: its own logs, its network interfaces, its two tables and their keys, its two secrets; nothing else", () => {
    expect(statementsOfRole(siriusOnly, functionRole(siriusOnly))).toEqual(GATEWAY_BASE);
  });

  it("the gateway's, with the LPA Store and the event bus: the store's two reads, its secret and key, and one event on one bus, added", () => {
    expect(statementsOfRole(full, functionRole(full))).toEqual([
      ...GATEWAY_BASE,
      ...STORE_READS,
      {
        Sid: 'PutActivationKeyRequestedEvents',
        Effect: 'Allow',
        Action: 'events:PutEvents',
        Resource: EVENT_BUS_ARN,
        Condition: { StringEquals: { 'events:source': 'opg.poas.use', 'events:detail-type': 'activation-key-requested' } },
      },
    ]);
  });

  it("the events function's: its own logs, its network interfaces, the cache and its key, the store's reads, and its own queue", () => {
    expect(statementsOfRole(full, functionRole(full, 'events.handler'))).toEqual([
      OWN_LOGS('EventsLogsBA54BBFD'),
      NETWORK_INTERFACES,
      { Sid: 'ApplyLpaUpdatesToTheCache', Effect: 'Allow', Action: ['dynamodb:DeleteItem', 'dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'], Resource: arn('Cache18F6EE16') },
      { Effect: 'Allow', Action: TABLE_KEY_ACTIONS, Resource: arn('CacheKeyA9E311EC') },
      ...STORE_READS,
      { Effect: 'Allow', Action: ['sqs:ChangeMessageVisibility', 'sqs:DeleteMessage', 'sqs:GetQueueAttributes', 'sqs:GetQueueUrl', 'sqs:ReceiveMessage'], Resource: arn('LpaStoreEventsA0B5BDA8') },
      { Effect: 'Allow', Action: 'kms:Decrypt', Resource: arn('LpaStoreEventsKeyEB4049F1') },
    ]);
  });

  it('no function role has a managed policy or an inline policy of its own: every grant is in the statements above', () => {
    for (const t of [siriusOnly, full]) {
      for (const handler of ['lambda.handler', ...(t === full ? ['events.handler'] : [])]) {
        const role = t.toJSON().Resources[functionRole(t, handler).Ref];
        expect(role.Properties.ManagedPolicyArns, handler).toBeUndefined();
        expect(role.Properties.Policies, handler).toBeUndefined();
        expect(role.Properties.AssumeRolePolicyDocument.Statement).toEqual([{ Action: 'sts:AssumeRole', Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' } }]);
      }
      // ...and the roles' policies are attached to that role only.
      for (const policy of Object.values(t.findResources('AWS::IAM::Policy'))) expect(policy.Properties.Roles).toHaveLength(1);
    }
  });
});

describe('the logs', () => {
  it('every log group (the functions’, the access log) keeps a year of logs and is kept when the stack goes', () => {
    const groups = Object.entries(full.findResources('AWS::Logs::LogGroup'));
    expect(groups.map(([id]) => id).sort()).toEqual([expect.stringMatching(/^ApiAccessLogs/), 'EventsLogsBA54BBFD', 'Logs6819BB44']);
    for (const [id, group] of groups) {
      expect(group.Properties.RetentionInDays, id).toBe(365);
      expect(group.DeletionPolicy, id).toBe('Retain');
    }
  });
});
