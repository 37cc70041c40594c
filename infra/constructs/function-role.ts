import { Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct, IConstruct } from 'constructs';

/** The network-interface actions Lambda takes with a VPC function's role (AWSLambdaVPCAccessExecutionRole's, without its logs:*). */
export const VPC_NETWORK_INTERFACE_ACTIONS = [
  'ec2:AssignPrivateIpAddresses',
  'ec2:CreateNetworkInterface',
  'ec2:DeleteNetworkInterface',
  'ec2:DescribeNetworkInterfaces',
  'ec2:DescribeSubnets',
  'ec2:UnassignPrivateIpAddresses',
] as const;

/**
 * A Lambda function's execution role, written out rather than CDK's default (which attaches
 * AWSLambdaBasicExecutionRole and, in a VPC, AWSLambdaVPCAccessExecutionRole: both grant
 * logs:CreateLogGroup, CreateLogStream and PutLogEvents on every log group in the account).
 * Here: write to its own log group only (which the stack creates, so no CreateLogGroup), and the
 * network-interface actions Lambda needs to put the function in the VPC. The function's grants
 * (tables, keys, secrets, upstreams) are added to it by whoever makes the function.
 */
export function functionRole(scope: Construct, id: string, logGroup: logs.ILogGroup): iam.Role {
  const role = new iam.Role(scope, id, { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
  role.addToPolicy(
    new iam.PolicyStatement({
      sid: 'WriteItsOwnLogs',
      actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
      // The group's ARN ends in `:*`: its log streams, and no other group's.
      resources: [logGroup.logGroupArn],
    }),
  );
  role.addToPolicy(new iam.PolicyStatement({ sid: 'ManageItsVpcNetworkInterfaces', actions: [...VPC_NETWORK_INTERFACE_ACTIONS], resources: ['*'] }));
  Validations.of(role).acknowledge({
    id: 'AwsSolutions-IAM5[Resource::*]',
    reason:
      "Lambda's network-interface actions for a VPC function (AWS's AWSLambdaVPCAccessExecutionRole grants the same on *): the describes have no resource-level permissions, and the interfaces Lambda creates have ids unknown until then.",
  });
  return role;
}

/**
 * cdk-nag flags the `kms:GenerateDataKey*` and `kms:ReEncrypt*` of CDK's encrypt-and-decrypt grant
 * on a table's key: action variants on that one key (the statement's only resource), which is
 * what DynamoDB documents for reading and writing a table encrypted with a customer managed key.
 */
export function acknowledgeTableKeyGrant(role: IConstruct): void {
  for (const action of ['kms:GenerateDataKey*', 'kms:ReEncrypt*']) {
    Validations.of(role).acknowledge({ id: `AwsSolutions-IAM5[Action::${action}]`, reason: `${action} on the table's own key only (CDK's grantEncryptDecrypt for a customer-managed-key table).` });
  }
}

/** Lambda's newest Node.js runtime may be ahead of what the gateway is built and tested on (Node 20 and 22). */
export const RUNTIME_REASON = 'Node.js 22 is the runtime the bundle is built for and tested on (scripts/build.mjs, CI); a newer runtime is adopted deliberately, after its tests pass.';
