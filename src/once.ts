// A value made when first asked for: a cold Lambda pays only for what its first request needs, and
// a registry only for what its callers send (issue 17).

/** `build()`'s value, made on the first call and kept. A call that throws keeps nothing: the next one builds again. */
export function once<T>(build: () => T): () => T {
  let built: { value: T } | undefined;
  return () => (built ??= { value: build() }).value;
}
