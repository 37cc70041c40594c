// `npm run bench`: what each layer costs, every figure from one run on one machine. Builds the
// gateway, starts its dependencies (bench/upstream.ts: the Sirius and LPA Store simulators among
// them), two gateways from dist/main.js in production mode (one with a 1-hour fresh window, one
// that asks its upstreams every time) and the floors (bench/floors.ts), then drives each scenario
// with autocannon from a separate process (bench/load.ts). Writes bench/results.json and
// bench/RESULTS.md.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  byDocumentId,
  CONNECTIONS,
  DASHBOARD,
  DURATION_SECONDS,
  FIXTURE_UIDS,
  LPA_STORE_DASHBOARD,
  LPA_STORE_UIDS,
  lpaStoreCalls,
  WARMUP_SECONDS,
  measure,
  probe,
  memoryMegabytes,
  setSiriusFaults,
  siriusCalls,
  startGateway,
  startReporting,
  type Measured,
  type Target,
  VIEWER,
} from './harness';
import { createLpaStoreSigner, fixedCredentials } from '../src/lpa-store/request-signer';
import { fixedSecret } from '../src/sirius/request-signer';
import type { Upstream } from './upstream';

const RESULTS_JSON = 'bench/results.json';
const RESULTS_MD = 'bench/RESULTS.md';

interface ScenarioResult extends Omit<Measured, 'total'> {
  name: string;
  what: string;
  siriusCallsPerRequest: number;
  lpaStoreCallsPerRequest: number;
}

/** Scenarios whose every request is one upstream call by construction (the calls are not counted). */
const DIRECT: Record<string, 'sirius' | 'lpaStore'> = { 'sirius-direct': 'sirius', 'lpa-store-direct': 'lpaStore' };

// --- the run ---------------------------------------------------------------------------------

process.stdout.write('building dist/ …\n');
execFileSync('npm', ['run', '-s', 'build'], { stdio: 'inherit' });
const previous = existsSync(RESULTS_JSON) ? (JSON.parse(readFileSync(RESULTS_JSON, 'utf8')) as { date: string; scenarios: ScenarioResult[] }) : undefined;

const { info: upstream } = await startReporting<Upstream>(['bench/upstream.ts']);
const cached = await startGateway(upstream, 3600);
const live = await startGateway(upstream, 0);

const isLpa = (body: { data?: unknown; errors?: unknown }) => body.errors === undefined && (body.data as { lpa?: { __typename?: string } })?.lpa?.__typename === 'Lpa';
const source = (body: { data?: unknown }) => (body.data as { lpa: { freshness: { source: string } } }).lpa.freshness.source;

const targets = {
  cacheHit: byDocumentId(cached.url, upstream.useAnLpaToken, VIEWER),
  batch: byDocumentId(cached.url, upstream.useAnLpaToken, DASHBOARD),
  live: byDocumentId(live.url, upstream.useAnLpaToken, VIEWER),
  lpaStoreHit: byDocumentId(cached.url, upstream.useAnLpaToken, LPA_STORE_DASHBOARD),
  lpaStoreMiss: byDocumentId(live.url, upstream.useAnLpaToken, LPA_STORE_DASHBOARD),
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
await probe(targets.batch, (body) => body.errors === undefined && (body.data as { lpas: unknown[] }).lpas.length === FIXTURE_UIDS.length);

/** Every one of the seven answered as an LPA from the store. */
const isLpaStoreDashboard = (body: { data?: unknown; errors?: unknown }) => {
  const lpas = (body.data as { lpas?: { __typename?: string; source?: string }[] } | undefined)?.lpas;
  return body.errors === undefined && lpas?.length === LPA_STORE_UIDS.length && lpas.every((lpa) => lpa.__typename === 'Lpa' && lpa.source === 'LPA_STORE');
};

// The store's answer to a direct POST /lpas: every uid asked for.
const isLpaStoreList = (body: unknown) => (body as { lpas?: { uid?: string }[] }).lpas?.length === LPA_STORE_UIDS.length;

/**
 * POST /lpas for the seven, signed as the gateway signs it (SigV4 for execute-api with the
 * credentials the gateway is given, and the X-Jwt-Authorization HS256 JWT). autocannon sends fixed
 * headers, so the request is signed once, just before its run: the simulator accepts a SigV4
 * timestamp for 5 minutes and the signer's JWT for 60 s, longer than warm-up and run together.
 */
async function signedLpaStoreList(): Promise<Target> {
  const signer = createLpaStoreSigner({ region: upstream.lpaStoreRegion, credentials: fixedCredentials(upstream.awsCredentials), jwtSecret: fixedSecret(upstream.lpaStoreJwtSecret) });
  const url = new URL('/lpas', upstream.lpaStoreUrl);
  const body = JSON.stringify({ uids: LPA_STORE_UIDS });
  const headers = await signer.sign({ method: 'POST', url, body });
  return { url: url.toString(), method: 'POST', headers: { accept: 'application/json', ...headers }, body };
}
if (WARMUP_SECONDS + DURATION_SECONDS > 55) {
  process.stderr.write(`warning: lpa-store-direct signs once and its JWT lives 60 s: ${WARMUP_SECONDS + DURATION_SECONDS} s of load will end in 401s\n`);
}

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

const floorViewer = (url: string): Target => ({ url, method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: VIEWER.document, variables: VIEWER.variables }) });

const scenarios: Scenario[] = [
  { name: 'http-floor', what: 'bare node:http, the viewer answer as fixed bytes', run: () => floor('http-floor', [bodyFile], (url) => ({ url, method: 'POST', headers: {}, body: '{}' }), isLpa) },
  { name: 'graphql-js-floor', what: 'graphql-js execute on node:http, cached parse, v2 resolvers from memory', run: () => floor('graphql-js-floor', [], floorViewer, isLpa) },
  { name: 'graphql-floor', what: 'Apollo Server 5 standalone (production), v2 resolvers from memory', run: () => floor('graphql-floor', [], floorViewer, isLpa) },
  { name: 'gateway-cache-hit', what: 'viewer through the whole gateway (JWT, registered operation, shield), fresh in the cache', run: () => measure(targets.cacheHit) },
  { name: 'gateway-batch', what: 'dashboard: seven LPAs in one query, fresh in the cache', run: () => measure(targets.batch) },
  { name: 'sirius-direct', what: 'GET the same LPA from the Sirius simulator (what a REST consumer pays)', run: () => measure(targets.siriusDirect) },
  {
    name: 'gateway-live',
    what: 'viewer with CACHE_FRESH_SECONDS=0: no fresh copy is used; concurrent reads of one LPA share a Sirius call (single flight)',
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
  {
    name: 'lpa-store-dashboard-hit',
    what: 'v3 dashboard: seven LPA Store LPAs in one query, fresh in the cache',
    run: async () => {
      await probe(targets.lpaStoreHit, isLpaStoreDashboard);
      return measure(targets.lpaStoreHit);
    },
  },
  {
    name: 'lpa-store-direct',
    what: 'signed POST /lpas for the same seven to the LPA Store simulator (what a direct consumer pays; SigV4 and JWT checked on each; signed once just before the run, as autocannon sends fixed headers)',
    run: async () => {
      const target = await signedLpaStoreList();
      await probe(target, isLpaStoreList);
      return measure(target);
    },
  },
  {
    name: 'lpa-store-dashboard-miss',
    what: 'v3 dashboard of the seven with CACHE_FRESH_SECONDS=0: one POST /lpas for all seven, shared by concurrent requests (single flight)',
    run: async () => {
      await probe(targets.lpaStoreMiss, isLpaStoreDashboard);
      return measure(targets.lpaStoreMiss);
    },
  },
];

const results: ScenarioResult[] = [];
for (const scenario of scenarios) {
  process.stdout.write(`${scenario.name} …`);
  const before = { sirius: await siriusCalls(upstream), lpaStore: await lpaStoreCalls(upstream) };
  const measured = await scenario.run();
  const calls = { sirius: (await siriusCalls(upstream)) - before.sirius, lpaStore: (await lpaStoreCalls(upstream)) - before.lpaStore };
  // Warm-up requests ask the upstreams too; the ratio is over every request the scenario made.
  const requests = measured.total + Math.round((measured.total / DURATION_SECONDS) * WARMUP_SECONDS);
  const perRequest = (upstreamName: 'sirius' | 'lpaStore') => (DIRECT[scenario.name] === upstreamName ? 1 : round(calls[upstreamName] / requests, 3));
  const { total: _total, ...figures } = measured;
  const result = { name: scenario.name, what: scenario.what, ...figures, siriusCallsPerRequest: perRequest('sirius'), lpaStoreCallsPerRequest: perRequest('lpaStore') };
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
    'lpa-store-dashboard-hit / gateway-batch': ratio('lpa-store-dashboard-hit', 'gateway-batch'),
    'lpa-store-dashboard-miss / lpa-store-direct': ratio('lpa-store-dashboard-miss', 'lpa-store-direct'),
  },
  rssMegabytesAfterRun: { 'gateway (fresh window 1 h)': (await memoryMegabytes(cached.metricsUrl)).rss, 'gateway (fresh window 0)': (await memoryMegabytes(live.metricsUrl)).rss },
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
    '| scenario | what | req/s | p50 | p90 | p99 | errors | Sirius calls / request | LPA Store calls / request |',
    '|---|---|---:|---:|---:|---:|---:|---:|---:|',
    ...r.scenarios.map((s) => `| ${s.name} | ${s.what} | ${Math.round(s.rps)} | ${s.p50} | ${s.p90} | ${s.p99} | ${s.errors} | ${s.siriusCallsPerRequest} | ${s.lpaStoreCallsPerRequest} |`),
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
