import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildSchema } from 'graphql';
import { renderChangelog, changelogFile } from './changelog';
import { loadManifest, versionsInOrder } from './manifest';
import { checkOperation, describeOperation, loadOperations, RegistryError, type RegisteredOperation } from './operations';
import { diffSdl, isDeprecationEcho, isDescriptionChange } from './schema-diff';
import { latestRelease } from './snapshots';

// `npm run schema:check`: every rule of the schema contract lifecycle, over the committed files.
// Errors fail CI; warnings (deprecated fields still used) and notes (safe changes) are printed.

export interface ContractFinding {
  level: 'error' | 'warning' | 'note';
  message: string;
}

export interface ContractPaths {
  schemaDir: string;
  operationsDir: string;
}

export async function checkContracts({ schemaDir, operationsDir }: ContractPaths): Promise<ContractFinding[]> {
  const findings: ContractFinding[] = [];
  const error = (message: string) => findings.push({ level: 'error', message });
  const manifest = loadManifest(schemaDir);

  const onDisk = schemaFilesOnDisk(schemaDir);
  for (const [consumer, versions] of onDisk) {
    for (const version of versions) {
      if (!manifest[consumer]?.[version]) error(`schema/${consumer}/${version}.graphql is not in schema/manifest.json: list it (as a draft, without "released")`);
    }
  }

  for (const [consumer, versions] of Object.entries(manifest)) {
    for (const version of versionsInOrder(Object.keys(versions))) {
      const entry = versions[version]!;
      const label = `${consumer} ${version}`;
      const sdlFile = join(schemaDir, consumer, `${version}.graphql`);
      if (!existsSync(sdlFile)) {
        error(`${label} is in the manifest but schema/${consumer}/${version}.graphql does not exist`);
        continue;
      }
      const sdl = readFileSync(sdlFile, 'utf8');
      let schema;
      try {
        schema = buildSchema(sdl);
      } catch (cause) {
        error(`schema/${consumer}/${version}.graphql does not build: ${cause instanceof Error ? cause.message : String(cause)}`);
        continue;
      }

      if (entry.released) {
        const release = latestRelease(schemaDir, consumer, version);
        if (!release) {
          error(`${label} is released but has no snapshot: run npm run schema:release -- ${consumer} ${version}`);
        } else {
          let reworded = 0;
          for (const change of await diffSdl(release.sdl, sdl)) {
            if (change.level === 'breaking') {
              error(`${label} is released; breaking change: ${change.message}. Put it in a new version, or restore it.`);
            } else if (isDescriptionChange(change)) {
              reworded += 1;
            } else if (!isDeprecationEcho(change)) {
              findings.push({ level: 'note', message: `${label}: ${change.level} change since release ${release.number}: ${change.message}` });
            }
          }
          if (reworded > 0) findings.push({ level: 'note', message: `${label}: ${reworded} description(s) reworded since release ${release.number}` });
        }
      }

      const names = new Map<string, string>();
      let operations: RegisteredOperation[] = [];
      try {
        operations = loadOperations(operationsDir, consumer, version);
      } catch (cause) {
        if (!(cause instanceof RegistryError)) throw cause;
        error(cause.message); // the gateway would not start: the file and operation are named
      }
      // Every registered document, whichever file holds it (.graphql, Apollo's manifest, Codegen's).
      for (const operation of operations) {
        const where = describeOperation(operation);
        const report = checkOperation(schema, operation);
        for (const problem of report.errors) error(`${where}: ${problem}`);
        for (const deprecation of report.deprecations) findings.push({ level: 'warning', message: `${where}: ${deprecation}` });
        if (operation.name) {
          const earlier = names.get(operation.name);
          if (earlier) error(`${where}: operation name ${operation.name} is also used by ${earlier}`);
          names.set(operation.name, where);
        }
      }
    }
  }

  for (const consumer of registryConsumers(operationsDir)) {
    for (const version of readdirSync(join(operationsDir, consumer))) {
      if (!manifest[consumer]?.[version]) error(`operations/${consumer}/${version}/ targets a schema version that does not exist`);
    }
  }

  for (const consumer of Object.keys(manifest)) {
    const file = changelogFile(schemaDir, consumer);
    const expected = await renderChangelog(schemaDir, consumer, manifest);
    if (!existsSync(file) || readFileSync(file, 'utf8') !== expected) {
      error(`schema/${consumer}/CHANGELOG.md is not up to date: run npm run schema:changelog`);
    }
  }
  return findings;
}

function schemaFilesOnDisk(schemaDir: string): Map<string, string[]> {
  const found = new Map<string, string[]>();
  for (const entry of readdirSync(schemaDir, { withFileTypes: true })) {
    if (!entry.isDirectory()) continue;
    const versions = readdirSync(join(schemaDir, entry.name))
      .map((file) => /^(v\d+)\.graphql$/.exec(file)?.[1])
      .filter((version) => version !== undefined);
    found.set(entry.name, versions);
  }
  return found;
}

function registryConsumers(operationsDir: string): string[] {
  if (!existsSync(operationsDir)) return [];
  return readdirSync(operationsDir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name);
}
