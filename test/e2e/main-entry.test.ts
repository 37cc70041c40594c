import { execFileSync, spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { describe, expect, it } from 'vitest';

// The real entry point as `npm start` runs it, in its own process.

const NODE_MAJOR = Number(process.versions.node.split('.')[0]);

function startMain(env: Record<string, string>): ChildProcessWithoutNullStreams {
  return spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: 'pipe',
  });
}

async function readyUrl(child: ChildProcessWithoutNullStreams): Promise<{ url: string; lines: string[] }> {
  const lines: string[] = [];
  for await (const line of createInterface({ input: child.stdout })) {
    lines.push(line);
    const entry = JSON.parse(line) as { msg: string; url?: string };
    if (entry.msg === 'sirius-gateway ready' && entry.url) return { url: entry.url.replace('/health/live', ''), lines };
  }
  throw new Error(`gateway exited before it was ready:\n${lines.join('\n')}`);
}

describe('npm start (src/main.ts)', () => {
  it('serves the embedded default, logs without personal data, and stops cleanly on SIGTERM', async () => {
    const child = startMain({ PORT: '0', SIRIUS_SIMULATOR_PORT: '0', LPA_STORE_SIMULATOR_PORT: '0', DEV_ISSUER_PORT: '0', CACHE_IN_MEMORY: '1' });
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    const exited = once(child, 'exit');
    try {
      const { url, lines } = await readyUrl(child);
      expect(lines.some((line) => line.includes('/use-an-lpa/v1/graphql'))).toBe(true);
      // The token command, as a developer runs it, signs with the key the running gateway trusts.
      const token = execFileSync(process.execPath, ['--import', 'tsx', 'scripts/token.ts', 'use-an-lpa'], { encoding: 'utf8' });
      expect(token).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+\n$/);
      const response = await fetch(`${url}/use-an-lpa/v1/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token.trim()}` },
        body: JSON.stringify({ query: '{ lpa(uid: "7000-0000-0047") { ... on Lpa { donor { surname dateOfBirth } } } }' }),
      });
      expect(await response.json()).toEqual({ data: { lpa: { donor: { surname: 'Sanderson', dateOfBirth: '1948-11-01' } } } });
    } finally {
      child.kill('SIGTERM');
    }
    const [code] = await exited;
    expect(code).toBe(0);
    // Its stdout is not a terminal: JSON lines, not pino-pretty's (which is for a person at one).
    for (const line of stdout.trimEnd().split('\n')) expect(() => JSON.parse(line), line).not.toThrow();
    expect(stdout).toContain('"msg":"stopped"');
    // One line for the request, and nothing from the LPA it returned.
    expect(stdout).toMatch(/"consumer":"use-an-lpa".*"status":200.*"msg":"request"/);
    // ... saying what it cost: one Sirius call after one cache miss.
    expect(stdout).toMatch(/"caller":"use-an-lpa".*"siriusCalls":1,"lpaStoreCalls":0,"cache":\{"fresh":0,"stale":0,"miss":1,"fault":0\}/);
    for (const personal of ['Sanderson', '1948-11-01', 'DN37', 'Front Street']) expect(stdout).not.toContain(personal);
  });

  // The AWS SDK warns only on Node below 22 (NodeVersionSupportWarning): on 22 or later there is
  // nothing to hide, and so nothing to test.
  it.skipIf(NODE_MAJOR >= 22)('shows no AWS SDK Node version warning on the embedded default (Node 20)', async () => {
    const child = startMain({ PORT: '0', SIRIUS_SIMULATOR_PORT: '0', LPA_STORE_SIMULATOR_PORT: '0', DEV_ISSUER_PORT: '0', CACHE_IN_MEMORY: '1' });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = once(child, 'exit');
    try {
      const { url } = await readyUrl(child);
      // Readiness asks DynamoDB, so the SDK's clients have surely been built and used.
      const ready = await fetch(`${url}/health/ready`);
      expect(await ready.json()).toMatchObject({ 'cache-status': 'OK' });
    } finally {
      child.kill('SIGTERM');
    }
    expect((await exited)[0]).toBe(0);
    expect(stderr).not.toContain('NodeVersionSupportWarning');
  });

  it('refuses to start in production without a Sirius, naming the variable', async () => {
    const child = startMain({ NODE_ENV: 'production', PORT: '0' });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const [code] = await once(child, 'exit');
    expect(code).toBe(1);
    expect(stderr).toContain('SIRIUS_BASE_URL: is required when NODE_ENV=production');
  });
});
