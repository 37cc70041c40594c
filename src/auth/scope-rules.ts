import { GraphQLError } from 'graphql';
import { deny, rule, shield, type IRules } from 'graphql-shield';
import type { IMiddlewareGenerator } from 'graphql-middleware';
import type { GatewayContext } from '../graphql/gateway-context';

// Building blocks for each consumer's permissions.ts. Rules read only the caller, so their
// results are safely cached per request ('contextual'). Every field needs a rule: anything a
// consumer's rule tree does not name is denied.

export function forbidden(requiredScope?: string): GraphQLError {
  return new GraphQLError('Not authorised to read this field.', {
    extensions: { code: 'FORBIDDEN', ...(requiredScope ? { requiredScope } : {}) },
  });
}

/** The scope each rule made by requireScope asks for: such a rule reads nothing but the caller's scopes. */
const scopeRules = new WeakMap<object, string>();

/** Create once per scope per schema: shield refuses two rules with one name. */
export function requireScope(scope: string) {
  const made = rule(`scope:${scope}`, { cache: 'contextual' })((_parent, _args, context: GatewayContext) =>
    context.caller.scopes.has(scope) ? true : forbidden(scope),
  );
  scopeRules.set(made, scope);
  return made;
}

/** The scope a rule asks for when it is requireScope's, and nothing else; undefined for any other rule. */
export function scopeOfRule(candidate: unknown): string | undefined {
  return typeof candidate === 'object' && candidate !== null ? scopeRules.get(candidate) : undefined;
}

/** A consumer's rule tree as given to shield, and the rule shield applies to whatever it does not name. */
export interface PermissionRules {
  rules: IRules;
  fallbackRule: unknown;
}

const ruleTrees = new WeakMap<object, PermissionRules>();

/**
 * The rule tree behind a consumer's permissions, when consumerPermissions made them; undefined for
 * any other middleware, which only running it can judge (operation-authorisation.ts).
 */
export function permissionRules(permissions: IMiddlewareGenerator<unknown, GatewayContext, unknown>): PermissionRules | undefined {
  return ruleTrees.get(permissions);
}

export function consumerPermissions(rules: IRules) {
  const permissions = shield<unknown, GatewayContext>(rules, {
    fallbackRule: deny,
    fallbackError: () => forbidden(),
    // Resolver errors (SIRIUS_UNAVAILABLE, BAD_USER_INPUT) must reach the caller as themselves;
    // unexpected ones are masked by the server's error formatter.
    allowExternalErrors: true,
  });
  ruleTrees.set(permissions, { rules, fallbackRule: deny });
  return permissions;
}
