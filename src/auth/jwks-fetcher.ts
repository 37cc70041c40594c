import type { Fetcher } from 'aws-jwt-verify/https';
import { isHttpsOrLoopback } from '../upstream/secure-url';

/**
 * Fetches JWKS over HTTPS, or over plain HTTP from a loopback address only (the embedded dev
 * issuer and tests). aws-jwt-verify's own fetcher speaks HTTPS only.
 */
export const jwksFetcher: Fetcher = {
  async fetch(uri) {
    const url = new URL(uri);
    if (!isHttpsOrLoopback(url)) {
      throw new Error(`JWKS must be fetched over HTTPS: ${url.origin}`);
    }
    const response = await fetch(url, { signal: AbortSignal.timeout(3_000), headers: { accept: 'application/json' } });
    if (!response.ok) throw new Error(`JWKS fetch answered HTTP ${response.status}`);
    return response.arrayBuffer();
  },
};
