import { CognitoJwtVerifier, JwtVerifier } from 'aws-jwt-verify';
import { SimpleJwksCache, SimplePenaltyBox } from 'aws-jwt-verify/jwk';
import type { Fetcher } from 'aws-jwt-verify/https';
import type { JwtHeader, JwtPayload } from 'aws-jwt-verify/jwt-model';

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
      /** The claim that marks an access token, for issuers that set neither `typ: at+jwt` nor
       *  `token_use: access` (Entra ID: `idtyp=app`). Undefined: one of those two is required. */
      accessTokenClaim?: AccessTokenClaim;
    };

export interface AccessTokenClaim {
  name: string;
  value: string;
}

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
  const issuer = options.issuer;
  if (issuer.kind === 'cognito') {
    if (options.clientIds.length === 0) throw new Error('The caller registry names no client ids for the Cognito issuer');
    // tokenUse: 'access' refuses Cognito's ID tokens.
    const verifier = CognitoJwtVerifier.create(
      { userPoolId: issuer.userPoolId, tokenUse: 'access', clientId: options.clientIds, customJwtCheck: checkEveryToken },
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
  const customJwtCheck = (jwt: Jwt) => {
    checkEveryToken(jwt);
    checkAccessToken(jwt, issuer.accessTokenClaim);
  };
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

interface Jwt {
  header: JwtHeader;
  payload: JwtPayload;
}

/**
 * aws-jwt-verify checks the signature, issuer, audience or client id, the algorithm against the
 * key, and `exp` and `nbf` only when present. Every token must also be signed with an asymmetric
 * algorithm, carry `exp` (else it would be good forever) and `iat`, and not be an ID token.
 */
function checkEveryToken({ header, payload }: Jwt): void {
  if (!header.alg || !ALLOWED_ALGORITHMS.has(header.alg)) throw new Error(`algorithm ${header.alg} not allowed`);
  if (payload.exp === undefined) throw new Error('token has no exp');
  if (payload.iat === undefined) throw new Error('token has no iat');
  // OpenID Connect puts a nonce only in ID tokens, which say who signed in, not what may be called;
  // a token that calls itself anything but an access token is refused whatever else it carries.
  if (payload.nonce !== undefined) throw new Error('token has a nonce: an ID token, not an access token');
  if (payload.token_use !== undefined && payload.token_use !== 'access') throw new Error(`token_use ${String(payload.token_use)}: not an access token`);
}

/** RFC 9068 access tokens say `typ: at+jwt` (media type, case-insensitive, optionally `application/`);
 *  Cognito's and others' say `token_use: access`; some issuers only a claim of their own. */
function checkAccessToken({ header, payload }: Jwt, claim: AccessTokenClaim | undefined): void {
  if (claim) {
    if (payload[claim.name] !== claim.value) throw new Error(`not an access token: no ${claim.name}=${claim.value} claim`);
    return;
  }
  const typ = typeof header.typ === 'string' ? header.typ.toLowerCase() : undefined;
  if (typ !== 'at+jwt' && typ !== 'application/at+jwt' && payload.token_use !== 'access') {
    throw new Error('not an access token: neither typ at+jwt nor token_use access');
  }
}

/** checkEveryToken has refused a token without `exp`; this only tells the type checker so. */
function expiryOf(payload: JwtPayload): number {
  if (payload.exp === undefined) throw new Error('token has no exp');
  return payload.exp;
}

/** OAuth `scope` (space separated), Entra's `scp` or app `roles`, stripped of our prefix. */
function scopesOf(payload: JwtPayload, prefix: string): ReadonlySet<string> {
  const raw = [payload.scope, payload.scp, payload.roles].flatMap((value) =>
    typeof value === 'string' ? value.split(' ') : Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [],
  );
  return new Set(raw.filter((scope) => scope.startsWith(prefix)).map((scope) => scope.slice(prefix.length)));
}
