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
  /** Lifetime of each token; short, as each call gets a fresh one. */
  ttlSeconds?: number;
}

/**
 * Calls to Sirius carry a short-lived HS256 JWT (`session-data`, `iat`, `exp`) in
 * `Authorization: Bearer`, exactly as OPG's REST gateway signed them.
 */
export function createRequestSigner(options: SignerOptions) {
  const ttl = options.ttlSeconds ?? 60;
  return async function authorization(): Promise<string> {
    const key = new TextEncoder().encode(await options.secrets.current());
    const now = Math.floor(Date.now() / 1000);
    const token = await new SignJWT({ 'session-data': options.sessionData })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setIssuedAt(now)
      .setExpirationTime(now + ttl)
      .sign(key);
    return `Bearer ${token}`;
  };
}

export type RequestSigner = ReturnType<typeof createRequestSigner>;

/** A secret given directly (the embedded default, tests). */
export function fixedSecret(secret: string): SecretSource {
  return { current: async () => secret };
}
