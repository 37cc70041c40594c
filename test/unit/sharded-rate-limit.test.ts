import { describe, expect, it } from 'vitest';
import { ShardedRateLimit, shardsFor } from '../../src/codes/sharded-rate-limit';

// The per-caller limit is counted on up to 8 items (src/codes/sharded-rate-limit.ts): it must
// still hold, approximately, however many processes share it.

/** The codes table's counters, in memory. */
function counters() {
  const counts = new Map<string, number>();
  return {
    counts,
    count: async (key: string) => {
      counts.set(key, (counts.get(key) ?? 0) + 1);
      return counts.get(key)!;
    },
  };
}

describe('sharded per-caller limits', () => {
  it('use up to 8 shards, and one item for small limits (exact where a few writes cannot be hot)', () => {
    expect(shardsFor(3)).toBe(1);
    expect(shardsFor(9)).toBe(1);
    expect(shardsFor(10)).toBe(2);
    expect(shardsFor(40)).toBe(8);
    expect(shardsFor(600)).toBe(8);
  });

  it('from one process: exactly the limit passes when it divides evenly, and every shard is used', async () => {
    const store = counters();
    const limit = new ShardedRateLimit(store);
    const allowed: boolean[] = [];
    for (let index = 0; index < 48; index++) allowed.push(await limit.allows('rate#caller#a', 1, 40, 120, 0));
    expect(allowed.filter(Boolean)).toHaveLength(40);
    expect(allowed.slice(0, 40).every(Boolean)).toBe(true);
    expect(store.counts.size).toBe(8);
  });

  it('from several processes, each starting anywhere: never more than limit + N - 1 pass, and all are refused by then', async () => {
    for (let trial = 0; trial < 50; trial++) {
      const store = counters();
      const processes = Array.from({ length: 5 }, () => new ShardedRateLimit(store));
      let passed = 0;
      for (let index = 0; index < 600 + 8; index++) if (await processes[index % 5]!.allows('rate#caller#a', 1, 600, 120, 0)) passed++;
      expect(passed).toBeLessThanOrEqual(600 + 8 - 1);
      expect(passed).toBeGreaterThan(600 * 0.9);
      for (const process of processes) expect(await process.allows('rate#caller#a', 1, 600, 120, 0)).toBe(false);
    }
  });

  it('keeps each caller on its own turn: two callers taking turns both reach their limit', async () => {
    const store = counters();
    const limit = new ShardedRateLimit(store);
    const passed = { a: 0, b: 0 };
    for (let index = 0; index < 80; index++) {
      if (await limit.allows('rate#caller#a', 1, 40, 120, 0)) passed.a++;
      if (await limit.allows('rate#caller#b', 1, 40, 120, 0)) passed.b++;
    }
    expect(passed).toEqual({ a: 40, b: 40 });
  });
});
