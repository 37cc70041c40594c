import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createApp } from '../app';
import type { GatewayConfig } from '../config/config';
import { startEmbeddedStack, type EmbeddedStack } from '../dev/embedded-stack';
import { nodeRequestListener } from './node-adapter';
import { metricsResponse } from './gateway-handler';
import type { Logger } from '../logger';
import type { GraphQLEndpoint } from './graphql-endpoint';

export interface RunningGateway {
  url: string;
  /** The embedded simulator's address, when the gateway started one. */
  siriusUrl: string;
  /** The embedded stack (simulator and dev issuer), absent in production. */
  embedded: EmbeddedStack | undefined;
  endpoints: { consumer: string; version: string; url: string }[];
  /** The GraphQL endpoints themselves (tests that run a registered operation both ways). */
  graphqlEndpoints: readonly GraphQLEndpoint[];
  /** Where Prometheus scrapes: the main listener on the embedded default, else its own port. */
  metricsUrl: string;
  /** Stop accepting, let in-flight requests finish, then close clients and the embedded stack. */
  close(): Promise<void>;
}

/** The long-running gateway: embedded stack if configured so, the app, and an HTTP server. */
export async function startGateway(config: GatewayConfig, logger: Logger): Promise<RunningGateway> {
  let embedded: EmbeddedStack | undefined;
  let siriusUrl = config.sirius.baseUrl;
  if (siriusUrl === undefined) {
    embedded = await startEmbeddedStack(config, logger);
    siriusUrl = embedded.siriusUrl;
  }
  const cacheTable = embedded?.cacheTable ?? { tableName: config.cache.tableName!, endpoint: config.cache.endpoint };
  const codesTable = embedded?.codesTable ?? { tableName: config.codes.tableName!, endpoint: config.cache.endpoint };
  const app = await createApp({
    config,
    siriusBaseUrl: siriusUrl,
    siriusSigningSecret: embedded?.siriusSigningSecret,
    cacheTable,
    codesTable,
    codesSecret: embedded?.codesSecret,
    dev: embedded?.identity,
    embeddedLpaStore: embedded?.lpaStore,
    embeddedEvents: embedded?.events,
    embeddedLpaStoreChanges: embedded?.lpaStoreChanges,
    logger,
  });
  const server = createServer({ requestTimeout: 30_000, headersTimeout: 10_000 }, nodeRequestListener(app.handle, config.maxBodyBytes));
  server.keepAliveTimeout = 65_000; // longer than load balancers' idle timeout

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const url = `http://${config.host === '0.0.0.0' ? '127.0.0.1' : config.host}:${port}`;

  // Outside the embedded default, /metrics is not on the listener a load balancer forwards: only
  // whoever can reach this port (Prometheus, inside the network) reads it.
  const metricsServer =
    config.metrics.port === undefined
      ? undefined
      : createServer(async (req, res) => {
          const { status, headers, body } =
            req.method === 'GET' && req.url === '/metrics'
              ? await metricsResponse(app.metrics)
              : { status: 404, headers: { 'content-type': 'text/plain' }, body: 'Not found: GET /metrics\n' };
          res.writeHead(status, headers).end(body);
        });
  if (metricsServer) {
    await new Promise<void>((resolve, reject) => {
      metricsServer.once('error', reject);
      metricsServer.listen(config.metrics.port, config.host, () => resolve());
    });
  }
  const metricsUrl = metricsServer
    ? `http://${config.host === '0.0.0.0' ? '127.0.0.1' : config.host}:${(metricsServer.address() as AddressInfo).port}/metrics`
    : `${url}/metrics`;

  return {
    url,
    siriusUrl,
    embedded,
    endpoints: app.endpoints.map(({ consumer, version, path }) => ({ consumer, version, url: url + path })),
    graphqlEndpoints: app.endpoints,
    metricsUrl,
    async close() {
      metricsServer?.close();
      metricsServer?.closeAllConnections();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      await closed;
      await app.close();
      await embedded?.close();
    },
  };
}
