// `npm run bench`: what each layer costs, every figure from one run on one machine. Builds the
// gateway, starts its dependencies (bench/upstream.ts), two gateways from dist/main.js in
// production mode (one with a 1-hour fresh window, one that asks Sirius every time) and the
// floors (bench/floors.ts), then drives each scenario with autocannon from a separate process
// (bench/load.ts). Writes bench/results.json and bench/RESULTS.md.
import { execFile, execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { promisify } from 'node:util';
import { DEV_CALLERS } from '../src/dev/dev-callers';
import { DEV_AUDIENCE, DEV_ISSUER } from '../src/dev/dev-issuer';
import type { Upstream } from './upstream';

const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 20);
const WARMUP_SECONDS = Number(process.env.BENCH_WARMUP_SECONDS ?? 3);
const DURATION_SECONDS = Number(process.env.BENCH_DURATION_SECONDS ?? 10);
const RESULTS_JSON = 'bench/results.json';
const RESULTS_MD = 'bench/RESULTS.md';

interface Measured {
  rps: number;
  total: number;
  p50: number;
  p90: number;
  p99: number;
  errors: number;
}
interface ScenarioResult extends Omit<Measured, 'total'> {
  name: string;
  what: string;
  siriusCallsPerRequest: number;
}
interface Target {
  url: string;
  method: 'GET' | 'POST';
  headers: Record<string, string>;
  body?: string;
}

const children: ChildProcess[] = [];
process.on('exit', () => children.forEach((child) => child.kill('SIGKILL')));

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** A child whose first stdout line is JSON describing where it listens. */
async function startReporting<T>(args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ child: ChildProcess; info: T }> {
  const child = spawn(process.execPath, ['--import', 'tsx', ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'inherit'] });
  children.push(child);
  const lines = createInterface({ input: child.stdout! });
  const first = await new Promise<string>((resolve, reject) => {
    lines.once('line', resolve);
    child.once('exit', (code) => reject(new Error(`${args.join(' ')} exited with ${code}`)));
  });
  lines.on('line', () => undefined); // keep draining
  return { child, info: JSON.parse(first) as T };
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

async function startGateway(upstream: Upstream, freshSeconds: number): Promise<{ url: string; child: ChildProcess }> {
  const port = await freePort();
  const child = spawn(process.execPath, ['dist/main.js'], {
    // Production mode, as deployed: logs at info (to /dev/null here), only registered operations.
    env: {
      PATH: process.env.PATH,
      NODE_ENV: 'production',
      PORT: String(port),
      HOST: '127.0.0.1',
      LOG_LEVEL: 'info',
      SIRIUS_BASE_URL: upstream.siriusUrl,
      SIRIUS_SIGNING_SECRET_NAME: upstream.secretName,
      AWS_ENDPOINT_URL_SECRETS_MANAGER: upstream.secretsManagerUrl,
      AWS_ACCESS_KEY_ID: 'bench',
      AWS_SECRET_ACCESS_KEY: 'bench',
      AWS_REGION: 'eu-west-2',
      CACHE_TABLE_NAME: upstream.tableName,
      DYNAMODB_ENDPOINT: upstream.dynamoEndpoint,
      CACHE_FRESH_SECONDS: String(freshSeconds),
      AUTH_ISSUER: 'oidc',
      OIDC_ISSUER: DEV_ISSUER,
      OIDC_AUDIENCE: DEV_AUDIENCE,
      OIDC_JWKS_URI: upstream.jwksUri,
      CALLER_REGISTRY_JSON: JSON.stringify(DEV_CALLERS),
      TRUSTED_DOCUMENTS: 'enforce',
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  children.push(child);
  const url = `http://127.0.0.1:${port}`;
  for (let attempt = 0; ; attempt++) {
    if (child.exitCode !== null) throw new Error(`the gateway exited with ${child.exitCode}`);
    try {
      if ((await fetch(`${url}/health/live`)).ok) return { url, child };
    } catch {
      if (attempt > 200) throw new Error('the gateway did not start');
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function siriusCalls(upstream: Upstream): Promise<number> {
  return ((await (await fetch(`${upstream.siriusUrl}/__calls`)).json()) as { total: number }).total;
}

async function setSiriusFaults(upstream: Upstream, faults: object): Promise<void> {
  await fetch(`${upstream.siriusUrl}/__faults`, { method: 'PUT', body: JSON.stringify(faults) });
}

/** One request, checked, before load: a scenario that answers wrongly is not measured. */
async function probe(target: Target, check: (body: { data?: unknown; errors?: unknown }) => boolean): Promise<string> {
  const response = await fetch(target.url, { method: target.method, headers: target.headers, body: target.body });
  const text = await response.text();
  if (response.status !== 200 || !check(JSON.parse(text))) throw new Error(`probe of ${target.url} failed: ${response.status} ${text.slice(0, 300)}`);
  return text;
}

async function measure(target: Target): Promise<Measured> {
  const options = { ...target, connections: CONNECTIONS, warmupSeconds: WARMUP_SECONDS, durationSeconds: DURATION_SECONDS };
  const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', 'bench/load.ts', JSON.stringify(options)], { maxBuffer: 1 << 20 });
  return JSON.parse(stdout) as Measured;
}

async function residentMegabytes(gatewayUrl: string): Promise<number> {
  const text = await (await fetch(`${gatewayUrl}/metrics`)).text();
  const bytes = Number(/^process_resident_memory_bytes (\S+)$/m.exec(text)?.[1]);
  return Math.round(bytes / 1024 / 1024);
}

// --- the run ---------------------------------------------------------------------------------

process.stdout.write('building dist/ …\n');
execFileSync('npm', ['run', '-s', 'build'], { stdio: 'inherit' });
const previous = existsSync(RESULTS_JSON) ? (JSON.parse(readFileSync(RESULTS_JSON, 'utf8')) as { date: string; scenarios: ScenarioResult[] }) : undefined;

const { info: upstream } = await startReporting<Upstream>(['bench/upstream.ts']);
const cached = await startGateway(upstream, 3600);
const live = await startGateway(upstream, 0);

const viewer = readFileSync('operations/use-an-lpa/v2/ViewSharedLpa.graphql', 'utf8');
const dashboard = readFileSync('operations/use-an-lpa/v2/AccountDashboard.graphql', 'utf8');
const uids = (JSON.parse(readFileSync('fixtures/sirius/lpas.json', 'utf8')) as { uId: string }[]).map((lpa) => lpa.uId);
const viewerVariables = { uid: '7000-0000-0047' };
const gatewayHeaders = { 'content-type': 'application/json', authorization: `Bearer ${upstream.useAnLpaToken}` };
const viewerById = JSON.stringify({ documentId: `sha256:${sha256(viewer)}`, variables: viewerVariables });
const isLpa = (body: { data?: unknown; errors?: unknown }) => body.errors === undefined && (body.data as { lpa?: { __typename?: string } })?.lpa?.__typename === 'Lpa';
const source = (body: { data?: unknown }) => (body.data as { lpa: { freshness: { source: string } } }).lpa.freshness.source;

const targets = {
  cacheHit: { url: `${cached.url}/use-an-lpa/v2/graphql`, method: 'POST', headers: gatewayHeaders, body: viewerById } satisfies Target,
  batch: {
    url: `${cached.url}/use-an-lpa/v2/graphql`,
    method: 'POST',
    headers: gatewayHeaders,
    body: JSON.stringify({ documentId: `sha256:${sha256(dashboard)}`, variables: { uids } }),
  } satisfies Target,
  live: { url: `${live.url}/use-an-lpa/v2/graphql`, method: 'POST', headers: gatewayHeaders, body: viewerById } satisfies Target,
  siriusDirect: {
    url: `${upstream.siriusUrl}/api/public/v1/lpas?uid=700000000047`,
    method: 'GET',
    headers: { accept: 'application/json', authorization: `Bearer ${upstream.siriusToken}` },
  } satisfies Target,
};

// The viewer's answer through the whole gateway (this also fills the cache): the http floor's bytes.
const viewerAnswer = await probe(targets.cacheHit, isLpa);
const bodyFile = join(tmpdir(), `sirius-gateway-bench-${process.pid}.json`);
writeFileSync(bodyFile, viewerAnswer);
await probe(targets.batch, (body) => body.errors === undefined && (body.data as { lpas: unknown[] }).lpas.length === uids.length);

interface Scenario {
  name: string;
  what: string;
  run(): Promise<Measured>;
}

async function floor(mode: string, args: string[], target: (url: string) => Target, check: (body: { data?: unknown; errors?: unknown }) => boolean): Promise<Measured> {
  const { child, info } = await startReporting<{ url: string }>(['bench/floors.ts', mode, ...args], { NODE_ENV: 'production' });
  try {
    const t = target(info.url);
    await probe(t, check);
    return await measure(t);
  } finally {
    child.kill('SIGTERM');
  }
}

const floorViewer = (url: string): Target => ({ url, method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: viewer, variables: viewerVariables }) });

const scenarios: Scenario[] = [
  { name: 'http-floor', what: 'bare node:http, the viewer answer as fixed bytes', run: () => floor('http-floor', [bodyFile], (url) => ({ url, method: 'POST', headers: {}, body: '{}' }), isLpa) },
  { name: 'graphql-js-floor', what: 'graphql-js execute on node:http, cached parse, v2 resolvers from memory', run: () => floor('graphql-js-floor', [], floorViewer, isLpa) },
  { name: 'graphql-floor', what: 'Apollo Server 5 standalone (production), v2 resolvers from memory', run: () => floor('graphql-floor', [], floorViewer, isLpa) },
  { name: 'gateway-cache-hit', what: 'viewer through the whole gateway (JWT, registered operation, shield), fresh in the cache', run: () => measure(targets.cacheHit) },
  { name: 'gateway-batch', what: 'dashboard: seven LPAs in one query, fresh in the cache', run: () => measure(targets.batch) },
  { name: 'sirius-direct', what: 'GET the same LPA from the Sirius simulator (what a REST consumer pays)', run: () => measure(targets.siriusDirect) },
  {
    name: 'gateway-live',
    what: 'viewer with CACHE_FRESH_SECONDS=0: every request asks the simulator',
    run: async () => {
      await probe(targets.live, (body) => isLpa(body) && source(body) === 'LIVE');
      return measure(targets.live);
    },
  },
  {
    name: 'gateway-sirius-down',
    what: 'viewer with the simulator answering 503: served stale from the cache',
    run: async () => {
      await setSiriusFaults(upstream, { status: 503 });
      try {
        await probe(targets.live, (body) => isLpa(body) && source(body) === 'CACHE');
        return await measure(targets.live);
      } finally {
        await setSiriusFaults(upstream, {});
      }
    },
  },
];

const results: ScenarioResult[] = [];
for (const scenario of scenarios) {
  process.stdout.write(`${scenario.name} …`);
  const before = await siriusCalls(upstream);
  const measured = await scenario.run();
  const calls = (await siriusCalls(upstream)) - before;
  // Warm-up requests ask Sirius too; the ratio is over every request the scenario made.
  const requests = measured.total + Math.round((measured.total / DURATION_SECONDS) * WARMUP_SECONDS);
  const { total: _total, ...figures } = measured;
  const result = { name: scenario.name, what: scenario.what, ...figures, siriusCallsPerRequest: scenario.name === 'sirius-direct' ? 1 : round(calls / requests, 3) };
  results.push(result);
  process.stdout.write(` ${Math.round(result.rps)} req/s, p99 ${result.p99} ms, ${result.errors} errors\n`);
}

const byName = Object.fromEntries(results.map((result) => [result.name, result]));
const ratio = (a: string, b: string) => ({ rps: round(byName[a]!.rps / byName[b]!.rps, 2), p99: round(byName[a]!.p99 / byName[b]!.p99, 2) });
const report = {
  node: process.version,
  cpus: cpus().length,
  cpuModel: cpus()[0]?.model ?? 'unknown',
  date: new Date().toISOString(),
  connections: CONNECTIONS,
  warmupSeconds: WARMUP_SECONDS,
  durationSeconds: DURATION_SECONDS,
  scenarios: results,
  ratios: {
    'gateway-cache-hit / graphql-floor': ratio('gateway-cache-hit', 'graphql-floor'),
    'gateway-live / sirius-direct': ratio('gateway-live', 'sirius-direct'),
    'gateway-cache-hit / http-floor': ratio('gateway-cache-hit', 'http-floor'),
  },
  rssMegabytesAfterRun: { 'gateway (fresh window 1 h)': await residentMegabytes(cached.url), 'gateway (fresh window 0)': await residentMegabytes(live.url) },
};
writeFileSync(RESULTS_JSON, `${JSON.stringify(report, null, 2)}\n`);
writeFileSync(RESULTS_MD, markdown(report, previous));
process.stdout.write(`wrote ${RESULTS_JSON} and ${RESULTS_MD}\n`);
process.exit(0);

function round(value: number, places: number): number {
  return Math.round(value * 10 ** places) / 10 ** places;
}

function markdown(r: typeof report, before: typeof previous): string {
  const lines = [
    '# Benchmark results',
    '',
    `Written by \`npm run bench\` on ${r.date}: Node ${r.node}, ${r.cpus} CPUs (${r.cpuModel}). autocannon, ${r.connections} connections,`,
    `${r.warmupSeconds} s warm-up then ${r.durationSeconds} s per scenario; load generator, gateway and simulator share the CPUs.`,
    'Latencies in milliseconds. Compare figures within one run: this machine is noisy.',
    '',
    '| scenario | what | req/s | p50 | p90 | p99 | errors | Sirius calls / request |',
    '|---|---|---:|---:|---:|---:|---:|---:|',
    ...r.scenarios.map((s) => `| ${s.name} | ${s.what} | ${Math.round(s.rps)} | ${s.p50} | ${s.p90} | ${s.p99} | ${s.errors} | ${s.siriusCallsPerRequest} |`),
    '',
    '| ratio | throughput | p99 |',
    '|---|---:|---:|',
    ...Object.entries(r.ratios).map(([name, value]) => `| ${name} | ${value.rps}x | ${value.p99}x |`),
    '',
    `Gateway resident memory after the run: ${Object.entries(r.rssMegabytesAfterRun).map(([name, mb]) => `${name} ${mb} MB`).join(', ')}.`,
  ];
  if (before) {
    lines.push('', `Throughput against the previous committed run (${before.date}; another moment, so only a rough guide):`, '');
    lines.push('| scenario | before req/s | now req/s |', '|---|---:|---:|');
    for (const s of r.scenarios) {
      const old = before.scenarios.find((candidate) => candidate.name === s.name);
      if (old) lines.push(`| ${s.name} | ${Math.round(old.rps)} | ${Math.round(s.rps)} |`);
    }
  }
  return `${lines.join('\n')}\n`;
}
