// Cold start (issue 17): a Lambda's first answer. Each sample is a fresh `node` process (no special
// flags, as the Lambda runtime runs it) that records when it started, `await import()`s a bundle,
// awaits its `ready` export if it has one (the app booted: clients made, JWKS and secrets fetched,
// operations compiled), calls `handler` once with an API Gateway REST (v1) proxy event, and prints
// its timings. The gateway (dist/lambda/lambda.js, production configuration against the bench's
// upstream) answers the use-an-lpa v2 viewer by document id with a real JWT from the dev issuer,
// the LPA fresh in the shared cache (a cache hit: warmed by one discarded sample before the
// others, and checked on every answer). The floor is a minimal Apollo Server 5 Lambda
// (@as-integrations/aws-lambda, `type Query { hello: String }`), bundled here as the gateway's
// Lambdas are, answering `{ hello }`. Samples alternate (gateway, floor, gateway, …) so that the
// machine's noise falls on both.
//
// Split (medians): processMs is process start (node's own time origin) to the import's start,
// i.e. node's bootstrap, reported separately (not folded into importMs); importMs is module
// evaluation (the `await import`); initMs until `ready` settles (0 for a bundle without it);
// firstRequestMs the first handler call. A sample's total is their sum: process start to the
// first answer.
//
// `npx tsx bench/cold-start.ts [lambdaDir …]` runs it on its own (its own upstream; the gateway
// built into a temporary directory, so a build of dist/ elsewhere cannot race it); each extra
// directory holding a lambda.js is measured alongside, interleaved (before/after comparisons).
import { execFile, execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { build } from 'esbuild';
import { byDocumentId, gatewayEnvironment, startReporting, VIEWER } from './harness';
import type { Upstream } from './upstream';

export const COLD_STARTS = Number(process.env.BENCH_COLD_STARTS ?? 11);

export interface ColdStartSplit {
  processMs: number;
  importMs: number;
  initMs: number;
  firstRequestMs: number;
}

export interface ColdStartResult {
  name: string;
  what: string;
  /** Processes measured (each one cold start). */
  processes: number;
  medianMs: number;
  worstMs: number;
  /** Medians of each part (their sum need not be the median total). */
  split: ColdStartSplit;
  /**
   * Median CPU time (user + system) of a process up to its answer: steadier than the wall-clock
   * figures on a shared machine, though it leaves out time spent waiting (the network, the disk).
   */
  cpuMs: number;
  /** What a cold start reads and parses: the entry and every chunk it imports statically (not those only import()ed). */
  bundleBytes: number;
}

interface Sample extends ColdStartSplit {
  totalMs: number;
  cpuMs: number;
}

interface Subject {
  name: string;
  bundle: string;
  env: Record<string, string>;
  event: object;
  /** Throws unless the answer is the one expected. */
  check(result: { statusCode: number; body: string }): void;
}

/** What each sample's process runs (`node probe.mjs <bundle URL>`): plain ESM, no flags, no loader. */
const PROBE = `
const importStart = performance.now();
const bundle = await import(process.argv[2]);
const imported = performance.now();
if (bundle.ready) await bundle.ready;
const ready = performance.now();
const result = await bundle.handler(JSON.parse(process.env.COLD_START_EVENT), { awsRequestId: 'cold-start', functionName: 'cold-start', getRemainingTimeInMillis: () => 15000 });
const answered = performance.now();
const cpu = process.cpuUsage();
const timings = { importStartEpoch: performance.timeOrigin + importStart, importMs: imported - importStart, initMs: ready - imported, firstRequestMs: answered - ready, cpuMs: (cpu.user + cpu.system) / 1000 };
process.stdout.write('\\n' + JSON.stringify({ coldStart: timings, result }) + '\\n');
process.exit(0); // a Lambda instance never exits by itself: its clients keep connections open
`;

/** The floor's Lambda: the least an Apollo Server 5 Lambda can be. */
const FLOOR_SOURCE = `
import { ApolloServer } from '@apollo/server';
import { handlers, startServerAndCreateLambdaHandler } from '@as-integrations/aws-lambda';
const server = new ApolloServer({ typeDefs: 'type Query { hello: String }', resolvers: { Query: { hello: () => 'world' } } });
export const handler = startServerAndCreateLambdaHandler(server, handlers.createAPIGatewayProxyEventRequestHandler());
`;

/**
 * The floor bundled as scripts/build.mjs bundles the Lambdas (same platform, target, format,
 * banner, alias and minification), into `dir`.
 */
export async function buildFloor(dir: string): Promise<string> {
  writeFileSync(join(dir, 'package.json'), `${JSON.stringify({ type: 'module' })}\n`);
  await build({
    stdin: { contents: FLOOR_SOURCE, resolveDir: process.cwd(), sourcefile: 'cold-start-floor.ts', loader: 'ts' },
    outfile: join(dir, 'floor.js'),
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'esm',
    alias: { '@apollo/utils.createhash': './scripts/shims/apollo-createhash.mjs' },
    banner: { js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);" },
    minify: FLOOR_MINIFY,
    sourcemap: false,
    logLevel: 'warning',
  });
  return join(dir, 'floor.js');
}
/** As the Lambdas' build (scripts/build.mjs): not minified. */
const FLOOR_MINIFY = false;

/** An API Gateway REST API (v1) proxy event: a POST with a JSON body. */
function restEvent(path: string, headers: Record<string, string>, body: string): object {
  return {
    resource: '/{proxy+}',
    path,
    httpMethod: 'POST',
    headers,
    multiValueHeaders: Object.fromEntries(Object.entries(headers).map(([name, value]) => [name, [value]])),
    queryStringParameters: null,
    multiValueQueryStringParameters: null,
    pathParameters: { proxy: path.slice(1) },
    stageVariables: null,
    requestContext: {
      accountId: '123456789012',
      apiId: 'cold-start',
      resourceId: 'proxy',
      resourcePath: '/{proxy+}',
      httpMethod: 'POST',
      path: `/v1${path}`,
      stage: 'v1',
      protocol: 'HTTP/1.1',
      requestId: 'cold-start',
      requestTimeEpoch: Date.now(),
      identity: { sourceIp: '127.0.0.1', userAgent: 'cold-start', userArn: null },
      authorizer: null,
    },
    body,
    isBase64Encoded: false,
  };
}

async function sample(subject: Subject, probe: string, nodeOptions: string[] = []): Promise<Sample> {
  const spawned = performance.timeOrigin + performance.now();
  const { stdout } = await promisify(execFile)(process.execPath, [...nodeOptions, probe, pathToFileURL(resolve(subject.bundle)).href], {
    env: { ...subject.env, COLD_START_EVENT: JSON.stringify(subject.event) },
    encoding: 'utf8',
    timeout: 60_000,
    maxBuffer: 16 * 1024 * 1024,
  });
  // The gateway logs to stdout too (as in Lambda): the probe's line is the one naming coldStart.
  const line = stdout.split('\n').find((candidate) => candidate.startsWith('{"coldStart"'));
  if (line === undefined) throw new Error(`${subject.name}: no timings in ${stdout.slice(-500)}`);
  const { coldStart, result } = JSON.parse(line) as { coldStart: ColdStartSplit & { importStartEpoch: number; cpuMs: number }; result: { statusCode: number; body: string } };
  subject.check(result);
  const split = { processMs: coldStart.importStartEpoch - spawned, importMs: coldStart.importMs, initMs: coldStart.initMs, firstRequestMs: coldStart.firstRequestMs };
  return { ...split, totalMs: split.processMs + split.importMs + split.initMs + split.firstRequestMs, cpuMs: coldStart.cpuMs };
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
};
const ms = (value: number) => Math.round(value * 10) / 10;

/** The bytes of `file` and of every file it imports statically, relative (a split bundle's chunks), once each. */
function loadedBytes(file: string, seen = new Set<string>()): number {
  if (seen.has(file)) return 0;
  seen.add(file);
  let bytes = statSync(file).size;
  for (const [, chunk] of readFileSync(file, 'utf8').matchAll(/^(?:import|export)\b[^;]*?["'](\.\/[^"']+\.js)["'];/gm)) bytes += loadedBytes(join(dirname(file), chunk!), seen);
  return bytes;
}

function summarise(name: string, what: string, bundle: string, samples: Sample[]): ColdStartResult {
  const of = (key: keyof Sample) => ms(median(samples.map((s) => s[key])));
  return {
    name,
    what,
    processes: samples.length,
    medianMs: of('totalMs'),
    worstMs: ms(Math.max(...samples.map((s) => s.totalMs))),
    split: { processMs: of('processMs'), importMs: of('importMs'), initMs: of('initMs'), firstRequestMs: of('firstRequestMs') },
    cpuMs: of('cpuMs'),
    bundleBytes: loadedBytes(bundle),
  };
}

/** The gateway's Lambda (lambda.js in `lambdaDir`) as the viewer's first answer, a cache hit. */
function gatewaySubject(upstream: Upstream, lambdaDir: string, name = 'cold-start'): Subject {
  const target = byDocumentId('http://lambda', upstream.useAnLpaToken, VIEWER);
  return {
    name,
    bundle: join(lambdaDir, 'lambda.js'),
    // As deployed (infra/constructs/gateway-function.ts), with what the Lambda runtime sets.
    env: { ...gatewayEnvironment(upstream, 3600), AWS_LAMBDA_FUNCTION_NAME: 'sirius-gateway-cold-start' },
    event: restEvent(new URL(target.url).pathname, { 'Content-Type': 'application/json', Authorization: target.headers.authorization! }, target.body!),
    check(result) {
      const body = JSON.parse(result.body) as { data?: { lpa?: { __typename?: string; freshness?: { source?: string } } }; errors?: unknown };
      if (result.statusCode !== 200 || body.errors !== undefined || body.data?.lpa?.__typename !== 'Lpa') throw new Error(`${name}: ${result.statusCode} ${result.body.slice(0, 300)}`);
      // A cache hit every time: the same work in every sample.
      if (body.data.lpa.freshness?.source !== 'CACHE') throw new Error(`${name}: not a cache hit (${body.data.lpa.freshness?.source})`);
    },
  };
}

function floorSubject(bundle: string): Subject {
  return {
    name: 'cold-start-floor',
    bundle,
    env: { PATH: process.env.PATH ?? '', NODE_ENV: 'production', AWS_LAMBDA_FUNCTION_NAME: 'cold-start-floor' },
    event: restEvent('/graphql', { 'Content-Type': 'application/json' }, JSON.stringify({ query: '{ hello }' })),
    check(result) {
      if (result.statusCode !== 200 || (JSON.parse(result.body) as { data?: { hello?: string } }).data?.hello !== 'world') throw new Error(`cold-start-floor: ${result.statusCode} ${result.body}`);
    },
  };
}

export const WHAT = {
  gateway: 'a fresh node process: import dist/lambda/lambda.js, boot (ready), first answer to a v1 REST event for the use-an-lpa viewer by document id, real JWT, LPA fresh in the cache (hit)',
  floor: 'a fresh node process: import a minimal Apollo Server 5 Lambda (@as-integrations/aws-lambda, type Query { hello: String }) bundled as the gateway is, first answer to { hello }',
};

/**
 * The cold-start scenario and its floor: `samples` fresh processes each, interleaved, after one
 * discarded gateway sample that fills the cache. `extraLambdaDirs` are measured alongside the
 * gateway as `cold-start@<dir>` (the standalone run's before/after comparisons).
 */
export async function coldStart(upstream: Upstream, lambdaDir = 'dist/lambda', samples = COLD_STARTS, extraLambdaDirs: string[] = []): Promise<ColdStartResult[]> {
  const floorDir = mkdtempSync(join(tmpdir(), 'sirius-gateway-cold-start-floor-'));
  try {
    const probe = join(floorDir, 'probe.mjs');
    writeFileSync(probe, PROBE);
    const subjects = [gatewaySubject(upstream, lambdaDir), floorSubject(await buildFloor(floorDir)), ...extraLambdaDirs.map((dir) => gatewaySubject(upstream, dir, `cold-start@${dir}`))];
    // The warm-up: fills the cache (a first read is a miss), and the OS's file cache for each bundle.
    const warm = gatewaySubject(upstream, lambdaDir);
    await sample({ ...warm, check: () => undefined }, probe);
    for (const subject of subjects) await sample(subject, probe);
    const taken = new Map<string, Sample[]>(subjects.map((subject) => [subject.name, []]));
    for (let round = 0; round < samples; round++) for (const subject of subjects) taken.get(subject.name)!.push(await sample(subject, probe));
    // BENCH_COLD_START_PROFILE=<dir>: one more cold process of each, under --cpu-prof (not in the figures).
    const profileDir = process.env.BENCH_COLD_START_PROFILE;
    if (profileDir) for (const subject of subjects) await sample(subject, probe, ['--cpu-prof', '--cpu-prof-dir', join(profileDir, subject.name.replace(/[^\w.-]+/g, '_'))]);
    return subjects.map((subject) => summarise(subject.name, subject.name === 'cold-start-floor' ? WHAT.floor : WHAT.gateway, subject.bundle, taken.get(subject.name)!));
  } finally {
    rmSync(floorDir, { recursive: true, force: true });
  }
}

// --- on its own ------------------------------------------------------------------------------

if (import.meta.url === pathToFileURL(resolve(process.argv[1] ?? '')).href) {
  const buildDir = mkdtempSync(join(tmpdir(), 'sirius-gateway-cold-start-build-'));
  try {
    execFileSync(process.execPath, ['scripts/build.mjs', buildDir], { stdio: 'inherit' });
    const { child, info: upstream } = await startReporting<Upstream>(['bench/upstream.ts']);
    try {
      const results = await coldStart(upstream, join(buildDir, 'lambda'), COLD_STARTS, process.argv.slice(2));
      for (const result of results) process.stdout.write(`${JSON.stringify(result)}\n`);
      const gateway = results.find((r) => r.name === 'cold-start')!;
      const floor = results.find((r) => r.name === 'cold-start-floor')!;
      process.stdout.write(`cold-start / cold-start-floor (median): ${Math.round((gateway.medianMs / floor.medianMs) * 100) / 100}x\n`);
    } finally {
      child.kill('SIGTERM');
    }
  } finally {
    // Kept when profiling: the profiles' line numbers are the bundle's.
    if (!process.env.BENCH_COLD_START_PROFILE) rmSync(buildDir, { recursive: true, force: true });
  }
  process.exit(0);
}
