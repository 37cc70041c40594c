// `npm run bench`: what each layer costs, every figure from one run on one machine. Builds the
// gateway, starts its dependencies (bench/upstream.ts: the Sirius and LPA Store simulators among
// them, and the events worker that production runs as the events Lambda), two gateways from
// dist/main.js in production mode (one with a 1-hour fresh window, one that asks its upstreams
// every time), and for the two freshness scenarios a gateway of their own each; and the floors
// (bench/floors.ts); then drives each scenario with autocannon from a separate process
// (bench/load.ts). Writes bench/results.json and bench/RESULTS.md.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { byDocumentId, CONNECTIONS, DASHBOARD, DURATION_SECONDS, eventsHandled, FIXTURE_UIDS, LPA_STORE_DASHBOARD, LPA_STORE_UIDS, LPA_STORE_VIEWER, lpaStoreCalls, lpaStoreEventsEmitted, WARMUP_SECONDS, measure, probe, memoryMegabytes, setLpaStoreFaults, setSiriusFaults, siriusCalls, siriusDirect, startGateway, startReporting, type Measured, type Target, updateLpaStoreLpa, VIEWER, floorViewer } from './harness';
import { createLpaStoreSigner, fixedCredentials } from '../src/lpa-store/request-signer';
import { fixedSecret } from '../src/sirius/request-signer';
import type { Upstream } from './upstream';
import { COLD_STARTS, coldStart, type ColdStartResult } from './cold-start';

const RESULTS_JSON = 'bench/results.json';
const RESULTS_MD = 'bench/RESULTS.md';

interface ScenarioResult extends Omit<Measured, 'total'> {
  name: string;
  what: string;
  siriusCallsPerRequest: number;
  lpaStoreCallsPerRequest: number;
  /** The freshness scenarios: an M- LPA read steadily while it changes about once a second. */
  updates?: UpdateFigures;
}

interface UpdateFigures {
  /** Changes applied through the store simulator's admin path during warm-up and run. */
  applied: number;
  /** lpa-updated events the store emitted for them, lost to its drop fault, and what the events worker made of the rest. */
  events: { emitted: number; lost: number; applied: number; dropped: number; failed: number };
  /** Every request of the scenario (warm-up included), and the store calls they and the events worker made. */
  reads: number;
  lpaStoreCalls: number;
  lpaStoreCallsPerUpdate: number;
  /** After the run, one more change: how long until a read through the gateway showed it. */
  lastUpdateVisibleAfterMs: number;
}

/** Scenarios whose every request is one upstream call by construction (the calls are not counted). */
const DIRECT: Record<string, 'sirius' | 'lpaStore'> = { 'sirius-direct': 'sirius', 'lpa-store-direct': 'lpaStore' };

// --- the run ---------------------------------------------------------------------------------

process.stdout.write('building dist/ …\n');
execFileSync('npm', ['run', '-s', 'build'], { stdio: 'inherit' });
const previous = existsSync(RESULTS_JSON) ? (JSON.parse(readFileSync(RESULTS_JSON, 'utf8')) as { date: string; scenarios: ScenarioResult[] }) : undefined;

const { info: upstream } = await startReporting<Upstream>(['bench/upstream.ts']);
const cached = await startGateway(upstream, 3600);
// No fresh window for either kind of LPA: M- LPAs have their own (LPA_STORE_FRESH_SECONDS, a day).
const live = await startGateway(upstream, 0, [], { LPA_STORE_FRESH_SECONDS: '0' });

const isLpa = (body: { data?: unknown; errors?: unknown }) => body.errors === undefined && (body.data as { lpa?: { __typename?: string } })?.lpa?.__typename === 'Lpa';
const source = (body: { data?: unknown }) => (body.data as { lpa: { freshness: { source: string } } }).lpa.freshness.source;

const targets = {
  cacheHit: byDocumentId(cached.url, upstream.useAnLpaToken, VIEWER),
  batch: byDocumentId(cached.url, upstream.useAnLpaToken, DASHBOARD),
  live: byDocumentId(live.url, upstream.useAnLpaToken, VIEWER),
  lpaStoreHit: byDocumentId(cached.url, upstream.useAnLpaToken, LPA_STORE_DASHBOARD),
  lpaStoreMiss: byDocumentId(live.url, upstream.useAnLpaToken, LPA_STORE_DASHBOARD),
  siriusDirect: siriusDirect(upstream),
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
  /**
   * Upstream calls are counted from just before run() until it calls `endCount` (or returns): what
   * it does after that (a probe) is not in the figures.
   */
  run(endCount: () => Promise<void>): Promise<Measured & { updates?: Omit<UpdateFigures, 'reads' | 'lpaStoreCalls' | 'lpaStoreCallsPerUpdate'> }>;
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


// --- freshness: an M- LPA read steadily while the store changes it -----------------------------

const CHANGED_UID = LPA_STORE_VIEWER.variables.uid as string;
const UPDATE_INTERVAL_MS = 1000;
/** Store calls per read are tiny here: keep two significant figures rather than three places. */
const significant = (value: number) => Number(value.toPrecision(2));

const donorLine1 = (body: { data?: unknown }) =>
  (body.data as { lpa?: { donor?: { addresses?: { addressLine1?: string | null }[] } } } | undefined)?.lpa?.donor?.addresses?.[0]?.addressLine1;

/** A CORRECTION of the donor's first address line: the store takes it again and again. */
const correction = (line1: string) => ({ type: 'CORRECTION', changes: [{ key: '/donor/address/line1', new: line1 }] });

/** Changes CHANGED_UID about once a second, through the store simulator's admin path, until stopped. */
function changeEverySecond(label: string): { stop(): Promise<number> } {
  let stopped = false;
  let applied = 0;
  const loop = (async () => {
    for (let n = 1; !stopped; n++) {
      if (!(await updateLpaStoreLpa(upstream, CHANGED_UID, correction(`${n} ${label} Street`)))) throw new Error(`the store simulator refused change ${n} of ${CHANGED_UID}`);
      applied += 1;
      for (let waited = 0; waited < UPDATE_INTERVAL_MS && !stopped; waited += 50) await sleep(50);
    }
  })();
  loop.catch(() => undefined); // stop() rethrows it
  return {
    async stop() {
      stopped = true;
      await loop;
      return applied;
    },
  };
}

/** Waits until the events worker has handled every event the store emitted (and did not lose). */
async function eventsSettled(): Promise<void> {
  for (const deadline = Date.now() + 10_000; Date.now() < deadline; await sleep(20)) {
    const { emitted, dropped } = await lpaStoreEventsEmitted(upstream);
    const handled = await eventsHandled(upstream);
    if (handled.applied + handled.dropped + handled.failed >= emitted - dropped) return;
  }
  throw new Error('the events worker did not handle every event within 10 s');
}

/** One more change, then reads through the gateway until one shows it: milliseconds from the change's answer. */
async function lastUpdateVisibleAfter(target: Target, label: string): Promise<number> {
  const line1 = `Last ${label} Street`;
  if (!(await updateLpaStoreLpa(upstream, CHANGED_UID, correction(line1)))) throw new Error(`the store simulator refused the last change of ${CHANGED_UID}`);
  const changed = performance.now();
  for (;;) {
    const response = await fetch(target.url, { method: target.method, headers: target.headers, body: target.body });
    const body = (await response.json()) as { data?: unknown };
    const elapsed = performance.now() - changed;
    if (response.status === 200 && donorLine1(body) === line1) return Math.round(elapsed);
    if (elapsed > 10_000) throw new Error(`${label}: the last change of ${CHANGED_UID} was not visible through the gateway after 10 s (donor line 1 ${JSON.stringify(donorLine1(body))})`);
    await sleep(10);
  }
}

/**
 * The freshness scenarios: a gateway of their own (production mode, with `lpaStoreFreshSeconds`),
 * steady reads of the v3 viewer for CHANGED_UID while it changes about once a second; then one
 * more change, which must be visible at a read through the gateway.
 */
async function freshness(label: string, lpaStoreFreshSeconds: number, endCount: () => Promise<void>) {
  const gateway = await startGateway(upstream, 3600, [], { LPA_STORE_FRESH_SECONDS: String(lpaStoreFreshSeconds) });
  try {
    const target = byDocumentId(gateway.url, upstream.useAnLpaToken, LPA_STORE_VIEWER);
    await probe(target, isLpa);
    const emittedBefore = await lpaStoreEventsEmitted(upstream);
    const handledBefore = await eventsHandled(upstream);
    const changes = changeEverySecond(label);
    const measured = await measure(target).finally(() => changes.stop());
    const applied = await changes.stop();
    // The worker's store read for the last change belongs to this scenario.
    await eventsSettled();
    await endCount();
    const emitted = await lpaStoreEventsEmitted(upstream);
    const handled = await eventsHandled(upstream);
    const events = {
      emitted: emitted.emitted - emittedBefore.emitted,
      lost: emitted.dropped - emittedBefore.dropped,
      applied: handled.applied - handledBefore.applied,
      dropped: handled.dropped - handledBefore.dropped,
      failed: handled.failed - handledBefore.failed,
    };
    return { ...measured, updates: { applied, events, lastUpdateVisibleAfterMs: await lastUpdateVisibleAfter(target, label) } };
  } finally {
    gateway.child.kill('SIGTERM');
  }
}

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
    what: 'v3 dashboard of the seven with LPA_STORE_FRESH_SECONDS=0: one POST /lpas for all seven, shared by concurrent requests (single flight)',
    run: async () => {
      await probe(targets.lpaStoreMiss, isLpaStoreDashboard);
      return measure(targets.lpaStoreMiss);
    },
  },
  {
    name: 'lpa-store-events',
    what: `v3 viewer of ${CHANGED_UID} with LPA_STORE_FRESH_SECONDS=86400 while the store changes it about once a second; the events worker (the events Lambda's code, over the same table) refreshes it on each lpa-updated`,
    run: (endCount) => freshness('events', 86_400, endCount),
  },
  {
    name: 'lpa-store-time-window',
    what: `the same reads and changes with LPA_STORE_FRESH_SECONDS=1 and the store's events dropped (its events.drop fault): a time window as current as the events`,
    run: async (endCount) => {
      await setLpaStoreFaults(upstream, { events: { drop: true } });
      try {
        return await freshness('time-window', 1, endCount);
      } finally {
        await setLpaStoreFaults(upstream, {});
      }
    },
  },
];

const results: ScenarioResult[] = [];
for (const scenario of scenarios) {
  process.stdout.write(`${scenario.name} …`);
  const before = { sirius: await siriusCalls(upstream), lpaStore: await lpaStoreCalls(upstream) };
  let calls: { sirius: number; lpaStore: number } | undefined;
  const endCount = async () => {
    calls ??= { sirius: (await siriusCalls(upstream)) - before.sirius, lpaStore: (await lpaStoreCalls(upstream)) - before.lpaStore };
  };
  const measured = await scenario.run(endCount);
  await endCount();
  const counted = calls!;
  // Warm-up requests ask the upstreams too; the ratio is over every request the scenario made.
  const requests = measured.total + Math.round((measured.total / DURATION_SECONDS) * WARMUP_SECONDS);
  const perRequest = (upstreamName: 'sirius' | 'lpaStore') => {
    if (DIRECT[scenario.name] === upstreamName) return 1;
    const value = counted[upstreamName] / requests;
    return value > 0 && value < 0.01 ? significant(value) : round(value, 3);
  };
  const { total: _total, updates, ...figures } = measured;
  const result: ScenarioResult = { name: scenario.name, what: scenario.what, ...figures, siriusCallsPerRequest: perRequest('sirius'), lpaStoreCallsPerRequest: perRequest('lpaStore') };
  if (updates) {
    result.updates = { ...updates, reads: requests, lpaStoreCalls: counted.lpaStore, lpaStoreCallsPerUpdate: round(counted.lpaStore / updates.applied, 2) };
  }
  results.push(result);
  const changes = result.updates
    ? `; ${result.updates.applied} changes, ${result.updates.lpaStoreCalls} store calls (${result.lpaStoreCallsPerRequest} a read), last change visible after ${result.updates.lastUpdateVisibleAfterMs} ms`
    : '';
  process.stdout.write(` ${Math.round(result.rps)} req/s, p99 ${result.p99} ms, ${result.errors} errors${changes}\n`);
}

// Cold start (issue 17): fresh processes, after the load (the machine quiet but for these), each
// importing a Lambda bundle and answering one event; the gateway's against its floor, interleaved.
process.stdout.write(`cold-start, cold-start-floor (${COLD_STARTS} processes each) …`);
const coldStarts: ColdStartResult[] = await coldStart(upstream, 'dist/lambda');
const coldStartOf = (name: string) => coldStarts.find((result) => result.name === name)!;
for (const result of coldStarts) process.stdout.write(` ${result.name} median ${result.medianMs} ms, worst ${result.worstMs} ms;`);
process.stdout.write('\n');
const isLoad = (scenario: ScenarioResult | ColdStartResult): scenario is ScenarioResult => 'rps' in scenario;

const byName = Object.fromEntries(results.map((result) => [result.name, result]));
const callsPerRead = (name: string) => significant(byName[name]!.updates!.lpaStoreCalls / byName[name]!.updates!.reads);
const ratio = (a: string, b: string) => ({ rps: round(byName[a]!.rps / byName[b]!.rps, 2), p99: round(byName[a]!.p99 / byName[b]!.p99, 2) });
const report = {
  node: process.version,
  cpus: cpus().length,
  cpuModel: cpus()[0]?.model ?? 'unknown',
  date: new Date().toISOString(),
  connections: CONNECTIONS,
  warmupSeconds: WARMUP_SECONDS,
  durationSeconds: DURATION_SECONDS,
  scenarios: [...results, ...coldStarts] as (ScenarioResult | ColdStartResult)[],
  ratios: {
    'gateway-cache-hit / graphql-floor': ratio('gateway-cache-hit', 'graphql-floor'),
    'gateway-cache-hit / graphql-js-floor': ratio('gateway-cache-hit', 'graphql-js-floor'),
    'gateway-live / sirius-direct': ratio('gateway-live', 'sirius-direct'),
    'gateway-cache-hit / http-floor': ratio('gateway-cache-hit', 'http-floor'),
    'lpa-store-dashboard-hit / gateway-batch': ratio('lpa-store-dashboard-hit', 'gateway-batch'),
    'lpa-store-dashboard-miss / lpa-store-direct': ratio('lpa-store-dashboard-miss', 'lpa-store-direct'),
    'cold-start / cold-start-floor': { medianMs: round(coldStartOf('cold-start').medianMs / coldStartOf('cold-start-floor').medianMs, 2) },
  },
  /** Issue 15's point: store calls per read of an M- LPA kept current by events, against a time window. */
  lpaStoreCallsPerRead: {
    events: callsPerRead('lpa-store-events'),
    timeWindow: callsPerRead('lpa-store-time-window'),
    'events / time window': significant(callsPerRead('lpa-store-events') / callsPerRead('lpa-store-time-window')),
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
    ...r.scenarios.filter(isLoad).map((s) => `| ${s.name} | ${s.what} | ${Math.round(s.rps)} | ${s.p50} | ${s.p90} | ${s.p99} | ${s.errors} | ${s.siriusCallsPerRequest} | ${s.lpaStoreCallsPerRequest} |`),
    '',
    '| ratio | throughput | p99 | cold start (median) |',
    '|---|---:|---:|---:|',
    ...Object.entries(r.ratios).map(([name, value]) => ('rps' in value ? `| ${name} | ${value.rps}x | ${value.p99}x | |` : `| ${name} | | | ${value.medianMs}x |`)),
    '',
    'Cold start: each process a fresh `node` (no flags) that imports the Lambda bundle, awaits its `ready` (boot: clients,',
    'JWKS; a consumer\'s schema is built on its first request), then answers one API Gateway REST (v1) event. The gateway\'s is the use-an-lpa viewer by document id',
    'with a real JWT, the LPA fresh in the shared cache table (a hit; the in-process memory is empty in a new process);',
    'the floor is a one-field Apollo Server 5 Lambda (`@as-integrations/aws-lambda`) bundled the same way. Total = node\'s',
    'own start (process) + import + init + first request, in milliseconds; the split is medians. Bytes loaded: the entry and',
    'the chunks it imports up front (what is only import()ed on demand, e.g. undici or the EventBridge client, is not).',
    '',
    '| scenario | processes | median | worst | process | import | init | first request | CPU (median) | bytes loaded |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
    ...r.scenarios
      .filter((s): s is ColdStartResult => !isLoad(s))
      .map((s) => `| ${s.name} | ${s.processes} | ${s.medianMs} | ${s.worstMs} | ${s.split.processMs} | ${s.split.importMs} | ${s.split.initMs} | ${s.split.firstRequestMs} | ${s.cpuMs} | ${s.bundleBytes} |`),
    '',
    `An M- LPA read steadily (the v3 viewer, ${r.connections} connections) while the store changes it about once a second`,
    '(a CORRECTION through its admin path), each scenario with a production-mode gateway of its own; store calls',
    'include the events worker\'s (the events Lambda\'s code, run beside the gateway as production runs it):',
    '',
    '| scenario | reads | changes | store calls | store calls / read | store calls / change | events applied | events lost | last change visible after (ms) |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|',
    ...r.scenarios
      .filter(isLoad)
      .filter((s) => s.updates)
      .map((s) => {
        const u = s.updates!;
        return `| ${s.name} | ${u.reads} | ${u.applied} | ${u.lpaStoreCalls} | ${significant(u.lpaStoreCalls / u.reads)} | ${u.lpaStoreCallsPerUpdate} | ${u.events.applied} | ${u.events.lost} | ${u.lastUpdateVisibleAfterMs} |`;
      }),
    '',
    `Store calls per read, events against the time window: ${r.lpaStoreCallsPerRead.events} / ${r.lpaStoreCallsPerRead.timeWindow} = ${r.lpaStoreCallsPerRead['events / time window']}x.`,
    '',
    'With events a read costs the store nothing: each change costs one store read, by the events worker, however often',
    'the LPA is read. A time window costs a store read every window for each LPA being read, changed or not. At a change',
    'a second, as here, the two meet; an LPA changes a handful of times in its life.',
    '',
    `Gateway resident memory after the run: ${Object.entries(r.rssMegabytesAfterRun).map(([name, mb]) => `${name} ${mb} MB`).join(', ')}.`,
  ];
  if (before) {
    lines.push('', `Throughput against the previous committed run (${before.date}; another moment, so only a rough guide):`, '');
    lines.push('| scenario | before req/s | now req/s |', '|---|---:|---:|');
    for (const s of r.scenarios.filter(isLoad)) {
      const old = before.scenarios.find((candidate) => candidate.name === s.name);
      if (old && 'rps' in old) lines.push(`| ${s.name} | ${Math.round(old.rps)} | ${Math.round(s.rps)} |`);
    }
  }
  return `${lines.join('\n')}\n`;
}
