import { costLimitRule } from '@escape.tech/graphql-armor-cost-limit';
import { maxAliasesRule } from '@escape.tech/graphql-armor-max-aliases';
import { maxDepthRule } from '@escape.tech/graphql-armor-max-depth';
import { maxDirectivesRule } from '@escape.tech/graphql-armor-max-directives';
import type { ValidationRule } from 'graphql';
import type { GatewayConfig } from '../config/config';

/**
 * graphql-armor's validation rules: a query over any limit is refused at validation (400,
 * GRAPHQL_VALIDATION_FAILED) before a resolver, and so Sirius, is reached. The token limit is
 * graphql-js's own parser option (see graphql-endpoint.ts).
 */
export function queryLimitRules(limits: GatewayConfig['limits']): ValidationRule[] {
  return [
    // Introspection counts too: deep `ofType` chains are a classic denial of service.
    maxDepthRule({ n: limits.depth, ignoreIntrospection: false, flattenFragments: true }),
    costLimitRule({ maxCost: limits.cost, ignoreIntrospection: true }),
    maxAliasesRule({ n: limits.aliases }),
    maxDirectivesRule({ n: limits.directives }),
  ] as unknown as ValidationRule[]; // armor is typed against graphql's CJS declarations
}
