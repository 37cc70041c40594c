// Shared by bench/run.ts, profile.ts and soak.ts: starting the processes under test, the requests
// they send, and loading them.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { createInterface } from 'node:readline';
import { promisify } from 'node:util';
import { DEV_CALLERS } from '../src/dev/dev-callers';
import { DEV_AUDIENCE, DEV_ISSUER } from '../src/dev/dev-issuer';
import type { EventsHandled, Upstream } from './upstream';

export const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 20);
export const WARMUP_SECONDS = Number(process.env.BENCH_WARMUP_SECONDS ?? 3);
export const DURATION_SECONDS = Number(process.env.BENCH_DURATION_SECONDS ?? 10);

export interface Measured {
  rps: number;
  total: number;
  p50: number;
  p90: number;
  p99: number;
  errors: number;
}
export interface Target {
  url: string;
  method: 'GET' | 'POST';
  headers: Record<string, string>;
  body?: string;
}

const children: ChildProcess[] = [];
process.on('exit', () => children.forEach((child) => child.kill('SIGKILL')));

export function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** A registered use-an-lpa operation (v2 unless said) and the variables the bench sends it. */
export interface BenchOperation {
  version: string;
  document: string;
  variables: Record<string, unknown>;
}

const operation = (name: string, variables: Record<string, unknown>, version = 'v2'): BenchOperation => ({
  version,
  document: readFileSync(`operations/use-an-lpa/${version}/${name}.graphql`, 'utf8'),
  variables,
});
export const FIXTURE_UIDS = (JSON.parse(readFileSync('fixtures/sirius/lpas.json', 'utf8')) as { uId: string }[]).map((lpa) => lpa.uId);

/** The Use an LPA viewer: one LPA with donor, attorneys and dates. */
export const VIEWER = operation('ViewSharedLpa', { uid: '7000-0000-0047' });
/** The account dashboard: every fixture LPA in one query. */
export const DASHBOARD = operation('AccountDashboard', { uids: FIXTURE_UIDS });
/** Seven of the LPA Store simulator's seeded LPAs (fixtures/lpa-store/README.md), of several statuses. */
export const LPA_STORE_UIDS = ['M-7890-0400-4000', 'M-1000-0000-0017', 'M-1000-0000-0025', 'M-1000-0000-0049', 'M-1000-0000-0058', 'M-1000-0000-0096', 'M-1000-0000-0105'];
/** The v3 account dashboard over those seven: one query, one POST /lpas to the store on a miss. */
export const LPA_STORE_DASHBOARD = operation('AccountDashboard', { uids: LPA_STORE_UIDS }, 'v3');
/** The v3 viewer over the first of them (the one the bench changes through the store's admin path). */
export const LPA_STORE_VIEWER = operation('ViewSharedLpa', { uid: LPA_STORE_UIDS[0]! }, 'v3');

/** The operation sent by id to a gateway, as a consumer sends it in production (trusted documents). */
export function byDocumentId(gatewayUrl: string, token: string, op: BenchOperation): Target {
  return {
    url: `${gatewayUrl}/use-an-lpa/${op.version}/graphql`,
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ documentId: `sha256:${sha256(op.document)}`, variables: op.variables }),
  };
}

/** The viewer's LPA straight from the Sirius simulator: what a REST consumer pays (the live path's floor). */
export function siriusDirect(upstream: Upstream): Target {
  return {
    url: `${upstream.siriusUrl}/api/public/v1/lpas?uid=700000000047`,
    method: 'GET',
    headers: { accept: 'application/json', authorization: `Bearer ${upstream.siriusToken}` },
  };
}

/** The viewer sent as a query to a GraphQL floor (bench/floors.ts), which knows no document ids. */
export function floorViewer(url: string): Target {
  return { url, method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: VIEWER.document, variables: VIEWER.variables }) };
}

/** A child whose first stdout line is JSON describing where it listens. */
export async function startReporting<T>(args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ child: ChildProcess; info: T }> {
  const child = spawn(process.execPath, ['--import', 'tsx', ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'inherit'] });
  children.push(child);
  const lines = createInterface({ input: child.stdout! });
  const first = await new Promise<string>((resolve, reject) => {
    lines.once('line', resolve);
    child.once('exit', (code) => reject(new Error(`${args.join(' ')} exited with ${code}`)));
  });
  lines.on('line', () => undefined); // keep draining
  return { child, info: JSON.parse(first) as T };
}

export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/**
 * The gateway's production configuration against the bench's upstream (bench/upstream.ts): what
 * dist/main.js runs with here, and the Lambda entry in the cold-start scenario (bench/cold-start.ts).
 */
export function gatewayEnvironment(upstream: Upstream, freshSeconds: number): Record<string, string> {
  return {
    PATH: process.env.PATH ?? '',
    NODE_ENV: 'production',
    LOG_LEVEL: 'info',
    SIRIUS_BASE_URL: upstream.siriusUrl,
    SIRIUS_SIGNING_SECRET_NAME: upstream.secretName,
    AWS_ENDPOINT_URL_SECRETS_MANAGER: upstream.secretsManagerUrl,
    // The default credential chain reads these: the store simulator accepts SigV4 with them only.
    AWS_ACCESS_KEY_ID: upstream.awsCredentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: upstream.awsCredentials.secretAccessKey,
    AWS_REGION: 'eu-west-2',
    LPA_STORE_BASE_URL: upstream.lpaStoreUrl,
    LPA_STORE_REGION: upstream.lpaStoreRegion,
    LPA_STORE_JWT_SECRET_NAME: upstream.lpaStoreJwtSecretName,
    CACHE_TABLE_NAME: upstream.tableName,
    CODES_TABLE_NAME: upstream.codesTableName,
    CODES_SECRET_NAME: upstream.secretName,
    DYNAMODB_ENDPOINT: upstream.dynamoEndpoint,
    CACHE_FRESH_SECONDS: String(freshSeconds),
    AUTH_ISSUER: 'oidc',
    OIDC_ISSUER: DEV_ISSUER,
    OIDC_AUDIENCE: DEV_AUDIENCE,
    OIDC_JWKS_URI: upstream.jwksUri,
    CALLER_REGISTRY_JSON: JSON.stringify(DEV_CALLERS),
    TRUSTED_DOCUMENTS: 'enforce',
  };
}

/** `env` adds to (or overrides) the gateway's environment, e.g. LPA_STORE_FRESH_SECONDS. */
/** `main` is the bundle to run (bench/profile-live.ts compares builds in other directories). */
export async function startGateway(
  upstream: Upstream,
  freshSeconds: number,
  nodeOptions: string[] = [],
  env: Record<string, string> = {},
  main = 'dist/main.js',
): Promise<{ url: string; metricsUrl: string; child: ChildProcess }> {
  const port = await freePort();
  const metricsPort = await freePort();
  const child = spawn(process.execPath, [...nodeOptions, main], {
    // Production mode, as deployed: logs at info (to /dev/null here), only registered operations.
    env: {
      ...gatewayEnvironment(upstream, freshSeconds),
      PORT: String(port),
      HOST: '127.0.0.1',
      // As deployed, /metrics is on its own port, never the public one.
      METRICS_PORT: String(metricsPort),
      ...env,
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  children.push(child);
  const url = `http://127.0.0.1:${port}`;
  for (let attempt = 0; ; attempt++) {
    if (child.exitCode !== null) throw new Error(`the gateway exited with ${child.exitCode}`);
    try {
      if ((await fetch(`${url}/health/live`)).ok) return { url, metricsUrl: `http://127.0.0.1:${metricsPort}/metrics`, child };
    } catch {
      if (attempt > 200) throw new Error('the gateway did not start');
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

export async function siriusCalls(upstream: Upstream): Promise<number> {
  return ((await (await fetch(`${upstream.siriusUrl}/__calls`)).json()) as { total: number }).total;
}

/** API calls the LPA Store simulator has had (both routes, refused ones too). */
export async function lpaStoreCalls(upstream: Upstream): Promise<number> {
  return ((await (await fetch(`${upstream.lpaStoreUrl}/__calls`)).json()) as { total: number }).total;
}

/** The LPA Store simulator's change stream: events emitted (one per change applied) and, of those, dropped by its fault. */
export async function lpaStoreEventsEmitted(upstream: Upstream): Promise<{ emitted: number; dropped: number }> {
  const calls = (await (await fetch(`${upstream.lpaStoreUrl}/__calls`)).json()) as { eventsEmitted: number; eventsDropped: number };
  return { emitted: calls.eventsEmitted, dropped: calls.eventsDropped };
}

/** What the events worker (bench/upstream.ts) did with the events it was handed. */
export async function eventsHandled(upstream: Upstream): Promise<EventsHandled> {
  return (await (await fetch(`${upstream.eventsWorkerUrl}/__events`)).json()) as EventsHandled;
}

export async function setLpaStoreFaults(upstream: Upstream, faults: object): Promise<void> {
  const response = await fetch(`${upstream.lpaStoreUrl}/__faults`, { method: 'PUT', body: JSON.stringify(faults) });
  if (!response.ok) throw new Error(`PUT /__faults on the LPA Store simulator: ${response.status} ${await response.text()}`);
}

/** Changes an LPA through the store simulator's unsigned admin path; true when it was applied (201). */
export async function updateLpaStoreLpa(upstream: Upstream, uid: string, update: object): Promise<boolean> {
  const response = await fetch(`${upstream.lpaStoreUrl}/__lpas/${uid}/updates`, { method: 'POST', body: JSON.stringify(update) });
  await response.arrayBuffer();
  return response.status === 201;
}

export async function setSiriusFaults(upstream: Upstream, faults: object): Promise<void> {
  await fetch(`${upstream.siriusUrl}/__faults`, { method: 'PUT', body: JSON.stringify(faults) });
}

/** One request, checked, before load: a scenario that answers wrongly is not measured. */
export async function probe(target: Target, check: (body: { data?: unknown; errors?: unknown }) => boolean): Promise<string> {
  const response = await fetch(target.url, { method: target.method, headers: target.headers, body: target.body });
  const text = await response.text();
  if (response.status !== 200 || !check(JSON.parse(text))) throw new Error(`probe of ${target.url} failed: ${response.status} ${text.slice(0, 300)}`);
  return text;
}

export async function measure(target: Target, timing = { warmupSeconds: WARMUP_SECONDS, durationSeconds: DURATION_SECONDS }): Promise<Measured> {
  const options = { ...target, connections: CONNECTIONS, ...timing };
  const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', 'bench/load.ts', JSON.stringify(options)], { maxBuffer: 1 << 20 });
  return JSON.parse(stdout) as Measured;
}

/** The gateway's own view of its memory, from prom-client's default metrics. */
export async function memoryMegabytes(metricsUrl: string): Promise<{ rss: number; heapUsed: number }> {
  const text = await (await fetch(metricsUrl)).text();
  const megabytes = (name: string) => Math.round(Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(text)?.[1]) / 1024 / 1024);
  return { rss: megabytes('process_resident_memory_bytes'), heapUsed: megabytes('nodejs_heap_size_used_bytes') };
}

