// `npm run bench:profile`: the cache-hit path under load with `--cpu-prof`, and the functions that
// cost the most self time. Writes bench/profiles/*.cpuprofile (open in Chrome DevTools) and prints
// the top 25, grouped by package.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { byDocumentId, measure, probe, startGateway, startReporting, VIEWER } from './harness';
import type { Upstream } from './upstream';

const PROFILE_DIR = 'bench/profiles';
execFileSync('npm', ['run', '-s', 'build'], { stdio: 'inherit' });
rmSync(PROFILE_DIR, { recursive: true, force: true });
mkdirSync(PROFILE_DIR, { recursive: true });

const { info: upstream } = await startReporting<Upstream>(['bench/upstream.ts']);
const gateway = await startGateway(upstream, 3600, ['--cpu-prof', `--cpu-prof-dir=${PROFILE_DIR}`]);
const target = byDocumentId(gateway.url, upstream.useAnLpaToken, VIEWER);
await probe(target, (body) => body.errors === undefined);
const measured = await measure(target);
process.stdout.write(`cache hit under profiling: ${Math.round(measured.rps)} req/s, p99 ${measured.p99} ms\n`);
await new Promise<void>((resolve) => {
  gateway.child.once('exit', () => resolve());
  gateway.child.kill('SIGTERM');
});

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}
const file = readdirSync(PROFILE_DIR).find((name) => name.endsWith('.cpuprofile'))!;
const profile = JSON.parse(readFileSync(join(PROFILE_DIR, file), 'utf8')) as { nodes: ProfileNode[]; samples: number[]; timeDeltas: number[] };
const byId = new Map(profile.nodes.map((node) => [node.id, node]));
const selfMicros = new Map<string, number>();
const byPackage = new Map<string, number>();
let total = 0;
profile.samples.forEach((id, index) => {
  const delta = profile.timeDeltas[index] ?? 0;
  const frame = byId.get(id)!.callFrame;
  total += delta;
  const key = `${frame.functionName || '(anonymous)'} ${frame.url.replace(/^.*\/dist\//, 'dist/')}:${frame.lineNumber + 1}`;
  selfMicros.set(key, (selfMicros.get(key) ?? 0) + delta);
  const pkg = frame.url === '' ? frame.functionName || '(native)' : frame.url.includes('node:') ? 'node internals' : 'dist bundle';
  byPackage.set(pkg, (byPackage.get(pkg) ?? 0) + delta);
});
const percent = (micros: number) => `${((100 * micros) / total).toFixed(1)}%`;
for (const [key, micros] of [...selfMicros].sort((a, b) => b[1] - a[1]).slice(0, 25)) process.stdout.write(`${percent(micros).padStart(6)}  ${key}\n`);
process.stdout.write(`\n${[...byPackage].sort((a, b) => b[1] - a[1]).slice(0, 8).map(([name, micros]) => `${name} ${percent(micros)}`).join(', ')}\n`);
process.exit(0);
