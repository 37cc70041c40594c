// `npm run build`: dist/main.js (long-running server), dist/lambda.js (the API's Lambda) and
// dist/events.js (the LPA Store events Lambda, fed by SQS), each exporting `handler` where it is a
// Lambda, bundled with esbuild for Node 20+ (the Lambdas run Node 22), with the schema contracts
// copied beside them. `node scripts/build.mjs <dir>` builds into <dir> instead of dist/ (a test
// that must not race another test's build of dist/).
import { build } from 'esbuild';
import { cpSync, rmSync } from 'node:fs';
import { isAbsolute, join, relative, resolve } from 'node:path';

const outdir = process.argv[2] ?? 'dist';
// It is emptied first: dist/, or a directory outside the working tree that does not contain it.
const fromTree = relative(process.cwd(), resolve(outdir));
const outside = (fromTree.startsWith('..') || isAbsolute(fromTree)) && relative(resolve(outdir), process.cwd()).startsWith('..');
if (fromTree !== 'dist' && !outside) throw new Error(`refusing to build into ${outdir}: only dist/ or a directory outside the working tree is emptied`);
rmSync(outdir, { recursive: true, force: true });
await build({
  entryPoints: { main: 'src/main.ts', lambda: 'src/lambda.ts', events: 'src/events-lambda.ts' },
  outdir,
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'esm',
  sourcemap: true,
  // dynalite loads a native LevelDB binding: it stays a runtime dependency of the embedded default.
  external: ['dynalite'],
  alias: { '@apollo/utils.createhash': './scripts/shims/apollo-createhash.mjs' },
  // Bundled CommonJS dependencies call require(); give ESM output one.
  banner: { js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);" },
  logLevel: 'warning',
});
cpSync('schema', join(outdir, 'schema'), { recursive: true });
// Trusted documents: the operations each consumer registered.
cpSync('operations', join(outdir, 'operations'), { recursive: true });
// The embedded default's simulator serves these (dist/main.js with no configuration).
cpSync('fixtures', join(outdir, 'fixtures'), { recursive: true });
console.log(`built ${join(outdir, 'main.js')}, ${join(outdir, 'lambda.js')} and ${join(outdir, 'events.js')}`);
