import type { GatewayConfig } from './config';
import { fixedSecret, type SecretSource } from '../sirius/request-signer';
import { secretsManagerSecret } from '../sirius/secrets-manager-secret';

type ConfiguredSecret = GatewayConfig['sirius']['signingSecret'];

/** A secret from Secrets Manager by name, a literal (tests), or the embedded stack's. */
export function secretSource(configured: ConfiguredSecret, embeddedSecret: string | undefined, setting: string): SecretSource {
  if (configured?.kind === 'secrets-manager') {
    return secretsManagerSecret({ secretId: configured.name, refreshSeconds: configured.refreshSeconds });
  }
  const secret = configured?.value ?? embeddedSecret;
  if (secret === undefined) throw new Error(`No secret configured: set ${setting}`);
  return fixedSecret(secret);
}
