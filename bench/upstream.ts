// What the benchmarked gateway depends on, in a process of its own (so that its CPU is not the
// gateway's): the Sirius simulator (checking signatures), the LPA Store simulator (checking SigV4
// and its JWT), dynalite, the dev token issuer, and a stand-in for Secrets Manager's GetSecretValue
// so that the gateway runs with NODE_ENV=production, reading its Sirius signing secret and the
// store's JWT secret through the real AWS SDK. Prints one JSON line, then serves.
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SignJWT } from 'jose';
import { createDynamoClient } from '../src/cache/dynamodb-client';
import { devCaller } from '../src/dev/dev-callers';
import { startDevIssuer } from '../src/dev/dev-issuer';
import { ensureTable, LOCAL_CODES_TABLE_NAME, LOCAL_TABLE_NAME, startLocalDynamo } from '../src/dev/local-dynamodb';
import { startLpaStoreSimulator } from '../src/dev/lpa-store-simulator';
import { startSiriusSimulator } from '../src/dev/sirius-simulator';

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
}

const signingSecret = randomBytes(32).toString('hex');
const secretName = 'sirius-gateway/bench-signing-secret';
const simulator = await startSiriusSimulator({ port: 0, signingSecret });
// The Secrets Manager stand-in answers every name with signingSecret, so it is the store's JWT secret too.
const lpaStoreJwtSecretName = 'sirius-gateway/bench-lpa-store-jwt-secret';
const lpaStoreRegion = 'eu-west-1';
const awsCredentials = { accessKeyId: 'bench', secretAccessKey: 'bench' };
const lpaStore = await startLpaStoreSimulator({ port: 0, region: lpaStoreRegion, credentials: awsCredentials, jwtSecret: signingSecret });
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

const caller = devCaller('use-an-lpa')!;
const now = Math.floor(Date.now() / 1000);
const upstream: Upstream = {
  siriusUrl: simulator.url,
  dynamoEndpoint: dynamo.endpoint,
  tableName: LOCAL_TABLE_NAME,
  codesTableName: LOCAL_CODES_TABLE_NAME,
  jwksUri: issuer.jwksUri,
  secretsManagerUrl: `http://127.0.0.1:${(secretsManager.address() as AddressInfo).port}`,
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
};
process.stdout.write(`${JSON.stringify(upstream)}\n`);
process.on('SIGTERM', () => process.exit(0));
