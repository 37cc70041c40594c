import { versionsInOrder, type SchemaManifest } from '../contracts/manifest';

/**
 * Response headers telling a consumer its schema version is on its way out, from the manifest:
 * `Deprecation` (RFC 9745, `@<epoch seconds>`), `Sunset` (RFC 8594, an HTTP-date) and a `Link` to
 * the newest released version as `successor-version`.
 */
export function lifecycleHeaders(manifest: SchemaManifest, consumer: string, version: string): Record<string, string> {
  const versions = manifest[consumer] ?? {};
  const entry = versions[version];
  if (!entry?.deprecated) return {};
  const headers: Record<string, string> = { deprecation: `@${Date.parse(`${entry.deprecated}T00:00:00Z`) / 1000}` };
  if (entry.sunset) headers.sunset = new Date(`${entry.sunset}T00:00:00Z`).toUTCString();
  const successor = versionsInOrder(Object.keys(versions))
    .filter((candidate) => versions[candidate]?.released && Number(candidate.slice(1)) > Number(version.slice(1)))
    .at(-1);
  if (successor) headers.link = `</${consumer}/${successor}/graphql>; rel="successor-version"`;
  return headers;
}
