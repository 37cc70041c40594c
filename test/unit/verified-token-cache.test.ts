import { describe, expect, it } from 'vitest';
import type { TokenVerifier, VerifiedToken } from '../../src/auth/token-verifier';
import { rememberVerifiedTokens } from '../../src/auth/verified-token-cache';

// Pure logic around the real verifier (tested against signed tokens in the integration tests):
// a fake inner verifier counts how often the expensive check runs.
function fakeVerifier(answers: Record<string, VerifiedToken | Error>) {
  const calls: string[] = [];
  const verifier: TokenVerifier = {
    hydrate: async () => undefined,
    verify: async (token) => {
      calls.push(token);
      const answer = answers[token];
      if (!answer || answer instanceof Error) throw answer ?? new Error('unknown');
      return answer;
    },
  };
  return { verifier, calls };
}

const at = (seconds: number) => seconds * 1000;

describe('remembering verified tokens', () => {
  it('checks a token once, then trusts it until it expires', async () => {
    let now = at(1_000);
    const good = { clientId: 'ual', scopes: new Set(['lpa.read']), expiresAt: 1_060 };
    const { verifier, calls } = fakeVerifier({ good });
    const remembering = rememberVerifiedTokens(verifier, () => now);
    expect(await remembering.verify('good')).toMatchObject({ clientId: 'ual' });
    expect(await remembering.verify('good')).toMatchObject({ clientId: 'ual' });
    expect(calls).toEqual(['good']);
    now = at(1_060);
    await remembering.verify('good');
    expect(calls).toEqual(['good', 'good']); // expired: checked in full again (and refused by the real verifier)
  });

  it('trusts a long-lived token for at most five minutes before checking it again', async () => {
    let now = at(1_000);
    const { verifier, calls } = fakeVerifier({ long: { clientId: 'ual', scopes: new Set(), expiresAt: 1_000 + 86_400 } });
    const remembering = rememberVerifiedTokens(verifier, () => now);
    await remembering.verify('long');
    now = at(1_299);
    await remembering.verify('long');
    expect(calls).toHaveLength(1);
    now = at(1_300);
    await remembering.verify('long');
    expect(calls).toHaveLength(2);
  });

  it('never remembers a failure', async () => {
    const { verifier, calls } = fakeVerifier({ bad: new Error('invalid signature') });
    const remembering = rememberVerifiedTokens(verifier, () => at(1_000));
    await expect(remembering.verify('bad')).rejects.toThrow('invalid signature');
    await expect(remembering.verify('bad')).rejects.toThrow('invalid signature');
    expect(calls).toEqual(['bad', 'bad']);
  });
});
