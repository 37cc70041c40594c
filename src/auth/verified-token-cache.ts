import { hash } from 'node:crypto';
import { LRUCache } from 'lru-cache';
import type { TokenVerifier, VerifiedToken } from './token-verifier';

// A machine client sends the same access token on every request until it expires, and checking
// its RSA signature is the costliest step of authentication. A token that verified once is taken
// as verified again until it expires, for at most MAX_TRUST_SECONDS (which bounds how long a
// withdrawn signing key keeps working). Keys are sha256 digests: raw tokens are never kept.
// Failures are never remembered: every bad token is checked in full.

const MAX_ENTRIES = 1000;
const MAX_TRUST_SECONDS = 300;

export function rememberVerifiedTokens(inner: TokenVerifier, now: () => number = Date.now): TokenVerifier {
  const verified = new LRUCache<string, VerifiedToken & { expiresAtMs: number }>({ max: MAX_ENTRIES });
  return {
    hydrate: () => inner.hydrate(),
    async verify(token) {
      const key = hash('sha256', token, 'base64url'); // one-shot: no Hash object per request
      const known = verified.get(key);
      if (known && known.expiresAtMs > now()) return known;
      const result = await inner.verify(token);
      const expiresAtMs = Math.min(result.expiresAt * 1000, now() + MAX_TRUST_SECONDS * 1000);
      if (expiresAtMs > now()) verified.set(key, { ...result, expiresAtMs });
      return result;
    },
  };
}
