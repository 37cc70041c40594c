// The long-running entry: `npm start`. With no configuration it runs the embedded default.
import { ConfigError, loadConfig } from './config/config';
import { chooseLogFormat, createLogger, prettyDestination } from './logger';
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
  // The AWS SDK warns, once, on Node below 22 that its releases after early 2027 will need 22.
  // Harmless here (the Lambda runs 22, engines allows 20), and alarming to someone who only typed
  // `npm start`: on the embedded default, turn off exactly that warning with the SDK's own switch
  // (read when a client is built, so set before any is), unless it was set. Elsewhere it shows.
  if (config.embedded) process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  // A person who typed `npm start` at a terminal reads pretty lines; anywhere else, JSON lines.
  const format = chooseLogFormat({
    embedded: config.embedded,
    production: config.production,
    lambda: process.env.AWS_LAMBDA_FUNCTION_NAME !== undefined,
    stdoutIsTTY: process.stdout.isTTY === true,
  });
  const logger = createLogger(config.logLevel, format === 'pretty' ? await prettyDestination() : undefined);
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
