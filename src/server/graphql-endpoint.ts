import { readFileSync } from 'node:fs';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginCacheControlDisabled, ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { ApolloServerPluginLandingPageLocalDefault } from '@apollo/server/plugin/landingPage/default';
import { makeExecutableSchema } from '@graphql-tools/schema';
import { applyMiddleware } from 'graphql-middleware';
import type { GatewayConfig } from '../config/config';
import type { ConsumerSchema } from '../consumers/consumer-schema';
import type { Logger } from '../logger';
import { projectPath } from '../project-paths';
import type { GatewayContext } from '../graphql/gateway-context';
import { explorationPolicy } from './exploration-policy';
import { createErrorFormatter } from './format-error';
import { queryLimitRules } from './query-limits';
import type { TrustedDocuments } from './trusted-documents';
import type { GatewayResponse } from './gateway-request';
import { compiledFor, executePrepared, prepareOperations, type PreparedOperation, type RegisteredAuthorisation } from './registered-operations';

/** One consumer schema version served at `/{consumer}/{version}/graphql` by its own Apollo Server. */
export interface GraphQLEndpoint {
  consumer: string;
  version: string;
  path: string;
  server: ApolloServer<GatewayContext>;
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
}

export function schemaFile(consumer: string, version: string): string {
  return projectPath('schema', consumer, `${version}.graphql`);
}

export async function createGraphQLEndpoint(definition: ConsumerSchema, options: EndpointOptions): Promise<GraphQLEndpoint> {
  const { consumer, version } = definition;
  const executable = makeExecutableSchema<GatewayContext>({
    typeDefs: readFileSync(schemaFile(consumer, version), 'utf8'),
    resolvers: definition.resolvers,
    // Every field in the SDL must have a resolver (codegen enforces it too): nothing falls back
    // to reading a same-named property off a Sirius payload by accident.
    resolverValidationOptions: { requireResolversToMatchSchema: 'error' },
  });
  // The shielded schema serves Apollo and any caller some field refuses; the same resolvers
  // without the middleware serve a registered operation whose every field the caller's scopes
  // open (registered-operations.ts, operation-authorisation.ts).
  const schema = applyMiddleware(executable, definition.permissions);
  const logger = options.logger.child({ consumer, version });
  const errors = createErrorFormatter(logger);
  const validationRules = queryLimitRules(options.limits);
  // Each registered operation is prepared (parsed, validated, compiled) when it is first asked for,
  // not at start-up: a cold Lambda compiles only what its first request runs (issue 17).
  const preparedById = new Map<string, PreparedOperation | undefined>();
  const prepared = (id: string) => {
    if (!preparedById.has(id)) {
      const operation = options.documents.get(id);
      preparedById.set(id, operation && prepareOperations({ shielded: schema, open: executable, permissions: definition.permissions }, new Map([[id, operation]]), validationRules, logger).get(id));
    }
    return preparedById.get(id);
  };
  const server = new ApolloServer<GatewayContext>({
    schema,
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
  return {
    consumer,
    version,
    path: `/${consumer}/${version}/graphql`,
    server,
    documents: options.documents,
    lifecycleHeaders: options.lifecycleHeaders,
    executeRegistered(id, parameters, accept, context, authorisation) {
      const operation = prepared(id);
      return operation && executePrepared(schema, operation, parameters, accept, context(), errors.format, authorisation);
    },
    runsOpen(id, scopes) {
      const operation = prepared(id);
      return operation && compiledFor(operation, scopes) !== operation.shielded;
    },
  };
}
