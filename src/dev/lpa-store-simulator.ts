import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import * as z from 'zod';
import { lpaUpdatedEvent, type LpaUpdatedEvent } from '../events/lpa-updated-event';
import { loadLpaDocuments } from './lpa-store-documents';
import { LPA_STORE_UID_FORMAT } from '../lpa-store/lpa-store-uid';
import { LpaStoreFaultState, LpaStoreFaultsSchema } from './lpa-store-faults';
import { verifyLpaStoreJwt } from './lpa-store-jwt-verifier';
import { applyUpdate, LpaUpdateRefused, type Json, type JsonObject } from './lpa-store-lifecycle';
import { seededLpas } from './lpa-store-seed';
import { listenOnLoopback, type ListeningServer } from './loopback-server';
import { verifySigV4 } from './sigv4-verifier';

// A stand-in for the LPA Store (ministryofjustice/opg-data-lpa-store), over real HTTP, for the
// embedded default and the tests. It speaks the store's read API (docs/openapi/openapi.yaml):
//   GET  /lpas/{uid}          200 the LPA; 404 {"code":"NOT_FOUND",...}; 400 for a uid not like M-7890-0400-4000
//   POST /lpas {"uids":[...]} 200 {"lpas":[...]}, unknown uids left out; 400 for a malformed body or over 100 uids
//   GET  /health-check        200 {"status":"ok","statusCode":200}, unsigned (API Gateway's mock)
// and, like the store, refuses a call unless it is signed twice: SigV4 for execute-api with the given
// credentials and region (403 with API Gateway's {"message": ...}), then an X-Jwt-Authorization
// HS256 JWT under jwtSecret (401 {"code":"UNAUTHORISED",...}). The store's other routes (PUT,
// updates, static) answer 501 once authorised; any other path 403 "Missing Authentication Token",
// as API Gateway answers an unknown resource.
// It holds the seeded LPAs (lpa-store-seed.ts, listed in fixtures/lpa-store/README.md) or, given
// `fixtures`, those instead. PUT /__faults sets faults (lpa-store-faults.ts); GET /__calls says how
// it was called. POST /__lpas/{uid}/updates changes an LPA as the store's POST /lpas/{uid}/updates
// would, unsigned; every change applied is announced as `lpa-updated`, as the store announces it on
// EventBridge, by calling `onChange`.

export interface LpaStoreSimulatorOptions {
  port?: number;
  /** A JSON file or folder of them (each an LPA document or an array of them), replacing the seed. */
  fixtures?: string;
  /** The region the store's API Gateway is in; a signature scoped to another is refused. */
  region: string;
  /** The only credentials whose signatures are accepted (the embedded default's LOCAL_LPA_STORE_CREDENTIALS). */
  credentials: { accessKeyId: string; secretAccessKey: string };
  /** The HS256 secret X-Jwt-Authorization tokens must be signed with. */
  jwtSecret: string;
  faults?: LpaStoreFaultState;
  /**
   * Told of every change the simulator applies, with the `lpa-updated` event the store would put on
   * EventBridge (the embedded stack connects it to the gateway's event handler). Called after the
   * change has been answered, never awaited by that answer; a rejection or throw is ignored and not
   * logged (the handler counts its own failures). PUT /__faults `{"events": ...}` drops or delays it.
   */
  onChange?: (event: LpaUpdatedEvent) => void | Promise<void>;
}

export interface LpaStoreCallLog {
  /** API calls (not the health check nor /__ routes), counted on arrival, refused ones too. */
  total: number;
  byRoute: { 'POST /lpas': number; 'GET /lpas/{uid}': number };
  /** Uids asked for: one per GET, each listed in a POST. */
  uidsRequested: number;
  /** `sub` of the last valid X-Jwt-Authorization. */
  lastJwtSubject: string | null;
  /** `lpa-updated` events emitted: one per change applied, dropped ones included. */
  eventsEmitted: number;
  /** Of those, the ones the `events.drop` fault threw away (never handed to onChange). */
  eventsDropped: number;
}

export interface LpaStoreSimulator extends ListeningServer {
  /** The uids it holds, in its own order. */
  uids: readonly string[];
}

/** Fixed local credentials for the embedded default: not secrets, nothing in AWS accepts them. */
export const LOCAL_LPA_STORE_CREDENTIALS = { accessKeyId: 'local-lpa-store-key', secretAccessKey: 'local-lpa-store-simulator-not-a-secret' } as const;

/** The store reads at most 100 a call (one DynamoDB BatchGetItem). */
const MAX_UIDS = 100;

// OpenAPI's GetList; extra fields are ignored, as the store's Go decoder ignores them.
const GetListSchema = z.object({ uids: z.array(z.string().regex(LPA_STORE_UID_FORMAT, 'invalid uid format')).max(MAX_UIDS) });

// OpenAPI's Update: a type and JSON-pointer changes (`old` optional here; the store's rules decide
// the rest, in lpa-store-lifecycle.ts). Extra fields ignored, as above.
const UpdateSchema = z.object({
  type: z.string(),
  changes: z.array(z.object({ key: z.string(), old: z.json().optional(), new: z.json() })),
});

const NOT_FOUND = { code: 'NOT_FOUND', detail: 'Record not found' } as const;

/** The store's routes the simulator does not serve (writes, update history, the static copy). */
const OTHER_STORE_ROUTES: [string, RegExp][] = [
  ['PUT', /^\/lpas\/[^/]+$/],
  ['POST', /^\/lpas\/[^/]+\/updates$/],
  ['GET', /^\/lpas\/[^/]+\/updates$/],
  ['GET', /^\/lpas\/[^/]+\/static$/],
];

export async function startLpaStoreSimulator(options: LpaStoreSimulatorOptions): Promise<LpaStoreSimulator> {
  const lpas = options.fixtures ? loadLpaDocuments(options.fixtures) : seededLpas();
  // The LPAs in the simulator's own order; an update replaces one in place.
  const byUid = new Map<string, JsonObject>(lpas.map((lpa) => [lpa.uid as string, lpa]));
  const faultState = options.faults ?? new LpaStoreFaultState();
  const jwtKey = new TextEncoder().encode(options.jwtSecret);
  const calls: LpaStoreCallLog = {
    total: 0,
    byRoute: { 'POST /lpas': 0, 'GET /lpas/{uid}': 0 },
    uidsRequested: 0,
    lastJwtSubject: null,
    eventsEmitted: 0,
    eventsDropped: 0,
  };
  /** Deliveries not yet made (the next tick, or an `events.delayMs` fault); cancelled by close(). */
  const pendingDeliveries = new Set<NodeJS.Timeout>();

  async function api(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const method = req.method ?? 'GET';
    const lpaPath = /^\/lpas\/([^/]+)$/.exec(url.pathname);
    const route = method === 'POST' && url.pathname === '/lpas' ? 'POST /lpas' : method === 'GET' && lpaPath ? 'GET /lpas/{uid}' : undefined;
    const faults = faultState.current;

    if (url.pathname === '/health-check' && method === 'GET') {
      if (faults.latencyMs) await sleep(faults.latencyMs);
      if (faults.status) return injected(res, faults.status);
      return send(res, 200, { status: 'ok', statusCode: 200 });
    }
    const known = route !== undefined || OTHER_STORE_ROUTES.some(([verb, pattern]) => verb === method && pattern.test(url.pathname));
    if (!known) return gatewayRefusal(res, 'MissingAuthenticationTokenException', 'Missing Authentication Token');

    const body = await readBody(req);
    // Counted on arrival, so that calls refused or answered with an injected fault count too.
    calls.total += 1;
    if (route) {
      calls.byRoute[route] += 1;
      calls.uidsRequested += route === 'GET /lpas/{uid}' ? 1 : uidsListed(body);
    }
    if (faults.latencyMs) await sleep(faults.latencyMs);

    const sigv4 = await verifySigV4({ method, url, headers: req.headers, body }, { credentials: options.credentials, region: options.region, service: 'execute-api' });
    if (!sigv4.ok) return gatewayRefusal(res, sigv4.errorType, sigv4.message);
    const subject = await verifyLpaStoreJwt(single(req.headers['x-jwt-authorization']), jwtKey);
    if (subject === null) return send(res, 401, { code: 'UNAUTHORISED', detail: 'Invalid JWT' });
    calls.lastJwtSubject = subject;

    if (faults.status) return injected(res, faults.status);
    if (!route) return send(res, 501, { code: 'NOT_IMPLEMENTED', detail: 'The LPA Store simulator serves reads only' });
    if (faults.body !== undefined) return sendRaw(res, 200, faults.body);

    if (route === 'GET /lpas/{uid}') {
      const uid = decoded(lpaPath![1]!);
      if (uid === null || !LPA_STORE_UID_FORMAT.test(uid)) return send(res, 400, invalidRequest([{ source: '/uid', detail: 'invalid uid format' }]));
      const lpa = byUid.get(uid);
      return lpa ? send(res, 200, lpa) : send(res, 404, NOT_FOUND);
    }

    let parsed: unknown;
    try {
      parsed = JSON.parse(body);
    } catch {
      return send(res, 400, invalidRequest([{ source: '', detail: 'body must be JSON' }]));
    }
    const request = GetListSchema.safeParse(parsed);
    if (!request.success) return send(res, 400, invalidRequest(fieldErrors(request.error)));
    // As a BatchGetItem answers: each LPA once, in no promised order (here the simulator's own, so a
    // client that relies on the request's order finds out).
    const wanted = new Set(request.data.uids);
    return send(res, 200, { lpas: [...byUid.values()].filter((lpa) => wanted.has(lpa.uid as string)) });
  }

  // POST /__lpas/{uid}/updates. UNSIGNED ON PURPOSE: like /__faults and /__calls it is the
  // simulator's control surface, for an engineer with curl (or a test) to change an LPA without
  // signing anything; the store's own signed POST /lpas/{uid}/updates stays refused (501). Nothing
  // in AWS has this path. The update is applied as the store applies one (lpa-store-lifecycle.ts:
  // its refusals are a 400 with the store's problem body and change nothing), answered 201 with the
  // updated LPA, and then announced as `lpa-updated`.
  async function updateLpa(req: IncomingMessage, res: ServerResponse, segment: string): Promise<void> {
    const body = await readBody(req);
    const uid = decoded(segment);
    const lpa = uid === null ? undefined : byUid.get(uid);
    if (uid === null || lpa === undefined) return send(res, 404, NOT_FOUND);
    let parsed: unknown;
    try {
      parsed = JSON.parse(body);
    } catch {
      return send(res, 400, invalidRequest([{ source: '', detail: 'body must be JSON' }]));
    }
    const update = UpdateSchema.safeParse(parsed);
    if (!update.success) return send(res, 400, invalidRequest(fieldErrors(update.error)));
    const at = storeClock(lpa.updatedAt);
    let next: JsonObject;
    try {
      next = applyUpdate(lpa, update.data, at.toISOString());
    } catch (error) {
      if (error instanceof LpaUpdateRefused) return send(res, 400, invalidRequest([{ source: error.source, detail: error.detail }]));
      throw error;
    }
    byUid.set(uid, next);
    send(res, 201, next);
    emit(lpaUpdatedEvent(uid, update.data.type, at));
  }

  // The store's change stream, in one process: one event per change applied, handed to onChange on
  // a later tick (so always after the answer has been written, and a slow or failing handler cannot
  // hold it up), whether or not the client is still there, as the store emits once its write is made.
  function emit(event: LpaUpdatedEvent): void {
    calls.eventsEmitted += 1;
    const faults = faultState.current.events ?? {};
    if (faults.drop) {
      calls.eventsDropped += 1;
      return;
    }
    const onChange = options.onChange;
    if (!onChange) return;
    const timer = setTimeout(() => {
      pendingDeliveries.delete(timer);
      // A handler that throws or rejects is its own business (it counts its own failures).
      Promise.resolve()
        .then(() => onChange(event))
        .catch(() => undefined);
    }, faults.delayMs ?? 0);
    pendingDeliveries.add(timer);
  }

  async function control(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    if (url.pathname === '/__calls' && req.method === 'GET') return send(res, 200, calls);
    const lpaUpdates = /^\/__lpas\/([^/]+)\/updates$/.exec(url.pathname);
    if (lpaUpdates && req.method === 'POST') return updateLpa(req, res, lpaUpdates[1]!);
    if (url.pathname === '/__faults' && req.method === 'PUT') {
      let body: unknown;
      try {
        body = JSON.parse((await readBody(req)) || '{}');
      } catch {
        return send(res, 400, invalidRequest([{ source: '', detail: 'body must be JSON' }]));
      }
      const parsed = LpaStoreFaultsSchema.safeParse(body);
      if (!parsed.success) return send(res, 400, invalidRequest([{ source: '', detail: z.prettifyError(parsed.error) }]));
      faultState.current = parsed.data;
      return send(res, 200, parsed.data);
    }
    return send(res, 404, { code: 'NOT_FOUND', detail: 'Not found' });
  }

  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://lpa-store-simulator');
    const handler = url.pathname.startsWith('/__') ? control : api;
    handler(req, res, url).catch(() => {
      if (!res.headersSent) send(res, 500, { code: 'INTERNAL_SERVER_ERROR', detail: 'Internal server error' });
      else res.destroy();
    });
  });
  server.keepAliveTimeout = 65_000;

  const listening = await listenOnLoopback(server, options.port ?? 0);
  return {
    ...listening,
    uids: [...byUid.keys()],
    close: async () => {
      for (const timer of pendingDeliveries) clearTimeout(timer);
      pendingDeliveries.clear();
      await listening.close();
    },
  };
}

/**
 * The store's clock for a change to an LPA last changed at `previous`: now, or a millisecond after
 * `previous` if that is not earlier, so that each change's `updatedAt` (and its event's `time`) is
 * later than the last one's even within a millisecond, and "newer" can be decided by comparing them.
 */
function storeClock(previous: Json | undefined): Date {
  const now = Date.now();
  const last = typeof previous === 'string' ? Date.parse(previous) : Number.NaN;
  return new Date(Number.isNaN(last) || now > last ? now : last + 1);
}

/** A zod error as the store's `errors` (source: a JSON pointer into the body). */
function fieldErrors(error: z.ZodError): { source: string; detail: string }[] {
  return error.issues.map((issue) => ({ source: `/${issue.path.join('/')}`, detail: issue.message }));
}

/** The store's problem body for a 400 (OpenAPI's BadRequestError). */
function invalidRequest(errors: { source: string; detail: string }[]) {
  return { code: 'INVALID_REQUEST', detail: 'Invalid request', errors };
}

/** API Gateway's own refusals (IAM auth, unknown resources): 403, `{"message"}`, x-amzn-ErrorType. */
function gatewayRefusal(res: ServerResponse, errorType: string, message: string): void {
  sendRaw(res, 403, JSON.stringify({ message }), { 'x-amzn-errortype': errorType });
}

// An injected status answers in the words of whichever layer would send it: the store's Lambdas
// (a problem body) or API Gateway in front of them (`{"message"}`).
const STORE_PROBLEMS: Record<number, { code: string; detail: string }> = {
  400: { code: 'INVALID_REQUEST', detail: 'Invalid request' },
  401: { code: 'UNAUTHORISED', detail: 'Invalid JWT' },
  404: { code: 'NOT_FOUND', detail: 'Record not found' },
  500: { code: 'INTERNAL_SERVER_ERROR', detail: 'Internal server error' },
};
const GATEWAY_MESSAGES: Record<number, string> = { 403: 'Forbidden', 429: 'Too Many Requests', 502: 'Internal server error', 503: 'Service Unavailable', 504: 'Endpoint request timed out' };

function injected(res: ServerResponse, status: number): void {
  const message = GATEWAY_MESSAGES[status];
  send(res, status, message ? { message } : (STORE_PROBLEMS[status] ?? { code: 'INJECTED_FAULT', detail: `Injected ${status}` }));
}

function uidsListed(body: string): number {
  try {
    const parsed: unknown = JSON.parse(body);
    const uids = typeof parsed === 'object' && parsed !== null && 'uids' in parsed ? parsed.uids : undefined;
    return Array.isArray(uids) ? uids.length : 0;
  } catch {
    return 0;
  }
}

function decoded(segment: string): string | null {
  try {
    return decodeURIComponent(segment);
  } catch {
    return null;
  }
}

function single(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

function send(res: ServerResponse, status: number, body: unknown): void {
  sendRaw(res, status, JSON.stringify(body));
}

function sendRaw(res: ServerResponse, status: number, text: string, headers: Record<string, string> = {}): void {
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
    // API Gateway's request id on every answer.
    'x-amzn-requestid': randomUUID(),
    ...headers,
  });
  res.end(text);
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
