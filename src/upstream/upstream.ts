import type { UpstreamUnavailableError } from './upstream-unavailable';

// What the cache and the loaders need of an upstream system (Sirius, the LPA Store): how to name
// a resource, fetch one, perhaps fetch many at once, and trust a cached copy again. Each upstream
// implements it in its own folder; nothing above this knows an upstream's URLs or payloads.

/** What an upstream said about one resource, in terms every consumer shares. */
export type UpstreamAnswer<Doc> =
  | { outcome: 'found'; doc: Doc; /** Bytes of the upstream's answer, as a size for caches. */ bytes: number }
  | { outcome: 'not-found' }
  | { outcome: 'deleted' };

export interface CallOptions {
  /** Forwarded so that the upstream's logs join ours. */
  requestId: string;
  /** The person acting, where an upstream keeps an audit trail of reads (the LPA Store does). */
  actor?: string;
}

export interface Upstream<Ref, Doc> {
  /** Names the upstream in cache keys, metrics and logs: `sirius`, `lpa-store`. */
  readonly name: string;
  /** The resource within the upstream, stable and normalised, e.g. `lpa#uid#700000000047`. */
  key(ref: Ref): string;
  fetch(ref: Ref, call: CallOptions): Promise<UpstreamAnswer<Doc>>;
  /**
   * Many at once, where the upstream has a batch endpoint: answers keyed by `key(ref)` (never
   * matched by position); a ref absent from the map was not found; an error in its place is that
   * one resource's answer failing its checks (the rest stand).
   */
  fetchMany?(refs: readonly Ref[], call: CallOptions): Promise<ReadonlyMap<string, UpstreamAnswer<Doc> | UpstreamUnavailableError>>;
  /** The most refs one `fetchMany` call may carry. */
  readonly maxBatch?: number;
  /** A cached body back into a document, held to the same checks as a fresh answer. */
  decode(body: string, ref: Ref): Doc | undefined;
  encode(doc: Doc): string;
  /**
   * The document's own version, if the upstream keeps one that orders its changes (the LPA Store's
   * `updatedAt`): the cache never lets an older version replace a newer one.
   */
  version?(doc: Doc): string | undefined;
}
