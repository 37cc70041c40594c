import { SignJWT } from 'jose';

/** Where the HMAC secret for signing calls to Sirius comes from. */
export interface SecretSource {
  /** The current secret; implementations cache and refresh it. */
  current(): Promise<string>;
}

export interface SignerOptions {
  secrets: SecretSource;
  /** Who Sirius should see as the caller, as OPG's gateway sent it (`session-data`). */
  sessionData: string;
  /** Lifetime of each token; short. */
  ttlSeconds?: number;
  /**
   * A signed token is reused until this long before it expires, so that it never reaches Sirius
   * about to expire (clock skew, a slow call, retries within the deadline). When it is not
   * shorter than the lifetime, every call gets a fresh token.
   */
  renewBeforeExpirySeconds?: number;
  /** Epoch milliseconds (tests). */
  now?: () => number;
}

/**
 * Calls to Sirius carry a short-lived HS256 JWT (`session-data`, `iat`, `exp`) in
 * `Authorization: Bearer`, exactly as OPG's REST gateway signed them. Signing costs a few hundred
 * microseconds (WebCrypto), so a token is reused for most of its life (by default the first 45 of
 * its 60 seconds) rather than signed per call: the same claims, the same secret. It is kept for
 * the secret it was signed with: once `secrets.current()` answers another value (a rotation), the
 * next call signs afresh with it.
 */
export function createRequestSigner(options: SignerOptions) {
  const ttl = options.ttlSeconds ?? 60;
  const renewBefore = options.renewBeforeExpirySeconds ?? 15;
  const now = options.now ?? Date.now;
  let kept: { secret: string; authorization: string; renewAt: number } | undefined;
  // Concurrent calls with one secret share one signing.
  let signing: { secret: string; authorization: Promise<string> } | undefined;

  const sign = async (secret: string, nowMs: number): Promise<string> => {
    const issuedAt = Math.floor(nowMs / 1000);
    const token = await new SignJWT({ 'session-data': options.sessionData })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setIssuedAt(issuedAt)
      .setExpirationTime(issuedAt + ttl)
      .sign(new TextEncoder().encode(secret));
    const authorization = `Bearer ${token}`;
    // Renewed in time by the expiry as signed (whole seconds): never used within `renewBefore` of it.
    if (renewBefore < ttl) kept = { secret, authorization, renewAt: (issuedAt + ttl - renewBefore) * 1000 };
    return authorization;
  };

  return async function authorization(): Promise<string> {
    const secret = await options.secrets.current();
    const nowMs = now();
    if (kept !== undefined && kept.secret === secret && nowMs < kept.renewAt) return kept.authorization;
    if (signing?.secret !== secret) {
      const current = { secret, authorization: sign(secret, nowMs) };
      signing = current;
      void current.authorization.finally(() => {
        if (signing === current) signing = undefined;
      }).catch(() => undefined);
    }
    return signing.authorization;
  };
}

export type RequestSigner = ReturnType<typeof createRequestSigner>;

/** A secret given directly (the embedded default, tests). */
export function fixedSecret(secret: string): SecretSource {
  return { current: async () => secret };
}
