import { randomUUID } from 'node:crypto';
import type { HTTPGraphQLResponse } from '@apollo/server';
import type { Authenticate } from '../auth/authenticate';
import { mayUseSchema, type Caller } from '../auth/caller';
import { withoutRedaction, type Logger } from '../logger';
import type { GatewayMetrics } from '../observability/metrics';
import { newRequestStats, type RequestStats } from '../observability/request-stats';
import type { GatewayContext } from '../graphql/gateway-context';
import { errorResponse, jsonResponse, type GatewayRequest, type GatewayResponse } from './gateway-request';
import type { GraphQLEndpoint } from './graphql-endpoint';
import { ACTING_USER_ID } from '../lpa-store/request-signer';
import type { Readiness } from './readiness';
import { parametersFromSearch, resolveDocument, searchFromParameters, type TrustedDocumentsMode } from './trusted-documents';
import { inRequestSpan, SpanStatusCode, type Span } from '../observability/tracing';

// The gateway's HTTP semantics, independent of the host: health and metrics; then authenticate,
// route by /{consumer}/{version}/graphql, check the caller may use that schema, check and parse the
// body, build the per-request context, and run Apollo's own pipeline (executeHTTPGraphQLRequest).
// Nothing is parsed, and Sirius is not reached, before the caller is known. Every failure is
// GraphQL-shaped JSON; every request is one log line and one metrics sample.

export interface GatewayHandlerOptions {
  endpoints: readonly GraphQLEndpoint[];
  authenticate: Authenticate;
  createContext(requestId: string, caller: Caller, stats: RequestStats, headers: ContextHeaders): GatewayContext;
  /** Embedded default: the Sandbox landing page is served without a token. */
  explorable: boolean;
  readiness(requestId: string): Promise<Readiness>;
  metrics: GatewayMetrics;
  /** Whether this listener answers /metrics (the embedded default's; elsewhere its own port does). */
  servesMetrics: boolean;
  maxBodyBytes: number;
  trustedDocuments: TrustedDocumentsMode;
  logger: Logger;
}

export type GatewayHandler = (request: GatewayRequest) => Promise<GatewayResponse>;

/** What a request's headers tell its resolvers. */
export interface ContextHeaders {
  /** `Idempotency-Key`. */
  idempotencyKey: string | undefined;
  /** `X-Acting-User`: the id of the person the calling service acts for, already checked. */
  actingUser: string | undefined;
}

const ENDPOINT_PATH = /^\/([a-z0-9-]+)\/(v\d+)\/graphql\/?$/;
const REQUEST_ID = /^[\w.:-]{1,128}$/;

export function createGatewayHandler(options: GatewayHandlerOptions): GatewayHandler {
  const { logger } = options;
  // The request line is built here from routing facts and counts, never from a payload.
  const accessLog = withoutRedaction(logger);
  const byPath = new Map(options.endpoints.map((endpoint) => [`${endpoint.consumer}/${endpoint.version}`, endpoint]));
  const catalogue = endpointCatalogue(options.endpoints);

  // Each request is one server span, a child of the caller's trace when it sent `traceparent`.
  return (request) => inRequestSpan(request.headers, request.method, { 'http.request.method': request.method, 'url.path': request.path }, (span) => serve(request, span));

  async function serve(request: GatewayRequest, span: Span): Promise<GatewayResponse> {
    const started = performance.now();
    const incomingId = request.headers['x-request-id'];
    const requestId = incomingId !== undefined && REQUEST_ID.test(incomingId) ? incomingId : randomUUID();
    const log: Record<string, unknown> = { requestId, method: request.method, path: request.path };
    const stats = newRequestStats();
    let response: GatewayResponse;
    try {
      response = await handle(request, requestId, log, stats);
    } catch (error) {
      logger.error({ err: error, requestId }, 'unhandled error serving a request');
      response = errorResponse(500, 'Internal server error', 'INTERNAL_SERVER_ERROR');
    }
    response.headers['x-request-id'] = requestId;
    const seconds = (performance.now() - started) / 1000;
    const cost = log.consumer ? { siriusCalls: stats.upstreamCalls.sirius ?? 0, lpaStoreCalls: stats.upstreamCalls['lpa-store'] ?? 0, cache: stats.cache } : {};
    accessLog.info({ ...log, ...cost, status: response.status, durationMs: Math.round(seconds * 1000) }, 'request');
    traceOutcome(span, request.method, log, response.status);
    if (request.path !== '/metrics') {
      options.metrics.request({
        consumer: log.consumer as string | undefined,
        version: log.version as string | undefined,
        operation: log.operation as string | undefined,
        status: response.status,
        seconds,
        stats,
      });
    }
    return response;
  }

  async function handle(request: GatewayRequest, requestId: string, log: Record<string, unknown>, stats: RequestStats): Promise<GatewayResponse> {
    const { method, path } = request;
    const readOnly = method === 'GET' || method === 'HEAD';
    if (path === '/health/live') {
      return readOnly ? jsonResponse(200, { status: 'live' }) : errorResponse(405, 'Use GET', 'METHOD_NOT_ALLOWED');
    }
    if (path === '/health/ready') {
      if (!readOnly) return errorResponse(405, 'Use GET', 'METHOD_NOT_ALLOWED');
      const readiness = await options.readiness(requestId);
      return jsonResponse(readiness.ready ? 200 : 503, readiness.body);
    }
    if (path === '/metrics' && method === 'GET' && options.servesMetrics) return metricsResponse(options.metrics);

    const match = ENDPOINT_PATH.exec(path);
    const endpoint = match ? byPath.get(`${match[1]}/${match[2]}`) : undefined;
    if (endpoint && options.explorable && isLandingPageRequest(request)) {
      return toGatewayResponse(
        await endpoint.executeHTTP({ method: 'GET', headers: request.headers, search: '', body: undefined }, async () => {
          throw new Error('the landing page needs no context');
        }),
      );
    }

    const authentication = await options.authenticate({
      authorization: request.headers.authorization,
      iamPrincipalArn: request.iamPrincipalArn,
    });
    if (!authentication.ok) {
      const challenge =
        authentication.status === 401
          ? { 'www-authenticate': `Bearer realm="sirius-gateway"${authentication.tokenPresented ? ', error="invalid_token"' : ''}` }
          : undefined;
      return errorResponse(authentication.status, authentication.message, authentication.code, challenge);
    }
    const { caller } = authentication;
    log.caller = caller.name;

    if (!endpoint) {
      return jsonResponse(404, {
        errors: [
          {
            message: `No GraphQL endpoint at ${path}. Endpoints: ${catalogue.paths.join(', ')}`,
            extensions: { code: 'NOT_FOUND', consumers: catalogue.consumers },
          },
        ],
      });
    }
    log.consumer = endpoint.consumer;
    log.version = endpoint.version;
    if (!mayUseSchema(caller, endpoint.consumer, endpoint.version)) {
      return errorResponse(403, `This caller may not use ${endpoint.consumer} ${endpoint.version}.`, 'FORBIDDEN');
    }

    // The person on whose behalf the calling service acts (Use an LPA's user): upstreams that keep
    // an audit trail (the LPA Store) are told who. Checked here, so that nothing odd reaches one.
    const actingUser = request.headers['x-acting-user'];
    if (actingUser !== undefined && !ACTING_USER_ID.test(actingUser)) {
      return errorResponse(400, 'X-Acting-User must be the acting user\'s id: 1 to 64 letters, digits or dashes.', 'BAD_REQUEST');
    }
    const contextHeaders: ContextHeaders = { idempotencyKey: request.headers['idempotency-key'], actingUser };

    let body: unknown;
    let search = request.search;
    if (method === 'POST') {
      const text = request.body ?? '';
      if (request.bodyTooLarge || Buffer.byteLength(text) > options.maxBodyBytes) {
        return errorResponse(413, `Request body is larger than ${options.maxBodyBytes} bytes`, 'PAYLOAD_TOO_LARGE');
      }
      if (isJson(request.headers['content-type'])) {
        try {
          body = JSON.parse(text);
        } catch {
          return errorResponse(400, 'Request body is not valid JSON', 'BAD_REQUEST');
        }
      } else {
        body = text; // Apollo answers a wrong content type with its own 400
      }
    }

    // Which document runs: a registered one by id, or (allow mode) the ad-hoc query sent.
    const parameters = isRecord(body) ? body : method === 'GET' ? parametersFromSearch(search) : undefined;
    if (method === 'GET' && parameters === undefined) return errorResponse(400, 'The extensions search parameter is not valid JSON', 'BAD_REQUEST');
    if (parameters) {
      const resolution = resolveDocument(parameters, endpoint.documents, options.trustedDocuments);
      if (!resolution.ok) return errorResponse(400, resolution.message, resolution.code);
      if (resolution.documentId) {
        log.documentId = resolution.documentId.slice(0, 16);
        log.document = resolution.registered ? 'registered' : 'ad-hoc';
      }
      const { operationName } = resolution.parameters;
      if (typeof operationName === 'string') log.operationName = operationName.slice(0, 100);
      else if (resolution.name) log.operationName = resolution.name;
      // Metrics are labelled by what the gateway registered, never by a name a client chose.
      log.operation = resolution.registered ? (resolution.name ?? 'registered') : 'ad-hoc';
      if (isRecord(body)) body = resolution.parameters;
      else search = searchFromParameters(resolution.parameters);
      // A registered operation sent by POST (so CSRF-safe: JSON) skips Apollo's pipeline.
      const registered =
        method === 'POST' && resolution.registered && resolution.documentId
          ? endpoint.executeRegistered(resolution.documentId, resolution.parameters, request.headers.accept, () => options.createContext(requestId, caller, stats, contextHeaders))
          : undefined;
      if (registered) return withHeaders(await registered, { 'cache-control': 'no-store', ...endpoint.lifecycleHeaders });
    }

    const response = await toGatewayResponse(
      await endpoint.executeHTTP({ method, headers: request.headers, search, body }, async () => options.createContext(requestId, caller, stats, contextHeaders)),
    );
    return withHeaders(response, endpoint.lifecycleHeaders);
  }
}

/** Prometheus text of this instance's metrics. */
export async function metricsResponse(metrics: GatewayMetrics): Promise<GatewayResponse> {
  return {
    status: 200,
    headers: { 'content-type': metrics.registry.contentType, 'cache-control': 'no-store' },
    body: await metrics.registry.metrics(),
  };
}

function traceOutcome(span: Span, method: string, log: Record<string, unknown>, status: number): void {
  if (!span.isRecording()) return;
  const route = typeof log.consumer === 'string' ? `/${log.consumer}/${String(log.version)}/graphql` : undefined;
  if (route) span.updateName(`${method} ${route}`);
  span.setAttributes({
    'http.response.status_code': status,
    'http.route': route,
    'graphql.operation.name': log.operationName as string | undefined,
    'sirius_gateway.caller': log.caller as string | undefined,
    'sirius_gateway.request_id': log.requestId as string,
  });
  if (status >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
}

async function toGatewayResponse(response: HTTPGraphQLResponse): Promise<GatewayResponse> {
  const headers: Record<string, string> = Object.fromEntries(response.headers);
  // Responses carry personal data: no shared cache may keep them.
  headers['cache-control'] ??= 'no-store';
  let body: string;
  if (response.body.kind === 'complete') {
    body = response.body.string;
  } else {
    body = '';
    for await (const chunk of response.body.asyncIterator) body += chunk;
  }
  return { status: response.status ?? 200, headers, body };
}

/** A browser opening the endpoint: GET, asking for HTML, with no operation in the URL. */
function isLandingPageRequest(request: GatewayRequest): boolean {
  return request.method === 'GET' && !new URLSearchParams(request.search).has('query') && (request.headers.accept ?? '').includes('text/html');
}

function endpointCatalogue(endpoints: readonly GraphQLEndpoint[]) {
  const consumers: Record<string, string[]> = {};
  for (const { consumer, version } of endpoints) (consumers[consumer] ??= []).push(version);
  return { consumers, paths: endpoints.map((endpoint) => endpoint.path) };
}

function withHeaders(response: GatewayResponse, headers: Readonly<Record<string, string>>): GatewayResponse {
  Object.assign(response.headers, headers);
  return response;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function isJson(contentType: string | undefined): boolean {
  return contentType !== undefined && /^application\/(?:[\w.+-]*\+)?json\b/i.test(contentType.trim());
}
