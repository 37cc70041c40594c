// `npm run bench:profile:live`: the live path (issue 17) on its own, against Sirius direct in the
// same run. Starts the upstream (bench/upstream.ts) and one live gateway (CACHE_FRESH_SECONDS=0, as
// `gateway-live` in bench/run.ts) per build, then alternates: each gateway under load, then the same
// GET straight to the Sirius simulator (`sirius-direct`), for `--rounds` rounds. Prints req/s,
// Sirius calls and the gateway's own CPU per request, and live / direct.
// `npm run bench:profile:hit` (`--scenario hit`) does the same for the cache hit: gateways with a
// one-hour fresh window (as `gateway-cache-hit`) against the graphql-js floor (`graphql-js-floor`),
// interleaved round by round, where `npm run bench` measures each once, one after the other.
//
//   npm run bench:profile:live                     build dist/ and measure it
//   npm run bench:profile:live -- --profile        …with --cpu-prof: the top self-time functions,
//                                                  mapped through the bundle's source map and grouped
//                                                  by package (bench/profiles-live/live-N/*.cpuprofile)
//   npm run bench:profile:live -- --rounds 3 /tmp/a /tmp/b
//                                                  A/B: builds made beforehand with
//                                                  `node scripts/build.mjs /tmp/a` (needs node_modules
//                                                  beside it: `ln -s $PWD/node_modules /tmp/a/`),
//                                                  measured alternately in one run
//   npm run bench:profile:live -- dist dist:CACHE_WRITE_WAIT_MS=0
//                                                  one build with a setting changed (`dir:KEY=VALUE,…`)
//   npm run bench:profile:hit -- --rounds 4       the cache hit against graphql-js, four rounds
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { SourceMap } from 'node:module';
import { basename, join } from 'node:path';
import { parseArgs } from 'node:util';
import { byDocumentId, DURATION_SECONDS, floorViewer, measure, probe, siriusCalls, siriusDirect, startGateway, startReporting, VIEWER, WARMUP_SECONDS, type Measured, type Target } from './harness';
import type { Upstream } from './upstream';

const { values: flags, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    profile: { type: 'boolean', default: false },
    rounds: { type: 'string', default: '1' },
    top: { type: 'string', default: '30' },
    scenario: { type: 'string', default: 'live' },
  },
});
if (flags.scenario !== 'live' && flags.scenario !== 'hit') throw new Error(`--scenario live or hit, not ${flags.scenario}`);
/** The gateway's scenario, and what it is measured against. */
const scenario = flags.scenario === 'hit' ? { name: 'hit', freshSeconds: 3600, against: 'graphql-js-floor' } : { name: 'live', freshSeconds: 0, against: 'sirius-direct' };
const rounds = Number(flags.rounds);
// Not bench/profiles/: `npm run bench:profile` empties that one.
const PROFILE_DIR = 'bench/profiles-live';

let builds = positionals;
if (builds.length === 0) {
  execFileSync('npm', ['run', '-s', 'build'], { stdio: 'inherit' });
  builds = ['dist'];
}
// `dir:KEY=VALUE,KEY=VALUE` runs that build with extra environment (an experiment with a setting).
const variants = builds.map((spec) => {
  const [dir, settings] = spec.split(':') as [string, string | undefined];
  const env = Object.fromEntries((settings ?? '').split(',').filter(Boolean).map((pair) => pair.split('=') as [string, string]));
  return { dir, env, name: builds.length === 1 ? scenario.name : `${scenario.name}-${basename(dir)}${settings ? `:${settings}` : ''}` };
});
for (const { dir } of variants) if (!existsSync(join(dir, 'main.js'))) throw new Error(`${dir}/main.js: build it first (node scripts/build.mjs ${dir})`);

const { info: upstream } = await startReporting<Upstream>(['bench/upstream.ts']);
const gateways = [];
for (const [index, { dir, env, name }] of variants.entries()) {
  const profileDir = join(PROFILE_DIR, `live-${index + 1}`);
  const nodeOptions = flags.profile ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [];
  if (flags.profile) {
    rmSync(profileDir, { recursive: true, force: true });
    mkdirSync(profileDir, { recursive: true });
  }
  const gateway = await startGateway(upstream, scenario.freshSeconds, nodeOptions, scenario.name === 'live' ? { LPA_STORE_FRESH_SECONDS: '0', ...env } : env, join(dir, 'main.js'));
  const target = byDocumentId(gateway.url, upstream.useAnLpaToken, VIEWER);
  const live = scenario.name === 'live' && env.CACHE_FRESH_SECONDS === undefined;
  await probe(target, (body) => body.errors === undefined && (!live || (body.data as { lpa: { freshness: { source: string } } }).lpa.freshness.source === 'LIVE'));
  gateways.push({ dir, name, gateway, target, profileDir });
}
let against: Target;
if (scenario.name === 'live') {
  against = siriusDirect(upstream);
} else {
  const { info } = await startReporting<{ url: string }>(['bench/floors.ts', 'graphql-js-floor'], { NODE_ENV: 'production' });
  against = floorViewer(info.url);
  await probe(against, (body) => body.errors === undefined);
}

async function cpuSeconds(metricsUrl: string): Promise<number> {
  const text = await (await fetch(metricsUrl)).text();
  return Number(/^process_cpu_seconds_total (\S+)$/m.exec(text)?.[1]);
}

interface Row extends Measured {
  name: string;
  round: number;
  siriusCallsPerRequest?: number;
  cpuMicrosPerRequest?: number;
}
const rows: Row[] = [];
const print = (row: Row) =>
  process.stdout.write(
    `${`round ${row.round}`.padEnd(8)} ${row.name.padEnd(30)} ${String(Math.round(row.rps)).padStart(6)} req/s  p50 ${row.p50} p99 ${row.p99} ms  errors ${row.errors}` +
      (row.siriusCallsPerRequest === undefined ? '' : `  Sirius calls/request ${row.siriusCallsPerRequest.toFixed(3)}  gateway CPU ${Math.round(row.cpuMicrosPerRequest!)} µs/request`) +
      '\n',
  );

for (let round = 1; round <= rounds; round++) {
  // Alternate the order from round to round: whatever runs first on a noisy machine is not always the same build.
  for (const { name, gateway, target } of round % 2 === 1 ? gateways : [...gateways].reverse()) {
    const calls = await siriusCalls(upstream);
    const cpu = await cpuSeconds(gateway.metricsUrl);
    const measured = await measure(target);
    // Warm-up requests are in the counts too: spread them over every request made.
    const requests = measured.total * (1 + WARMUP_SECONDS / DURATION_SECONDS);
    const row = {
      name,
      round,
      ...measured,
      siriusCallsPerRequest: ((await siriusCalls(upstream)) - calls) / requests,
      cpuMicrosPerRequest: (((await cpuSeconds(gateway.metricsUrl)) - cpu) * 1e6) / requests,
    };
    rows.push(row);
    print(row);
  }
  const row = { name: scenario.against, round, ...(await measure(against)) };
  rows.push(row);
  print(row);
}

const mean = (name: string, pick: (row: Row) => number) => {
  const mine = rows.filter((row) => row.name === name);
  return mine.reduce((sum, row) => sum + pick(row), 0) / mine.length;
};
const againstRps = mean(scenario.against, (row) => row.rps);
process.stdout.write(`\nmeans over ${rounds} round(s): ${scenario.against} ${Math.round(againstRps)} req/s\n`);
for (const { name } of gateways) {
  const rps = mean(name, (row) => row.rps);
  const perRound = rows.filter((row) => row.name === name).map((row) => (row.rps / rows.find((d) => d.name === scenario.against && d.round === row.round)!.rps).toFixed(2));
  process.stdout.write(
    `  ${name.padEnd(30)} ${String(Math.round(rps)).padStart(6)} req/s  ${name} / ${scenario.against} ${(rps / againstRps).toFixed(2)}x (per round ${perRound.join(', ')})  gateway CPU ${Math.round(mean(name, (row) => row.cpuMicrosPerRequest!))} µs/request\n`,
  );
}

if (flags.profile) {
  await Promise.all(gateways.map(({ gateway }) => new Promise<void>((resolve) => (gateway.child.once('exit', () => resolve()), gateway.child.kill('SIGTERM')))));
  for (const { name, dir, profileDir } of gateways) report(name, dir, profileDir);
}
process.exit(0);

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number };
}

/** Top self time, each frame mapped back through the bundle's source map, and totals by package. */
function report(name: string, dir: string, profileDir: string): void {
  const file = readdirSync(profileDir).find((entry) => entry.endsWith('.cpuprofile'));
  if (!file) return void process.stdout.write(`${name}: no profile written\n`);
  const profile = JSON.parse(readFileSync(join(profileDir, file), 'utf8')) as { nodes: ProfileNode[]; samples: number[]; timeDeltas: number[] };
  const mapFile = join(dir, 'main.js.map');
  const map = existsSync(mapFile) ? new SourceMap(JSON.parse(readFileSync(mapFile, 'utf8'))) : undefined;
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const where = new Map<number, { key: string; pkg: string }>();
  const locate = (node: ProfileNode) => {
    const { functionName, url, lineNumber, columnNumber } = node.callFrame;
    const fn = functionName || '(anonymous)';
    if (url === '') return { key: fn, pkg: fn.startsWith('(') ? fn : '(native)' };
    if (url.startsWith('node:')) return { key: `${fn} ${url}:${lineNumber + 1}`, pkg: 'node internals' };
    if (url.endsWith('/main.js') && map) {
      const entry = map.findEntry(lineNumber, columnNumber) as { originalSource?: string; originalLine?: number };
      const source = (entry.originalSource ?? '').replace(/^.*?\/(node_modules|src)\//, '$1/');
      const pkg = /^node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(source)?.[1] ?? (source.startsWith('src/') ? `src/${source.split('/')[1]}` : '(bundle)');
      return { key: `${fn} ${source}:${(entry.originalLine ?? 0) + 1}`, pkg };
    }
    return { key: `${fn} ${url}:${lineNumber + 1}`, pkg: url.includes('node_modules') ? 'node_modules (unbundled)' : url };
  };
  const self = new Map<string, number>();
  const byPackage = new Map<string, number>();
  let total = 0;
  let idle = 0;
  profile.samples.forEach((id, index) => {
    const delta = profile.timeDeltas[index] ?? 0;
    const node = byId.get(id)!;
    if (node.callFrame.functionName === '(idle)') return void (idle += delta);
    let located = where.get(id);
    if (!located) where.set(id, (located = locate(node)));
    total += delta;
    self.set(located.key, (self.get(located.key) ?? 0) + delta);
    byPackage.set(located.pkg, (byPackage.get(located.pkg) ?? 0) + delta);
  });
  // Inclusive time of the gateway's own functions (src/), each counted once per sample however
  // deep it recurses: what a call into one costs with everything under it.
  const parent = new Map<number, number>();
  for (const node of profile.nodes as (ProfileNode & { children?: number[] })[]) for (const child of node.children ?? []) parent.set(child, node.id);
  const inclusive = new Map<string, number>();
  profile.samples.forEach((id, index) => {
    const delta = profile.timeDeltas[index] ?? 0;
    if (byId.get(id)!.callFrame.functionName === '(idle)') return;
    const seen = new Set<string>();
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      let located = where.get(at);
      if (!located) where.set(at, (located = locate(byId.get(at)!)));
      if (!located.pkg.startsWith('src/') || seen.has(located.key)) continue;
      seen.add(located.key);
      inclusive.set(located.key, (inclusive.get(located.key) ?? 0) + delta);
    }
  });
  const percent = (micros: number) => `${((100 * micros) / total).toFixed(1)}%`;
  process.stdout.write(`\n${name}: top inclusive time in src/ (of busy)\n`);
  for (const [key, micros] of [...inclusive].sort((a, b) => b[1] - a[1]).slice(0, Number(flags.top))) process.stdout.write(`${percent(micros).padStart(6)}  ${key}\n`);
  process.stdout.write(`\n${name}: ${(total / 1e6).toFixed(1)} s busy, ${(idle / 1e6).toFixed(1)} s idle; top self time (of busy)\n`);
  for (const [key, micros] of [...self].sort((a, b) => b[1] - a[1]).slice(0, Number(flags.top))) process.stdout.write(`${percent(micros).padStart(6)}  ${key}\n`);
  process.stdout.write(`by package: ${[...byPackage].sort((a, b) => b[1] - a[1]).slice(0, 16).map(([pkg, micros]) => `${pkg} ${percent(micros)}`).join(', ')}\n`);
}
