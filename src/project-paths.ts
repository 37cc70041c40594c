import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The folder holding `schema/` (the repository, or a deployed bundle that ships it beside the
 * code), found by walking up from this module so that it works from src/, dist/ and any cwd.
 */
function findRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(join(dir, 'schema'))) return dir;
    const parent = dirname(dir);
    if (parent === dir) throw new Error('Cannot find the schema/ folder above ' + fileURLToPath(import.meta.url));
    dir = parent;
  }
}

const root = findRoot();

export function projectPath(...segments: string[]): string {
  return join(root, ...segments);
}
