import type { RequestListener } from 'node:http';
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
  logger: Logger;
}

export async function createApp({ config, siriusBaseUrl, logger }: AppDependencies): Promise<App> {
  const sirius = new SiriusClient({ ...config.sirius, baseUrl: siriusBaseUrl });
  const endpoints = await Promise.all(
    consumerSchemas.map((definition) => createGraphQLEndpoint(definition, { explorable: config.embedded, logger })),
  );
  const listener = createRequestListener({
    endpoints,
    maxBodyBytes: config.maxBodyBytes,
    logger,
    createContext: (requestId) => ({
      requestId,
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
