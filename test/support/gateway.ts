import { loadConfig } from '../../src/config/config';
import { createLogger } from '../../src/logger';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEV_CALLERS, devCaller } from '../../src/dev/dev-callers';
import { DEV_AUDIENCE, DEV_ISSUER } from '../../src/dev/dev-issuer';
import { startGateway, type RunningGateway } from '../../src/server/start-gateway';
import type { Faults } from '../../src/dev/faults';
import type { LpaStoreFaults } from '../../src/dev/lpa-store-faults';
import type { LpaStoreCallLog } from '../../src/dev/lpa-store-simulator';

// Integration tests run the real gateway, with its real embedded Sirius simulator, on free ports,
// and talk to both over HTTP.

export interface TestGateway extends RunningGateway {
  /** A really signed token from the embedded dev issuer for a dev caller (or any client id and scopes). */
  token(caller: string, override?: { clientId?: string; scopes?: string[]; ttlSeconds?: number }): Promise<string>;
  /** POST a GraphQL request to `/{path}` and return the status and parsed JSON body. */
  graphql(path: string, request: GraphQLRequest, headers?: Record<string, string>): Promise<JsonResponse>;
  post(path: string, body: string, headers?: Record<string, string>): Promise<JsonResponse>;
  /** How many API calls the simulator has served since it started. */
  siriusCalls(): Promise<number>;
  siriusCallLog(): Promise<SiriusCallLog>;
  /** Faults for Sirius and DynamoDB (src/dev/faults.ts); `{}` resets them all. */
  setFaults(faults: Faults): Promise<void>;
  /** The same, kept for the Sirius-only tests that predate DynamoDB faults. */
  setSiriusFaults(faults: Faults): Promise<void>;
  /** The LPA Store simulator's own faults (status, latency, body); `{}` resets them. */
  setLpaStoreFaults(faults: LpaStoreFaults): Promise<void>;
  /** How many calls the LPA Store simulator has served, by route. */
  lpaStoreCallLog(): Promise<LpaStoreCallLog>;
}

export interface SiriusCallLog {
  total: number;
  byQuery: Record<string, number>;
  lastRequestId: string | null;
  lastTraceparent: string | null;
  letters: { caseUid: string; actorUid: string }[];
  /** Calls to Sirius's health check (readiness probes), kept apart from `total`. */
  healthChecks: number;
}

export interface GraphQLRequest {
  query: string;
  variables?: Record<string, unknown>;
  operationName?: string;
}

export interface JsonResponse {
  status: number;
  headers: Headers;
  // Tests assert on shapes; the gateway's JSON is read as a loose record here.
  body: { data?: Record<string, any> | null; errors?: { message: string; path?: (string | number)[]; extensions?: Record<string, any> }[] } & Record<string, any>;
  text: string;
}

/** `logs`: collect the gateway's log lines (at info) instead of discarding them. */
export async function startTestGateway(env: Record<string, string> = {}, options: { logs?: string[] } = {}): Promise<TestGateway> {
  const config = loadConfig({ PORT: '0', SIRIUS_SIMULATOR_PORT: '0', LPA_STORE_SIMULATOR_PORT: '0', DEV_ISSUER_PORT: '0', CACHE_IN_MEMORY: '1', LOG_LEVEL: 'silent', ...env });
  const { logs } = options;
  const logger = logs ? createLogger('info', { write: (line: string) => void logs.push(line) }) : createLogger(config.logLevel);
  const gateway = await startGateway(config, logger);

  async function token(caller: string, override: { clientId?: string; scopes?: string[]; ttlSeconds?: number } = {}) {
    const entry = devCaller(caller);
    if (!entry || !gateway.embedded) throw new Error(`no dev caller ${caller}`);
    return gateway.embedded.issuer.issue({
      clientId: override.clientId ?? entry.clientIds[0]!,
      scopes: override.scopes ?? entry.scopes,
      ttlSeconds: override.ttlSeconds,
    });
  }

  // Unless a test says otherwise, each request carries the token of the dev caller named after
  // the consumer in its path (the explorer for any other path).
  async function defaultAuthorization(path: string): Promise<Record<string, string>> {
    const consumer = /^\/([a-z-]+)\//.exec(path)?.[1];
    return { authorization: `Bearer ${await token(consumer && devCaller(consumer) ? consumer : 'explorer')}` };
  }

  async function post(path: string, body: string, headers: Record<string, string> = {}): Promise<JsonResponse> {
    const response = await fetch(`${gateway.url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(gateway.embedded ? await defaultAuthorization(path) : {}), ...headers },
      body,
    });
    const text = await response.text();
    return { status: response.status, headers: response.headers, body: text ? JSON.parse(text) : {}, text };
  }

  async function siriusCallLog() {
    const response = await fetch(`${gateway.siriusUrl}/__calls`);
    return (await response.json()) as SiriusCallLog;
  }

  async function setFaults(faults: Faults) {
    const response = await fetch(`${gateway.siriusUrl}/__faults`, { method: 'PUT', body: JSON.stringify(faults) });
    if (!response.ok) throw new Error(`simulator refused faults: ${response.status} ${await response.text()}`);
  }

  async function setLpaStoreFaults(faults: LpaStoreFaults) {
    const response = await fetch(`${gateway.embedded!.lpaStore.url}/__faults`, { method: 'PUT', body: JSON.stringify(faults) });
    if (!response.ok) throw new Error(`LPA Store simulator refused faults: ${response.status} ${await response.text()}`);
  }

  return {
    ...gateway,
    token,
    setLpaStoreFaults,
    lpaStoreCallLog: async () => (await (await fetch(`${gateway.embedded!.lpaStore.url}/__calls`)).json()) as LpaStoreCallLog,
    post,
    graphql: (path, request, headers) => post(path, JSON.stringify(request), headers),
    siriusCallLog,
    siriusCalls: async () => (await siriusCallLog()).total,
    setFaults,
    setSiriusFaults: setFaults,
  };
}

/**
 * A gateway configured as production is (a named Sirius, an OIDC issuer by JWKS URL, a registry
 * file), trusting the dev issuer of `trusted` so that tests can sign its tokens. `logs` as for
 * startTestGateway.
 */
export async function startConfiguredGateway(
  trusted: TestGateway,
  env: Record<string, string>,
  options: { logs?: string[] } = {},
): Promise<RunningGateway> {
  const dir = mkdtempSync(join(tmpdir(), 'sirius-gateway-registry-'));
  const registryFile = join(dir, 'callers.json');
  writeFileSync(registryFile, JSON.stringify(DEV_CALLERS));
  const config = loadConfig({
    PORT: '0',
    METRICS_PORT: '0',
    LOG_LEVEL: 'silent',
    AUTH_ISSUER: 'oidc',
    OIDC_ISSUER: DEV_ISSUER,
    OIDC_AUDIENCE: DEV_AUDIENCE,
    OIDC_JWKS_URI: trusted.embedded!.issuer.jwksUri,
    CALLER_REGISTRY_FILE: registryFile,
    SIRIUS_SIGNING_SECRET: trusted.embedded!.siriusSigningSecret,
    CACHE_TABLE_NAME: trusted.embedded!.cacheTable.tableName,
    DYNAMODB_ENDPOINT: trusted.embedded!.cacheTable.endpoint,
    CODES_TABLE_NAME: trusted.embedded!.codesTable.tableName,
    CODES_SECRET: trusted.embedded!.codesSecret,
    // These tests send ad-hoc queries; trusted documents (production's enforce) have their own.
    TRUSTED_DOCUMENTS: 'allow',
    ...env,
  });
  const { logs } = options;
  return startGateway(config, logs ? createLogger('info', { write: (line: string) => void logs.push(line) }) : createLogger(config.logLevel));
}

/**
 * The production configuration a Lambda process (src/lambda.ts, dist/lambda/lambda.js) gets in
 * tests: a test gateway's simulator, dynalite tables, codes secret and dev issuer, with `registry`
 * written to a file of its own. `PATH` only from this process's environment.
 */
export function lambdaEnvironment(gateway: TestGateway, registry: { callers: unknown[] } = DEV_CALLERS): Record<string, string> {
  const dir = mkdtempSync(join(tmpdir(), 'sirius-gateway-lambda-'));
  writeFileSync(join(dir, 'callers.json'), JSON.stringify(registry));
  const embedded = gateway.embedded!;
  return {
    PATH: process.env.PATH ?? '',
    SIRIUS_BASE_URL: gateway.siriusUrl,
    SIRIUS_SIGNING_SECRET: embedded.siriusSigningSecret,
    CACHE_TABLE_NAME: embedded.cacheTable.tableName,
    DYNAMODB_ENDPOINT: embedded.cacheTable.endpoint,
    CODES_TABLE_NAME: embedded.codesTable.tableName,
    CODES_SECRET: embedded.codesSecret,
    AUTH_ISSUER: 'oidc',
    OIDC_ISSUER: DEV_ISSUER,
    OIDC_AUDIENCE: DEV_AUDIENCE,
    OIDC_JWKS_URI: embedded.issuer.jwksUri,
    CALLER_REGISTRY_FILE: join(dir, 'callers.json'),
  };
}
