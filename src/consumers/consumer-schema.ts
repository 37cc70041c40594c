import type { IExecutableSchemaDefinition } from '@graphql-tools/schema';
import type { GatewayContext } from '../server/context';

/**
 * One consumer's schema version: everything the shared server needs to serve
 * `/{consumer}/{version}/graphql`. The SDL itself is `schema/{consumer}/{version}.graphql`.
 */
export interface ConsumerSchema {
  consumer: string;
  version: string;
  resolvers: NonNullable<IExecutableSchemaDefinition<GatewayContext>['resolvers']>;
}
