import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

/** The embedded default's state (dev signing key, local DynamoDB), git-ignored under `.local/` in
 *  the directory the gateway runs from, so that `npm start`, `node dist/main.js` and
 *  `npm run token` all share it. */
export function localStatePath(...segments: string[]): string {
  return resolve(process.cwd(), '.local', ...segments);
}

/** A random secret kept in `.local/<name>` (created on first use, readable by its owner only). */
export function localSecret(name: string): string {
  const file = localStatePath(name);
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  mkdirSync(dirname(file), { recursive: true });
  const secret = randomBytes(32).toString('hex');
  writeFileSync(file, secret, { mode: 0o600 });
  return secret;
}
