// The long-running entry: `npm start`. With no configuration it runs the embedded default.
import { ConfigError, loadConfig } from './config/config';
import { createLogger } from './logger';
import { startGateway } from './server/start-gateway';

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
  const logger = createLogger(config.logLevel);
  const gateway = await startGateway(config, logger);
  for (const endpoint of gateway.endpoints) {
    logger.info({ url: endpoint.url }, `serving ${endpoint.consumer} ${endpoint.version}`);
  }
  logger.info({ url: `${gateway.url}/health/live`, metrics: gateway.metricsUrl, embedded: config.embedded }, 'sirius-gateway ready');

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down: finishing in-flight requests');
    const force = setTimeout(() => process.exit(1), 10_000).unref();
    gateway.close().then(
      () => {
        clearTimeout(force);
        logger.info('stopped');
        process.exit(0);
      },
      (error: unknown) => {
        logger.error({ err: error }, 'error while shutting down');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

main().catch((error: unknown) => {
  process.stderr.write(`sirius-gateway failed to start: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
