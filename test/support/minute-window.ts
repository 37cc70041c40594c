import { setTimeout as sleep } from 'node:timers/promises';

/**
 * Rate limits count per clock minute (fixed windows): a test that counts attempts starts well
 * inside one, or its attempts may straddle two windows and none reach the limit.
 */
export async function awayFromMinuteEnd(seconds = 10): Promise<void> {
  const intoMinute = Date.now() % 60_000;
  if (intoMinute > 60_000 - seconds * 1000) await sleep(60_000 - intoMinute + 50);
}
