import { RemovalPolicy } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type { Construct } from 'constructs';
import { pinLogicalId } from './pin';

/** What the gateway keeps: the cache (rebuildable), the activation codes (the record) and the key hashing the codes. */
export interface DataStores {
  cacheKey: kms.Key;
  cache: dynamodb.Table;
  codesKey: kms.Key;
  codes: dynamodb.Table;
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
    pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
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
    pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
    removalPolicy: RemovalPolicy.RETAIN,
  });
  // Keys the HMACs of codes and dates of birth: without it a copy of the table reveals nothing.
  const codesSecret = new secretsmanager.Secret(scope, 'CodesSecret', {
    description: 'sirius-gateway: keys activation code hashes (never rotate: existing codes would stop matching)',
    generateSecretString: { passwordLength: 64, excludePunctuation: true },
    removalPolicy: RemovalPolicy.RETAIN,
  });

  pinLogicalId(cacheKey, 'CacheKeyA9E311EC');
  pinLogicalId(cache, 'Cache18F6EE16');
  pinLogicalId(codesKey, 'CodesKey2436C5CD');
  pinLogicalId(codes, 'CodesF8754664');
  pinLogicalId(codesSecret, 'CodesSecret102C4477');
  return { cacheKey, cache, codesKey, codes, codesSecret };
}
