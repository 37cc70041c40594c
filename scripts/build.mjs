// `npm run build`: dist/main.js (long-running server) and dist/lambda.js (exports `handler`), bundled
// with esbuild for Node 20+ (the Lambda runs Node 22), with the schema contracts copied beside them.
import { build } from 'esbuild';
import { cpSync, rmSync } from 'node:fs';

rmSync('dist', { recursive: true, force: true });
await build({
  entryPoints: { main: 'src/main.ts', lambda: 'src/lambda.ts' },
  outdir: 'dist',
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
cpSync('schema', 'dist/schema', { recursive: true });
// Trusted documents: the operations each consumer registered.
cpSync('operations', 'dist/operations', { recursive: true });
// The embedded default's simulator serves these (dist/main.js with no configuration).
cpSync('fixtures', 'dist/fixtures', { recursive: true });
console.log('built dist/main.js and dist/lambda.js');
