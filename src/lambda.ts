// The AWS Lambda entry (API Gateway REST or HTTP API): `handler` in dist/lambda.js. The same app as
// src/main.ts, built once per Lambda instance; production configuration only, never the embedded stack.
import { createApp, type App } from './app';
import { loadConfig } from './config/config';
import { createLogger } from './logger';
import { fromApiGatewayEvent, toApiGatewayResult, type ApiGatewayEvent, type ApiGatewayResult } from './server/lambda-adapter';

async function boot(): Promise<App> {
  const config = loadConfig();
  const logger = createLogger(config.logLevel);
  if (config.embedded || config.sirius.baseUrl === undefined || config.cache.tableName === undefined || config.codes.tableName === undefined) {
    throw new Error('The Lambda entry needs production configuration: SIRIUS_BASE_URL, CACHE_TABLE_NAME, CODES_TABLE_NAME, AUTH_ISSUER, …');
  }
  return createApp({
    config,
    siriusBaseUrl: config.sirius.baseUrl,
    cacheTable: { tableName: config.cache.tableName, endpoint: config.cache.endpoint },
    codesTable: { tableName: config.codes.tableName, endpoint: config.cache.endpoint },
    logger,
    // A cold start builds only the endpoint its first request asks for.
    buildEndpoints: 'on first request',
    // Nothing scrapes a Lambda's registry (no /metrics route, no metrics port): its alarms read EMF lines.
    processMetrics: false,
  });
}

/** The app being booted, or booted; undefined after a failed boot, so that the next invocation tries again. */
let app: Promise<App> | undefined;

function booting(): Promise<App> {
  app ??= boot().catch((error: unknown) => {
    app = undefined; // a failed boot does not poison the instance: the next invocation tries again
    throw error;
  });
  return app;
}

/**
 * Booting starts as the module loads, inside Lambda's INIT phase (which runs with a full CPU burst
 * and before any request waits): clients, JWKS (a consumer schema is built on its first request).
 * `ready` settles when that first attempt has (it never rejects: a failure is the first
 * invocation's to report, as it boots again); the cold-start bench awaits it to tell init from
 * the first request.
 */
export const ready: Promise<void> = booting().then(
  () => undefined,
  () => undefined, // handled here, so an unhandled rejection cannot take the runtime down at import
);

export async function handler(event: ApiGatewayEvent): Promise<ApiGatewayResult> {
  const { handle, flush } = await booting();
  const result = toApiGatewayResult(await handle(fromApiGatewayEvent(event)));
  await flush(); // a frozen instance exports nothing: send this invocation's spans now
  return result;
}
