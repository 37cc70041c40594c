// Building on first use rather than at start-up: a cold Lambda pays only for what its first
// request needs (issue 17).

/**
 * Something started on first use and stopped at the end (an Apollo Server). Concurrent first
 * users share one start; a start that fails is not kept, so the next use starts again. stop()
 * stops only what was started (waiting for a start under way); after it nothing new starts.
 */
export class StartedOnFirstUse<T> {
  #starting: Promise<T> | undefined;
  #stopped = false;

  constructor(
    private readonly start: () => Promise<T>,
    private readonly stopStarted: (value: T) => Promise<void>,
  ) {}

  started(): Promise<T> {
    if (this.#starting) return this.#starting;
    if (this.#stopped) return Promise.reject(new Error('stopped before it was first used'));
    const starting = this.start();
    this.#starting = starting;
    starting.catch(() => {
      if (this.#starting === starting) this.#starting = undefined;
    });
    return starting;
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    const starting = this.#starting;
    if (!starting) return;
    let value: T;
    try {
      value = await starting;
    } catch {
      return; // it never started: nothing to stop
    }
    await this.stopStarted(value);
  }
}
