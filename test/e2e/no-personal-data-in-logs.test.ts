import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { describe, expect, it } from 'vitest';

// The whole gateway at the chattiest log level serves every fixture LPA (and fails some), and no log
// line may carry a name, date of birth, address or email from them.

interface Actor { firstname?: string | null; middlenames?: string | null; surname?: string | null; dob?: string | null; email?: string | null;
  addresses?: { addressLine1?: string | null; addressLine2?: string | null; postcode?: string | null }[] | null }
interface Lpa { uId: string; donor: Actor; attorneys?: Actor[]; replacementAttorneys?: Actor[]; certificateProviders?: Actor[]; trustCorporations?: Actor[] }

const lpas: Lpa[] = ['lpas.json', 'lpa-online-tool-lpa.json'].flatMap((file) => JSON.parse(readFileSync(`fixtures/sirius/${file}`, 'utf8')));
const personalData = new Set<string>();
for (const lpa of lpas) {
  for (const actor of [lpa.donor, ...(lpa.attorneys ?? []), ...(lpa.replacementAttorneys ?? []), ...(lpa.certificateProviders ?? []), ...(lpa.trustCorporations ?? [])]) {
    const values = [actor.firstname, actor.middlenames, actor.surname, actor.dob, actor.email,
      ...(actor.addresses ?? []).flatMap((address) => [address.addressLine1, address.addressLine2, address.postcode])];
    for (const value of values) if (value && value.trim().length >= 3 && value !== 'XXXXX') personalData.add(value.trim());
  }
}

const PERSON = 'firstNames surname otherNames dateOfBirth email addresses { addressLine1 addressLine2 postcode }';

describe('logs', () => {
  it('never contain the personal data of any LPA served, at trace level', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
      env: { PATH: process.env.PATH ?? '', PORT: '0', SIRIUS_SIMULATOR_PORT: '0', LPA_STORE_SIMULATOR_PORT: '0', DEV_ISSUER_PORT: '0', CACHE_IN_MEMORY: '1', LOG_LEVEL: 'trace' },
      stdio: 'pipe',
    });
    const lines: string[] = [];
    const exited = once(child, 'exit');
    child.stderr.on('data', (chunk: Buffer) => lines.push(chunk.toString()));
    const ready = new Promise<string>((resolve, reject) => {
      createInterface({ input: child.stdout }).on('line', (line) => {
        lines.push(line);
        const entry = JSON.parse(line) as { msg: string; url?: string };
        if (entry.msg === 'sirius-gateway ready' && entry.url) resolve(entry.url.replace('/health/live', ''));
      });
      child.once('exit', () => reject(new Error(lines.join('\n'))));
    });
    try {
      const url = await ready;
      const { execFileSync } = await import('node:child_process');
      const token = execFileSync(process.execPath, ['--import', 'tsx', 'scripts/token.ts', 'explorer'], { encoding: 'utf8' }).trim();
      const ask = async (path: string, query: string) => {
        const response = await fetch(`${url}${path}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
          body: JSON.stringify({ query, variables: { secret: 'Sanderson 1948-11-01' } }),
        });
        return response.json() as Promise<{ data?: unknown; errors?: unknown[] }>;
      };
      for (const lpa of lpas) {
        const answer = await ask('/use-an-lpa/v1/graphql', `{ lpa(uid: "${lpa.uId}") { ... on Lpa { donor { ${PERSON} } attorneys { ${PERSON} } replacementAttorneys { ${PERSON} } certificateProviders { ${PERSON} } trustCorporations { companyName email addresses { addressLine1 postcode } } } } }`);
        expect(answer.errors).toBeUndefined();
      }
      // Failures log too: a query error quoting a name, and a field that cannot be resolved.
      await ask('/use-an-lpa/v1/graphql', '{ lpa(uid: "Rachel Sanderson") { __typename } }');
      await ask('/use-an-lpa/v1/graphql', '{ lpa(uid: "7000-0000-0047") { ... on Lpa { donor { Sanderson } } } }');
    } finally {
      child.kill('SIGTERM');
    }
    await exited;
    const log = lines.join('\n');
    expect(log).toContain('"msg":"request"');
    expect(personalData.size).toBeGreaterThan(40);
    const leaked = [...personalData].filter((value) => log.includes(value));
    expect(leaked).toEqual([]);
  }, 60_000);
});
