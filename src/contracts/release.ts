import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildSchema } from 'graphql';
import { changelogFile, renderChangelog } from './changelog';
import { loadManifest, MANIFEST_FILE } from './manifest';
import { diffSdl } from './schema-diff';
import { latestRelease, writeRelease, type ReleaseSnapshot } from './snapshots';

// `npm run schema:release -- <consumer> <version>`: freeze the version's current SDL as its next
// release, on purpose. A first release marks the version released in the manifest; a later one
// may only add to the last (a released contract never breaks).

export class ReleaseRefused extends Error {
  override readonly name = 'ReleaseRefused';
}

export async function releaseVersion(schemaDir: string, consumer: string, version: string, date: string): Promise<ReleaseSnapshot> {
  const manifest = loadManifest(schemaDir);
  const entry = manifest[consumer]?.[version];
  if (!entry) throw new ReleaseRefused(`${consumer} ${version} is not in schema/${MANIFEST_FILE}: add it first`);
  const sdl = readFileSync(join(schemaDir, consumer, `${version}.graphql`), 'utf8');
  buildSchema(sdl); // refuses an SDL that does not build

  const last = latestRelease(schemaDir, consumer, version);
  if (last) {
    const changes = await diffSdl(last.sdl, sdl);
    const breaking = changes.filter((change) => change.level === 'breaking');
    if (breaking.length > 0) {
      throw new ReleaseRefused(
        `${consumer} ${version} is released; these changes would break its consumers:\n${breaking.map((change) => `  - ${change.message}`).join('\n')}\nPut them in a new version.`,
      );
    }
    if (changes.length === 0) throw new ReleaseRefused(`${consumer} ${version} has not changed since release ${last.number}`);
  }
  const release = writeRelease(schemaDir, consumer, version, sdl, date);
  if (!entry.released) {
    // Edit the file as written (not the parsed form, which has defaults filled in).
    const path = join(schemaDir, MANIFEST_FILE);
    const raw = JSON.parse(readFileSync(path, 'utf8')) as Record<string, Record<string, Record<string, unknown>>>;
    raw[consumer]![version]!.released = date;
    writeFileSync(path, `${JSON.stringify(raw, null, 2)}\n`);
  }
  await writeChangelog(schemaDir, consumer);
  return release;
}

export async function writeChangelog(schemaDir: string, consumer: string): Promise<void> {
  writeFileSync(changelogFile(schemaDir, consumer), await renderChangelog(schemaDir, consumer, loadManifest(schemaDir)));
}
