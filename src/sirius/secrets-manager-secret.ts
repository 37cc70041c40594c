import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { SecretSource } from './request-signer';
import { once } from '../once';

/** The AWS SDK's Secrets Manager client loads with the first fetch, not at start-up (a Lambda's cold start, issue 17). */
const sdk = once(() => import('./secrets-manager-sdk'));

export interface SecretsManagerSecretOptions {
  secretId: string;
  /** How long a fetched value is used before it is fetched again (rotation lands within this). */
  refreshSeconds: number;
  client?: Pick<SecretsManagerClient, 'send'>;
}

/**
 * The Sirius signing secret from AWS Secrets Manager, by name: fetched on first use, cached, and
 * refreshed in the background of a call once stale. If a refresh fails the last value is kept (a
 * rotation in progress must not take the gateway down); with no value at all the call fails.
 */
export function secretsManagerSecret(options: SecretsManagerSecretOptions): SecretSource {
  let client = options.client;
  let value: string | undefined;
  let fetchedAt = 0;
  let pending: Promise<string> | undefined;

  const fetchSecret = async (): Promise<string> => {
    const { GetSecretValueCommand, SecretsManagerClient } = await sdk();
    client ??= new SecretsManagerClient({});
    const { SecretString } = await client.send(new GetSecretValueCommand({ SecretId: options.secretId }));
    if (!SecretString) throw new Error(`secret ${options.secretId} has no string value`);
    value = SecretString;
    fetchedAt = Date.now();
    return SecretString;
  };

  return {
    async current() {
      const stale = Date.now() - fetchedAt > options.refreshSeconds * 1000;
      if (value !== undefined && !stale) return value;
      pending ??= fetchSecret().finally(() => (pending = undefined));
      if (value === undefined) return pending;
      pending.catch(() => undefined); // keep serving the last value while a refresh fails
      return value;
    },
  };
}
