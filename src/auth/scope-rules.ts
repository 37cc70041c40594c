import { GraphQLError } from 'graphql';
import { deny, rule, shield, type IRules } from 'graphql-shield';
import type { GatewayContext } from '../graphql/gateway-context';

// Building blocks for each consumer's permissions.ts. Rules read only the caller, so their
// results are safely cached per request ('contextual'). Every field needs a rule: anything a
// consumer's rule tree does not name is denied.

export function forbidden(requiredScope?: string): GraphQLError {
  return new GraphQLError('Not authorised to read this field.', {
    extensions: { code: 'FORBIDDEN', ...(requiredScope ? { requiredScope } : {}) },
  });
}

/** Create once per scope per schema: shield refuses two rules with one name. */
export function requireScope(scope: string) {
  return rule(`scope:${scope}`, { cache: 'contextual' })((_parent, _args, context: GatewayContext) =>
    context.caller.scopes.has(scope) ? true : forbidden(scope),
  );
}

export function consumerPermissions(rules: IRules) {
  return shield<unknown, GatewayContext>(rules, {
    fallbackRule: deny,
    fallbackError: () => forbidden(),
    // Resolver errors (SIRIUS_UNAVAILABLE, BAD_USER_INPUT) must reach the caller as themselves;
    // unexpected ones are masked by the server's error formatter.
    allowExternalErrors: true,
  });
}
