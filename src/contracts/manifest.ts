import { readFileSync } from 'node:fs';
import * as z from 'zod';
import { projectPath } from '../project-paths';

// schema/manifest.json: which consumer schema versions exist and where each is in its life. A
// version with a `released` date is a contract: it may only change additively from then on
// (`npm run schema:check`). Without one it is a draft: served, but free to change.

const isoDate = z.iso.date();

const VersionEntry = z
  .object({
    released: isoDate.optional(),
    /** From this date consumers are told (Deprecation header) to move to a later version. */
    deprecated: isoDate.optional(),
    /** The date after which the version may stop being served (Sunset header). */
    sunset: isoDate.optional(),
    /** Why this version exists and what its breaking changes buy: copied into the changelog. */
    notes: z.array(z.string().min(1)).default([]),
  })
  .strict()
  .refine((entry) => entry.deprecated === undefined || entry.released !== undefined, { message: 'only a released version can be deprecated' })
  .refine((entry) => entry.sunset === undefined || entry.deprecated !== undefined, { message: 'a sunset needs a deprecation date' });

const ManifestSchema = z.record(z.string().regex(/^[a-z0-9-]+$/), z.record(z.string().regex(/^v\d+$/), VersionEntry));

export type VersionEntry = z.infer<typeof VersionEntry>;
export type SchemaManifest = z.infer<typeof ManifestSchema>;

export const MANIFEST_FILE = 'manifest.json';

export function loadManifest(schemaDir = projectPath('schema')): SchemaManifest {
  const path = `${schemaDir}/${MANIFEST_FILE}`;
  const parsed = ManifestSchema.safeParse(JSON.parse(readFileSync(path, 'utf8')));
  if (!parsed.success) {
    throw new Error(`${path} is not a valid schema manifest:\n${parsed.error.issues.map((issue) => `  - ${issue.path.join('.')}: ${issue.message}`).join('\n')}`);
  }
  return parsed.data;
}

/** Versions in number order (v2 before v10). */
export function versionsInOrder(versions: Iterable<string>): string[] {
  return [...versions].sort((a, b) => Number(a.slice(1)) - Number(b.slice(1)));
}
