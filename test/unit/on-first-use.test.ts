import { describe, expect, it } from 'vitest';
import { once } from '../../src/once';
import { StartedOnFirstUse } from '../../src/server/on-first-use';

// What a Lambda builds on its first request (graphql-endpoint.ts): built once, shared, and a
// failure not kept.

describe('once', () => {
  it('builds on the first call only, and builds again after a call that threw', () => {
    let builds = 0;
    const value = once(() => {
      builds++;
      if (builds === 1) throw new Error('first build fails');
      return { built: builds };
    });
    expect(() => value()).toThrow('first build fails');
    const built = value();
    expect(built).toEqual({ built: 2 });
    expect(value()).toBe(built);
    expect(builds).toBe(2);
  });
});

describe('StartedOnFirstUse', () => {
  it('starts once for concurrent first users, and stops what it started', async () => {
    const events: string[] = [];
    const server = new StartedOnFirstUse(
      async () => {
        events.push('start');
        return 'server';
      },
      async (value) => void events.push(`stop ${value}`),
    );
    const [a, b] = await Promise.all([server.started(), server.started()]);
    expect([a, b]).toEqual(['server', 'server']);
    await server.stop();
    expect(events).toEqual(['start', 'stop server']);
    // As a stopped Apollo Server: the same (stopped) instance, not a new one.
    expect(await server.started()).toBe('server');
    expect(events).toEqual(['start', 'stop server']);
  });

  it('forgets a start that failed: the next use starts again', async () => {
    let starts = 0;
    const server = new StartedOnFirstUse(
      async () => {
        starts++;
        if (starts === 1) throw new Error('start failed');
        return starts;
      },
      async () => undefined,
    );
    await expect(server.started()).rejects.toThrow('start failed');
    expect(await server.started()).toBe(2);
  });

  it('stops nothing never started, waits for a start under way, and starts nothing once stopped', async () => {
    const stopped: number[] = [];
    const never = new StartedOnFirstUse(async () => 1, async (value) => void stopped.push(value));
    await never.stop();
    expect(stopped).toEqual([]);
    await expect(never.started()).rejects.toThrow('stopped before it was first used');

    let finish!: (value: number) => void;
    const starting = new StartedOnFirstUse(() => new Promise<number>((resolve) => (finish = resolve)), async (value) => void stopped.push(value));
    const first = starting.started();
    const stopping = starting.stop();
    finish(2);
    expect(await first).toBe(2);
    await stopping;
    expect(stopped).toEqual([2]);
  });
});
