import { setTimeout as sleep } from 'node:timers/promises';
import type { LpaUpdatedEvent } from '../events/lpa-updated-event';

// The embedded default's stand-in for EventBridge → SQS → the events Lambda: the LPA Store
// simulator's change events go to the same handler the Lambda runs, in this process. Like SQS, a
// failed delivery is retried; after the last try the event is kept (as a dead-letter queue keeps
// it), never lost.

type Handler = (event: LpaUpdatedEvent) => Promise<unknown>;

const RETRY_DELAYS_MS = [100, 500, 2_000];

export class EventRelay {
  private handler: Handler | undefined;
  /** Events every retry failed to apply: what a dead-letter queue would hold. */
  readonly undelivered: LpaUpdatedEvent[] = [];

  /** The gateway's handler, once the app exists (the simulator starts first). */
  subscribe(handler: Handler): void {
    this.handler = handler;
  }

  async deliver(event: LpaUpdatedEvent): Promise<void> {
    if (!this.handler) return; // no gateway yet: nothing is cached that could be out of date
    for (let attempt = 0; ; attempt++) {
      try {
        await this.handler(event);
        return;
      } catch {
        const delay = RETRY_DELAYS_MS[attempt];
        if (delay === undefined) {
          this.undelivered.push(event);
          return;
        }
        await sleep(delay, undefined, { ref: false });
      }
    }
  }
}
