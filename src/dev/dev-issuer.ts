import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { dirname } from 'node:path';
import { randomUUID } from 'node:crypto';
import { SignJWT, exportJWK, generateKeyPair, importJWK, type JWK } from 'jose';
import { localStatePath } from './local-state';
import { listenOnLoopback } from './loopback-server';

// The embedded default's stand-in for Cognito: an RSA key kept in a git-ignored folder (so tokens
// survive restarts), a JWKS endpoint over HTTP on loopback, and signed client-credentials-style
// access tokens for the dev callers. It never runs outside the embedded default.

export const DEV_ISSUER = 'urn:sirius-gateway:dev-issuer';
export const DEV_AUDIENCE = 'sirius-gateway';
export const DEV_SCOPE_PREFIX = 'sirius-gateway/';
export const DEV_KEY_FILE = localStatePath('dev-issuer', 'signing-key.json');

interface StoredKey {
  kid: string;
  privateJwk: JWK;
  publicJwk: JWK;
}

/** The dev signing key, created on first use and written atomically. */
export async function loadOrCreateDevKey(file = DEV_KEY_FILE): Promise<StoredKey> {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as StoredKey;
  } catch {
    const { privateKey, publicKey } = await generateKeyPair('RS256', { extractable: true });
    const kid = randomUUID();
    const key: StoredKey = {
      kid,
      privateJwk: await exportJWK(privateKey),
      publicJwk: { ...(await exportJWK(publicKey)), kid, alg: 'RS256', use: 'sig' },
    };
    mkdirSync(dirname(file), { recursive: true });
    const temporary = `${file}.${process.pid}.tmp`;
    writeFileSync(temporary, JSON.stringify(key), { mode: 0o600 });
    renameSync(temporary, file);
    return key;
  }
}

export interface DevTokenRequest {
  clientId: string;
  scopes: readonly string[];
  /** Default one hour. */
  ttlSeconds?: number;
}

export async function signDevToken(key: StoredKey, request: DevTokenRequest): Promise<string> {
  const privateKey = await importJWK(key.privateJwk, 'RS256');
  const now = Math.floor(Date.now() / 1000);
  // An access token as RFC 9068 marks one (typ at+jwt) and Cognito does (token_use access), with
  // the exp and iat the gateway insists on.
  return new SignJWT({
    client_id: request.clientId,
    scope: request.scopes.map((scope) => DEV_SCOPE_PREFIX + scope).join(' '),
    token_use: 'access',
  })
    .setProtectedHeader({ alg: 'RS256', kid: key.kid, typ: 'at+jwt' })
    .setIssuer(DEV_ISSUER)
    .setAudience(DEV_AUDIENCE)
    .setSubject(request.clientId)
    .setIssuedAt(now)
    .setNotBefore(now)
    .setExpirationTime(now + (request.ttlSeconds ?? 3600))
    .setJti(randomUUID())
    .sign(privateKey);
}

export interface DevIssuer {
  url: string;
  jwksUri: string;
  issue(request: DevTokenRequest): Promise<string>;
  /** How often the JWKS has been fetched: shows the verifier's refetch bound. */
  jwksRequests(): number;
  close(): Promise<void>;
}

export async function startDevIssuer(options: { port: number; keyFile?: string }): Promise<DevIssuer> {
  const key = await loadOrCreateDevKey(options.keyFile);
  const jwks = JSON.stringify({ keys: [key.publicJwk] });
  let jwksRequests = 0;
  const server: Server = createServer((req, res) => {
    if (req.method === 'GET' && req.url === '/.well-known/jwks.json') {
      jwksRequests += 1;
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(jwks);
      return;
    }
    if (req.method === 'GET' && req.url === '/.well-known/openid-configuration') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ issuer: DEV_ISSUER, jwks_uri: `${url}/.well-known/jwks.json` }));
      return;
    }
    res.writeHead(404).end();
  });
  const { url, close } = await listenOnLoopback(server, options.port);
  return {
    url,
    jwksUri: `${url}/.well-known/jwks.json`,
    issue: (request) => signDevToken(key, request),
    jwksRequests: () => jwksRequests,
    close,
  };
}
