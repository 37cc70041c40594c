import { ApolloServer, HeaderMap, type ApolloServerPlugin } from '@apollo/server';
import { ApolloServerPluginCacheControlDisabled, ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { ApolloServerPluginLandingPageLocalDefault } from '@apollo/server/plugin/landingPage/default';
import type { GraphQLSchema, ValidationRule } from 'graphql';
import type { GatewayContext } from '../graphql/gateway-context';
import type { Logger } from '../logger';
import { explorationPolicy } from './exploration-policy';
import type { FormatError } from './format-error';

// An endpoint's Apollo Server, in a module of its own: graphql-endpoint.ts import()s it when a
// request first needs Apollo's pipeline, so that a Lambda answering registered queries never
// loads Apollo's code (issue 17).

/** What an endpoint's Apollo Server is made of (graphql-endpoint.ts has it). */
export interface ApolloParts {
  /** The shielded schema: Apollo's pipeline always runs every field's rule. */
  shielded: () => GraphQLSchema;
  logger: Logger;
  errors: { format: FormatError; plugin: ApolloServerPlugin<GatewayContext> };
  validationRules: ValidationRule[];
}

export interface ApolloOptions {
  /** The embedded default: Apollo Sandbox as the landing page. */
  explorable: boolean;
  sandboxHeaders?: Record<string, string>;
  limits: { tokens: number };
}

export async function apolloServer({ shielded, logger, errors, validationRules }: ApolloParts, options: ApolloOptions): Promise<ApolloServer<GatewayContext>> {
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

/** A request's headers as Apollo takes them. */
export function toHeaderMap(headers: Readonly<Record<string, string>>): HeaderMap {
  const map = new HeaderMap();
  for (const [name, value] of Object.entries(headers)) map.set(name, value);
  return map;
}
