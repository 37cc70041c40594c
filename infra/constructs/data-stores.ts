import { RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type { Construct, Node } from 'constructs';
import { ContextError, requiredString } from '../context';
import { pinLogicalId } from './pin';

/** What the gateway keeps: the cache (rebuildable), the activation codes (the record) and the key hashing the codes. */
export interface DataStores {
  cacheKey: kms.Key;
  cache: dynamodb.Table;
  codesKey: kms.Key;
  codes: dynamodb.Table;
  /** Encrypts the codes secret only; its policy is completed by guardCodesSecret. */
  codesSecretKey: kms.Key;
  codesSecret: secretsmanager.Secret;
}

/**
 * Made in `scope` itself (the stack), not in a construct of their own: their logical ids are
 * those they were first deployed with, and pinned so that they stay so.
 */
export function dataStores(scope: Construct): DataStores {
  // The cache: the gateway owns it. TTL deletes expired items; reads check expiry too.
  const cacheKey = new kms.Key(scope, 'CacheKey', { enableKeyRotation: true, description: 'sirius-gateway cache encryption' });
  const cache = new dynamodb.Table(scope, 'Cache', {
    partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING },
    billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
    timeToLiveAttribute: 'expiresAt',
    encryption: dynamodb.TableEncryption.CUSTOMER_MANAGED,
    encryptionKey: cacheKey,
    // No point-in-time recovery: the cache is rebuilt from Sirius and the LPA Store on a miss, and
    // holds personal data meant to live 48 hours; PITR would keep 35 days of it, restorable.
    pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: false },
    deletionProtection: true,
    removalPolicy: RemovalPolicy.RETAIN,
  });

  // Activation codes: the gateway's own record (not a cache), with the same protections. TTL
  // removes codes (and rate-limit and idempotency items) after they can no longer matter.
  const codesKey = new kms.Key(scope, 'CodesKey', { enableKeyRotation: true, description: 'sirius-gateway activation codes encryption' });
  const codes = new dynamodb.Table(scope, 'Codes', {
    partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING },
    billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
    timeToLiveAttribute: 'ttl',
    encryption: dynamodb.TableEncryption.CUSTOMER_MANAGED,
    encryptionKey: codesKey,
    // The record: point-in-time recovery (any second of the last 35 days), and AWS Backup (backup.ts).
    pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
    deletionProtection: true,
    removalPolicy: RemovalPolicy.RETAIN,
  });
  // Keys the HMACs of codes and dates of birth: without it a copy of the table reveals nothing.
  // Its own key, whose policy (codesSecretKeyPolicy, guardCodesSecret) lets only the gateway's role
  // and the break-glass role decrypt it. Never regenerated: its logical id is pinned, and its
  // GenerateSecretString (and lack of a Name: CloudFormation names it after the logical id) are
  // snapshot-tested in test/infra/custody.test.ts; a change to either would replace it.
  const codesSecretKey = new kms.Key(scope, 'CodesSecretKey', {
    enableKeyRotation: true,
    description: 'sirius-gateway activation codes secret encryption (decrypt: the gateway function and break-glass only)',
    policy: codesSecretKeyPolicy(scope),
    removalPolicy: RemovalPolicy.RETAIN,
  });
  const codesSecret = new secretsmanager.Secret(scope, 'CodesSecret', {
    description: 'sirius-gateway: keys activation code hashes (never rotate: existing codes would stop matching)',
    generateSecretString: { passwordLength: 64, excludePunctuation: true },
    removalPolicy: RemovalPolicy.RETAIN,
  });
  // The key is set on the CloudFormation resource, not as `encryptionKey`: given that, the Secret
  // construct adds key policy statements letting the whole account Decrypt (and CreateGrant)
  // through Secrets Manager, which is the AWS managed key's policy and exactly what this key is
  // not to have; and grantRead would add the function's Decrypt the same way. The function's
  // Decrypt is guardCodesSecret's, in the key policy, by its role's ARN.
  (codesSecret.node.defaultChild as secretsmanager.CfnSecret).kmsKeyId = codesSecretKey.keyArn;

  pinLogicalId(cacheKey, 'CacheKeyA9E311EC');
  pinLogicalId(cache, 'Cache18F6EE16');
  pinLogicalId(codesKey, 'CodesKey2436C5CD');
  pinLogicalId(codes, 'CodesF8754664');
  // cdk-nag (AwsSolutions) findings that are decisions.
  Validations.of(cache).acknowledge({
    id: 'AwsSolutions-DDB3',
    reason: 'No PITR on purpose: the cache is rebuilt from Sirius and the LPA Store, and its personal data is meant to live 48 hours; PITR would keep 35 days of it.',
  });
  Validations.of(codesSecret).acknowledge({
    id: 'AwsSolutions-SMG4',
    reason: 'Never rotated: it keys the HMACs of every stored code and date of birth; a new value would make every issued code fail to match. Its policy denies RotateSecret.',
  });
  pinLogicalId(codesSecretKey, 'CodesSecretKey5A1B0D3E');
  pinLogicalId(codesSecret, 'CodesSecret102C4477');
  return { cacheKey, cache, codesKey, codes, codesSecretKey, codesSecret };
}

/** The context key naming the role that may read the codes secret besides the gateway. */
export const BREAK_GLASS_KEY = 'breakGlassRoleArn';
const ROLE_ARN = /^arn:(aws|aws-cn|aws-us-gov):iam::(\d{12}):role\/([\w+=,.@-]+\/)*[\w+=,.@-]{1,64}$/;

/**
 * `breakGlassRoleArn` (required): the IAM role, in this stack's account, that may read the codes
 * secret besides the gateway's function, e.g. `arn:aws:iam::<account>:role/breakglass` (with its
 * path if it has one: the policies compare aws:PrincipalArn, which has it). It must exist before
 * the deploy: KMS refuses a key policy naming a principal that does not.
 */
export function readBreakGlassRoleArn(node: Node, account: string): string {
  const value = requiredString(node, BREAK_GLASS_KEY, 'is required: the one role besides the gateway function that may read the activation codes secret (README.md, Deploying: Key custody)');
  const match = ROLE_ARN.exec(value);
  if (!match) throw new ContextError(BREAK_GLASS_KEY, `must be an IAM role ARN, arn:aws:iam::<account>:role/<path/><name>, no wildcard; got ${JSON.stringify(value)}`);
  if (!/^\$\{Token/.test(account) && match[2] !== account) {
    throw new ContextError(BREAK_GLASS_KEY, `must be a role in this stack's account ${account} (the secret's policy allows none from another); got ${JSON.stringify(value)}`);
  }
  return value;
}

// Administration without use: no Decrypt, Encrypt, GenerateDataKey*, ReEncrypt* or CreateGrant
// (a grant would let an administrator give themselves Decrypt). IAM policies in the account, even
// ones allowing kms:* on *, give nothing more: only this policy's principals may decrypt. An
// administrator can still rewrite this policy; that is PutKeyPolicy, deliberate and in CloudTrail.
const KEY_ADMINISTRATION = [
  'kms:CancelKeyDeletion',
  'kms:CreateAlias',
  'kms:DeleteAlias',
  'kms:DescribeKey',
  'kms:DisableKey',
  'kms:DisableKeyRotation',
  'kms:EnableKey',
  'kms:EnableKeyRotation',
  'kms:GetKeyPolicy',
  'kms:GetKeyRotationStatus',
  'kms:ListGrants',
  'kms:ListKeyPolicies',
  'kms:ListKeyRotations',
  'kms:ListResourceTags',
  'kms:PutKeyPolicy',
  'kms:RetireGrant',
  'kms:RevokeGrant',
  'kms:RotateKeyOnDemand',
  'kms:ScheduleKeyDeletion',
  'kms:TagResource',
  'kms:UntagResource',
  'kms:UpdateAlias',
  'kms:UpdateKeyDescription',
];

/**
 * The codes secret key's policy before the function exists (guardCodesSecret adds the readers):
 * - the account administers the key (IAM decides who), and cannot use it to decrypt;
 * - the account may encrypt with it through Secrets Manager only: CloudFormation creating the
 *   secret (GenerateDataKey) and re-encrypting it when its key changes (Encrypt) act as the
 *   deployer. Encrypting reveals nothing, and the secret's own policy refuses PutSecretValue.
 */
function codesSecretKeyPolicy(scope: Construct): iam.PolicyDocument {
  const stack = Stack.of(scope);
  return new iam.PolicyDocument({
    statements: [
      new iam.PolicyStatement({
        sid: 'AccountAdministersTheKeyButCannotDecrypt',
        principals: [new iam.AccountRootPrincipal()],
        actions: KEY_ADMINISTRATION,
        resources: ['*'], // in a key policy, "this key"
      }),
      new iam.PolicyStatement({
        sid: 'AccountEncryptsThroughSecretsManagerOnly',
        principals: [new iam.AccountRootPrincipal()],
        actions: ['kms:Encrypt', 'kms:GenerateDataKey'],
        resources: ['*'],
        conditions: { StringEquals: { 'kms:ViaService': `secretsmanager.${stack.region}.amazonaws.com`, 'kms:CallerAccount': stack.account } },
      }),
    ],
  });
}

/** Secrets Manager actions that change the secret's value, key, versions or existence. */
export const CODES_SECRET_FROZEN_ACTIONS = [
  'secretsmanager:PutSecretValue',
  'secretsmanager:UpdateSecret',
  'secretsmanager:UpdateSecretVersionStage',
  'secretsmanager:DeleteSecret',
  'secretsmanager:RotateSecret',
  'secretsmanager:CancelRotateSecret',
  'secretsmanager:ReplicateSecretToRegions',
];

/**
 * Who may read the codes secret, on the secret and on its key, once the gateway's role exists:
 * - the key: kms:Decrypt for the gateway's role and the break-glass role, through Secrets Manager;
 * - the secret: GetSecretValue denied to every principal but those two (aws:PrincipalArn: the
 *   role, whichever session), and every change to its value, versions, key or existence denied to
 *   everyone, CloudFormation included (it is RETAIN: CloudFormation never deletes it). To change it
 *   on purpose (a second key, code-store.ts) this policy is changed first, in review.
 * Not denied: RestoreSecret (only undoes a deletion, which is denied anyway), and Put/Delete
 * ResourcePolicy (CloudFormation manages this very policy; denying them would lock it out).
 */
export function guardCodesSecret(stores: DataStores, readers: { gateway: iam.IRole; breakGlassRoleArn: string }): void {
  const stack = Stack.of(stores.codesSecret);
  const readerArns = [readers.gateway.roleArn, readers.breakGlassRoleArn];
  stores.codesSecretKey.addToResourcePolicy(
    new iam.PolicyStatement({
      sid: 'OnlyTheGatewayAndBreakGlassDecryptThroughSecretsManager',
      principals: readerArns.map((arn) => new iam.ArnPrincipal(arn)),
      actions: ['kms:Decrypt'],
      resources: ['*'],
      conditions: { StringEquals: { 'kms:ViaService': `secretsmanager.${stack.region}.amazonaws.com`, 'kms:CallerAccount': stack.account } },
    }),
  );
  stores.codesSecret.addToResourcePolicy(
    new iam.PolicyStatement({
      sid: 'OnlyTheGatewayAndBreakGlassRead',
      effect: iam.Effect.DENY,
      principals: [new iam.AnyPrincipal()],
      actions: ['secretsmanager:GetSecretValue'],
      resources: ['*'], // in a secret's policy, "this secret"
      conditions: { ArnNotEquals: { 'aws:PrincipalArn': readerArns } },
    }),
  );
  stores.codesSecret.addToResourcePolicy(
    new iam.PolicyStatement({
      sid: 'NoOneChangesOrDeletesIt',
      effect: iam.Effect.DENY,
      principals: [new iam.AnyPrincipal()],
      actions: CODES_SECRET_FROZEN_ACTIONS,
      resources: ['*'],
    }),
  );
}
