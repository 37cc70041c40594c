import { Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
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
  // No human users, only app clients: no sign-up, and neither CloudFormation nor the console may
  // delete the pool (with it every consumer's client id and secret). No feature plan or threat
  // protection: they act on user sign-ins, and client-credentials grants have none.
  const pool = new cognito.UserPool(scope, 'Callers', { selfSignUpEnabled: false, deletionProtection: true, removalPolicy: RemovalPolicy.RETAIN });
  pinLogicalId(pool, 'Callers8F14BAB6');
  // The pool has machine clients only (client credentials): no user ever signs in, so there is no
  // password to police, no second factor to require, and nothing for the Plus plan's threat
  // protection (which watches user sign-ins) to watch.
  Validations.of(pool).acknowledge(
    { id: 'AwsSolutions-COG1', reason: 'No users, so no passwords: the pool issues client-credentials tokens to machine clients only (self sign-up off, no user flows).' },
    { id: 'AwsSolutions-COG2', reason: 'No users, so no MFA: client-credentials clients authenticate with their secret; there is no interactive sign-in.' },
    { id: 'AwsSolutions-COG8', reason: 'The Plus plan protects user sign-ins (compromised credentials, adaptive authentication); this pool has none, only machine clients.' },
  );
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
      // No user flows (no USER_PASSWORD, USER_SRP, CUSTOM or ADMIN_USER_PASSWORD): the grant is
      // client credentials, an OAuth flow. ExplicitAuthFlows is set below, as authFlows: {} leaves
      // it out and Cognito then enables USER_SRP and CUSTOM too.
      authFlows: {},
      preventUserExistenceErrors: true,
      enableTokenRevocation: true,
      oAuth: {
        flows: { clientCredentials: true },
        scopes: scopes.map((scopeName) => cognito.OAuthScope.resourceServer(resourceServer, new cognito.ResourceServerScope({ scopeName, scopeDescription: scopeName }))),
      },
      // Client-credentials access tokens cannot be revoked (revocation works on refresh tokens, and
      // this grant issues none): a leaked token is good until it expires, so it expires soon.
      accessTokenValidity: Duration.minutes(15),
    });
    // The least Cognito accepts: ALLOW_REFRESH_TOKEN_AUTH alone (an empty list means its defaults,
    // which include USER_SRP and CUSTOM). Inert here: client credentials never issue refresh tokens.
    (client.node.defaultChild as cognito.CfnUserPoolClient).explicitAuthFlows = ['ALLOW_REFRESH_TOKEN_AUTH'];
    return { name: consumer, clientIds: [client.userPoolClientId], consumers: { [consumer]: consumerSchemas.filter((schema) => schema.consumer === consumer).map((schema) => schema.version) }, scopes };
  });
  return { pool, consumers, registry };
}
