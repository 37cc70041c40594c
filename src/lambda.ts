// The AWS Lambda entry (API Gateway REST or HTTP API): `handler` in dist/lambda.js. The same app as
// src/main.ts, built once per Lambda instance; production configuration only, never the embedded stack.
import { createApp, type App } from './app';
import { loadConfig } from './config/config';
import { createLogger } from './logger';
import { fromApiGatewayEvent, toApiGatewayResult, type ApiGatewayEvent, type ApiGatewayResult } from './server/lambda-adapter';

let app: Promise<App> | undefined;

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
  });
}

export async function handler(event: ApiGatewayEvent): Promise<ApiGatewayResult> {
  app ??= boot().catch((error: unknown) => {
    app = undefined; // the next invocation tries again
    throw error;
  });
  const { handle, flush } = await app;
  const result = toApiGatewayResult(await handle(fromApiGatewayEvent(event)));
  await flush(); // a frozen instance exports nothing: send this invocation's spans now
  return result;
}
