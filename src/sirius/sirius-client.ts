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
import type { CallOptions, UpstreamAnswer } from '../upstream/upstream';
import { parseSiriusLpa, uidDigits, type SiriusLpa } from './sirius-lpa';

/** What Sirius said about one LPA, in the terms every consumer shares. */
export type SiriusLpaAnswer = UpstreamAnswer<SiriusLpa>;

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
  /** A larger answer is abandoned as it arrives, never buffered whole. */
  maxResponseBytes: number;
  /** An answer that cannot be trusted (wrong shape, another LPA, too large), for metrics. */
  onInvalidAnswer?: (reason: InvalidAnswer) => void;
}

/** Why an answer Sirius gave was refused: each is SIRIUS_UNAVAILABLE to consumers, never cached. */
export type InvalidAnswer = 'not-json' | 'too-large' | 'wrong-shape' | 'another-lpa';

/** `requestId` is forwarded as `x-request-id` so that Sirius's logs join ours. */
export type SiriusCallOptions = Pick<CallOptions, 'requestId'>;

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
    private readonly logger: Logger,
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
    try {
      const { status, body, bytes } = await this.get(url, call);
      return interpretLpaResponse(status, body, ref, bytes);
    } catch (error) {
      if (error instanceof InvalidAnswerError) this.refused(error, call);
      throw error;
    }
  }

  /** Logged without the answer (it may hold personal data) or the LPA's id; counted by reason. */
  private refused(error: InvalidAnswerError, call: SiriusCallOptions): void {
    this.options.onInvalidAnswer?.(error.invalid);
    const fields = { requestId: call.requestId, invalid: error.invalid, problems: error.problems };
    if (error.invalid === 'another-lpa') this.logger.error(fields, 'Sirius integrity error: an answer for another LPA was refused');
    else this.logger.warn(fields, 'Sirius answer refused');
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

  private get(url: URL, call: SiriusCallOptions): Promise<SiriusResponse> {
    // One span for the logical call (retries and breaker included), one client span per attempt.
    return inSpan(`sirius ${url.pathname}`, SpanKind.INTERNAL, { 'sirius_gateway.circuit': this.circuit }, async (span) => {
      let attempts = 0;
      const answer = await this.getWithPolicy(url, call, () => attempts++);
      span.setAttributes({ 'http.response.status_code': answer.status, 'sirius_gateway.attempts': attempts });
      return answer;
    });
  }

  private async getWithPolicy(url: URL, call: SiriusCallOptions, counted: () => number): Promise<SiriusResponse> {
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

  private async attempt(url: URL, call: SiriusCallOptions, signal: AbortSignal): Promise<SiriusResponse> {
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
      return { status: statusCode, body: undefined, bytes: 0 };
    }
    const text = await readCapped(response, this.options.maxResponseBytes, signal);
    if (text === undefined) {
      throw new InvalidAnswerError('too-large', [`over ${this.options.maxResponseBytes} bytes`], statusCode);
    }
    try {
      return { status: statusCode, body: JSON.parse(text), bytes: Buffer.byteLength(text) };
    } catch {
      throw new InvalidAnswerError('not-json', [], statusCode);
    }
  }
}

interface SiriusResponse {
  status: number;
  body: unknown;
  bytes: number;
}

/**
 * The body as text, or undefined as soon as it is known to exceed `maxBytes` (by its
 * content-length, or while it arrives): the rest is never read, so a huge answer costs no memory.
 */
async function readCapped(response: Dispatcher.ResponseData, maxBytes: number, signal: AbortSignal): Promise<string | undefined> {
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
    throw new SiriusUnavailableError(describeTransportError(error), true);
  }
  return Buffer.concat(chunks, total).toString('utf8');
}

/** An answer Sirius gave that the gateway refuses to use or cache. Not retried: it would recur. */
export class InvalidAnswerError extends SiriusUnavailableError {
  constructor(
    readonly invalid: InvalidAnswer,
    /** JSON paths and issue codes, never values. */
    readonly problems: string[],
    upstreamStatus?: number,
  ) {
    super(`invalid answer: ${invalid}${problems.length ? ` (${problems.join('; ')})` : ''}`, false, upstreamStatus);
  }
}

/**
 * Sirius's answer for an LPA: 200 with an array, 404 or `[]` for unknown, 410 for deleted. A found
 * LPA must have the shape resolvers rely on and be the LPA asked for (a mix-up upstream must never
 * show one person's LPA, or cache it, as another's).
 */
export function interpretLpaResponse(status: number, body: unknown, ref: LpaReference, bytes = 0): SiriusLpaAnswer {
  if (status === 404) return { outcome: 'not-found' };
  if (status === 410) return { outcome: 'deleted' };
  if (status === 401 || status === 403) {
    throw new SiriusUnavailableError(`Sirius refused the gateway's signature (HTTP ${status}): check the signing secret`, false, status);
  }
  if (status !== 200) throw new SiriusUnavailableError(`unexpected HTTP ${status}`, false, status);
  if (!Array.isArray(body)) throw new InvalidAnswerError('wrong-shape', ['(root): not an array'], status);
  const [first] = body;
  if (first === undefined) return { outcome: 'not-found' };
  const parsed = parseSiriusLpa(first);
  if (!parsed.ok) throw new InvalidAnswerError('wrong-shape', parsed.problems, status);
  const { lpa } = parsed;
  const asked = ref.kind === 'uid' ? uidDigits(lpa.uId) === ref.value : lpa.onlineLpaId === ref.value;
  if (!asked) throw new InvalidAnswerError('another-lpa', [], status);
  return { outcome: 'found', doc: lpa, bytes };
}

function describeTransportError(error: unknown): string {
  if (error instanceof undiciErrors.UndiciError) return `${error.name}: ${error.code}`;
  if (error instanceof Error && 'code' in error) return `connection failed: ${String(error.code)}`;
  return 'connection failed';
}
