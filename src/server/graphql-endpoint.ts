import { readFileSync } from 'node:fs';
import { ApolloServer, type ApolloServerPlugin } from '@apollo/server';
import { ApolloServerPluginCacheControlDisabled, ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { ApolloServerPluginLandingPageLocalDefault } from '@apollo/server/plugin/landingPage/default';
import type { GraphQLSchema, ValidationRule } from 'graphql';
import { makeExecutableSchema } from '@graphql-tools/schema';
import { applyMiddleware } from 'graphql-middleware';
import type { GatewayConfig } from '../config/config';
import type { ConsumerSchema } from '../consumers/consumer-schema';
import type { Logger } from '../logger';
import { projectPath } from '../project-paths';
import type { GatewayContext } from '../graphql/gateway-context';
import { explorationPolicy } from './exploration-policy';
import { createErrorFormatter, type FormatError } from './format-error';
import { queryLimitRules } from './query-limits';
import type { RegisteredOperation } from '../contracts/operations';
import type { TrustedDocuments } from './trusted-documents';
import type { GatewayResponse } from './gateway-request';
import { compiledFor, executePrepared, prepareOperations, UncompiledOperation, type PreparedOperation, type RegisteredAuthorisation } from './registered-operations';
import { once, StartedOnFirstUse } from './on-first-use';

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
  const apollo = new StartedOnFirstUse(() => apolloServer(built(), options), (server) => server.stop());
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
  /** Whether the form these scopes run compiles; one graphql-jit refuses is left to Apollo from then on (as if never prepared). */
  const compiles = (id: string, operation: PreparedOperation, scopes: ReadonlySet<string>, authorisation?: RegisteredAuthorisation): boolean => {
    try {
      compiledFor(operation, scopes, authorisation);
      return true;
    } catch (error) {
      if (!(error instanceof UncompiledOperation)) throw error;
      preparedById.set(id, undefined);
      return false;
    }
  };
  return {
    consumer,
    version,
    path: `/${consumer}/${version}/graphql`,
    server: () => apollo.started(),
    stop: () => apollo.stop(),
    documents: options.documents,
    lifecycleHeaders: options.lifecycleHeaders,
    executeRegistered(id, parameters, accept, context, authorisation) {
      const operation = prepared(id);
      if (!operation) return undefined;
      const requestContext = context();
      if (!compiles(id, operation, requestContext.caller.scopes, authorisation)) return undefined;
      // The executable schema's types (the shielded one's too) coerce the variables.
      return executePrepared(built().executable, operation, parameters, accept, requestContext, built().errors.format, authorisation);
    },
    runsOpen(id, scopes) {
      const operation = prepared(id);
      if (!operation || !compiles(id, operation, scopes)) return undefined;
      return compiledFor(operation, scopes) === operation.open?.compiled;
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

async function apolloServer({ shielded, logger, errors, validationRules }: EndpointSchemas, options: EndpointOptions): Promise<ApolloServer<GatewayContext>> {
  const server = new ApolloServer<GatewayContext>({
    schema: shielded(),
    logger,
    // Gated per caller by explorationPolicy (explorer scope, or the embedded default).
    introspection: true,
    parseOptions: { maxTokens: options.limits.tokens },
    validationRules,
    includeStacktraceInErrorResponses: false,
    csrfPrevention: true,
    // Only registered operations are trusted (trusted-documents.ts): no caller may register one.
    persistedQueries: false,
    // The process owns shutdown (src/main.ts drains HTTP first); Apollo's own handlers would race it.
    stopOnTerminationSignals: false,
    formatError: errors.format,
    plugins: [
      errors.plugin,
      // Responses are never cacheable (they carry personal data: the gateway says no-store), so
      // Apollo's cache-control plugin, which runs a hook on every field, has nothing to do.
      ApolloServerPluginCacheControlDisabled(),
      explorationPolicy,
      options.explorable
        ? ApolloServerPluginLandingPageLocalDefault({
            embed: { initialState: { sharedHeaders: options.sandboxHeaders ?? {} } },
            includeCookies: false,
          })
        : ApolloServerPluginLandingPageDisabled(),
    ],
  });
  await server.start();
  return server;
}
