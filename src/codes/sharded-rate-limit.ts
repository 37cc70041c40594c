import { randomInt } from 'node:crypto';
import type { CodeStore } from './code-store';

// A per-caller limit counted on several items rather than one: every check by one caller (a busy
// Use an LPA) would otherwise write one hot `rate#caller#…` item. Each process takes the shards in
// turn, from a random start, so that shards fill evenly, and each shard allows ceil(limit / N).
// That is an approximation, by design: a caller is refused once the shard it lands on is full, so
// at most limit + N - 1 attempts pass in a window (never fewer than `limit` from one process;
// with several, a little earlier if their turns bunch on some shards). A limit below
// MIN_PER_SHARD × 2 is counted on one item, exactly: so few writes cannot make an item hot.

const MAX_SHARDS = 8;
const MIN_PER_SHARD = 5;

export function shardsFor(limit: number): number {
  return Math.max(1, Math.min(MAX_SHARDS, Math.floor(limit / MIN_PER_SHARD)));
}

export class ShardedRateLimit {
  /** The next shard for each counter name, in this process. */
  private readonly turns = new Map<string, number>();

  constructor(private readonly store: Pick<CodeStore, 'count'>) {}

  /** Counts one attempt for `name` in `window`; false when it is over `limit`. */
  async allows(name: string, window: number, limit: number, ttlSeconds: number, nowMs: number): Promise<boolean> {
    const shards = shardsFor(limit);
    const turn = this.turns.get(name) ?? randomInt(shards);
    this.turns.set(name, (turn + 1) % shards);
    const key = shards === 1 ? `${name}#${window}` : `${name}#${window}#${turn}`;
    return (await this.store.count(key, ttlSeconds, nowMs)) <= Math.ceil(limit / shards);
  }
}
