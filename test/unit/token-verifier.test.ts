import { SignJWT, exportJWK, generateKeyPair, type JWTPayload } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import { createTokenVerifier, type TokenVerifier } from '../../src/auth/token-verifier';

// The Cognito path cannot be reached over HTTP without a real user pool, so its verifier is given
// a key of the test's own through the JWKS fetcher. (The OIDC path is tested end to end in
// test/integration/auth.test.ts.) aws-jwt-verify checks exp only when present: the gateway insists.

const USER_POOL = 'eu-west-2_Test123';
const now = () => Math.floor(Date.now() / 1000);
const claims = (): JWTPayload => ({
  iss: `https://cognito-idp.eu-west-2.amazonaws.com/${USER_POOL}`,
  client_id: 'cognito-client',
  token_use: 'access',
  scope: 'sirius-gateway/lpa.read',
  iat: now(),
  exp: now() + 600,
});
const without = (payload: JWTPayload, name: string): JWTPayload => Object.fromEntries(Object.entries(payload).filter(([key]) => key !== name));

let sign: (payload: JWTPayload) => Promise<string>;
let verifier: TokenVerifier;
beforeAll(async () => {
  const { privateKey, publicKey } = await generateKeyPair('RS256');
  const jwks = new TextEncoder().encode(JSON.stringify({ keys: [{ ...(await exportJWK(publicKey)), kid: 'k1', alg: 'RS256', use: 'sig' }] }));
  sign = (payload) => new SignJWT(payload).setProtectedHeader({ alg: 'RS256', kid: 'k1' }).sign(privateKey);
  verifier = createTokenVerifier({
    issuer: { kind: 'cognito', userPoolId: USER_POOL },
    clientIds: ['cognito-client'],
    scopePrefix: 'sirius-gateway/',
    jwksRefetchSeconds: 10,
    jwksFetcher: { fetch: async () => jwks.slice().buffer },
  });
});

describe('Cognito access tokens', () => {
  it('a proper one is verified', async () => {
    const payload = claims();
    await expect(verifier.verify(await sign(payload))).resolves.toEqual({
      clientId: 'cognito-client',
      scopes: new Set(['lpa.read']),
      expiresAt: payload.exp,
    });
  });

  it.each(['exp', 'iat'])('one without %s is refused', async (name) => {
    await expect(verifier.verify(await sign(without(claims(), name)))).rejects.toThrow(`token has no ${name}`);
  });

  it('an ID token is refused', async () => {
    await expect(verifier.verify(await sign({ ...claims(), token_use: 'id', aud: 'cognito-client' }))).rejects.toThrow(/token[ _]use/i);
  });
});
