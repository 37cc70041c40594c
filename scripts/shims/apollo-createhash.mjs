// Bundled, @apollo/utils.createhash cannot see `module.require` and falls back to sha.js, a
// pure-JS SHA-256 that Apollo runs on every request (its document store key). This shim gives
// it node:crypto, which it uses when not bundled.
export { createHash } from 'node:crypto';
