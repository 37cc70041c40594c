// `npm run -s token -- <caller>`: prints a bearer token for a dev caller of the embedded default,
// and nothing else, e.g.  curl -H "Authorization: Bearer $(npm run -s token -- use-an-lpa)" ...
import { DEV_CALLERS, devCaller } from '../src/dev/dev-callers';
import { loadOrCreateDevKey, signDevToken } from '../src/dev/dev-issuer';

const name = process.argv[2];
const caller = name ? devCaller(name) : undefined;
if (!caller) {
  const names = DEV_CALLERS.callers.map((entry) => entry.name).join(', ');
  process.stderr.write(`usage: npm run -s token -- <caller>   (dev callers: ${names})\n`);
  process.exit(2);
}
const key = await loadOrCreateDevKey();
process.stdout.write(`${await signDevToken(key, { clientId: caller.clientIds[0]!, scopes: caller.scopes })}\n`);
