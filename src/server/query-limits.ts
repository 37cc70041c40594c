import { costLimitRule } from '@escape.tech/graphql-armor-cost-limit';
import { maxAliasesRule } from '@escape.tech/graphql-armor-max-aliases';
import { maxDepthRule } from '@escape.tech/graphql-armor-max-depth';
import { maxDirectivesRule } from '@escape.tech/graphql-armor-max-directives';
import type { GraphQLError, ValidationContext, ValidationRule } from 'graphql';
import type { GatewayConfig } from '../config/config';

/**
 * graphql-armor's validation rules: a query over any limit is refused at validation (400,
 * GRAPHQL_VALIDATION_FAILED) before a resolver, and so Sirius, is reached. The token limit is
 * graphql-js's own parser option (see graphql-endpoint.ts).
 */
export function queryLimitRules(limits: GatewayConfig['limits']): ValidationRule[] {
  // Report through the validation context like any other rule. (armor's default is to throw from
  // inside the visitor, which Apollo's validation swallows: the query would run.)
  const report = {
    propagateOnRejection: false,
    onReject: [(context: ValidationContext | null, error: GraphQLError) => context?.reportError(error)],
  };
  return [
    // Introspection counts too: deep `ofType` chains are a classic denial of service.
    maxDepthRule({ n: limits.depth, ignoreIntrospection: false, flattenFragments: true, ...report }),
    costLimitRule({ maxCost: limits.cost, ignoreIntrospection: true, ...report }),
    maxAliasesRule({ n: limits.aliases, ...report }),
    maxDirectivesRule({ n: limits.directives, ...report }),
  ] as unknown as ValidationRule[]; // armor is typed against graphql's CJS declarations
}
