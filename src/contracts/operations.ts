import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { GraphQLError, Kind, NoDeprecatedCustomRule, parse, specifiedRules, validate, type GraphQLSchema } from 'graphql';

// The operations registry: operations/{consumer}/{version}/*.graphql holds, one per file, the
// operations each consumer really sends. CI validates them against the schema they target; the
// gateway serves them as trusted documents, by the sha256 of the file's text.

export interface RegisteredOperation {
  /** Path relative to the registry, e.g. `use-an-lpa/v1/ViewLpa.graphql`. */
  file: string;
  /** The operation's name, unique within the consumer's version. */
  name: string | undefined;
  document: string;
  /** Hex sha256 of `document`: sent as `documentId: "sha256:<id>"` or a persisted query hash. */
  id: string;
}

export function documentId(document: string): string {
  return createHash('sha256').update(document, 'utf8').digest('hex');
}

export function loadOperations(operationsDir: string, consumer: string, version: string): RegisteredOperation[] {
  const dir = join(operationsDir, consumer, version);
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((file) => file.endsWith('.graphql'))
    .sort()
    .map((file) => {
      const document = readFileSync(join(dir, file), 'utf8');
      return { file: `${consumer}/${version}/${file}`, name: operationName(document), document, id: documentId(document) };
    });
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
