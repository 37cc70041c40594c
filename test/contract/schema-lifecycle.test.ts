import { execFile } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { checkContracts } from '../../src/contracts/check';
import { releaseVersion, ReleaseRefused } from '../../src/contracts/release';
import { listReleases } from '../../src/contracts/snapshots';

// The lifecycle rules, run on scratch copies of the committed schema/ and operations/.

function scratchCopy(): { root: string; schemaDir: string; operationsDir: string } {
  const root = mkdtempSync(join(tmpdir(), 'sirius-gateway-contracts-'));
  cpSync('schema', join(root, 'schema'), { recursive: true });
  cpSync('operations', join(root, 'operations'), { recursive: true });
  return { root, schemaDir: join(root, 'schema'), operationsDir: join(root, 'operations') };
}

function edit(file: string, from: string, to: string): void {
  const text = readFileSync(file, 'utf8');
  if (!text.includes(from)) throw new Error(`${file} does not contain ${from}`);
  writeFileSync(file, text.replace(from, to));
}

const errors = (findings: Awaited<ReturnType<typeof checkContracts>>) => findings.filter((f) => f.level === 'error').map((f) => f.message);
const SURNAME = '  "The surname."\n  surname: String\n';
const ADDED_FIELD = '  "The LPA\'s case uid, `7000-0000-0047` form."\n  uid: String!\n';

describe('schema:check', () => {
  it('passes on the committed contracts, and reports a deprecated field a registered operation still uses', async () => {
    const findings = await checkContracts({ schemaDir: 'schema', operationsDir: 'operations' });
    expect(errors(findings)).toEqual([]);
    expect(findings).toContainEqual({
      level: 'warning',
      message: expect.stringMatching(/^operations\/use-an-lpa\/v1\/ViewSharedLpa\.graphql: The field Person\.isActive is deprecated/),
    });
  });

  it('fails when a field is removed from a released version, naming the field and each operation that used it', async () => {
    const copy = scratchCopy();
    edit(join(copy.schemaDir, 'use-an-lpa/v1.graphql'), SURNAME, '');
    const messages = errors(await checkContracts(copy));
    expect(messages).toContain("use-an-lpa v1 is released; breaking change: Field 'surname' was removed from object type 'Person'. Put it in a new version, or restore it.");
    expect(messages).toContain('operations/use-an-lpa/v1/ViewSharedLpa.graphql: Cannot query field "surname" on type "Person".');
    expect(messages).toContain('operations/use-an-lpa/v1/AccountDashboard.graphql: Cannot query field "surname" on type "Person".');
  });

  it('passes when an optional field is added to a released version', async () => {
    const copy = scratchCopy();
    edit(join(copy.schemaDir, 'use-an-lpa/v1.graphql'), ADDED_FIELD, `${ADDED_FIELD}  "The LPA's reference in the Modernising LPA service, when it has one."\n  modernisedUid: String\n`);
    const findings = await checkContracts(copy);
    expect(errors(findings)).toEqual([]);
    expect(findings).toContainEqual({ level: 'note', message: "use-an-lpa v1: safe change since release 2: Field 'modernisedUid' was added to object type 'Lpa'" });
  });

  it('fails naming the file when a registered operation asks for a field its schema does not have', async () => {
    const copy = scratchCopy();
    edit(join(copy.operationsDir, 'lpa-online-tool/v1/ApplicationStatus.graphql'), '      receiptDate\n', '      receiptDate\n      donorName\n');
    expect(errors(await checkContracts(copy))).toEqual([
      'operations/lpa-online-tool/v1/ApplicationStatus.graphql: Cannot query field "donorName" on type "LpaSummary".',
    ]);
  });

  it('fails when a version is served but not in the manifest, or the changelog is stale', async () => {
    const copy = scratchCopy();
    cpSync(join(copy.schemaDir, 'use-an-lpa/v2.graphql'), join(copy.schemaDir, 'use-an-lpa/v9.graphql'));
    edit(join(copy.schemaDir, 'use-an-lpa/CHANGELOG.md'), '## v2', '## v2 (edited by hand)\n\n## v2');
    const messages = errors(await checkContracts(copy));
    expect(messages).toContain('schema/use-an-lpa/v9.graphql is not in schema/manifest.json: list it (as a draft, without "released")');
    expect(messages).toContain('schema/use-an-lpa/CHANGELOG.md is not up to date: run npm run schema:changelog');
  });

  it('is what `npm run schema:check` runs: it exits non-zero and prints the field', async () => {
    const copy = scratchCopy();
    edit(join(copy.schemaDir, 'use-an-lpa/v1.graphql'), SURNAME, '');
    const run = promisify(execFile)(process.execPath, ['--import', 'tsx', 'scripts/schema-check.ts', '--root', copy.root]);
    const failure = await run.then(
      () => undefined,
      (error: { code: number; stdout: string }) => error,
    );
    expect(failure?.code).toBe(1);
    expect(failure?.stdout).toContain("Field 'surname' was removed from object type 'Person'");
  }, 30_000);
});

describe('schema:release', () => {
  it('refuses to release a breaking change to a released version', async () => {
    const copy = scratchCopy();
    edit(join(copy.schemaDir, 'use-an-lpa/v1.graphql'), SURNAME, '');
    await expect(releaseVersion(copy.schemaDir, 'use-an-lpa', 'v1', '2026-12-01')).rejects.toThrow(ReleaseRefused);
    expect(listReleases(copy.schemaDir, 'use-an-lpa', 'v1')).toHaveLength(2);
  });

  it('releases an additive change as the next snapshot and writes it into the changelog', async () => {
    const copy = scratchCopy();
    edit(join(copy.schemaDir, 'use-an-lpa/v1.graphql'), ADDED_FIELD, `${ADDED_FIELD}  "A new optional field."\n  modernisedUid: String\n`);
    const release = await releaseVersion(copy.schemaDir, 'use-an-lpa', 'v1', '2026-12-01');
    expect(release.number).toBe(3);
    expect(readFileSync(join(copy.schemaDir, 'use-an-lpa/CHANGELOG.md'), 'utf8')).toContain(
      '### Release 3 (2026-12-01): changes from release 2\n\n- **safe**: Field `modernisedUid` was added to object type `Lpa`',
    );
    expect(errors(await checkContracts(copy))).toEqual([]);
  });

  it("marks a draft version released on its first release", async () => {
    const copy = scratchCopy();
    cpSync(join(copy.schemaDir, 'use-an-lpa/v3.graphql'), join(copy.schemaDir, 'use-an-lpa/v4.graphql'));
    const manifestFile = join(copy.schemaDir, 'manifest.json');
    const manifest = JSON.parse(readFileSync(manifestFile, 'utf8'));
    manifest['use-an-lpa'].v4 = {};
    writeFileSync(manifestFile, JSON.stringify(manifest));
    await releaseVersion(copy.schemaDir, 'use-an-lpa', 'v4', '2026-12-01');
    expect(JSON.parse(readFileSync(manifestFile, 'utf8'))['use-an-lpa'].v4).toEqual({ released: '2026-12-01' });
    expect(readFileSync(join(copy.schemaDir, 'use-an-lpa/CHANGELOG.md'), 'utf8')).toContain('## v4 (released 2026-12-01)\n\n### Release 1 (2026-12-01): changes from v3\n\nNo schema changes.');
  });
});
