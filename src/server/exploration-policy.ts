import type { ApolloServerPlugin } from '@apollo/server';
import { GraphQLError, Kind, visit, type DocumentNode } from 'graphql';
import { EXPLORER_SCOPE } from '../auth/caller';
import type { GatewayContext } from '../graphql/gateway-context';

// Introspection and "Did you mean …?" suggestions describe the schema. They are for engineers
// (the explorer scope) and for everyone on the embedded default; other callers get neither.

export function mayExplore(context: GatewayContext): boolean {
  return context.explorable || context.caller.scopes.has(EXPLORER_SCOPE);
}

// Apollo keeps parsed documents (its document store), so each is walked once, not per request.
const introspective = new WeakMap<DocumentNode, boolean>();

export function usesIntrospection(document: DocumentNode): boolean {
  let found = introspective.get(document);
  if (found === undefined) {
    found = findsIntrospection(document);
    introspective.set(document, found);
  }
  return found;
}

function findsIntrospection(document: DocumentNode): boolean {
  let found = false;
  visit(document, {
    [Kind.FIELD](node) {
      if (node.name.value === '__schema' || node.name.value === '__type') found = true;
    },
  });
  return found;
}

const SUGGESTION = / ?Did you mean .+\?$/;

/** Errors with graphql-js's "Did you mean …?" hints removed (they describe the schema). */
export function withoutSuggestions<T extends { message: string }>(errors: readonly T[]): T[] {
  return errors.map((error) => (SUGGESTION.test(error.message) ? { ...error, message: error.message.replace(SUGGESTION, '') } : error));
}

export const explorationPolicy: ApolloServerPlugin<GatewayContext> = {
  async requestDidStart({ contextValue }) {
    if (mayExplore(contextValue)) return;
    return {
      async didResolveOperation({ document }) {
        if (usesIntrospection(document)) {
          throw new GraphQLError('Introspection is not available to this caller.', {
            extensions: { code: 'FORBIDDEN', http: { status: 403 } },
          });
        }
      },
      async willSendResponse({ response }) {
        if (response.body.kind !== 'single' || !response.body.singleResult.errors) return;
        response.body.singleResult.errors = withoutSuggestions(response.body.singleResult.errors);
      },
    };
  },
};
