import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { Fetcher } from 'aws-jwt-verify/https';
import { isHttpsOrLoopback } from '../upstream/secure-url';

/**
 * Fetches JWKS over HTTPS, or over plain HTTP from a loopback address only (the embedded dev
 * issuer and tests). aws-jwt-verify's own fetcher speaks HTTPS only. node:http(s), not the global
 * `fetch`: that loads Node's bundled undici and compiles its WebAssembly parser, about 170 ms of a
 * cold Lambda's CPU (issue 17). Like aws-jwt-verify's fetcher, it follows no redirects.
 */
export const jwksFetcher: Fetcher = {
  fetch(uri) {
    const url = new URL(uri);
    if (!isHttpsOrLoopback(url)) {
      return Promise.reject(new Error(`JWKS must be fetched over HTTPS: ${url.origin}`));
    }
    const request = url.protocol === 'https:' ? httpsRequest : httpRequest;
    return new Promise<ArrayBuffer>((resolve, reject) => {
      const sent = request(url, { headers: { accept: 'application/json' }, signal: AbortSignal.timeout(3_000) }, (response) => {
        const status = response.statusCode ?? 0;
        if (status < 200 || status > 299) {
          response.resume();
          reject(new Error(`JWKS fetch answered HTTP ${status}`));
          return;
        }
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('error', reject);
        response.on('end', () => {
          const body = Buffer.concat(chunks);
          resolve(body.buffer.slice(body.byteOffset, body.byteOffset + body.length) as ArrayBuffer);
        });
      });
      sent.on('error', reject);
      sent.end();
    });
  },
};
