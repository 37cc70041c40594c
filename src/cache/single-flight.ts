/**
 * Concurrent callers asking for one key share one in-flight promise: N simultaneous misses for an
 * LPA make one Sirius call in this process. Entries leave as soon as the call settles.
 */
export class SingleFlight<T> {
  private readonly inFlight = new Map<string, Promise<T>>();

  run(key: string, work: () => Promise<T>): Promise<T> {
    const existing = this.inFlight.get(key);
    if (existing) return existing;
    const promise = work().finally(() => this.inFlight.delete(key));
    this.inFlight.set(key, promise);
    return promise;
  }
}
