import { readFileSync } from 'node:fs';
import type { ApolloServer, ApolloServerPlugin, HTTPGraphQLResponse } from '@apollo/server';
import type { GraphQLSchema, ValidationRule } from 'graphql';
import type { CompiledQuery } from 'graphql-jit';
import { makeExecutableSchema } from '@graphql-tools/schema';
import { applyMiddleware } from 'graphql-middleware';
import type { GatewayConfig } from '../config/config';
import type { ConsumerSchema } from '../consumers/consumer-schema';
import type { Logger } from '../logger';
import { projectPath } from '../project-paths';
import type { GatewayContext } from '../graphql/gateway-context';
import { createErrorFormatter, type FormatError } from './format-error';
import { queryLimitRules } from './query-limits';
import type { RegisteredOperation } from '../contracts/operations';
import type { TrustedDocuments } from './trusted-documents';
import type { GatewayResponse } from './gateway-request';
import { compiledFor, executePrepared, prepareOperations, UncompiledOperation, type PreparedOperation, type RegisteredAuthorisation } from './registered-operations';
import { once } from '../once';
import { StartedOnFirstUse } from './on-first-use';

/**
 * One consumer schema version served at `/{consumer}/{version}/graphql` by its own Apollo Server.
 * Its routing facts are known at once; its schema, Apollo Server and prepared operations are
 * built when first needed (a cold Lambda builds only the one its first request asks for).
 */
export interface GraphQLEndpoint {
  consumer: string;
  version: string;
  path: string;
  /**
   * Its Apollo Server, built and started on first call. Concurrent first calls share one start;
   * a start that fails is not kept, so the next call tries again.
   */
  server(): Promise<ApolloServer<GatewayContext>>;
  /** Runs a request through Apollo's own pipeline (ad-hoc queries, mutations, introspection, the landing page). */
  executeHTTP(request: { method: string; headers: Readonly<Record<string, string>>; search: string; body: unknown }, context: () => Promise<GatewayContext>): Promise<HTTPGraphQLResponse>;
  /** Stops its Apollo Server if one was started (and waits for one starting); after this none is started. */
  stop(): Promise<void>;
  /** The operations registered for this endpoint, by id (see trusted-documents.ts). */
  documents: TrustedDocuments;
  /** Added to every GraphQL response: Deprecation/Sunset when the manifest sets them. */
  lifecycleHeaders: Readonly<Record<string, string>>;
  /**
   * Runs a registered operation (prepared when first asked for) outside Apollo's pipeline (see
   * registered-operations.ts); undefined when the id names nothing prepared.
   */
  executeRegistered(
    id: string,
    parameters: Record<string, unknown>,
    accept: string | undefined,
    context: () => GatewayContext,
    authorisation?: RegisteredAuthorisation,
  ): Promise<GatewayResponse> | undefined;
  /**
   * Whether the registered operation `id` runs without the shield for a caller with these scopes
   * (operation-authorisation.ts); undefined when `id` names nothing prepared.
   */
  runsOpen(id: string, scopes: ReadonlySet<string>): boolean | undefined;
}

export interface EndpointOptions {
  /** The embedded default: Apollo Sandbox as the landing page, introspection for every caller. */
  explorable: boolean;
  /** Headers Sandbox starts with (a dev token), embedded default only. */
  sandboxHeaders?: Record<string, string>;
  limits: GatewayConfig['limits'];
  documents: TrustedDocuments;
  lifecycleHeaders: Readonly<Record<string, string>>;
  logger: Logger;
  /**
   * Take the SDL as valid without checking it again (graphql-js's `assumeValid`): where endpoints
   * are built on first request (a Lambda), the check would be ~20 ms of a cold start, and every
   * schema file has already passed it in CI (`npm run schema:check`, and every test's gateway,
   * which builds all endpoints at start with the check on).
   */
  assumeValidSchema?: boolean;
}

export function schemaFile(consumer: string, version: string): string {
  return projectPath('schema', consumer, `${version}.graphql`);
}

/** The endpoint for `definition`, building nothing yet (see GraphQLEndpoint). */
export function createGraphQLEndpoint(definition: ConsumerSchema, options: EndpointOptions): GraphQLEndpoint {
  const { consumer, version } = definition;
  const built = once(() => buildSchemas(definition, options));
  // Apollo's code is loaded with its first server: a registered query never needs it (issue 17).
  const apollo = new StartedOnFirstUse(
    async () => {
      const { apolloServer, toHeaderMap } = await import('./apollo-server');
      return { server: await apolloServer(built(), options), toHeaderMap };
    },
    ({ server }) => server.stop(),
  );
  // Each registered operation is prepared (parsed, validated) when it is first asked for, not at
  // start-up, and each of its compiled forms when first run: a cold Lambda prepares only what
  // its first request runs (issue 17).
  const preparedById = new Map<string, PreparedOperation | undefined>();
  const prepare = (id: string, operation: RegisteredOperation): PreparedOperation | undefined => {
    const { shielded, executable, validationRules, logger } = built();
    const schemas = { get shielded() { return shielded(); }, open: executable, permissions: definition.permissions };
    return prepareOperations(schemas, new Map([[id, operation]]), validationRules, logger).get(id);
  };
  const prepared = (id: string): PreparedOperation | undefined => {
    if (!preparedById.has(id)) {
      const operation = options.documents.get(id);
      preparedById.set(id, operation && prepare(id, operation));
    }
    return preparedById.get(id);
  };
  /** The form these scopes run; undefined when graphql-jit refuses it, which is left to Apollo from then on (as if never prepared). */
  const compiled = (id: string, operation: PreparedOperation, scopes: ReadonlySet<string>, authorisation?: RegisteredAuthorisation): CompiledQuery | undefined => {
    try {
      return compiledFor(operation, scopes, authorisation);
    } catch (error) {
      if (!(error instanceof UncompiledOperation)) throw error;
      preparedById.set(id, undefined);
      return undefined;
    }
  };
  return {
    consumer,
    version,
    path: `/${consumer}/${version}/graphql`,
    server: async () => (await apollo.started()).server,
    async executeHTTP(request, context) {
      const { server, toHeaderMap } = await apollo.started();
      return server.executeHTTPGraphQLRequest({ httpGraphQLRequest: { ...request, headers: toHeaderMap(request.headers) }, context });
    },
    stop: () => apollo.stop(),
    documents: options.documents,
    lifecycleHeaders: options.lifecycleHeaders,
    executeRegistered(id, parameters, accept, context, authorisation) {
      const operation = prepared(id);
      if (!operation) return undefined;
      const requestContext = context();
      const query = compiled(id, operation, requestContext.caller.scopes, authorisation);
      if (!query) return undefined;
      // The executable schema's types (the shielded one's too) coerce the variables.
      const { executable, errors } = built();
      return executePrepared(executable, operation, query, parameters, accept, requestContext, errors.format);
    },
    runsOpen(id, scopes) {
      const operation = prepared(id);
      const query = operation && compiled(id, operation, scopes);
      return query && query === operation.open?.compiled;
    },
  };
}

/** What one endpoint serves from: its schema with and without the shield, and what both paths share. */
interface EndpointSchemas {
  executable: GraphQLSchema;
  /** Built on first call: a caller whose scopes open a registered query never needs it. */
  shielded: () => GraphQLSchema;
  logger: Logger;
  errors: { format: FormatError; plugin: ApolloServerPlugin<GatewayContext> };
  validationRules: ValidationRule[];
}

function buildSchemas(definition: ConsumerSchema, options: EndpointOptions): EndpointSchemas {
  const { consumer, version } = definition;
  const executable = makeExecutableSchema<GatewayContext>({
    typeDefs: readFileSync(schemaFile(consumer, version), 'utf8'),
    resolvers: definition.resolvers,
    // Every field in the SDL must have a resolver (codegen enforces it too): nothing falls back
    // to reading a same-named property off a Sirius payload by accident.
    resolverValidationOptions: { requireResolversToMatchSchema: 'error' },
    assumeValid: options.assumeValidSchema === true,
  });
  // The shielded schema serves Apollo and any caller some field refuses; the same resolvers
  // without the middleware serve a registered operation whose every field the caller's scopes
  // open (registered-operations.ts, operation-authorisation.ts).
  const shielded = once(() => applyMiddleware(executable, definition.permissions));
  const logger = options.logger.child({ consumer, version });
  return { executable, shielded, logger, errors: createErrorFormatter(logger), validationRules: queryLimitRules(options.limits) };
}
