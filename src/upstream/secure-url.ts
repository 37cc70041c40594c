/** The hosts plain http may reach: nothing sent to them crosses a network. */
const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);

/**
 * Whether calls to `url` keep their credentials and data off the network in clear: https, or http
 * to a loopback address only (the embedded simulators and dev issuer, tests, the benchmarks).
 */
export function isHttpsOrLoopback(url: URL): boolean {
  return url.protocol === 'https:' || (url.protocol === 'http:' && LOOPBACK.has(url.hostname));
}
