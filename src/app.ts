import type { RequestListener } from 'node:http';
import { createAuthenticator } from './auth/authenticate';
import { createIdentity, type DevIdentity } from './auth/identity';
import type { GatewayConfig } from './config/config';
import { consumerSchemas } from './consumers';
import type { Logger } from './logger';
import { createGraphQLEndpoint, type GraphQLEndpoint } from './server/graphql-endpoint';
import { createRequestListener } from './server/http-handler';
import { createSiriusLoaders } from './sirius/loaders';
import { SiriusClient } from './sirius/sirius-client';

/** The gateway as a request listener, independent of how it is hosted (node:http, Lambda). */
export interface App {
  listener: RequestListener;
  endpoints: readonly GraphQLEndpoint[];
  close(): Promise<void>;
}

export interface AppDependencies {
  config: GatewayConfig;
  /** The Sirius to call: the configured one, or the embedded simulator's address. */
  siriusBaseUrl: string;
  /** The embedded default's issuer, registry and Sandbox token; absent in production. */
  dev?: DevIdentity & { sandboxToken: string };
  logger: Logger;
}

export async function createApp({ config, siriusBaseUrl, dev, logger }: AppDependencies): Promise<App> {
  const { verifier, registry } = createIdentity(config, { schemas: consumerSchemas }, dev);
  // Fetch the signing keys now rather than on the first request; a failure is retried then.
  await verifier.hydrate().catch((error: unknown) => logger.warn({ err: error }, 'JWKS not fetched at start-up'));

  const sirius = new SiriusClient({ ...config.sirius, baseUrl: siriusBaseUrl });
  const explorable = dev !== undefined;
  const endpoints = await Promise.all(
    consumerSchemas.map((definition) =>
      createGraphQLEndpoint(definition, {
        explorable,
        sandboxHeaders: dev ? { Authorization: `Bearer ${dev.sandboxToken}` } : undefined,
        limits: config.limits,
        logger,
      }),
    ),
  );
  const listener = createRequestListener({
    endpoints,
    explorable,
    authenticate: createAuthenticator(verifier, registry, logger),
    maxBodyBytes: config.maxBodyBytes,
    logger,
    createContext: (requestId, caller) => ({
      requestId,
      caller,
      explorable,
      loaders: createSiriusLoaders(sirius, { requestId, concurrency: config.sirius.concurrencyPerRequest }),
    }),
  });
  return {
    listener,
    endpoints,
    async close() {
      await Promise.all(endpoints.map((endpoint) => endpoint.server.stop()));
      await sirius.close();
    },
  };
}
