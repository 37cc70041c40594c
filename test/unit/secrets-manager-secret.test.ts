import { GetSecretValueCommand } from '@aws-sdk/client-secrets-manager';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { secretsManagerSecret } from '../../src/sirius/secrets-manager-secret';

// Caching and refresh are pure logic around one AWS call; the client is a fake that records calls.
function fakeClient(values: (string | Error)[]) {
  const calls: string[] = [];
  return {
    calls,
    send: async (command: GetSecretValueCommand) => {
      calls.push(command.input.SecretId!);
      const next = values.shift();
      if (next instanceof Error) throw next;
      return { SecretString: next };
    },
  };
}

afterEach(() => vi.useRealTimers());

describe('signing secret from Secrets Manager', () => {
  it('is fetched once and cached until stale, then refreshed', async () => {
    vi.useFakeTimers();
    const client = fakeClient(['first', 'second']);
    const secret = secretsManagerSecret({ secretId: 'sirius-jwt', refreshSeconds: 300, client: client as never });
    expect(await secret.current()).toBe('first');
    expect(await secret.current()).toBe('first');
    expect(client.calls).toEqual(['sirius-jwt']);
    vi.advanceTimersByTime(301_000);
    expect(await secret.current()).toBe('first'); // the refresh runs behind this call
    await vi.runAllTimersAsync();
    expect(await secret.current()).toBe('second');
    expect(client.calls).toHaveLength(2);
  });

  it('keeps the last value while a refresh fails, and fails when there has never been one', async () => {
    vi.useFakeTimers();
    const client = fakeClient(['first', new Error('throttled')]);
    const secret = secretsManagerSecret({ secretId: 's', refreshSeconds: 1, client: client as never });
    expect(await secret.current()).toBe('first');
    vi.advanceTimersByTime(2_000);
    expect(await secret.current()).toBe('first');
    await vi.runAllTimersAsync();
    expect(await secret.current()).toBe('first');

    const never = secretsManagerSecret({ secretId: 's', refreshSeconds: 1, client: fakeClient([new Error('denied')]) as never });
    await expect(never.current()).rejects.toThrow('denied');
  });
});
