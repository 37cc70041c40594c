import { resolve } from 'node:path';

/** The embedded default's state (dev signing key, local DynamoDB), git-ignored under `.local/` in
 *  the directory the gateway runs from, so that `npm start`, `node dist/main.js` and
 *  `npm run token` all share it. */
export function localStatePath(...segments: string[]): string {
  return resolve(process.cwd(), '.local', ...segments);
}
