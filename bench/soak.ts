// `npm run bench:soak`: does the gateway's memory settle under sustained load, or grow with every
// request? Runs the production build with a small old-space limit (a leak ends in an out-of-memory
// crash instead of a slowly rising figure) and CACHE_FRESH_SECONDS=0, so every request takes the
// longest path (token, shield, loader, DynamoDB read and write, single-flight Sirius call).
// Alternates the viewer and the seven-LPA dashboard in rounds, reads the gateway's own memory
// metrics after each, and writes bench/SOAK.md.
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { byDocumentId, DASHBOARD, memoryMegabytes, measure, probe, startGateway, startReporting, VIEWER } from './harness';
import type { Upstream } from './upstream';

const ROUNDS = Number(process.env.BENCH_SOAK_ROUNDS ?? 12);
const ROUND_SECONDS = Number(process.env.BENCH_SOAK_ROUND_SECONDS ?? 15);
const HEAP_LIMIT_MB = Number(process.env.BENCH_SOAK_HEAP_MB ?? 128);
const OUTPUT = 'bench/SOAK.md';

execFileSync('npm', ['run', '-s', 'build'], { stdio: 'inherit' });
const { info: upstream } = await startReporting<Upstream>(['bench/upstream.ts']);
const gateway = await startGateway(upstream, 0, [`--max-old-space-size=${HEAP_LIMIT_MB}`]);
let crashed: string | undefined;
gateway.child.once('exit', (code, signal) => (crashed = `the gateway exited (${signal ?? code})`));

const targets = [
  { name: 'viewer', target: byDocumentId(gateway.url, upstream.useAnLpaToken, VIEWER) },
  { name: 'dashboard', target: byDocumentId(gateway.url, upstream.useAnLpaToken, DASHBOARD) },
];
for (const { target } of targets) await probe(target, (body) => body.errors === undefined);

interface Round {
  round: number;
  load: string;
  requests: number;
  rps: number;
  errors: number;
  rss: number;
  heapUsed: number;
}
const rounds: Round[] = [];
const start = await memoryMegabytes(gateway.metricsUrl);
process.stdout.write(`soak: ${ROUNDS} rounds of ${ROUND_SECONDS} s, old space limited to ${HEAP_LIMIT_MB} MB; at start rss ${start.rss} MB, heap ${start.heapUsed} MB\n`);
for (let round = 1; round <= ROUNDS && !crashed; round++) {
  const { name, target } = targets[(round - 1) % targets.length]!;
  const measured = await measure(target, { warmupSeconds: 0, durationSeconds: ROUND_SECONDS });
  if (crashed) break;
  await new Promise((resolve) => setTimeout(resolve, 1000)); // let the last responses and a GC settle
  const memory = await memoryMegabytes(gateway.metricsUrl);
  rounds.push({ round, load: name, requests: measured.total, rps: Math.round(measured.rps), errors: measured.errors, ...memory });
  process.stdout.write(`round ${round} (${name}): ${Math.round(measured.rps)} req/s, ${measured.errors} errors, rss ${memory.rss} MB, heap ${memory.heapUsed} MB\n`);
}

// A sample lands wherever the collector happens to be, so compare the floor of each half of the
// run (after the first cycle warms every path): a leak raises the floor, garbage does not.
const warmed = rounds.slice(targets.length);
const halves = [warmed.slice(0, Math.floor(warmed.length / 2)), warmed.slice(Math.floor(warmed.length / 2))];
const floor = (part: Round[], key: 'heapUsed' | 'rss') => Math.min(...part.map((r) => r[key]));
const growth =
  halves[0]!.length > 0 && halves[1]!.length > 0
    ? { heap: floor(halves[1]!, 'heapUsed') - floor(halves[0]!, 'heapUsed'), rss: floor(halves[1]!, 'rss') - floor(halves[0]!, 'rss'), requests: halves[1]!.reduce((sum, r) => sum + r.requests, 0) }
    : undefined;
const lines = [
  '# Soak',
  '',
  `Written by \`npm run bench:soak\` on ${new Date().toISOString()}: Node ${process.version}. The production build with`,
  `\`--max-old-space-size=${HEAP_LIMIT_MB}\` and CACHE_FRESH_SECONDS=0, ${ROUNDS} rounds of ${ROUND_SECONDS} s alternating the viewer and the`,
  'seven-LPA dashboard, memory read from the gateway\'s /metrics one second after each round.',
  '',
  crashed ? `**${crashed}** after ${rounds.length} rounds.` : `The gateway served all ${rounds.reduce((sum, r) => sum + r.requests, 0)} requests in its ${HEAP_LIMIT_MB} MB old space.`,
  growth
    ? `Lowest heap used in the second half of the rounds against the first (after a warm-up cycle; ${growth.requests} requests later): ${signed(growth.heap)} MB; lowest RSS: ${signed(growth.rss)} MB.`
    : '',
  '',
  `At start: RSS ${start.rss} MB, heap used ${start.heapUsed} MB.`,
  '',
  '| round | load | requests | req/s | errors | RSS MB | heap used MB |',
  '|---:|---|---:|---:|---:|---:|---:|',
  ...rounds.map((r) => `| ${r.round} | ${r.load} | ${r.requests} | ${r.rps} | ${r.errors} | ${r.rss} | ${r.heapUsed} |`),
];
writeFileSync(OUTPUT, `${lines.join('\n')}\n`);
process.stdout.write(`wrote ${OUTPUT}\n`);
process.exit(crashed || rounds.some((r) => r.errors > 0) ? 1 : 0);

function signed(value: number): string {
  return value > 0 ? `+${value}` : String(value);
}
