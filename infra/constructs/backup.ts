import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as backup from 'aws-cdk-lib/aws-backup';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as events from 'aws-cdk-lib/aws-events';
import * as kms from 'aws-cdk-lib/aws-kms';
import type { Construct } from 'constructs';
import { pinLogicalId } from './pin';

/**
 * AWS Backup for the activation codes table (the record; the cache is rebuildable and is not
 * backed up). Point-in-time recovery on the table covers any second of the last 35 days; this is
 * the copy that survives what PITR does not: the table's deletion or a bad restore over it, in a
 * vault of its own, under its own key, whose recovery points no one may delete early.
 *
 * - Daily at 03:00 UTC, kept 35 days: the same reach as PITR, outside the table.
 * - Weekly (Sunday 04:00 UTC), kept 90 days: a corruption noticed late (a bad release revoking or
 *   mis-stating codes, seen when letters come back) can still be undone a quarter on. Not a year:
 *   items hold uids and keyed digests of dates of birth, and TTL deletes them 90 days after their
 *   code expires (code-store.ts); a backup keeps what TTL deleted for as long as the backup lives,
 *   so 90 days bounds that afterlife by the same horizon.
 *
 * The vault's key encrypts DynamoDB backups only with AWS Backup's advanced DynamoDB features on
 * (an account setting, `aws backup update-region-settings --resource-type-management-preference
 * DynamoDB=true`); without it DynamoDB keeps them under the table's own key (CodesKey).
 */
export function codesBackup(scope: Construct, codes: dynamodb.Table): { vault: backup.BackupVault; plan: backup.BackupPlan } {
  const vaultKey = new kms.Key(scope, 'BackupVaultKey', {
    enableKeyRotation: true,
    description: 'sirius-gateway backup vault encryption (activation codes backups)',
    removalPolicy: RemovalPolicy.RETAIN,
  });
  const vault = new backup.BackupVault(scope, 'CodesBackupVault', {
    encryptionKey: vaultKey,
    // Denies backup:DeleteRecoveryPoint and UpdateRecoveryPointLifecycle to everyone: backups
    // expire by their rule, never earlier by hand.
    blockRecoveryPointDeletion: true,
    removalPolicy: RemovalPolicy.RETAIN,
  });
  pinLogicalId(vaultKey, 'BackupVaultKey6C3A5E91');
  pinLogicalId(vault, 'CodesBackupVault2F7D41B8');

  const plan = new backup.BackupPlan(scope, 'CodesBackupPlan', {
    backupVault: vault,
    backupPlanRules: [
      new backup.BackupPlanRule({
        ruleName: 'Daily35Days',
        scheduleExpression: events.Schedule.cron({ minute: '0', hour: '3' }),
        deleteAfter: Duration.days(35),
      }),
      new backup.BackupPlanRule({
        ruleName: 'Weekly90Days',
        scheduleExpression: events.Schedule.cron({ minute: '0', hour: '4', weekDay: 'SUN' }),
        deleteAfter: Duration.days(90),
      }),
    ],
  });
  // The codes table only; restores are a deliberate operator action with their own role.
  const selection = plan.addSelection('CodesTable', { resources: [backup.BackupResource.fromDynamoDbTable(codes)], allowRestores: false });
  Validations.of(selection.node.findChild('Role')).acknowledge({
    id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForBackup]',
    reason: "AWS Backup's own service role policy, which AWS keeps current as backup features change; the role is assumable by backup.amazonaws.com only and used for this one selection (the codes table).",
  });
  return { vault, plan };
}
