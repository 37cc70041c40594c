import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import type { Construct } from 'constructs';
import { consumerSchemas } from '../../src/consumers';
import { pinLogicalId } from './pin';

/** The OAuth resource server's identifier: scopes reach the gateway as `sirius-gateway/<scope>`. */
export const RESOURCE_SERVER = 'sirius-gateway';

/** One caller as the gateway's registry (CALLER_REGISTRY_JSON) lists it. */
export interface RegisteredCaller {
  name: string;
  clientIds: string[];
  consumers: Record<string, string[]>;
  scopes: string[];
}

export interface Callers {
  pool: cognito.UserPool;
  /** Each consumer once, as the API's paths and usage plans name them. */
  consumers: string[];
  registry: RegisteredCaller[];
}

/** The scopes a consumer's schemas' rules use (unqualified). */
export function scopesOf(consumer: string): string[] {
  return [...new Set(consumerSchemas.filter((schema) => schema.consumer === consumer).flatMap((schema) => schema.scopes))];
}

/**
 * The gateway's callers: a Cognito user pool with one app client per consumer, client-credentials
 * only, with the scopes its schema's rules use. The caller registry is generated from the same
 * list, with the client ids. Made in `scope` (the stack): a client's logical id must not change,
 * or CloudFormation replaces it and its consumer's client id and secret with it.
 */
export function callers(scope: Construct): Callers {
  const pool = new cognito.UserPool(scope, 'Callers', { selfSignUpEnabled: false, removalPolicy: RemovalPolicy.RETAIN });
  pinLogicalId(pool, 'Callers8F14BAB6');
  pool.addDomain('Domain', { cognitoDomain: { domainPrefix: `sirius-gateway-${Stack.of(scope).account}`.slice(0, 63) } });
  const consumers = [...new Set(consumerSchemas.map((schema) => schema.consumer))];
  const allScopes = [...new Set(consumerSchemas.flatMap((schema) => schema.scopes))];
  const resourceServer = pool.addResourceServer('ResourceServer', {
    identifier: RESOURCE_SERVER,
    scopes: allScopes.map((scopeName) => new cognito.ResourceServerScope({ scopeName, scopeDescription: `sirius-gateway ${scopeName}` })),
  });
  const registry = consumers.map((consumer) => {
    const scopes = scopesOf(consumer);
    const client = pool.addClient(`Client-${consumer}`, {
      userPoolClientName: consumer,
      generateSecret: true,
      authFlows: {},
      oAuth: {
        flows: { clientCredentials: true },
        scopes: scopes.map((scopeName) => cognito.OAuthScope.resourceServer(resourceServer, new cognito.ResourceServerScope({ scopeName, scopeDescription: scopeName }))),
      },
      accessTokenValidity: Duration.hours(1),
    });
    return { name: consumer, clientIds: [client.userPoolClientId], consumers: { [consumer]: consumerSchemas.filter((schema) => schema.consumer === consumer).map((schema) => schema.version) }, scopes };
  });
  return { pool, consumers, registry };
}
