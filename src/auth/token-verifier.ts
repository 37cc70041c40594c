import { CognitoJwtVerifier, JwtVerifier } from 'aws-jwt-verify';
import { SimpleJwksCache, SimplePenaltyBox } from 'aws-jwt-verify/jwk';
import type { Fetcher } from 'aws-jwt-verify/https';
import type { JwtPayload } from 'aws-jwt-verify/jwt-model';

/** What a verified access token says about the calling service. */
export interface VerifiedToken {
  clientId: string;
  /** Scopes with the resource-server prefix removed, e.g. `lpa.read`. */
  scopes: ReadonlySet<string>;
  /** The token's `exp`, epoch seconds. */
  expiresAt: number;
}

export interface TokenVerifier {
  /** Resolves for a valid token; rejects (with aws-jwt-verify's reason, for logs) otherwise. */
  verify(token: string): Promise<VerifiedToken>;
  /** Fetch the JWKS ahead of the first request. */
  hydrate(): Promise<void>;
}

export type IssuerConfig =
  | { kind: 'cognito'; userPoolId: string }
  | {
      kind: 'oidc';
      issuer: string;
      jwksUri: string;
      /** Expected `aud`. */
      audience: string;
      /** Claim naming the client: `client_id` (Cognito, OAuth 2 JWT profile), `azp` or `appid` (Entra ID). */
      clientIdClaim: string;
    };

export interface VerifierOptions {
  issuer: IssuerConfig;
  /** Client ids the registry knows: Cognito tokens for any other client are refused outright. */
  clientIds: string[];
  /** Resource-server prefix of scope names, e.g. `sirius-gateway/`. */
  scopePrefix: string;
  /** At most one JWKS refetch per this many seconds for an unknown `kid`. */
  jwksRefetchSeconds: number;
  /** Only the embedded dev issuer needs one (plain HTTP on loopback); production uses HTTPS. */
  jwksFetcher?: Fetcher;
}

const ALLOWED_ALGORITHMS = new Set(['RS256', 'RS384', 'RS512', 'ES256', 'ES384', 'ES512']);

export function createTokenVerifier(options: VerifierOptions): TokenVerifier {
  const jwksCache = new SimpleJwksCache({
    penaltyBox: new SimplePenaltyBox({ waitSeconds: options.jwksRefetchSeconds }),
    ...(options.jwksFetcher ? { fetcher: options.jwksFetcher } : {}),
  });
  // aws-jwt-verify checks signature, issuer, audience or client id, exp and nbf, and the
  // algorithm against the key; this also pins the header's alg to asymmetric ones.
  const customJwtCheck = ({ header }: { header: { alg?: string } }) => {
    if (!header.alg || !ALLOWED_ALGORITHMS.has(header.alg)) throw new Error(`algorithm ${header.alg} not allowed`);
  };
  const issuer = options.issuer;
  if (issuer.kind === 'cognito') {
    if (options.clientIds.length === 0) throw new Error('The caller registry names no client ids for the Cognito issuer');
    const verifier = CognitoJwtVerifier.create(
      { userPoolId: issuer.userPoolId, tokenUse: 'access', clientId: options.clientIds, customJwtCheck },
      { jwksCache },
    );
    return {
      hydrate: () => verifier.hydrate(),
      verify: async (token) => {
        const payload = await verifier.verify(token);
        return { clientId: payload.client_id, scopes: scopesOf(payload, options.scopePrefix), expiresAt: payload.exp };
      },
    };
  }
  const verifier = JwtVerifier.create(
    { issuer: issuer.issuer, jwksUri: issuer.jwksUri, audience: issuer.audience, customJwtCheck },
    { jwksCache },
  );
  return {
    hydrate: () => verifier.hydrate(),
    verify: async (token) => {
      const payload = await verifier.verify(token);
      const clientId = payload[issuer.clientIdClaim];
      if (typeof clientId !== 'string' || clientId === '') throw new Error(`token has no ${issuer.clientIdClaim} claim`);
      return { clientId, scopes: scopesOf(payload, options.scopePrefix), expiresAt: expiryOf(payload) };
    },
  };
}

/** aws-jwt-verify has checked `exp` is present and in the future; a token without one is never remembered. */
function expiryOf(payload: JwtPayload): number {
  return typeof payload.exp === 'number' ? payload.exp : 0;
}

/** OAuth `scope` (space separated), Entra's `scp` or app `roles`, stripped of our prefix. */
function scopesOf(payload: JwtPayload, prefix: string): ReadonlySet<string> {
  const raw = [payload.scope, payload.scp, payload.roles].flatMap((value) =>
    typeof value === 'string' ? value.split(' ') : Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [],
  );
  return new Set(raw.filter((scope) => scope.startsWith(prefix)).map((scope) => scope.slice(prefix.length)));
}
