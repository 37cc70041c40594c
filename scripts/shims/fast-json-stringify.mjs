// graphql-jit requires fast-json-stringify (with ajv, ajv-formats and fast-uri: about 500 KB of
// bundle that a cold start parses) for one option only, `customJSONSerializer`, which the gateway
// never sets (registered-operations.ts: responses are written with JSON.stringify). Bundled, the
// option would fail loudly rather than quietly change.
export default function fastJsonStringify() {
  throw new Error('fast-json-stringify is not bundled: graphql-jit\'s customJSONSerializer is not supported');
}
