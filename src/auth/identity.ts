import type { GatewayConfig } from '../config/config';
import type { RegistryContext } from './caller-registry';
import { CallerRegistry } from './caller-registry';
import { jwksFetcher } from './jwks-fetcher';
import { rememberVerifiedTokens } from './verified-token-cache';
import { createTokenVerifier, type IssuerConfig, type TokenVerifier } from './token-verifier';

/** The issuer and registry the gateway trusts, from configuration or from the embedded dev stack. */
export interface IdentitySetup {
  verifier: TokenVerifier;
  registry: CallerRegistry;
}

export interface DevIdentity {
  issuer: IssuerConfig;
  scopePrefix: string;
  registry: unknown;
}

export function createIdentity(config: GatewayConfig, context: RegistryContext, dev?: DevIdentity): IdentitySetup {
  const issuer = config.auth.issuer ?? dev?.issuer;
  if (!issuer) throw new Error('No token issuer configured (AUTH_ISSUER) and no embedded dev issuer running');
  const registry =
    config.auth.callerRegistryFile !== undefined
      ? CallerRegistry.fromFile(config.auth.callerRegistryFile, context)
      : config.auth.callerRegistryJson !== undefined
        ? CallerRegistry.fromJson(config.auth.callerRegistryJson, 'CALLER_REGISTRY_JSON', context)
        : CallerRegistry.parse(dev?.registry, context);
  const verifier = rememberVerifiedTokens(
    createTokenVerifier({
      issuer,
      clientIds: registry.clientIds(),
      scopePrefix: config.auth.issuer ? config.auth.scopePrefix : (dev?.scopePrefix ?? config.auth.scopePrefix),
      jwksRefetchSeconds: config.auth.jwksRefetchSeconds,
      jwksFetcher,
    }),
  );
  return { verifier, registry };
}
