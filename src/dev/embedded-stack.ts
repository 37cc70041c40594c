import { randomBytes } from 'node:crypto';
import type { DevIdentity } from '../auth/identity';
import type { GatewayConfig } from '../config/config';
import type { Logger } from '../logger';
import { DEV_CALLERS, devCaller } from './dev-callers';
import { DEV_AUDIENCE, DEV_ISSUER, DEV_SCOPE_PREFIX, startDevIssuer, type DevIssuer } from './dev-issuer';
import { createDynamoClient } from '../cache/dynamodb-client';
import { LOCAL_CODES_TABLE_NAME, LOCAL_TABLE_NAME, ensureTable, startLocalDynamo } from './local-dynamodb';
import { localSecret } from './local-state';
import { startSiriusSimulator } from './sirius-simulator';
import { startDynamoFaultProxy } from './dynamodb-fault-proxy';
import { FaultState } from './faults';
import { RecordedActivationKeyRequests } from '../events/activation-key-requests';
import { EventRelay } from './event-relay';
import { LOCAL_LPA_STORE_CREDENTIALS, startLpaStoreSimulator } from './lpa-store-simulator';

/** What the gateway starts for itself when no real Sirius is configured. */
export interface EmbeddedStack {
  /** Stops local DynamoDB alone (tests of a cache outage). */
  stopDynamo(): Promise<void>;
  siriusUrl: string;
  /** EventBridge's stand-in: what the gateway published, readable at the simulator's GET /__events. */
  events: RecordedActivationKeyRequests;
  /** The LPA Store simulator's change events, delivered to the gateway's handler in this process. */
  lpaStoreChanges: EventRelay;
  /** The HMAC secret the simulator checks calls against (fresh each start). */
  siriusSigningSecret: string;
  /** The LPA Store simulator: its address, the only credentials and region its SigV4 check accepts, its JWT secret. */
  lpaStore: { url: string; region: string; credentials: { accessKeyId: string; secretAccessKey: string }; jwtSecret: string };
  /** Both tables are reached through the fault proxy, as the gateway reaches them. */
  cacheTable: { tableName: string; endpoint: string };
  codesTable: { tableName: string; endpoint: string };
  /** dynalite itself, behind the proxy: for tests that inspect a table while DynamoDB is faulty. */
  dynamoDirectEndpoint: string;
  /** Keys the codes table's hashes: kept under .local/ so that codes survive a restart. */
  codesSecret: string;
  issuer: DevIssuer;
  identity: DevIdentity & { sandboxToken: string };
  close(): Promise<void>;
}

export async function startEmbeddedStack(config: GatewayConfig, logger: Logger): Promise<EmbeddedStack> {
  const siriusSigningSecret = randomBytes(32).toString('hex');
  const faults = new FaultState();
  const events = new RecordedActivationKeyRequests();
  const simulator = await startSiriusSimulator({
    events,
    port: config.simulator.port,
    fixtures: config.simulator.fixtures,
    signingSecret: siriusSigningSecret,
    faults,
  });
  logger.info({ url: simulator.url }, 'embedded Sirius simulator listening (PUT /__faults for every dependency, GET /__calls, GET /__events)');
  const lpaStore = { region: config.lpaStore.region, credentials: LOCAL_LPA_STORE_CREDENTIALS, jwtSecret: randomBytes(32).toString('hex') };
  const lpaStoreChanges = new EventRelay();
  const lpaStoreSimulator = await startLpaStoreSimulator({
    ...lpaStore,
    port: config.lpaStore.simulator.port,
    fixtures: config.lpaStore.simulator.fixtures,
    onChange: (event) => lpaStoreChanges.deliver(event),
  });
  logger.info({ url: lpaStoreSimulator.url }, 'embedded LPA Store simulator listening (PUT /__faults, GET /__calls)');
  const dynamo = await startLocalDynamo({ inMemory: config.cache.inMemory });
  const proxy = await startDynamoFaultProxy(dynamo.endpoint, faults);
  const admin = createDynamoClient({ region: config.cache.region, endpoint: dynamo.endpoint, timeoutMs: 5_000, deadlineMs: 15_000 });
  await ensureTable(admin, LOCAL_TABLE_NAME);
  await ensureTable(admin, LOCAL_CODES_TABLE_NAME);
  admin.destroy();
  logger.info({ url: proxy.url, inMemory: config.cache.inMemory, table: LOCAL_TABLE_NAME }, 'embedded DynamoDB (dynalite) listening, behind its fault proxy');
  const issuer = await startDevIssuer({ port: config.auth.devIssuerPort });
  logger.info({ url: issuer.url }, 'embedded dev token issuer listening (npm run -s token -- <caller>)');
  const explorer = devCaller('explorer')!;
  return {
    siriusUrl: simulator.url,
    siriusSigningSecret,
    events,
    lpaStoreChanges,
    lpaStore: { ...lpaStore, url: lpaStoreSimulator.url },
    cacheTable: { tableName: LOCAL_TABLE_NAME, endpoint: proxy.url },
    codesTable: { tableName: LOCAL_CODES_TABLE_NAME, endpoint: proxy.url },
    dynamoDirectEndpoint: dynamo.endpoint,
    codesSecret: config.cache.inMemory ? randomBytes(32).toString('hex') : localSecret('codes-secret'),
    issuer,
    identity: {
      issuer: { kind: 'oidc', issuer: DEV_ISSUER, jwksUri: issuer.jwksUri, audience: DEV_AUDIENCE, clientIdClaim: 'client_id' },
      scopePrefix: DEV_SCOPE_PREFIX,
      registry: DEV_CALLERS,
      // Sandbox is pre-filled with an explorer token good for a working day.
      sandboxToken: await issuer.issue({ clientId: explorer.clientIds[0]!, scopes: explorer.scopes, ttlSeconds: 12 * 3600 }),
    },
    stopDynamo: async () => {
      await proxy.close();
      await dynamo.close();
    },
    close: async () => {
      await simulator.close();
      await lpaStoreSimulator.close();
      await issuer.close();
      await proxy.close();
      await dynamo.close();
    },
  };
}
