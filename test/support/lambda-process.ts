import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

/**
 * Invokes the `handler` exported by `modulePath` (a built bundle, or TypeScript with `tsx`) with each
 * event, in order, in one fresh Node process configured by `env` alone: as a Lambda instance would
 * take them. The answers come back through a file, so that stdout is exactly what the handler
 * logged (CloudWatch Logs' view of it).
 */
export async function invokeInFreshProcess<Result>(
  modulePath: string,
  events: unknown[],
  env: Record<string, string>,
  options: { tsx?: boolean; timeoutMs?: number } = {},
): Promise<{ results: Result[]; stdout: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'sirius-gateway-invoke-'));
  const resultsFile = join(dir, 'results.json');
  const script = `
    const { writeFileSync } = await import('node:fs');
    const { handler } = await import(${JSON.stringify(modulePath)});
    const results = [];
    for (const event of JSON.parse(process.env.EVENTS)) results.push(await handler(event));
    writeFileSync(process.env.RESULTS_FILE, JSON.stringify(results));
    process.exit(0); // a Lambda instance never exits by itself: its clients keep connections open`;
  try {
    const { stdout } = await promisify(execFile)(process.execPath, [...(options.tsx ? ['--import', 'tsx'] : []), '--input-type=module', '-e', script], {
      env: { ...env, EVENTS: JSON.stringify(events), RESULTS_FILE: resultsFile },
      encoding: 'utf8',
      timeout: options.timeoutMs ?? 30_000,
      maxBuffer: 16 * 1024 * 1024,
    });
    return { results: JSON.parse(readFileSync(resultsFile, 'utf8')) as Result[], stdout };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
