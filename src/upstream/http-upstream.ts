import {
  BrokenCircuitError,
  CircuitState,
  ConsecutiveBreaker,
  ExponentialBackoff,
  TaskCancelledError,
  circuitBreaker,
  TimeoutStrategy,
  handleWhen,
  retry,
  timeout,
  wrap,
  type IPolicy,
} from 'cockatiel';
import type { Agent, Dispatcher } from 'undici';
import type { Logger } from '../logger';
import { once } from '../once';
import { inSpan, SpanKind, withTraceHeaders } from '../observability/tracing';
import { InvalidAnswerError, UpstreamUnavailableError, type UpstreamErrors } from './upstream-unavailable';

// How the gateway talks HTTP to any upstream: a keep-alive undici pool; reads retried with
// jittered backoff (cockatiel) inside one deadline, so a consumer gets a typed answer within
// `timeoutMs` however the upstream misbehaves; writes never retried (the caller's idempotency key
// is); a breaker of the upstream's own that fails reads fast while it is down (the cache then
// answers); answers capped in size as they arrive and parsed as JSON. Every failure is the
// upstream's own unavailable error, with the reason for logs only.

type Undici = typeof import('./undici');
/** An upstream's keep-alive pool and undici's request(). */
interface Pool {
  agent: Agent;
  request: Undici['request'];
}
/**
 * undici (about 1 MB of a Lambda's bundle: a chunk of its own there) loads with an upstream's
 * first call, not with the process: a cold Lambda answered from the cache never needs it (issue 17).
 */
const loadUndici = once(() => import('./undici').then((module) => (loadedUndici = module)));
/** Set once it has loaded (an error can only be undici's if it has). */
let loadedUndici: Undici | undefined;

export interface HttpUpstreamOptions {
  /** For spans and logs: `sirius`, `lpa-store`. */
  name: string;
  baseUrl: string;
  /** Deadline for one logical call, retries included. */
  timeoutMs: number;
  /** Extra attempts for a read after a transient failure (429/502/503/504, a reset connection). */
  retries: number;
  /** Keep-alive connections shared by all requests. */
  connections: number;
  /** Consecutive failed calls that open the circuit… */
  breakerFailures: number;
  /** …and how long it stays open before one probe is let through. */
  breakerHalfOpenSeconds: number;
  /** A larger answer is abandoned as it arrives, never buffered whole. */
  maxResponseBytes: number;
  errors: UpstreamErrors;
}

export interface HttpCall {
  method: 'GET' | 'POST';
  url: URL;
  body?: string;
  /** Made afresh for each attempt: signatures carry the time. */
  headers(): Promise<Record<string, string>>;
}

export interface HttpAnswer {
  status: number;
  /** The parsed JSON of a 200, else undefined. */
  body: unknown;
  bytes: number;
}

const RETRYABLE_STATUSES = new Set([429, 502, 503, 504]);

export class HttpUpstream {
  readonly base: URL;
  /** The keep-alive pool, made with the first call. */
  private pooled: Promise<Pool> | undefined;
  private closed = false;
  private readonly readPolicy: IPolicy<{ signal: AbortSignal }>;
  private readonly writePolicy: IPolicy<{ signal: AbortSignal }>;
  private circuit: 'closed' | 'open' | 'half-open' = 'closed';

  constructor(
    private readonly options: HttpUpstreamOptions,
    logger: Logger,
  ) {
    this.base = new URL(options.baseUrl);
    const retryTransient = retry(
      handleWhen((error) => error instanceof UpstreamUnavailableError && error.retryable),
      { maxAttempts: options.retries, backoff: new ExponentialBackoff({ initialDelay: 25, maxDelay: 250 }) },
    );
    const breaker = circuitBreaker(
      handleWhen((error) => error instanceof UpstreamUnavailableError || error instanceof TaskCancelledError),
      { halfOpenAfter: options.breakerHalfOpenSeconds * 1000, breaker: new ConsecutiveBreaker(options.breakerFailures) },
    );
    breaker.onStateChange((state) => {
      this.circuit = state === CircuitState.Open || state === CircuitState.Isolated ? 'open' : state === CircuitState.HalfOpen ? 'half-open' : 'closed';
      logger.warn({ upstream: options.name, circuit: this.circuit }, 'upstream circuit breaker changed state');
    });
    this.readPolicy = wrap(breaker, timeout(options.timeoutMs, TimeoutStrategy.Aggressive), retryTransient);
    this.writePolicy = wrap(breaker, timeout(options.timeoutMs, TimeoutStrategy.Aggressive));
  }

  /** For health and metrics. */
  circuitState(): 'closed' | 'open' | 'half-open' {
    return this.circuit;
  }

  /** An idempotent call (a GET, or a POST that only reads): retried within the deadline. */
  read(call: HttpCall, requestId: string): Promise<HttpAnswer> {
    return this.send(call, requestId, this.readPolicy);
  }

  /** A call that changes something upstream: one attempt; a 5xx is unavailable, never retried. */
  write(call: HttpCall, requestId: string): Promise<HttpAnswer> {
    return this.send(call, requestId, this.writePolicy);
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.pooled) await (await this.pooled).agent.close();
  }

  /** The pool, loading undici on first use. One made after close() is closed too, so that a late call fails as it would on the closed pool. */
  private pool(): Promise<Pool> {
    this.pooled ??= loadUndici().then(async ({ Agent, request }) => {
      const { connections, timeoutMs } = this.options;
      const agent = new Agent({ connections, headersTimeout: timeoutMs, bodyTimeout: timeoutMs });
      if (this.closed) await agent.close();
      return { agent, request };
    });
    return this.pooled;
  }

  private send(call: HttpCall, requestId: string, policy: IPolicy<{ signal: AbortSignal }>): Promise<HttpAnswer> {
    // One span for the logical call (retries and breaker included), one client span per attempt.
    return inSpan(`${this.options.name} ${call.url.pathname}`, SpanKind.INTERNAL, { 'sirius_gateway.circuit': this.circuit }, async (span) => {
      let attempts = 0;
      try {
        // Before the deadline starts: loading code is not the upstream's time.
        const pool = await this.pool();
        const answer = await policy.execute(({ signal }) => {
          const attributes = { 'http.request.method': call.method, 'server.address': call.url.hostname, 'url.path': call.url.pathname, 'http.request.resend_count': attempts++ };
          return inSpan(call.method, SpanKind.CLIENT, attributes, async (attempt) => {
            try {
              const answer = await this.attempt(call, requestId, signal, pool);
              attempt.setAttribute('http.response.status_code', answer.status);
              return answer;
            } catch (error) {
              if (error instanceof UpstreamUnavailableError && error.upstreamStatus !== undefined) attempt.setAttribute('http.response.status_code', error.upstreamStatus);
              throw error;
            }
          });
        });
        span.setAttributes({ 'http.response.status_code': answer.status, 'sirius_gateway.attempts': attempts });
        return answer;
      } catch (error) {
        throw this.unavailable(error);
      }
    });
  }

  /** Any failure to get an answer, as the upstream's one unavailable error. */
  private unavailable(error: unknown): UpstreamUnavailableError {
    if (error instanceof UpstreamUnavailableError) return error;
    const { errors } = this.options;
    if (error instanceof BrokenCircuitError) return errors.unavailable('circuit open', false);
    if (error instanceof TaskCancelledError) return errors.unavailable(`no answer within ${this.options.timeoutMs} ms`, false);
    return errors.unavailable(describeTransportError(error), false);
  }

  private async attempt(call: HttpCall, requestId: string, signal: AbortSignal, pool: Pool): Promise<HttpAnswer> {
    const { errors } = this.options;
    let response: Dispatcher.ResponseData;
    try {
      response = await pool.request(call.url, {
        dispatcher: pool.agent,
        method: call.method,
        signal,
        body: call.body,
        headers: withTraceHeaders({ accept: 'application/json', 'x-request-id': requestId, ...(await call.headers()) }),
      });
    } catch (error) {
      if (signal.aborted) throw error; // the deadline passed: the timeout policy reports it
      throw errors.unavailable(describeTransportError(error), true);
    }
    const { statusCode } = response;
    if (statusCode >= 500 || RETRYABLE_STATUSES.has(statusCode)) {
      await response.body.dump();
      throw errors.unavailable(`HTTP ${statusCode}`, RETRYABLE_STATUSES.has(statusCode), statusCode);
    }
    if (statusCode !== 200) {
      await response.body.dump();
      return { status: statusCode, body: undefined, bytes: 0 };
    }
    const text = await readCapped(response, this.options.maxResponseBytes, signal, errors);
    if (text === undefined) throw new InvalidAnswerError(errors, 'too-large', [`over ${this.options.maxResponseBytes} bytes`], statusCode);
    try {
      return { status: statusCode, body: JSON.parse(text), bytes: Buffer.byteLength(text) };
    } catch {
      throw new InvalidAnswerError(errors, 'not-json', [], statusCode);
    }
  }
}

/**
 * The body as text, or undefined as soon as it is known to exceed `maxBytes` (by its
 * content-length, or while it arrives): the rest is never read, so a huge answer costs no memory.
 */
async function readCapped(response: Dispatcher.ResponseData, maxBytes: number, signal: AbortSignal, errors: UpstreamErrors): Promise<string | undefined> {
  const declared = Number(response.headers['content-length']);
  if (declared > maxBytes) {
    response.body.destroy();
    return undefined;
  }
  const chunks: Buffer[] = [];
  let total = 0;
  try {
    for await (const chunk of response.body) {
      total += (chunk as Buffer).length;
      if (total > maxBytes) {
        response.body.destroy();
        return undefined;
      }
      chunks.push(chunk as Buffer);
    }
  } catch (error) {
    if (signal.aborted) throw error; // the deadline passed: the timeout policy reports it
    throw errors.unavailable(describeTransportError(error), true);
  }
  return Buffer.concat(chunks, total).toString('utf8');
}

function describeTransportError(error: unknown): string {
  if (loadedUndici && error instanceof loadedUndici.errors.UndiciError) return `${error.name}: ${error.code}`;
  if (error instanceof Error && 'code' in error) return `connection failed: ${String(error.code)}`;
  return 'connection failed';
}
