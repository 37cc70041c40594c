import { GraphQLError } from 'graphql';
import type { CodeOutcomeCounter } from './activation-codes';
import type { CodeStore } from './code-store';
import type { ShardedRateLimit } from './sharded-rate-limit';

// Each letter request posts a letter: a caller could otherwise post one actor any number of them.
// Limited per actor of an LPA per (UTC) day, and per caller per minute (sharded, approximate:
// sharded-rate-limit.ts). A request Sirius never answered posted nothing and is not counted
// against the actor. Keys hold uids and the caller's name: no personal data.

export interface LetterPolicy {
  lettersPerActorPerDay: number;
  lettersPerMinutePerCaller: number;
}

export type LetterOutcome = 'queued' | 'not-found';

const DAY_MS = 24 * 3600 * 1000;

export class LetterLimits {
  constructor(
    private readonly store: Pick<CodeStore, 'count' | 'uncount'>,
    private readonly callers: ShardedRateLimit,
    private readonly policy: LetterPolicy,
    private readonly counted: CodeOutcomeCounter = () => undefined,
    private readonly now: () => number = Date.now,
  ) {}

  /** Sends the letter request if both limits allow it; otherwise TOO_MANY_REQUESTS, and Sirius is not asked. */
  async request(lpaUid: string, actorUid: string, caller: string, send: () => Promise<LetterOutcome>): Promise<LetterOutcome> {
    const now = this.now();
    const minute = Math.floor(now / 60_000);
    if (!(await this.callers.allows(`rate#letters#caller#${caller}`, minute, this.policy.lettersPerMinutePerCaller, 120, now))) {
      throw this.refused(Math.ceil(((minute + 1) * 60_000 - now) / 1000));
    }
    const day = Math.floor(now / DAY_MS);
    const actorKey = `rate#letters#actor#${lpaUid}#${actorUid}#${day}`;
    if ((await this.store.count(actorKey, 2 * 24 * 3600, now)) > this.policy.lettersPerActorPerDay) {
      throw this.refused(Math.ceil(((day + 1) * DAY_MS - now) / 1000));
    }
    let outcome: LetterOutcome;
    try {
      outcome = await send();
    } catch (error) {
      // Best effort: Sirius's failure is the one to report.
      await this.store.uncount(actorKey).catch(() => undefined);
      this.counted('request-letter', 'failed');
      throw error;
    }
    this.counted('request-letter', outcome);
    return outcome;
  }

  private refused(retryAfterSeconds: number): GraphQLError {
    this.counted('request-letter', 'too-many-requests');
    const seconds = Math.max(1, retryAfterSeconds);
    return new GraphQLError(`Too many letter requests; retry after ${seconds} seconds.`, {
      extensions: { code: 'TOO_MANY_REQUESTS', retryAfterSeconds: seconds, http: { status: 429, headers: new Map([['retry-after', String(seconds)]]) } },
    });
  }
}
