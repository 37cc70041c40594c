import { describe, expect, it } from 'vitest';
import { concurrencyBound } from '../../src/loaders/concurrency-bound';

const tick = () => new Promise((resolve) => setTimeout(resolve, 1));

describe('concurrencyBound', () => {
  it('never has more than the bound in flight, and runs every task in arrival order', async () => {
    const limit = concurrencyBound(3);
    let inFlight = 0;
    let most = 0;
    const started: number[] = [];
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        limit(async () => {
          started.push(i);
          inFlight++;
          most = Math.max(most, inFlight);
          await tick();
          inFlight--;
          return i * 2;
        }),
      ),
    );
    expect(most).toBe(3);
    expect(started).toEqual(Array.from({ length: 20 }, (_, i) => i));
    expect(results).toEqual(Array.from({ length: 20 }, (_, i) => i * 2));
  });

  it('a failing task passes its error on and frees its slot', async () => {
    const limit = concurrencyBound(1);
    await expect(limit(() => Promise.reject(new Error('Sirius said no')))).rejects.toThrow('Sirius said no');
    await expect(
      limit(() => {
        throw new Error('thrown before any promise');
      }),
    ).rejects.toThrow('thrown before any promise');
    await expect(limit(async () => 'still served')).resolves.toBe('still served');
  });

  it('refuses a bound that could never run anything', () => {
    expect(() => concurrencyBound(0)).toThrow(RangeError);
    expect(() => concurrencyBound(1.5)).toThrow(RangeError);
  });
});
