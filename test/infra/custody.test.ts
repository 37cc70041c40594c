// Key custody of the activation codes secret, data protection (deletion protection, PITR, AWS
// Backup), and the logical ids of every stateful resource (infra/constructs/data-stores.ts, backup.ts).
import { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { actionsOf, BASE_CONTEXT, EVENT_BUS_ARN, functionRole, idOf, LPA_STORE_EVENT_BUS, stackWith, statementsOf, STORE_CONTEXT, type Statement } from './support';

const BREAK_GLASS = BASE_CONTEXT.breakGlassRoleArn as string;

let template: Template;
/** Everything configured: the LPA Store, the event bus and the events path. */
let full: Template;
beforeAll(() => {
  template = Template.fromStack(stackWith({}, 'CustodyBase'));
  full = Template.fromStack(stackWith({ ...STORE_CONTEXT, eventBusArn: EVENT_BUS_ARN, lpaStoreEventBusName: LPA_STORE_EVENT_BUS }, 'CustodyFull'));
}, 180_000);

interface PolicyStatement extends Statement {
  Principal?: unknown;
}
const resource = (t: Template, id: string) => t.toJSON().Resources[id] as { Type: string; Properties: Record<string, any>; DeletionPolicy?: string; UpdateReplacePolicy?: string };
const roleArn = (role: { Ref: string }) => ({ 'Fn::GetAtt': [role.Ref, 'Arn'] });
const principalsOf = (s: PolicyStatement): unknown[] => [((s.Principal ?? {}) as { AWS?: unknown }).AWS ?? []].flat();

describe('infra: the activation codes secret, never regenerated', () => {
  it('is CodesSecret102C4477 with exactly the properties it was created with, and its own key: a change to GenerateSecretString or a Name would replace it', () => {
    for (const t of [template, full]) {
      expect(Object.keys(t.findResources('AWS::SecretsManager::Secret'))).toEqual(['CodesSecret102C4477']);
      const secret = resource(t, 'CodesSecret102C4477');
      // The whole resource: the secret's policy denies UpdateSecret, so any change here would fail the deploy, and a
      // change to GenerateSecretString or Name would make CloudFormation replace it (a new value: every code lost).
      expect(secret).toEqual({
        Type: 'AWS::SecretsManager::Secret',
        Properties: {
          Description: 'sirius-gateway: keys activation code hashes (never rotate: existing codes would stop matching)',
          GenerateSecretString: { ExcludePunctuation: true, PasswordLength: 64 },
          KmsKeyId: { 'Fn::GetAtt': ['CodesSecretKey5A1B0D3E', 'Arn'] },
        },
        UpdateReplacePolicy: 'Retain',
        DeletionPolicy: 'Retain',
      });
      t.resourceCountIs('AWS::SecretsManager::RotationSchedule', 0);
    }
  });

  it('its key rotates, is kept, and is used for nothing else', () => {
    const key = resource(full, 'CodesSecretKey5A1B0D3E');
    expect(key).toMatchObject({ Type: 'AWS::KMS::Key', DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain', Properties: { EnableKeyRotation: true } });
    // The secret's KmsKeyId only (no table, queue, log group, alarm or IAM statement names it).
    const users = Object.entries(full.toJSON().Resources as Record<string, unknown>).filter(([id, r]) => id !== 'CodesSecretKey5A1B0D3E' && JSON.stringify(r).includes('CodesSecretKey5A1B0D3E'));
    expect(users.map(([id]) => id)).toEqual(['CodesSecret102C4477']);
  });

  it("its key policy allows kms:Decrypt to the gateway's role and the break-glass role only, through Secrets Manager only; the account administers without using it", () => {
    for (const t of [template, full]) {
      const statements = resource(t, 'CodesSecretKey5A1B0D3E').Properties.KeyPolicy.Statement as PolicyStatement[];
      const gateway = roleArn(functionRole(t));
      // cdk.json's @aws-cdk/core:enablePartitionLiterals: the account root as a literal ARN, not a join on AWS::Partition.
      const root = 'arn:aws:iam::123456789012:root';
      const viaSecretsManager = { StringEquals: { 'kms:ViaService': 'secretsmanager.eu-west-2.amazonaws.com', 'kms:CallerAccount': '123456789012' } };
      expect(statements.every((s) => s.Effect === 'Allow')).toBe(true);
      // Whatever reveals the plaintext: only the one statement, to the two roles, via Secrets Manager.
      const decrypting = statements.filter((s) => actionsOf(s).some((a) => /^kms:(\*|Decrypt|ReEncrypt|CreateGrant|GenerateDataKeyWithoutPlaintext)/.test(a) || a === '*'));
      expect(decrypting).toEqual([
        {
          Sid: 'OnlyTheGatewayAndBreakGlassDecryptThroughSecretsManager',
          Effect: 'Allow',
          // Sorted (cdk.json's @aws-cdk/aws-iam:minimizePolicies): the literal ARN before the role's Fn::GetAtt.
          Principal: { AWS: [BREAK_GLASS, gateway] },
          Action: 'kms:Decrypt',
          Resource: '*',
          Condition: viaSecretsManager,
        },
      ]);
      // The account (so IAM, so any "kms:* on *" role): administration, and encryption through Secrets Manager.
      const forTheAccount = statements.filter((s) => principalsOf(s).some((p) => JSON.stringify(p) === JSON.stringify(root)));
      expect(forTheAccount.map((s) => s.Sid)).toEqual(['AccountAdministersTheKeyButCannotDecrypt', 'AccountEncryptsThroughSecretsManagerOnly']);
      expect(forTheAccount[1]).toMatchObject({ Action: ['kms:Encrypt', 'kms:GenerateDataKey'], Condition: viaSecretsManager });
      for (const action of actionsOf(forTheAccount[0]!)) expect(action).not.toMatch(/\*|Decrypt|Encrypt|GenerateDataKey|ReEncrypt|CreateGrant|Sign|Mac/);
      expect(statements).toHaveLength(3);
    }
  });

  it('no IAM statement in the stack names the codes secret key (decryption is the key policy’s alone)', () => {
    for (const t of [template, full]) expect(JSON.stringify(statementsOf(t))).not.toContain('CodesSecretKey');
  });

  it("its resource policy denies GetSecretValue to every principal but the gateway's role and the break-glass role, and every change to anyone", () => {
    for (const t of [template, full]) {
      const policies = Object.values(t.findResources('AWS::SecretsManager::ResourcePolicy'));
      expect(policies).toHaveLength(1);
      expect(policies[0]!.Properties.SecretId).toEqual({ Ref: 'CodesSecret102C4477' });
      expect(policies[0]!.Properties.ResourcePolicy.Statement).toEqual([
        {
          Sid: 'OnlyTheGatewayAndBreakGlassRead',
          Effect: 'Deny',
          Principal: { AWS: '*' },
          Action: 'secretsmanager:GetSecretValue',
          Resource: '*',
          Condition: { ArnNotEquals: { 'aws:PrincipalArn': [roleArn(functionRole(t)), BREAK_GLASS] } },
        },
        {
          Sid: 'NoOneChangesOrDeletesIt',
          Effect: 'Deny',
          Principal: { AWS: '*' },
          // Sorted (cdk.json's @aws-cdk/aws-iam:minimizePolicies).
          Action: [
            'secretsmanager:CancelRotateSecret',
            'secretsmanager:DeleteSecret',
            'secretsmanager:PutSecretValue',
            'secretsmanager:ReplicateSecretToRegions',
            'secretsmanager:RotateSecret',
            'secretsmanager:UpdateSecret',
            'secretsmanager:UpdateSecretVersionStage',
          ],
          Resource: '*',
        },
      ]);
    }
  });

  it("the events function's role is not a reader: it is in neither policy", () => {
    const events = JSON.stringify(roleArn(functionRole(full, 'events.handler')));
    expect(JSON.stringify(resource(full, 'CodesSecretKey5A1B0D3E').Properties.KeyPolicy)).not.toContain(events);
    expect(JSON.stringify(full.findResources('AWS::SecretsManager::ResourcePolicy'))).not.toContain(events);
  });

  it.each([
    ['no break-glass role', { breakGlassRoleArn: undefined }, /^context breakGlassRoleArn is required/],
    ['a wildcard role', { breakGlassRoleArn: 'arn:aws:iam::123456789012:role/*' }, /^context breakGlassRoleArn must be an IAM role ARN/],
    ['a user, not a role', { breakGlassRoleArn: 'arn:aws:iam::123456789012:user/admin' }, /^context breakGlassRoleArn must be an IAM role ARN/],
    ['a role name, not an ARN', { breakGlassRoleArn: 'breakglass' }, /^context breakGlassRoleArn must be an IAM role ARN/],
    ['a role in another account', { breakGlassRoleArn: 'arn:aws:iam::111122223333:role/breakglass' }, /^context breakGlassRoleArn must be a role in this stack's account 123456789012/],
  ])('refuses at synth %s, naming the key', (_, context, error) => {
    expect(() => stackWith(context, 'CustodyRefused')).toThrow(error);
  }, 60_000);

  it('takes a role with a path (aws:PrincipalArn carries it)', () => {
    const arn = 'arn:aws:iam::123456789012:role/aws-reserved/sso.amazonaws.com/eu-west-2/AWSReservedSSO_BreakGlass_0123456789abcdef';
    const t = Template.fromStack(stackWith({ breakGlassRoleArn: arn }, 'CustodyPath'));
    expect(JSON.stringify(t.findResources('AWS::SecretsManager::ResourcePolicy'))).toContain(arn);
  }, 60_000);
});

describe('infra: data protection', () => {
  const table = (t: Template, prefix: string) => resource(t, idOf(t, 'AWS::DynamoDB::Table', prefix));

  it('both tables have deletion protection', () => {
    for (const prefix of ['Cache', 'Codes']) expect(table(template, prefix).Properties.DeletionProtectionEnabled, prefix).toBe(true);
  });

  it('the codes table keeps point-in-time recovery; the cache has none (rebuildable, and its personal data is meant to live 48 hours)', () => {
    expect(table(template, 'Codes').Properties.PointInTimeRecoverySpecification).toEqual({ PointInTimeRecoveryEnabled: true });
    expect(table(template, 'Cache').Properties.PointInTimeRecoverySpecification).toEqual({ PointInTimeRecoveryEnabled: false });
  });

  it('backs up the codes table only, daily kept 35 days and weekly kept 90, to a kept vault under its own rotating key that refuses early deletion', () => {
    const vault = resource(template, 'CodesBackupVault2F7D41B8');
    expect(vault).toMatchObject({ Type: 'AWS::Backup::BackupVault', DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' });
    expect(vault.Properties.EncryptionKeyArn).toEqual({ 'Fn::GetAtt': ['BackupVaultKey6C3A5E91', 'Arn'] });
    expect(vault.Properties.AccessPolicy.Statement).toEqual([
      { Effect: 'Deny', Principal: { AWS: '*' }, Action: ['backup:DeleteRecoveryPoint', 'backup:UpdateRecoveryPointLifecycle'], Resource: '*' },
    ]);
    expect(resource(template, 'BackupVaultKey6C3A5E91')).toMatchObject({ DeletionPolicy: 'Retain', Properties: { EnableKeyRotation: true } });

    const plans = Object.values(template.findResources('AWS::Backup::BackupPlan'));
    expect(plans).toHaveLength(1);
    const target = { 'Fn::GetAtt': ['CodesBackupVault2F7D41B8', 'BackupVaultName'] };
    expect(plans[0]!.Properties.BackupPlan.BackupPlanRule).toEqual([
      { RuleName: 'Daily35Days', ScheduleExpression: 'cron(0 3 * * ? *)', Lifecycle: { DeleteAfterDays: 35 }, TargetBackupVault: target },
      { RuleName: 'Weekly90Days', ScheduleExpression: 'cron(0 4 ? * SUN *)', Lifecycle: { DeleteAfterDays: 90 }, TargetBackupVault: target },
    ]);
    const selections = Object.values(full.findResources('AWS::Backup::BackupSelection'));
    expect(selections).toHaveLength(1);
    expect(selections[0]!.Properties.BackupSelection.Resources).toEqual([{ 'Fn::GetAtt': [idOf(full, 'AWS::DynamoDB::Table', 'Codes'), 'Arn'] }]);
    expect(selections[0]!.Properties.BackupSelection.ListOfTags).toBeUndefined();
    expect(selections[0]!.Properties.BackupSelection.Conditions).toBeUndefined();
  });
});

describe('infra: stateful resources keep their logical ids', () => {
  const STATEFUL_TYPES = [
    'AWS::DynamoDB::Table',
    'AWS::KMS::Key',
    'AWS::SecretsManager::Secret',
    'AWS::Cognito::UserPool',
    'AWS::Logs::LogGroup',
    'AWS::SQS::Queue',
    'AWS::Backup::BackupVault',
  ];

  it('the stateful resources of a fully configured stack are exactly these, each kept on delete and on replacement', () => {
    // Written out, not a snapshot file: a change here is a reviewed change of what CloudFormation
    // would replace (losing its contents) or orphan. A new stateful resource is added here, pinned
    // with pinLogicalId (infra/constructs/pin.ts); an id here never changes.
    const expected: Record<string, string> = {
      AlarmsKey8B9C40AB: 'AWS::KMS::Key',
      ApiAccessLogsE9DF007D: 'AWS::Logs::LogGroup',
      BackupVaultKey6C3A5E91: 'AWS::KMS::Key',
      Cache18F6EE16: 'AWS::DynamoDB::Table',
      CacheKeyA9E311EC: 'AWS::KMS::Key',
      Callers8F14BAB6: 'AWS::Cognito::UserPool',
      CodesBackupVault2F7D41B8: 'AWS::Backup::BackupVault',
      CodesF8754664: 'AWS::DynamoDB::Table',
      CodesKey2436C5CD: 'AWS::KMS::Key',
      CodesSecret102C4477: 'AWS::SecretsManager::Secret',
      CodesSecretKey5A1B0D3E: 'AWS::KMS::Key',
      EventsLogsBA54BBFD: 'AWS::Logs::LogGroup',
      Logs6819BB44: 'AWS::Logs::LogGroup',
      LpaStoreEventsA0B5BDA8: 'AWS::SQS::Queue',
      LpaStoreEventsDlq5E44CA9C: 'AWS::SQS::Queue',
      LpaStoreEventsKeyEB4049F1: 'AWS::KMS::Key',
    };
    const resources = full.toJSON().Resources as Record<string, { Type: string; DeletionPolicy?: string; UpdateReplacePolicy?: string }>;
    const stateful = Object.fromEntries(
      Object.entries(resources)
        .filter(([, r]) => STATEFUL_TYPES.includes(r.Type))
        .map(([id, r]) => [id, r.Type]),
    );
    expect(stateful).toEqual(expected);
    for (const id of Object.keys(expected)) {
      expect(resources[id]!.DeletionPolicy, id).toBe('Retain');
      expect(resources[id]!.UpdateReplacePolicy, id).toBe('Retain');
    }
  });
});
