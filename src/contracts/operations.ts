import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { GraphQLError, Kind, NoDeprecatedCustomRule, parse, specifiedRules, validate, type GraphQLSchema } from 'graphql';
import { apolloClientDocument } from './apollo-document-id';
import { once } from '../once';

// The operations registry: operations/{consumer}/{version}/ holds the operations each consumer
// really sends, in any of three forms:
//  - `*.graphql`, one named operation per file, named by the sha256 of the file's text (and also by
//    the id Apollo Client's PersistedQueryLink gives it: see apollo-document-id.ts);
//  - `persisted-query-manifest.json`, Apollo's persisted query manifest as
//    @apollo/generate-persisted-query-manifest writes it:
//    {"format":"apollo-persisted-query-manifest","version":1,"operations":[{id,name,type,body}]};
//  - `persisted-documents.json`, GraphQL Codegen's client preset's persisted documents:
//    {"<sha256 hex of the document>": "<document>"}.
// Every id must be the sha256 of its document: a file that says otherwise stops the gateway at
// start-up (and fails schema:check), naming the file and the operation. CI validates every
// document against the schema it targets; the gateway serves them as trusted documents.

export const APOLLO_MANIFEST_FILE = 'persisted-query-manifest.json';
export const CODEGEN_DOCUMENTS_FILE = 'persisted-documents.json';

export interface RegisteredOperation {
  /** Path relative to the registry, e.g. `use-an-lpa/v1/ViewLpa.graphql` or `use-an-lpa/v2/persisted-query-manifest.json`. */
  file: string;
  /** The operation's name, unique within the consumer's version. */
  name: string | undefined;
  document: string;
  /** Hex sha256 of `document`: sent as `documentId: "sha256:<id>"` (or bare) or a persisted query hash. */
  id: string;
  /**
   * For a `.graphql` file: the same operation as Apollo Client sends it (printed, `__typename`
   * added) and its id, served too. The client's text, not the file's, is what runs for that id:
   * Apollo's cache needs the `__typename`s it asked for to read fragments back. Worked out (a
   * parse and a print) when first asked for: a cold Lambda's first request seldom needs it.
   */
  apolloClient?: (() => { id: string; document: string } | undefined) | undefined;
}

/** A registry file the gateway cannot serve as it stands (a malformed manifest, an id that is not its body's). */
export class RegistryError extends Error {
  override name = 'RegistryError';
}

export function documentId(document: string): string {
  return createHash('sha256').update(document, 'utf8').digest('hex');
}

/** How findings name an operation: its file, and which operation in it when the file holds many. */
export function describeOperation(operation: RegisteredOperation): string {
  return operation.file.endsWith('.graphql') ? `operations/${operation.file}` : `operations/${operation.file} (operation ${operation.name ?? 'without a name'})`;
}

/** Throws a RegistryError naming the file and operation when a registry file is malformed or an id is not its document's. */
export function loadOperations(operationsDir: string, consumer: string, version: string): RegisteredOperation[] {
  const dir = join(operationsDir, consumer, version);
  if (!existsSync(dir)) return [];
  const files = readdirSync(dir).sort();
  const operations: RegisteredOperation[] = [];
  for (const file of files) {
    const path = `${consumer}/${version}/${file}`;
    if (file.endsWith('.graphql')) {
      const document = readFileSync(join(dir, file), 'utf8');
      operations.push({ file: path, name: operationName(document), document, id: documentId(document), apolloClient: once(() => apolloClientForm(document)) });
    } else if (file === APOLLO_MANIFEST_FILE) {
      operations.push(...apolloManifest(path, readJson(join(dir, file), path)));
    } else if (file === CODEGEN_DOCUMENTS_FILE) {
      operations.push(...codegenDocuments(path, readJson(join(dir, file), path)));
    }
  }
  return operations;
}

function readJson(path: string, file: string): unknown {
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new RegistryError(`operations/${file} is not valid JSON: ${error instanceof Error ? error.message : String(error)}`);
  }
}

function apolloManifest(file: string, manifest: unknown): RegisteredOperation[] {
  const fail = (message: string): never => {
    throw new RegistryError(`operations/${file}: ${message}`);
  };
  if (!isRecord(manifest) || manifest.format !== 'apollo-persisted-query-manifest' || manifest.version !== 1 || !Array.isArray(manifest.operations)) {
    return fail('is not an Apollo persisted query manifest: {"format":"apollo-persisted-query-manifest","version":1,"operations":[...]}');
  }
  return manifest.operations.map((entry: unknown, index) => {
    if (!isRecord(entry) || typeof entry.id !== 'string' || typeof entry.body !== 'string') return fail(`operations[${index}] needs a string id and body`);
    const name = typeof entry.name === 'string' ? entry.name : operationName(entry.body);
    return verified(file, name, entry.id, entry.body);
  });
}

function codegenDocuments(file: string, documents: unknown): RegisteredOperation[] {
  if (!isRecord(documents) || Object.values(documents).some((body) => typeof body !== 'string')) {
    throw new RegistryError(`operations/${file}: is not GraphQL Codegen's persisted documents: {"<sha256 hex>": "<document>", ...}`);
  }
  return Object.entries(documents as Record<string, string>).map(([id, body]) => verified(file, operationName(body), id, body));
}

/** An entry whose id is the sha256 of its body, as both toolchains name documents by default. */
function verified(file: string, name: string | undefined, id: string, document: string): RegisteredOperation {
  const actual = documentId(document);
  const given = id.startsWith('sha256:') ? id.slice(7).toLowerCase() : id.toLowerCase();
  if (given !== actual) {
    throw new RegistryError(
      `operations/${file}: operation ${name ?? '(without a name)'} has id ${id}, but the sha256 of its body is ${actual}. ` +
        'Regenerate the file with its toolchain (with sha256 ids), or fix the body.',
    );
  }
  return { file, name, document, id: actual };
}

function apolloClientForm(document: string): { id: string; document: string } | undefined {
  try {
    const sent = apolloClientDocument(document);
    return sent === document ? undefined : { id: documentId(sent), document: sent };
  } catch {
    return undefined; // does not parse: schema:check says so
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function operationName(document: string): string | undefined {
  try {
    const definition = parse(document).definitions.find((node) => node.kind === Kind.OPERATION_DEFINITION);
    return definition?.name?.value;
  } catch {
    return undefined;
  }
}

export interface OperationReport {
  /** Reasons the operation would fail against the schema: CI fails on any. */
  errors: string[];
  /** Deprecated fields, arguments or enum values it still uses. */
  deprecations: string[];
}

/** What is wrong with one registered operation against a schema: named so a reader can fix it. */
export function checkOperation(schema: GraphQLSchema, operation: RegisteredOperation): OperationReport {
  let document;
  try {
    document = parse(operation.document);
  } catch (error) {
    return { errors: [error instanceof GraphQLError ? error.message : String(error)], deprecations: [] };
  }
  const operations = document.definitions.filter((node) => node.kind === Kind.OPERATION_DEFINITION);
  const errors: string[] = [];
  if (operations.length !== 1) errors.push(`holds ${operations.length} operations: register exactly one per file`);
  else if (!operations[0]!.name) errors.push('the operation has no name: name it, so logs and metrics can');
  errors.push(...validate(schema, document, specifiedRules).map((error) => error.message));
  const deprecations = validate(schema, document, [NoDeprecatedCustomRule]).map((error) => error.message);
  return { errors, deprecations };
}
