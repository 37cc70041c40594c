import { describe, expect, it } from 'vitest';
import { createAuthenticator } from '../../src/auth/authenticate';
import { CallerRegistry } from '../../src/auth/caller-registry';
import type { TokenVerifier } from '../../src/auth/token-verifier';
import { createLogger } from '../../src/logger';

// The IAM path: API Gateway has already verified the SigV4 signature, so no token is involved.
// (Token verification itself is tested end to end with real keys in test/integration/auth.test.ts.)

const registry = CallerRegistry.parse(
  {
    callers: [
      {
        name: 'use-an-lpa',
        iamRoleArns: ['arn:aws:iam::123456789012:role/use-an-lpa-api'],
        consumers: { 'use-an-lpa': ['v1'] },
        scopes: ['lpa.read'],
      },
    ],
  },
  { schemas: [{ consumer: 'use-an-lpa', version: 'v1', scopes: ['lpa.read'] }] },
);
const verifierNeverCalled: TokenVerifier = {
  hydrate: async () => undefined,
  verify: () => {
    throw new Error('an IAM request must not be verified as a token');
  },
};
const authenticate = createAuthenticator(verifierNeverCalled, registry, createLogger('silent'));

describe('authentication by verified IAM principal', () => {
  it('a registered role is its caller, with the registry scopes', async () => {
    const result = await authenticate({
      authorization: undefined,
      iamPrincipalArn: 'arn:aws:sts::123456789012:assumed-role/use-an-lpa-api/lambda-session',
    });
    expect(result.ok).toBe(true);
    if (result.ok) {
      expect(result.caller.name).toBe('use-an-lpa');
      expect([...result.caller.scopes]).toEqual(['lpa.read']);
    }
  });

  it('an unregistered principal is refused with 403', async () => {
    const result = await authenticate({
      authorization: undefined,
      iamPrincipalArn: 'arn:aws:sts::123456789012:assumed-role/someone-else/s',
    });
    expect(result).toMatchObject({ ok: false, status: 403, code: 'FORBIDDEN' });
  });
});

describe('each refusal is reported once, by its fixed reason (metrics), never with the token', () => {
  const JWT = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl';
  const verifier = (clientId: string | undefined): TokenVerifier => ({
    hydrate: async () => undefined,
    verify: async () => {
      if (clientId === undefined) throw new Error('signature verification failed');
      return { clientId, scopes: new Set(['lpa.read']), expiresAt: Math.floor(Date.now() / 1000) + 60 };
    },
  });
  async function refusalsOf(credentials: Parameters<ReturnType<typeof createAuthenticator>>[0], clientId?: string) {
    const reasons: unknown[] = [];
    const result = await createAuthenticator(verifier(clientId), registry, createLogger('silent'), (reason) => void reasons.push(reason))(credentials);
    return { result, reasons };
  }

  it('missing-token, not-bearer-jwt, invalid-token, unregistered-client, unregistered-iam-principal', async () => {
    expect(await refusalsOf({ authorization: undefined })).toMatchObject({ result: { ok: false, status: 401 }, reasons: ['missing-token'] });
    expect(await refusalsOf({ authorization: `Basic ${JWT}` })).toMatchObject({ result: { ok: false, status: 401 }, reasons: ['not-bearer-jwt'] });
    expect(await refusalsOf({ authorization: `Bearer ${JWT}` })).toMatchObject({ result: { ok: false, status: 401 }, reasons: ['invalid-token'] });
    expect(await refusalsOf({ authorization: `Bearer ${JWT}` }, 'someone-else')).toMatchObject({ result: { ok: false, status: 403 }, reasons: ['unregistered-client'] });
    expect(await refusalsOf({ authorization: undefined, iamPrincipalArn: 'arn:aws:sts::123456789012:assumed-role/someone-else/s' })).toMatchObject({
      result: { ok: false, status: 403 },
      reasons: ['unregistered-iam-principal'],
    });
  });

  it('an accepted caller reports nothing', async () => {
    expect(await refusalsOf({ authorization: undefined, iamPrincipalArn: 'arn:aws:sts::123456789012:assumed-role/use-an-lpa-api/s' })).toMatchObject({ result: { ok: true }, reasons: [] });
  });
});
