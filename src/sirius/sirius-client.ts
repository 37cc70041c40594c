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
import { Agent, errors as undiciErrors, request, type Dispatcher } from 'undici';
import type { Logger } from '../logger';
import { inSpan, SpanKind, withTraceHeaders } from '../observability/tracing';
import { SiriusUnavailableError } from './errors';
import type { RequestSigner } from './request-signer';
import type { LpaReference } from './lpa-reference';
import { isSiriusLpa, type SiriusLpa } from './sirius-lpa';

/** What Sirius said about one LPA, in the terms every consumer shares. */
export type SiriusLpaAnswer =
  | { outcome: 'found'; lpa: SiriusLpa }
  | { outcome: 'not-found' }
  | { outcome: 'deleted' };

export interface SiriusClientOptions {
  baseUrl: string;
  /** Deadline for one logical call, retries included. */
  timeoutMs: number;
  /** Extra attempts for a GET after a transient failure (5xx, reset connection). */
  retries: number;
  /** Keep-alive connections to Sirius shared by all requests. */
  connections: number;
  /** Consecutive failed reads that open the circuit (reads then fail fast). */
  breakerFailures: number;
  /** How long the circuit stays open before one probe read is let through. */
  breakerHalfOpenSeconds: number;
}

export interface SiriusCallOptions {
  /** Forwarded as `x-request-id` so that Sirius's logs join ours. */
  requestId: string;
}

const RETRYABLE_STATUSES = new Set([429, 502, 503, 504]);
const LPAS_PATH = '/api/public/v1/lpas';
const LETTER_PATH = '/api/public/v1/use-an-lpa/lpas/requestCode';

/**
 * Sirius's public REST API over a keep-alive undici pool. Reads are idempotent, so they retry with
 * decorrelated jittered backoff (cockatiel), all inside one deadline so that a consumer gets a typed
 * answer within `timeoutMs` however Sirius misbehaves.
 */
export class SiriusClient {
  private readonly dispatcher: Agent;
  private readonly readPolicy: IPolicy<{ signal: AbortSignal }>;
  /** Writes are never retried here (Sirius's POSTs are not idempotent): the caller's key is. */
  private readonly writePolicy: IPolicy<{ signal: AbortSignal }>;
  private readonly base: URL;
  private circuit: 'closed' | 'open' | 'half-open' = 'closed';

  constructor(
    private readonly options: SiriusClientOptions,
    private readonly sign: RequestSigner,
    logger: Logger,
  ) {
    this.base = new URL(options.baseUrl);
    this.dispatcher = new Agent({
      connections: options.connections,
      headersTimeout: options.timeoutMs,
      bodyTimeout: options.timeoutMs,
    });
    const retryTransient = retry(
      handleWhen((error) => error instanceof SiriusUnavailableError && error.retryable),
      {
        maxAttempts: options.retries,
        backoff: new ExponentialBackoff({ initialDelay: 25, maxDelay: 250 }),
      },
    );
    // While Sirius is down, fail fast (the cache then answers) instead of every request waiting
    // out the deadline; a probe after the half-open delay closes the circuit again.
    const breaker = circuitBreaker(
      handleWhen((error) => error instanceof SiriusUnavailableError || error instanceof TaskCancelledError),
      { halfOpenAfter: options.breakerHalfOpenSeconds * 1000, breaker: new ConsecutiveBreaker(options.breakerFailures) },
    );
    breaker.onStateChange((state) => {
      this.circuit = state === CircuitState.Open || state === CircuitState.Isolated ? 'open' : state === CircuitState.HalfOpen ? 'half-open' : 'closed';
      logger.warn({ circuit: this.circuit }, 'Sirius circuit breaker changed state');
    });
    this.readPolicy = wrap(breaker, timeout(options.timeoutMs, TimeoutStrategy.Aggressive), retryTransient);
    this.writePolicy = wrap(breaker, timeout(options.timeoutMs, TimeoutStrategy.Aggressive));
  }

  /** For health and metrics. */
  circuitState(): 'closed' | 'open' | 'half-open' {
    return this.circuit;
  }

  async getLpa(ref: LpaReference, call: SiriusCallOptions): Promise<SiriusLpaAnswer> {
    const url = new URL(LPAS_PATH, this.base);
    url.searchParams.set(ref.kind === 'uid' ? 'uid' : 'lpa-online-tool-id', ref.value);
    const { status, body } = await this.get(url, call);
    return interpretLpaResponse(status, body);
  }

  /**
   * Asks Sirius to send an actor a letter with a new activation code (OPG's `requestCode`);
   * Sirius creates the code through the gateway's codes domain when it prints the letter.
   */
  async requestCodeLetter(caseUid: string, actorUid: string, call: SiriusCallOptions): Promise<'queued' | 'not-found'> {
    const url = new URL(LETTER_PATH, this.base);
    const body = JSON.stringify({ case_uid: Number(caseUid), actor_uid: Number(actorUid) });
    return inSpan(`sirius ${url.pathname}`, SpanKind.CLIENT, { 'http.request.method': 'POST', 'url.path': url.pathname }, async () => {
      let status: number;
      try {
        status = await this.writePolicy.execute(async ({ signal }) => {
          const response = await request(url, {
            method: 'POST',
            dispatcher: this.dispatcher,
            signal,
            body,
            headers: withTraceHeaders({ 'content-type': 'application/json', 'x-request-id': call.requestId, authorization: await this.sign() }),
          });
          await response.body.dump();
          if (response.statusCode >= 500) throw new SiriusUnavailableError(`HTTP ${response.statusCode}`, false, response.statusCode);
          return response.statusCode;
        });
      } catch (error) {
        throw this.unavailable(error);
      }
      if (status === 204 || status === 200) return 'queued';
      if (status === 404) return 'not-found';
      throw new SiriusUnavailableError(`unexpected HTTP ${status} to a letter request`, false, status);
    });
  }

  /** Sirius's health check, signed like every call: a refused signature is told apart from down. */
  async health(call: SiriusCallOptions): Promise<'OK' | 'DOWN' | 'UNAUTHORISED'> {
    try {
      const { status } = await this.get(new URL('/api/health-check', this.base), call);
      if (status === 401 || status === 403) return 'UNAUTHORISED';
      return status >= 200 && status < 300 ? 'OK' : 'DOWN';
    } catch {
      return 'DOWN';
    }
  }

  async close(): Promise<void> {
    await this.dispatcher.close();
  }

  private get(url: URL, call: SiriusCallOptions): Promise<{ status: number; body: unknown }> {
    // One span for the logical call (retries and breaker included), one client span per attempt.
    return inSpan(`sirius ${url.pathname}`, SpanKind.INTERNAL, { 'sirius_gateway.circuit': this.circuit }, async (span) => {
      let attempts = 0;
      const answer = await this.getWithPolicy(url, call, () => attempts++);
      span.setAttributes({ 'http.response.status_code': answer.status, 'sirius_gateway.attempts': attempts });
      return answer;
    });
  }

  private async getWithPolicy(url: URL, call: SiriusCallOptions, counted: () => number): Promise<{ status: number; body: unknown }> {
    try {
      return await this.readPolicy.execute(({ signal }) => {
        const resendCount = counted();
        const attributes = { 'http.request.method': 'GET', 'server.address': url.hostname, 'url.path': url.pathname, 'http.request.resend_count': resendCount };
        return inSpan('GET', SpanKind.CLIENT, attributes, async (span) => {
          try {
            const answer = await this.attempt(url, call, signal);
            span.setAttribute('http.response.status_code', answer.status);
            return answer;
          } catch (error) {
            if (error instanceof SiriusUnavailableError && error.upstreamStatus !== undefined) span.setAttribute('http.response.status_code', error.upstreamStatus);
            throw error;
          }
        });
      });
    } catch (error) {
      throw this.unavailable(error);
    }
  }

  /** Any failure to get an answer, as the one error consumers see as SIRIUS_UNAVAILABLE. */
  private unavailable(error: unknown): SiriusUnavailableError {
    if (error instanceof SiriusUnavailableError) return error;
    if (error instanceof BrokenCircuitError) return new SiriusUnavailableError('circuit open', false);
    if (error instanceof TaskCancelledError) return new SiriusUnavailableError(`no answer within ${this.options.timeoutMs} ms`, false);
    return new SiriusUnavailableError(describeTransportError(error), false);
  }

  private async attempt(url: URL, call: SiriusCallOptions, signal: AbortSignal) {
    let response: Dispatcher.ResponseData;
    try {
      response = await request(url, {
        method: 'GET',
        dispatcher: this.dispatcher,
        signal,
        headers: withTraceHeaders({ accept: 'application/json', 'x-request-id': call.requestId, authorization: await this.sign() }),
      });
    } catch (error) {
      if (signal.aborted) throw error; // the deadline passed: the timeout policy reports it
      throw new SiriusUnavailableError(describeTransportError(error), true);
    }
    const { statusCode } = response;
    if (statusCode >= 500 || RETRYABLE_STATUSES.has(statusCode)) {
      await response.body.dump();
      throw new SiriusUnavailableError(`HTTP ${statusCode}`, RETRYABLE_STATUSES.has(statusCode), statusCode);
    }
    if (statusCode !== 200) {
      await response.body.dump();
      return { status: statusCode, body: undefined };
    }
    try {
      return { status: statusCode, body: await response.body.json() };
    } catch (error) {
      if (signal.aborted) throw error;
      throw new SiriusUnavailableError('response body is not JSON', false, statusCode);
    }
  }
}

/** Sirius's answer for an LPA: 200 with an array, 404 or `[]` for unknown, 410 for deleted. */
export function interpretLpaResponse(status: number, body: unknown): SiriusLpaAnswer {
  if (status === 404) return { outcome: 'not-found' };
  if (status === 410) return { outcome: 'deleted' };
  if (status === 401 || status === 403) {
    throw new SiriusUnavailableError(`Sirius refused the gateway's signature (HTTP ${status}): check the signing secret`, false, status);
  }
  if (status !== 200) throw new SiriusUnavailableError(`unexpected HTTP ${status}`, false, status);
  if (!Array.isArray(body)) throw new SiriusUnavailableError('response is not an array', false, status);
  const [first] = body;
  if (first === undefined) return { outcome: 'not-found' };
  if (!isSiriusLpa(first)) throw new SiriusUnavailableError('response is not an LPA', false, status);
  return { outcome: 'found', lpa: first };
}

function describeTransportError(error: unknown): string {
  if (error instanceof undiciErrors.UndiciError) return `${error.name}: ${error.code}`;
  if (error instanceof Error && 'code' in error) return `connection failed: ${String(error.code)}`;
  return 'connection failed';
}
