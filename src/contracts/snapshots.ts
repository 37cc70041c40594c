import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

// Each release of a schema version is a frozen copy of its SDL:
// schema/{consumer}/releases/{version}/NNN.graphql, numbered from 001, whose first line says when.
// The newest is what the version must stay compatible with; the series is the changelog's source.

export interface ReleaseSnapshot {
  number: number;
  date: string;
  sdl: string;
  file: string;
}

const HEADER = /^# Released (\d{4}-\d{2}-\d{2})\n/;

export function releasesDir(schemaDir: string, consumer: string, version: string): string {
  return join(schemaDir, consumer, 'releases', version);
}

export function listReleases(schemaDir: string, consumer: string, version: string): ReleaseSnapshot[] {
  const dir = releasesDir(schemaDir, consumer, version);
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((file) => /^\d{3}\.graphql$/.test(file))
    .sort()
    .map((file) => {
      const text = readFileSync(join(dir, file), 'utf8');
      const date = HEADER.exec(text)?.[1];
      if (!date) throw new Error(`${join(dir, file)} does not start with "# Released YYYY-MM-DD"`);
      return { number: Number(file.slice(0, 3)), date, sdl: text.replace(HEADER, ''), file: join(dir, file) };
    });
}

export function latestRelease(schemaDir: string, consumer: string, version: string): ReleaseSnapshot | undefined {
  return listReleases(schemaDir, consumer, version).at(-1);
}

export function writeRelease(schemaDir: string, consumer: string, version: string, sdl: string, date: string): ReleaseSnapshot {
  const dir = releasesDir(schemaDir, consumer, version);
  mkdirSync(dir, { recursive: true });
  const number = (latestRelease(schemaDir, consumer, version)?.number ?? 0) + 1;
  const file = join(dir, `${String(number).padStart(3, '0')}.graphql`);
  writeFileSync(file, `# Released ${date}\n${sdl}`);
  return { number, date, sdl, file };
}
