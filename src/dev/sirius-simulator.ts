import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { jwtVerify } from 'jose';
import * as z from 'zod';
import { projectPath } from '../project-paths';
import { FaultState, FaultsSchema } from './faults';
import { loadFixtures, type FixtureLpa } from './fixture-store';
import { listenOnLoopback, type ListeningServer } from './loopback-server';

// A stand-in for Sirius's public API v1, over real HTTP, for the embedded default and the tests.
// It serves LPAs from fixtures in Sirius's own shape, answers 410 for deleted LPAs, and can be told
// to fail, be slow or answer garbage (PUT /__faults, see faults.ts; DynamoDB's faults too) and asked
// how often it was called (GET /__calls).

export interface SimulatorOptions {
  port?: number;
  /** A JSON file or a folder of them (arrays of LPAs); default: the repository's fixtures/sirius. */
  fixtures?: string;
  /** When set, every /api call must carry an HS256 JWT signed with it, as real Sirius demands. */
  signingSecret?: string;
  /** LPAs that Sirius reports deleted (410); default: OPG's own mock's deleted LPA. */
  deleted?: { uids: string[]; onlineLpaIds: string[] };
  /** Shared with the embedded stack's DynamoDB proxy, which applies `dynamodb` faults. */
  faults?: FaultState;
  /** Events the embedded gateway published (EventBridge's stand-in), served at GET /__events. */
  events?: { readonly events: readonly unknown[] };
}

export type SiriusSimulator = ListeningServer;

const DEFAULT_DELETED = { uids: ['700000151667'], onlineLpaIds: ['A37638705049'] };

const LETTER_PATH = '/api/public/v1/use-an-lpa/lpas/requestCode';
// OPG's LetterRequest: numbers, as Sirius's API takes them.
const LetterRequestSchema = z.strictObject({ case_uid: z.number().int().positive(), actor_uid: z.number().int().positive() });

export async function startSiriusSimulator(options: SimulatorOptions = {}): Promise<SiriusSimulator> {
  const lpas = loadFixtures(options.fixtures ?? projectPath('fixtures', 'sirius'));
  const byUid = new Map<string, FixtureLpa>(lpas.map((lpa) => [lpa.uidDigits, lpa]));
  const byOnlineId = new Map<string, FixtureLpa>();
  for (const lpa of lpas) if (lpa.onlineLpaId) byOnlineId.set(lpa.onlineLpaId, lpa);
  const deleted = options.deleted ?? DEFAULT_DELETED;
  const deletedUids = new Set(deleted.uids.map((uid) => uid.replaceAll('-', '')));
  const deletedOnlineIds = new Set(deleted.onlineLpaIds);

  const faultState = options.faults ?? new FaultState();
  const signingKey = options.signingSecret ? new TextEncoder().encode(options.signingSecret) : undefined;
  const calls = { total: 0, byQuery: {} as Record<string, number>, lastRequestId: null as string | null, lastTraceparent: null as string | null, letters: [] as { caseUid: string; actorUid: string }[], healthChecks: 0 };

  async function api(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const uid = url.searchParams.get('uid');
    const onlineId = url.searchParams.get('lpa-online-tool-id');
    if (url.pathname.startsWith('/api/public/')) {
      // Counted on arrival, so that calls answered with an injected fault count too.
      calls.total += 1;
      const queryKey = url.pathname === LETTER_PATH ? 'requestCode' : uid !== null ? `uid=${uid}` : `lpa-online-tool-id=${onlineId}`;
      calls.byQuery[queryKey] = (calls.byQuery[queryKey] ?? 0) + 1;
      calls.lastRequestId = typeof req.headers['x-request-id'] === 'string' ? req.headers['x-request-id'] : null;
      calls.lastTraceparent = typeof req.headers.traceparent === 'string' ? req.headers.traceparent : null;
    }
    const faults = faultState.current;
    if (faults.latencyMs) await sleep(faults.latencyMs);
    if (signingKey && !(await isSigned(req.headers.authorization, signingKey))) {
      return send(res, 401, problem(401, 'Missing or invalid JWT'));
    }
    if (faults.status) return send(res, faults.status, problem(faults.status, 'Injected fault'));
    if (url.pathname === '/api/health-check') {
      calls.healthChecks += 1;
      return send(res, 200, { status: 'OK' });
    }
    if (url.pathname === LETTER_PATH && req.method === 'POST') return requestLetter(req, res);
    if (url.pathname !== '/api/public/v1/lpas' || req.method !== 'GET') {
      return send(res, 404, problem(404, 'Not found'));
    }

    if (faults.body !== undefined) return sendRaw(res, 200, faults.body);
    const answer = (status: number, body: unknown) => (status === 200 && faults.padBytes ? sendPadded(res, body, faults.padBytes) : send(res, status, body));

    if (uid !== null) {
      const digits = uid.replaceAll('-', '');
      if (!/^\d{12}$/.test(digits)) return send(res, 400, problem(400, 'uid must be an integer uid'));
      if (deletedUids.has(digits)) return send(res, 410, problem(410, 'LPA has been deleted'));
      const lpa = byUid.get(digits);
      return lpa ? answer(200, [lpa.json]) : send(res, 404, problem(404, 'LPA not found'));
    }
    if (onlineId !== null) {
      if (deletedOnlineIds.has(onlineId)) return send(res, 410, problem(410, 'LPA has been deleted'));
      const lpa = byOnlineId.get(onlineId);
      return lpa ? answer(200, [lpa.json]) : send(res, 404, problem(404, 'LPA not found'));
    }
    return send(res, 400, problem(400, 'Either uid or lpa-online-tool-id is required'));
  }

  /** Use an LPA asks Sirius to send an actor a letter with a new activation code. */
  async function requestLetter(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const parsed = LetterRequestSchema.safeParse(JSON.parse((await readBody(req)) || '{}'));
    if (!parsed.success) return send(res, 400, problem(400, z.prettifyError(parsed.error)));
    if (!byUid.has(String(parsed.data.case_uid))) return send(res, 404, problem(404, 'LPA not found'));
    calls.letters.push({ caseUid: String(parsed.data.case_uid), actorUid: String(parsed.data.actor_uid) });
    res.writeHead(204).end();
  }

  async function control(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    if (url.pathname === '/__calls' && req.method === 'GET') return send(res, 200, calls);
    if (url.pathname === '/__events' && req.method === 'GET') return send(res, 200, options.events?.events ?? []);
    if (url.pathname === '/__faults' && req.method === 'PUT') {
      let body: unknown;
      try {
        body = JSON.parse((await readBody(req)) || '{}');
      } catch {
        return send(res, 400, problem(400, 'Body must be JSON'));
      }
      const parsed = FaultsSchema.safeParse(body);
      if (!parsed.success) return send(res, 400, problem(400, z.prettifyError(parsed.error)));
      faultState.current = parsed.data;
      return send(res, 200, parsed.data);
    }
    return send(res, 404, problem(404, 'Not found'));
  }

  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://simulator');
    const handler = url.pathname.startsWith('/__') ? control : api;
    handler(req, res, url).catch(() => {
      if (!res.headersSent) send(res, 500, problem(500, 'Simulator error'));
      else res.destroy();
    });
  });
  server.keepAliveTimeout = 65_000;

  return listenOnLoopback(server, options.port ?? 0);
}

/** A JWT as OPG's gateway sends it: HS256, unexpired, with `session-data`. */
async function isSigned(authorization: string | undefined, key: Uint8Array): Promise<boolean> {
  const token = authorization?.startsWith('Bearer ') ? authorization.slice(7) : undefined;
  if (!token) return false;
  try {
    const { payload } = await jwtVerify(token, key, { algorithms: ['HS256'], requiredClaims: ['iat', 'exp'] });
    return typeof payload['session-data'] === 'string';
  } catch {
    return false;
  }
}

function problem(status: number, detail: string) {
  return { type: 'http://www.w3.org/Protocols/rfc2616/rfc2616-sec10.html', title: 'Error', status: String(status), detail, validation_errors: {} };
}

function send(res: ServerResponse, status: number, body: unknown): void {
  sendRaw(res, status, JSON.stringify(body));
}

function sendRaw(res: ServerResponse, status: number, text: string): void {
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

/** Valid JSON, padded with whitespace to `bytes`: an oversized answer that still parses. */
function sendPadded(res: ServerResponse, body: unknown, bytes: number): void {
  const text = JSON.stringify(body);
  const padding = Math.max(0, bytes - Buffer.byteLength(text));
  res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) + padding });
  res.write(text);
  // Written in chunks, as a large upstream answer arrives; a client that gives up stops it.
  const chunk = ' '.repeat(64 * 1024);
  let left = padding;
  const more = () => {
    while (left > 0 && !res.destroyed) {
      const piece = left >= chunk.length ? chunk : chunk.slice(0, left);
      left -= piece.length;
      if (!res.write(piece)) return void res.once('drain', more);
    }
    res.end();
  };
  more();
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
