import { randomUUID } from 'node:crypto';
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import { HeaderMap, type HTTPGraphQLResponse } from '@apollo/server';
import type { Authenticate } from '../auth/authenticate';
import { mayUseSchema, type Caller } from '../auth/caller';
import type { Logger } from '../logger';
import type { GatewayMetrics } from '../observability/metrics';
import type { GatewayContext } from './context';
import type { Readiness } from './readiness';
import type { GraphQLEndpoint } from './graphql-endpoint';
import { BodyTooLargeError, readBody } from './request-body';

// HTTP → GraphQL, on node:http with Apollo's own request pipeline (executeHTTPGraphQLRequest):
// authenticate, route by /{consumer}/{version}/graphql, check the caller may use that schema,
// read and parse the body within limits, build the per-request context, run, write. Nothing is
// parsed, and Sirius is not reached, before the caller is known. Every failure is GraphQL-shaped JSON.

export interface HttpHandlerOptions {
  endpoints: readonly GraphQLEndpoint[];
  authenticate: Authenticate;
  createContext(requestId: string, caller: Caller): GatewayContext;
  /** Embedded default: the Sandbox landing page is served without a token. */
  explorable: boolean;
  readiness(requestId: string): Promise<Readiness>;
  metrics: GatewayMetrics;
  maxBodyBytes: number;
  logger: Logger;
}

const ENDPOINT_PATH = /^\/([a-z0-9-]+)\/(v\d+)\/graphql\/?$/;
const REQUEST_ID = /^[\w.:-]{1,128}$/;

export function createRequestListener(options: HttpHandlerOptions): RequestListener {
  const { logger } = options;
  const byPath = new Map(options.endpoints.map((endpoint) => [`${endpoint.consumer}/${endpoint.version}`, endpoint]));
  const catalogue = endpointCatalogue(options.endpoints);

  return (req, res) => {
    const started = performance.now();
    const incomingId = req.headers['x-request-id'];
    const requestId = typeof incomingId === 'string' && REQUEST_ID.test(incomingId) ? incomingId : randomUUID();
    res.setHeader('x-request-id', requestId);
    const log: Record<string, unknown> = { requestId, method: req.method };

    handle(req, res, requestId, log)
      .catch((error: unknown) => {
        logger.error({ err: error, requestId }, 'unhandled error serving a request');
        if (!res.headersSent) sendError(res, 500, 'Internal server error', 'INTERNAL_SERVER_ERROR');
        else res.destroy();
      })
      .finally(() => {
        const seconds = (performance.now() - started) / 1000;
        logger.info({ ...log, status: res.statusCode, durationMs: Math.round(seconds * 1000) }, 'request');
        if (log.path !== '/metrics') {
          options.metrics.request({
            consumer: log.consumer as string | undefined,
            version: log.version as string | undefined,
            operation: log.operationName as string | undefined,
            status: res.statusCode,
            seconds,
          });
        }
      });
  };

  async function handle(req: IncomingMessage, res: ServerResponse, requestId: string, log: Record<string, unknown>) {
    const url = new URL(req.url ?? '/', 'http://gateway');
    log.path = url.pathname;
    if (url.pathname === '/health/live') {
      if (req.method !== 'GET' && req.method !== 'HEAD') return sendError(res, 405, 'Use GET', 'METHOD_NOT_ALLOWED');
      return sendJson(res, 200, { status: 'live' });
    }
    if (url.pathname === '/metrics' && req.method === 'GET') {
      const text = await options.metrics.registry.metrics();
      res.writeHead(200, { 'content-type': options.metrics.registry.contentType, 'cache-control': 'no-store' });
      res.end(text);
      return;
    }
    if (url.pathname === '/health/ready') {
      if (req.method !== 'GET' && req.method !== 'HEAD') return sendError(res, 405, 'Use GET', 'METHOD_NOT_ALLOWED');
      const readiness = await options.readiness(requestId);
      return sendJson(res, readiness.ready ? 200 : 503, readiness.body);
    }

    const match = ENDPOINT_PATH.exec(url.pathname);
    const endpoint = match ? byPath.get(`${match[1]}/${match[2]}`) : undefined;
    if (endpoint && options.explorable && isLandingPageRequest(req, url)) {
      return writeResponse(res, await endpoint.server.executeHTTPGraphQLRequest({
        httpGraphQLRequest: { method: 'GET', headers: toHeaderMap(req), search: '', body: undefined },
        context: async () => {
          throw new Error('the landing page needs no context');
        },
      }));
    }

    const authentication = await options.authenticate({ authorization: req.headers.authorization });
    if (!authentication.ok) {
      if (authentication.status === 401) {
        res.setHeader('www-authenticate', `Bearer realm="sirius-gateway"${authentication.tokenPresented ? ', error="invalid_token"' : ''}`);
      }
      return sendError(res, authentication.status, authentication.message, authentication.code);
    }
    const { caller } = authentication;
    log.caller = caller.name;

    if (!endpoint) {
      return sendJson(res, 404, {
        errors: [
          {
            message: `No GraphQL endpoint at ${url.pathname}. Endpoints: ${catalogue.paths.join(', ')}`,
            extensions: { code: 'NOT_FOUND', consumers: catalogue.consumers },
          },
        ],
      });
    }
    log.consumer = endpoint.consumer;
    log.version = endpoint.version;
    if (!mayUseSchema(caller, endpoint.consumer, endpoint.version)) {
      return sendError(res, 403, `This caller may not use ${endpoint.consumer} ${endpoint.version}.`, 'FORBIDDEN');
    }

    let body: unknown;
    if (req.method === 'POST') {
      let text: string;
      try {
        text = await readBody(req, options.maxBodyBytes);
      } catch (error) {
        if (!(error instanceof BodyTooLargeError)) throw error;
        res.setHeader('connection', 'close');
        req.resume(); // discard the rest; the connection closes after this answer
        return sendError(res, 413, `Request body is larger than ${error.limit} bytes`, 'PAYLOAD_TOO_LARGE');
      }
      if (isJson(req.headers['content-type'])) {
        try {
          body = JSON.parse(text);
        } catch {
          return sendError(res, 400, 'Request body is not valid JSON', 'BAD_REQUEST');
        }
      } else {
        body = text; // Apollo answers a wrong content type with its own 400
      }
      if (body !== null && typeof body === 'object' && 'operationName' in body && typeof body.operationName === 'string') {
        log.operationName = body.operationName.slice(0, 100);
      }
    }

    const response = await endpoint.server.executeHTTPGraphQLRequest({
      httpGraphQLRequest: { method: req.method ?? 'GET', headers: toHeaderMap(req), search: url.search, body },
      context: async () => options.createContext(requestId, caller),
    });
    await writeResponse(res, response);
  }
}

function toHeaderMap(req: IncomingMessage): HeaderMap {
  const headers = new HeaderMap();
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined) headers.set(name, Array.isArray(value) ? value.join(', ') : value);
  }
  return headers;
}

/** A browser opening the endpoint: GET, asking for HTML, with no operation in the URL. */
function isLandingPageRequest(req: IncomingMessage, url: URL): boolean {
  return req.method === 'GET' && !url.searchParams.has('query') && (req.headers.accept ?? '').includes('text/html');
}

function endpointCatalogue(endpoints: readonly GraphQLEndpoint[]) {
  const consumers: Record<string, string[]> = {};
  for (const { consumer, version } of endpoints) (consumers[consumer] ??= []).push(version);
  return { consumers, paths: endpoints.map((endpoint) => endpoint.path) };
}

function isJson(contentType: string | undefined): boolean {
  return contentType !== undefined && /^application\/(?:[\w.+-]*\+)?json\b/i.test(contentType.trim());
}

async function writeResponse(res: ServerResponse, response: HTTPGraphQLResponse): Promise<void> {
  for (const [name, value] of response.headers) res.setHeader(name, value);
  // Responses carry personal data: no shared cache may keep them.
  if (!res.hasHeader('cache-control')) res.setHeader('cache-control', 'no-store');
  res.statusCode = response.status ?? 200;
  if (response.body.kind === 'complete') {
    res.end(response.body.string);
    return;
  }
  for await (const chunk of response.body.asyncIterator) res.write(chunk);
  res.end();
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    'cache-control': 'no-store',
  });
  res.end(text);
}

function sendError(res: ServerResponse, status: number, message: string, code: string): void {
  sendJson(res, status, { errors: [{ message, extensions: { code } }] });
}
