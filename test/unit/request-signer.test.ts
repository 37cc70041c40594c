import { decodeJwt, jwtVerify } from 'jose';
import { describe, expect, it } from 'vitest';
import { createRequestSigner, type SecretSource } from '../../src/sirius/request-signer';

// The Sirius JWT is signed once and reused for most of its life: these pin down when a token is
// reused, when it is not, and that what reaches Sirius is always what Sirius (and the simulator,
// src/dev/sirius-simulator.ts) accepts: HS256 with the current secret, `session-data`, `iat`,
// `exp`, and unexpired.

const T0 = Date.UTC(2026, 10, 27, 9, 0, 0, 250);
const key = (secret: string) => new TextEncoder().encode(secret);

/** A signer on a clock the test moves, over a secret the test rotates. */
function signer(options: { ttlSeconds?: number; renewBeforeExpirySeconds?: number } = {}) {
  const state = { now: T0, secret: 'first-secret', reads: 0 };
  const secrets: SecretSource = {
    current: async () => {
      state.reads += 1;
      return state.secret;
    },
  };
  const sign = createRequestSigner({ secrets, sessionData: 'gateway@example', now: () => state.now, ...options });
  return { state, sign };
}

/** As Sirius checks it, at the signer's time. */
async function acceptedBySirius(authorization: string, secret: string, at: number) {
  expect(authorization).toMatch(/^Bearer [\w-]+\.[\w-]+\.[\w-]+$/);
  const { payload, protectedHeader } = await jwtVerify(authorization.slice(7), key(secret), {
    algorithms: ['HS256'],
    requiredClaims: ['iat', 'exp'],
    currentDate: new Date(at),
  });
  expect(protectedHeader).toEqual({ alg: 'HS256', typ: 'JWT' });
  expect(payload['session-data']).toBe('gateway@example');
  return payload as { iat: number; exp: number };
}

describe('Sirius request signer', () => {
  it('signs a token Sirius accepts: HS256, session-data, iat now, exp 60 s later', async () => {
    const { sign } = signer();
    const payload = await acceptedBySirius(await sign(), 'first-secret', T0);
    expect(payload.iat).toBe(Math.floor(T0 / 1000));
    expect(payload.exp).toBe(payload.iat + 60);
  });

  it('reuses the token within its first 45 seconds, asking for the current secret on every call', async () => {
    const { state, sign } = signer();
    const first = await sign();
    for (const after of [1, 1_000, 30_000, 44_000]) {
      state.now = T0 + after;
      expect(await sign()).toBe(first);
      await acceptedBySirius(first, 'first-secret', state.now);
    }
    expect(state.reads).toBe(5);
  });

  it('signs a fresh token 15 s before the one it holds expires', async () => {
    const { state, sign } = signer();
    const first = await sign();
    const { exp } = decodeJwt(first.slice(7)) as { exp: number };
    state.now = exp * 1000 - 15_000;
    const second = await sign();
    expect(second).not.toBe(first);
    const payload = await acceptedBySirius(second, 'first-secret', state.now);
    expect(payload.iat).toBe(Math.floor(state.now / 1000));
    state.now += 1_000;
    expect(await sign()).toBe(second);
  });

  it('never sends a token that has expired, or has less than 15 s left', async () => {
    const { state, sign } = signer();
    const seen = new Set<string>();
    for (let elapsed = 0; elapsed <= 200_000; elapsed += 337) {
      state.now = T0 + elapsed;
      const authorization = await sign();
      seen.add(authorization);
      const { exp } = await acceptedBySirius(authorization, 'first-secret', state.now);
      expect(exp * 1000 - state.now).toBeGreaterThan(15_000);
    }
    expect(seen.size).toBeGreaterThanOrEqual(4); // renewed about every 45 s, never per call
  });

  it('signs with a new secret at once when the secret rotates, and with the old one never again', async () => {
    const { state, sign } = signer();
    const first = await sign();
    state.now += 2_000;
    state.secret = 'second-secret';
    const rotated = await sign();
    expect(rotated).not.toBe(first);
    await acceptedBySirius(rotated, 'second-secret', state.now);
    await expect(jwtVerify(rotated.slice(7), key('first-secret'), { currentDate: new Date(state.now) })).rejects.toThrow();
    state.now += 1_000;
    expect(await sign()).toBe(rotated);
    // Back to the first value (a rotation undone): a token of its own again, not the old one.
    state.secret = 'first-secret';
    const back = await sign();
    expect(back).not.toBe(rotated);
    await acceptedBySirius(back, 'first-secret', state.now);
  });

  it('concurrent calls share one token', async () => {
    const { sign } = signer();
    const tokens = await Promise.all(Array.from({ length: 10 }, () => sign()));
    expect(new Set(tokens).size).toBe(1);
  });

  it('concurrent calls across a rotation each get a token for the secret they read', async () => {
    const { state, sign } = signer();
    const before = sign();
    state.secret = 'second-secret';
    const after = sign();
    await acceptedBySirius(await before, 'first-secret', state.now);
    await acceptedBySirius(await after, 'second-secret', state.now);
  });

  it('signs every call when the lifetime is no longer than the renewal margin', async () => {
    const { state, sign } = signer({ ttlSeconds: 10 });
    const first = await sign();
    state.now += 1_000;
    const second = await sign();
    expect(second).not.toBe(first);
    await acceptedBySirius(second, 'first-secret', state.now);
  });

  it('a shorter margin keeps a token longer, never past it', async () => {
    const { state, sign } = signer({ renewBeforeExpirySeconds: 5 });
    const first = await sign();
    const { exp } = decodeJwt(first.slice(7)) as { exp: number };
    state.now = exp * 1000 - 5_001;
    expect(await sign()).toBe(first);
    state.now = exp * 1000 - 5_000;
    expect(await sign()).not.toBe(first);
  });
});
