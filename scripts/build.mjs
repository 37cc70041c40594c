// `npm run build`: dist/main.js (the long-running server, with source maps, schema/, operations/
// and fixtures/ beside it) and the Lambdas' asset, dist/lambda/: lambda.js (the API's Lambda) and
// events.js (the LPA Store events Lambda, fed by SQS), each exporting `handler`, and the chunks
// they share or load on demand (chunk-*.js), with schema/, operations/ and a package.json marking
// them ESM, and nothing else (no maps, no fixtures, no server): what the stack uploads is what the
// functions run. dist/lambda.js and dist/events.js
// re-export those for local tools and tests.
// Bundled with esbuild for Node 20+ (the Lambdas run Node 22). `node scripts/build.mjs <dir>`
// builds into <dir> instead of dist/ (a test that must not race another test's build of dist/).
import { build } from 'esbuild';
import { cpSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { isAbsolute, join, relative, resolve } from 'node:path';

const outdir = process.argv[2] ?? 'dist';
// It is emptied first: dist/, or a directory outside the working tree that does not contain it.
const fromTree = relative(process.cwd(), resolve(outdir));
const outside = (fromTree.startsWith('..') || isAbsolute(fromTree)) && relative(resolve(outdir), process.cwd()).startsWith('..');
if (fromTree !== 'dist' && !outside) throw new Error(`refusing to build into ${outdir}: only dist/ or a directory outside the working tree is emptied`);
rmSync(outdir, { recursive: true, force: true });
const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'esm',
  // dynalite loads a native LevelDB binding: it stays a runtime dependency of the embedded default.
  external: ['dynalite'],
  // Shims (scripts/shims/): node:crypto for Apollo's hashing; nothing for an option never used.
  alias: { '@apollo/utils.createhash': './scripts/shims/apollo-createhash.mjs', 'fast-json-stringify': './scripts/shims/fast-json-stringify.mjs' },
  // Bundled CommonJS dependencies call require(); give ESM output one.
  banner: { js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);" },
  logLevel: 'warning',
};
// The server: maps, for stack traces in development and the benchmarks' profiles.
await build({ ...common, entryPoints: { main: 'src/main.ts' }, outdir, sourcemap: true });
// The Lambdas: no maps. They would double the asset, and --enable-source-maps makes every
// Error.stack map through a large bundle's map, a cost paid on each GraphQL error; unminified,
// the bundle's own stack traces name the functions anyway. Not minified: measured with
// bench/cold-start.ts (issue 17), minifying halves the bundle (7.5 MB to 3.6 MB) but makes no
// cold start faster (V8 parses lazily): with keepNames it was 60-140 ms of CPU slower, without
// it (or whitespace and syntax only) no better than this.
//
// What a cold start loads, measured with bench/cold-start.ts (a viewer answered from the cache:
// about 3.4 MB rather than 7.5 MB, a third less CPU):
// - Split into chunks (chunk-*.js, beside the entries): what is only ever import()ed (undici, the
//   OpenTelemetry SDK, the EventBridge and Secrets Manager clients, Apollo's optional plugins) is
//   a file of its own, read and parsed only if it is needed; code both entries use is shared.
// - A package's ES module build (its `module` field) before its CommonJS `main`: the same code, of
//   which esbuild keeps only what is used (the AWS SDK's share falls by about half).
// - graphql as Node resolves it (its CommonJS build, as before: graphql-jit and others require()
//   its files by path, and two copies of graphql would refuse each other's schemas), and for the
//   ES modules that import it, through one module (scripts/shims/graphql.mjs) rather than each
//   wrapping it anew: 87 wrappers of graphql's ~500 exports cost about 40 ms of CPU.
//
// Split, an import()ed CommonJS package shows only its default export (evanw/esbuild#3245:
// `const { Agent } = await import('undici')` finds undefined), so the gateway's own code import()s
// only its own modules, which re-export what they need (src/upstream/undici.ts,
// src/events/eventbridge.ts). pino-pretty is the one exception: a terminal's log format, never a
// Lambda's (logger.ts, chooseLogFormat).
const importOwnModulesOnly = {
  name: 'import-own-modules-only',
  setup(build) {
    build.onResolve({ filter: /^[^./]/ }, ({ path, kind, importer }) =>
      kind === 'dynamic-import' && importer.startsWith(resolve('src')) && path !== 'pino-pretty'
        ? { errors: [{ text: `import('${path}') in ${relative(process.cwd(), importer)}: import() a module of the gateway's own that re-exports what is needed` }] }
        : undefined,
    );
  },
};
const graphqlAsNodeResolvesIt = {
  name: 'graphql-as-node-resolves-it',
  setup(build) {
    const shim = resolve('scripts/shims/graphql.mjs');
    build.onResolve({ filter: /^graphql(\/|$)/ }, ({ path, kind, importer, resolveDir }) =>
      path === 'graphql' && kind === 'import-statement' && importer !== shim
        ? { path: shim }
        : { path: createRequire(join(resolveDir, 'importer.js')).resolve(path) },
    );
  },
};
const lambdaDir = join(outdir, 'lambda');
await build({
  ...common,
  entryPoints: { lambda: 'src/lambda.ts', events: 'src/events-lambda.ts' },
  outdir: lambdaDir,
  sourcemap: false,
  splitting: true,
  chunkNames: 'chunk-[hash]',
  mainFields: ['module', 'main'],
  plugins: [importOwnModulesOnly, graphqlAsNodeResolvesIt],
});
for (const dir of [outdir, lambdaDir]) {
  cpSync('schema', join(dir, 'schema'), { recursive: true });
  // Trusted documents: the operations each consumer registered.
  cpSync('operations', join(dir, 'operations'), { recursive: true });
}
// The asset has no package.json above it in /var/task: without this one Node would take the ESM
// bundles for CommonJS (the repository's "type": "module" is not shipped).
writeFileSync(join(lambdaDir, 'package.json'), `${JSON.stringify({ type: 'module' })}\n`);
// The embedded default's simulator serves these (dist/main.js with no configuration): never in the Lambdas' asset.
cpSync('fixtures', join(outdir, 'fixtures'), { recursive: true });
// Entry points at the old paths, for local tools and tests: the code (and so the schema/ it finds
// above itself, src/project-paths.ts) is the asset's.
for (const name of ['lambda', 'events']) writeFileSync(join(outdir, `${name}.js`), `export * from './lambda/${name}.js';\n`);
console.log(`built ${join(outdir, 'main.js')} and the Lambdas' asset ${lambdaDir}/ (lambda.js, events.js, chunk-*.js)`);
