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
