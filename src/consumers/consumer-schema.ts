import type { IExecutableSchemaDefinition } from '@graphql-tools/schema';
import type { IMiddlewareGenerator } from 'graphql-middleware';
import type { GatewayContext } from '../graphql/gateway-context';

/**
 * One consumer's schema version: everything the shared server needs to serve
 * `/{consumer}/{version}/graphql`. The SDL itself is `schema/{consumer}/{version}.graphql`.
 */
export interface ConsumerSchema {
  consumer: string;
  version: string;
  resolvers: NonNullable<IExecutableSchemaDefinition<GatewayContext>['resolvers']>;
  /** graphql-shield rules, deny by default: who may read which field. */
  permissions: IMiddlewareGenerator<unknown, GatewayContext, unknown>;
  /** The scopes those rules use (the caller registry accepts only known scopes). */
  scopes: readonly string[];
}
