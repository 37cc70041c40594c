import Negotiator from 'negotiator';
import { compileQuery, isCompiledQuery, type CompiledQuery } from 'graphql-jit';
import { getOperationAST, getVariableValues, GraphQLError, Kind, parse, specifiedRules, validate, type DocumentNode, type GraphQLFormattedError, type GraphQLSchema, type ValidationRule, type VariableDefinitionNode } from 'graphql';
import type { Logger } from '../logger';
import type { GatewayContext } from '../graphql/gateway-context';
import type { GatewayResponse } from './gateway-request';
import { usesIntrospection, withoutSuggestions, mayExplore } from './exploration-policy';
import type { TrustedDocuments } from './trusted-documents';
import type { FormatError } from './format-error';
import type { IMiddlewareGenerator } from 'graphql-middleware';
import { operationAuthorisation, type OperationAuthorisation } from './operation-authorisation';

// Registered queries are known before any request: parsed, validated (graphql-js's rules and the
// query limits) and compiled with graphql-jit once, when each is first asked for
// (graphql-endpoint.ts), then run without Apollo's per-request pipeline: on the schema without
// the shield when the caller's scopes open every field
// the operation names (decided once per operation: operation-authorisation.ts), else on the
// shielded schema (test/integration/operation-authorisation.test.ts shows both answer alike).
// graphql-jit generates code from these trusted documents only. Responses match Apollo's for the
// same operation (status codes, error codes and masking, content type):
// test/integration/registered-operations.test.ts runs every registered operation both ways and
// compares. Mutations, introspection and ad-hoc queries go through Apollo.

export interface PreparedOperation {
  document: DocumentNode;
  /**
   * graphql-jit's compiled form on the shielded schema: the same semantics as graphql-js's
   * execute, a few times faster. Compiled when first read (a caller whose scopes open the
   * operation never needs it); throws UncompiledOperation when graphql-jit refuses the document.
   */
  readonly shielded: CompiledQuery;
  /** What the operation's fields ask of a caller's scopes; undefined when only the shield can decide (a rule that is not a scope rule, a field nobody named). */
  authorisation: OperationAuthorisation | undefined;
  /**
   * The same operation compiled on the same resolvers without the shield, for a caller that may
   * read every field it names (operation-authorisation.ts); undefined when only the shield can
   * decide, or when graphql-jit refuses it. Compiled when first read.
   */
  readonly open: { compiled: CompiledQuery; authorisation: OperationAuthorisation } | undefined;
  variableDefinitions: readonly VariableDefinitionNode[];
}

export type PreparedOperations = ReadonlyMap<string, PreparedOperation>;

/** A consumer schema's two executable forms: one resolver map, with and without graphql-shield's middleware. */
export interface ConsumerExecutables {
  /**
   * With the shield: every field asks its rule (Apollo's pipeline, and any caller some field
   * refuses). Read only to compile the shielded form (it may be built on that first read).
   */
  readonly shielded: GraphQLSchema;
  /** Without it: only ever run for an operation and scopes that no rule refuses. */
  open: GraphQLSchema;
  permissions: IMiddlewareGenerator<unknown, GatewayContext, unknown>;
}

/** A registered operation graphql-jit would not compile: Apollo runs it instead (logged once, when found). */
export class UncompiledOperation extends Error {}

/**
 * Parses and validates each operation and decides its authorisation. Compiling (tens of ms for a
 * large query: a good part of a cold Lambda's first request) waits until a form is first read:
 * a caller runs only one of the two.
 */
export function prepareOperations(schemas: ConsumerExecutables, documents: TrustedDocuments, rules: readonly ValidationRule[], logger: Logger): PreparedOperations {
  // Validating and deciding the authorisation read only the types, which both forms share (the
  // shield wraps resolvers, nothing else): done on the open schema, so that the shielded one is
  // needed only when a caller runs the shielded form.
  const { open: schema } = schemas;
  const prepared = new Map<string, PreparedOperation>();
  for (const [id, operation] of documents) {
    const document = parse(operation.document);
    const errors = validate(schema, document, [...specifiedRules, ...rules]);
    if (errors.length > 0) {
      // schema:check stops this in CI; if it happens anyway, Apollo answers with the errors.
      logger.error({ file: operation.file, operation: operation.name, errors: errors.map((error) => error.message) }, 'registered operation does not validate');
      continue;
    }
    // Introspection is for explorers only: the exploration policy in Apollo's pipeline decides.
    // Mutations (rare, and with side effects) keep graphql-js's serial execution inside Apollo.
    if (usesIntrospection(document) || getOperationAST(document)?.operation !== 'query') continue;
    const compile = (on: GraphQLSchema): CompiledQuery | undefined => {
      const compiled = compileQuery(on, document);
      if (isCompiledQuery(compiled)) return compiled;
      logger.error({ file: operation.file, operation: operation.name, errors: compiled.errors?.map((error) => error.message) }, 'registered operation does not compile');
      return undefined;
    };
    const authorisation = operationAuthorisation(schema, document, schemas.permissions);
    const definition = getOperationAST(document);
    // Each form is compiled once, on first read, and kept (whether graphql-jit took it or not).
    let shielded: { compiled: CompiledQuery | undefined } | undefined;
    let open: { form: PreparedOperation['open'] } | undefined;
    prepared.set(id, {
      document,
      authorisation,
      variableDefinitions: definition?.variableDefinitions ?? [],
      get shielded() {
        shielded ??= { compiled: compile(schemas.shielded) };
        if (!shielded.compiled) throw new UncompiledOperation(`registered operation ${operation.name} does not compile`);
        return shielded.compiled;
      },
      get open() {
        if (!authorisation) return undefined;
        if (!open) {
          const compiled = compile(schemas.open);
          open = { form: compiled && { compiled, authorisation } };
        }
        return open.form;
      },
    });
  }
  return prepared;
}

/**
 * Which of an operation's compiled forms serves a caller: the open one when no field would be
 * refused to its scopes, else the shielded one. `'shield'` always takes the shielded one (the
 * reference the parity test compares against). Compiles the form it picks if not yet compiled
 * (and may throw UncompiledOperation, as `shielded` does).
 */
export function compiledFor(operation: PreparedOperation, scopes: ReadonlySet<string>, authorisation: RegisteredAuthorisation = 'precomputed'): CompiledQuery {
  const open = authorisation === 'precomputed' && operation.authorisation?.allowsEveryField(scopes) ? operation.open : undefined;
  return open ? open.compiled : operation.shielded;
}

/** `precomputed`: the operation's authorisation decided once (operation-authorisation.ts); `shield`: every field asks its rule. */
export type RegisteredAuthorisation = 'precomputed' | 'shield';

const JSON_TYPE = 'application/json; charset=utf-8';
const GRAPHQL_RESPONSE_TYPE = 'application/graphql-response+json; charset=utf-8';

/** Runs `compiled`, the form of `operation` its caller's scopes take (compiledFor), as Apollo would answer it. */
export async function executePrepared(
  schema: GraphQLSchema,
  operation: PreparedOperation,
  compiled: CompiledQuery,
  parameters: Record<string, unknown>,
  accept: string | undefined,
  context: GatewayContext,
  formatError: FormatError,
): Promise<GatewayResponse> {
  const contentType = accept ? new Negotiator({ headers: { accept } }).mediaType([JSON_TYPE, GRAPHQL_RESPONSE_TYPE]) : JSON_TYPE;
  if (!contentType) return badRequest(406, `An 'accept' header was provided for this request which does not accept ${JSON_TYPE} or ${GRAPHQL_RESPONSE_TYPE}`);
  const { variables, operationName } = parameters;
  if (typeof variables === 'string') return badRequest(400, '`variables` in a POST body should be provided as an object, not a recursively JSON-encoded string.');
  if (variables != null && (typeof variables !== 'object' || Array.isArray(variables))) return badRequest(400, '`variables` in a POST body must be an object if provided.');
  if (operationName != null && typeof operationName !== 'string') return badRequest(400, '`operationName` in a POST body must be a string if provided.');

  const respond = (status: number, errors: readonly GraphQLError[] | undefined, data?: unknown): GatewayResponse => {
    let httpStatus = status;
    const headers: Record<string, string> = { 'content-type': contentType };
    const formatted = errors?.map((error) => {
      // graphql-jit's errors carry no extensions of their own: a resolver's error keeps its code.
      const extensions: Record<string, unknown> = { ...(error.extensions ?? {}) };
      extensions.code ??= 'INTERNAL_SERVER_ERROR';
      const http = extensions.http as { status?: number; headers?: unknown } | undefined;
      if (http && typeof http === 'object') {
        if (http.status) httpStatus = http.status;
        // As Apollo: an error's own headers (Retry-After) reach the response.
        if (http.headers instanceof Map) for (const [name, value] of http.headers) if (typeof value === 'string') headers[String(name)] = value;
        delete extensions.http;
      }
      const shape: GraphQLFormattedError = {
        message: error.message,
        ...(error.locations?.length ? { locations: error.locations } : {}),
        ...(error.path ? { path: error.path } : {}),
        extensions,
      };
      try {
        // What the resolver threw (a SiriusUnavailableError, a GraphQLError on purpose, a bug).
        return formatError(shape, error.originalError ?? error, context.requestId);
      } catch {
        return { message: 'Internal server error', extensions: { code: 'INTERNAL_SERVER_ERROR' } };
      }
    });
    const shown = formatted && !mayExplore(context) ? withoutSuggestions(formatted) : formatted;
    return { status: httpStatus, headers, body: `${JSON.stringify({ errors: shown, data })}\n` };
  };

  if (!getOperationAST(operation.document, operationName ?? undefined)) {
    const message = operationName ? `Unknown operation named "${operationName}".` : 'Must provide operation name if query contains multiple operations.';
    return respond(400, [new GraphQLError(message, { extensions: { code: 'OPERATION_RESOLUTION_FAILURE' } })]);
  }
  const inputs = (variables ?? {}) as Record<string, unknown>;
  const result = await compiled.query(undefined, context, inputs);
  if (result.errors?.length && result.data === undefined) {
    // graphql-jit refused the variables before running anything. graphql-js says why, so that the
    // refusal reads word for word as Apollo's (graphql-jit's own messages drop a scalar's
    // explanation). Asked only now, not on every request: the two accept the same variables
    // (test/integration/registered-variables.test.ts).
    const coerced = getVariableValues(schema, operation.variableDefinitions, inputs);
    // As Apollo: an operation that never ran (its variables were refused) is the client's error.
    return respond(400, coerced.errors?.map((error) => (isVariableError(error) && error.extensions.code == null ? withCode(error, 'BAD_USER_INPUT') : error)) ?? result.errors);
  }
  return respond(200, result.errors, result.data);
}

function badRequest(status: number, message: string): GatewayResponse {
  return { status, headers: { 'content-type': JSON_TYPE }, body: `${JSON.stringify({ errors: [{ message, extensions: { code: 'BAD_REQUEST' } }] })}\n` };
}

function isVariableError(error: GraphQLError): boolean {
  const node = error.nodes?.length === 1 ? error.nodes[0] : undefined;
  return node?.kind === Kind.VARIABLE_DEFINITION && error.message.startsWith(`Variable "$${node.variable.name.value}" `);
}

function withCode(error: GraphQLError, code: string): GraphQLError {
  return new GraphQLError(error.message, { nodes: error.nodes, originalError: error.originalError ?? error, extensions: { ...error.extensions, code } });
}
