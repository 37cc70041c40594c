import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** An LPA as the simulator serves it: Sirius's JSON, untouched, plus the two ids it is found by. */
export interface FixtureLpa {
  uidDigits: string;
  onlineLpaId: string | null;
  json: Record<string, unknown>;
}

/** A JSON file as given, or every `.json` file in a folder, in name order: how fixtures are named. */
export function jsonFiles(path: string): string[] {
  if (!statSync(path).isDirectory()) return [path];
  return readdirSync(path)
    .filter((name) => name.endsWith('.json'))
    .sort()
    .map((name) => join(path, name));
}

/** Reads a JSON file, or every `.json` file in a folder, each an array of LPAs in Sirius's shape. */
export function loadFixtures(path: string): FixtureLpa[] {
  return jsonFiles(path).flatMap((file) => {
    const parsed: unknown = JSON.parse(readFileSync(file, 'utf8'));
    if (!Array.isArray(parsed)) throw new Error(`${file}: expected a JSON array of LPAs`);
    return parsed.map((item: unknown, index) => toFixture(item, `${file}[${index}]`));
  });
}

function toFixture(item: unknown, where: string): FixtureLpa {
  if (typeof item !== 'object' || item === null || Array.isArray(item)) throw new Error(`${where}: not an object`);
  const json = item as Record<string, unknown>;
  if (typeof json.uId !== 'string') throw new Error(`${where}: no uId`);
  return {
    uidDigits: json.uId.replaceAll('-', ''),
    onlineLpaId: typeof json.onlineLpaId === 'string' ? json.onlineLpaId : null,
    json,
  };
}
