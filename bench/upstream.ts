// What the benchmarked gateway depends on, in a process of its own (so that its CPU is not the
// gateway's): the Sirius simulator (checking signatures), the LPA Store simulator (checking SigV4
// and its JWT), dynalite, the dev token issuer, and a stand-in for Secrets Manager's GetSecretValue
// so that the gateway runs with NODE_ENV=production, reading its Sirius signing secret and the
// store's JWT secret through the real AWS SDK. Prints one JSON line, then serves.
//
// It also runs the events worker, as production runs the events Lambda beside the gateways (which
// never handle events themselves): the LPA Store simulator's change stream (`onChange`, one
// `lpa-updated` per change applied through its admin path) is handed to createEventsApp, the
// Lambda's own code, over the same cache table and the same store, with a production
// configuration. GET {eventsWorkerUrl}/__events says what it did with them.
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SignJWT } from 'jose';
import { pino } from 'pino';
import { createDynamoClient } from '../src/cache/dynamodb-client';
import { loadConfig } from '../src/config/config';
import { DEV_CALLERS, devCaller } from '../src/dev/dev-callers';
import { DEV_AUDIENCE, DEV_ISSUER, startDevIssuer } from '../src/dev/dev-issuer';
import { ensureTable, LOCAL_CODES_TABLE_NAME, LOCAL_TABLE_NAME, startLocalDynamo } from '../src/dev/local-dynamodb';
import { startLpaStoreSimulator } from '../src/dev/lpa-store-simulator';
import { startSiriusSimulator } from '../src/dev/sirius-simulator';
import { createEventsApp, type EventsApp } from '../src/events/events-app';
import type { LpaUpdatedEvent } from '../src/events/lpa-updated-event';
import { createLogger } from '../src/logger';

export interface Upstream {
  siriusUrl: string;
  dynamoEndpoint: string;
  tableName: string;
  codesTableName: string;
  jwksUri: string;
  secretsManagerUrl: string;
  secretName: string;
  /** Bearer tokens good for an hour: a use-an-lpa caller's, and one Sirius itself accepts. */
  useAnLpaToken: string;
  siriusToken: string;
  /** The LPA Store simulator, the region it signs for, and the secret name the gateway reads its JWT secret by. */
  lpaStoreUrl: string;
  lpaStoreRegion: string;
  lpaStoreJwtSecretName: string;
  /**
   * The store's JWT secret (random per run), for the bench's own signed calls (lpa-store-direct).
   * The gateway reads it from the Secrets Manager stand-in by name instead.
   */
  lpaStoreJwtSecret: string;
  /** The AWS credentials the bench gives the gateway (env): the only ones the store simulator accepts. */
  awsCredentials: { accessKeyId: string; secretAccessKey: string };
  /** The events worker: GET /__events answers its EventsHandled. */
  eventsWorkerUrl: string;
}

/** What the events worker did with the store's `lpa-updated` events (each handled once, not retried). */
export interface EventsHandled {
  applied: number;
  dropped: number;
  failed: number;
}

const signingSecret = randomBytes(32).toString('hex');
const secretName = 'sirius-gateway/bench-signing-secret';
const simulator = await startSiriusSimulator({ port: 0, signingSecret });
// The Secrets Manager stand-in answers every name with signingSecret, so it is the store's JWT secret too.
const lpaStoreJwtSecretName = 'sirius-gateway/bench-lpa-store-jwt-secret';
const lpaStoreRegion = 'eu-west-1';
const awsCredentials = { accessKeyId: 'bench', secretAccessKey: 'bench' };
// The events worker is built once the Secrets Manager stand-in listens (below); until then there
// are no changes to hear of.
let eventsApp: EventsApp | undefined;
const eventsHandled: EventsHandled = { applied: 0, dropped: 0, failed: 0 };
async function deliver(event: LpaUpdatedEvent): Promise<void> {
  if (!eventsApp) return;
  try {
    eventsHandled[await eventsApp.handle(event)] += 1;
  } catch {
    eventsHandled.failed += 1; // SQS would retry it; the bench reports it (and expects none)
  }
}
const lpaStore = await startLpaStoreSimulator({ port: 0, region: lpaStoreRegion, credentials: awsCredentials, jwtSecret: signingSecret, onChange: deliver });
const dynamo = await startLocalDynamo({ inMemory: true });
const admin = createDynamoClient({ region: 'eu-west-2', endpoint: dynamo.endpoint, timeoutMs: 5_000, deadlineMs: 15_000 });
await ensureTable(admin, LOCAL_TABLE_NAME);
await ensureTable(admin, LOCAL_CODES_TABLE_NAME);
admin.destroy();
const issuer = await startDevIssuer({ port: 0 });

const secretsManager = createServer((req, res) => {
  let body = '';
  req.setEncoding('utf8');
  req.on('data', (chunk: string) => (body += chunk));
  req.on('end', () => {
    if (req.headers['x-amz-target'] !== 'secretsmanager.GetSecretValue') {
      res.writeHead(400, { 'content-type': 'application/x-amz-json-1.1' }).end(JSON.stringify({ __type: 'InvalidRequestException' }));
      return;
    }
    let name = secretName;
    try {
      name = (JSON.parse(body) as { SecretId?: string }).SecretId ?? secretName;
    } catch {
      // answer under the Sirius secret's name
    }
    res
      .writeHead(200, { 'content-type': 'application/x-amz-json-1.1' })
      .end(JSON.stringify({ Name: name, SecretString: signingSecret, VersionId: 'bench', ARN: `arn:aws:secretsmanager:eu-west-2:000000000000:secret:${name}` }));
    // (The codes secret and the LPA Store's JWT secret are the same value: the bench never checks
    // one against another.)
  });
});
await new Promise<void>((resolve) => secretsManager.listen(0, '127.0.0.1', resolve));
const secretsManagerUrl = `http://127.0.0.1:${(secretsManager.address() as AddressInfo).port}`;

// The events worker, configured as the events Lambda is: production, the same table and store,
// its store credentials and Secrets Manager endpoint from the environment (the AWS SDK reads them
// there, as it does in the gateway's process).
Object.assign(process.env, {
  AWS_ACCESS_KEY_ID: awsCredentials.accessKeyId,
  AWS_SECRET_ACCESS_KEY: awsCredentials.secretAccessKey,
  AWS_REGION: 'eu-west-2',
  AWS_ENDPOINT_URL_SECRETS_MANAGER: secretsManagerUrl,
});
const eventsConfig = loadConfig({
  NODE_ENV: 'production',
  LOG_LEVEL: 'warn',
  AWS_REGION: 'eu-west-2',
  SIRIUS_BASE_URL: simulator.url,
  SIRIUS_SIGNING_SECRET_NAME: secretName,
  LPA_STORE_BASE_URL: lpaStore.url,
  LPA_STORE_REGION: lpaStoreRegion,
  LPA_STORE_JWT_SECRET_NAME: lpaStoreJwtSecretName,
  CACHE_TABLE_NAME: LOCAL_TABLE_NAME,
  CODES_TABLE_NAME: LOCAL_CODES_TABLE_NAME,
  CODES_SECRET_NAME: secretName,
  DYNAMODB_ENDPOINT: dynamo.endpoint,
  AUTH_ISSUER: 'oidc',
  OIDC_ISSUER: DEV_ISSUER,
  OIDC_AUDIENCE: DEV_AUDIENCE,
  OIDC_JWKS_URI: issuer.jwksUri,
  CALLER_REGISTRY_JSON: JSON.stringify(DEV_CALLERS),
});
// Its warnings to stderr: stdout's first line is this process's report.
eventsApp = await createEventsApp(eventsConfig, createLogger(eventsConfig.logLevel, pino.destination({ fd: 2, sync: false })));
const eventsWorker = createServer((req, res) => {
  if (req.url === '/__events' && req.method === 'GET') res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(eventsHandled));
  else res.writeHead(404).end();
});
await new Promise<void>((resolve) => eventsWorker.listen(0, '127.0.0.1', resolve));

const caller = devCaller('use-an-lpa')!;
const now = Math.floor(Date.now() / 1000);
const upstream: Upstream = {
  siriusUrl: simulator.url,
  dynamoEndpoint: dynamo.endpoint,
  tableName: LOCAL_TABLE_NAME,
  codesTableName: LOCAL_CODES_TABLE_NAME,
  jwksUri: issuer.jwksUri,
  secretsManagerUrl,
  secretName,
  useAnLpaToken: await issuer.issue({ clientId: caller.clientIds[0]!, scopes: caller.scopes, ttlSeconds: 3600 }),
  siriusToken: await new SignJWT({ 'session-data': 'bench' })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setIssuedAt(now)
    .setExpirationTime(now + 3600)
    .sign(new TextEncoder().encode(signingSecret)),
  lpaStoreUrl: lpaStore.url,
  lpaStoreRegion,
  lpaStoreJwtSecretName,
  lpaStoreJwtSecret: signingSecret,
  awsCredentials,
  eventsWorkerUrl: `http://127.0.0.1:${(eventsWorker.address() as AddressInfo).port}`,
};
process.stdout.write(`${JSON.stringify(upstream)}\n`);
process.on('SIGTERM', () => process.exit(0));
