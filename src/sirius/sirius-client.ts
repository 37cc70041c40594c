import type { Logger } from '../logger';
import type { CallOptions, UpstreamAnswer } from '../upstream/upstream';
import { HttpUpstream, type HttpUpstreamOptions } from '../upstream/http-upstream';
import { reportRefusal } from '../upstream/refusals';
import { InvalidAnswerError, type InvalidAnswer, type UpstreamErrors } from '../upstream/upstream-unavailable';
import { SIRIUS_UNAVAILABLE, SiriusUnavailableError } from './errors';
import type { RequestSigner } from './request-signer';
import type { LpaReference } from './lpa-reference';
import { parseSiriusLpa, uidDigits, type SiriusLpa } from './sirius-lpa';

/** What Sirius said about one LPA, in the terms every consumer shares. */
export type SiriusLpaAnswer = UpstreamAnswer<SiriusLpa>;

export type SiriusClientOptions = Omit<HttpUpstreamOptions, 'name' | 'errors'> & {
  /** An answer that cannot be trusted (wrong shape, another LPA, too large), for metrics. */
  onInvalidAnswer?: (reason: InvalidAnswer) => void;
};

/** `requestId` is forwarded as `x-request-id` so that Sirius's logs join ours. */
export type SiriusCallOptions = Pick<CallOptions, 'requestId'>;

const LPAS_PATH = '/api/public/v1/lpas';
const LETTER_PATH = '/api/public/v1/use-an-lpa/lpas/requestCode';

export const SIRIUS_ERRORS: UpstreamErrors = {
  code: SIRIUS_UNAVAILABLE,
  unavailable: (reason, retryable, status) => new SiriusUnavailableError(reason, retryable, status),
};

/**
 * Sirius's public REST API (src/upstream/http-upstream.ts does the HTTP: deadlines, retries,
 * breaker, size cap). Every call carries Sirius's own short-lived JWT.
 */
export class SiriusClient {
  private readonly http: HttpUpstream;

  constructor(
    private readonly options: SiriusClientOptions,
    private readonly sign: RequestSigner,
    private readonly logger: Logger,
  ) {
    this.http = new HttpUpstream({ ...options, name: 'sirius', errors: SIRIUS_ERRORS }, logger);
  }

  /** For health and metrics. */
  circuitState(): 'closed' | 'open' | 'half-open' {
    return this.http.circuitState();
  }

  async getLpa(ref: LpaReference, call: SiriusCallOptions): Promise<SiriusLpaAnswer> {
    const url = new URL(LPAS_PATH, this.http.base);
    url.searchParams.set(ref.kind === 'uid' ? 'uid' : 'lpa-online-tool-id', ref.value);
    try {
      const { status, body, bytes } = await this.http.read({ method: 'GET', url, headers: this.headers }, call.requestId);
      return interpretLpaResponse(status, body, ref, bytes);
    } catch (error) {
      if (error instanceof InvalidAnswerError) reportRefusal(this.logger, 'sirius', error, call.requestId, this.options.onInvalidAnswer);
      throw error;
    }
  }

  /**
   * Asks Sirius to send an actor a letter with a new activation code (OPG's `requestCode`);
   * Sirius creates the code through the gateway's codes domain when it prints the letter.
   */
  async requestCodeLetter(caseUid: string, actorUid: string, call: SiriusCallOptions): Promise<'queued' | 'not-found'> {
    const url = new URL(LETTER_PATH, this.http.base);
    const body = JSON.stringify({ case_uid: Number(caseUid), actor_uid: Number(actorUid) });
    const headers = async () => ({ 'content-type': 'application/json', ...(await this.headers()) });
    const { status } = await this.http.write({ method: 'POST', url, body, headers }, call.requestId);
    if (status === 204 || status === 200) return 'queued';
    if (status === 404) return 'not-found';
    throw new SiriusUnavailableError(`unexpected HTTP ${status} to a letter request`, false, status);
  }

  /** Sirius's health check, signed like every call: a refused signature is told apart from down. */
  async health(call: SiriusCallOptions): Promise<'OK' | 'DOWN' | 'UNAUTHORISED'> {
    try {
      const { status } = await this.http.read({ method: 'GET', url: new URL('/api/health-check', this.http.base), headers: this.headers }, call.requestId);
      if (status === 401 || status === 403) return 'UNAUTHORISED';
      return status >= 200 && status < 300 ? 'OK' : 'DOWN';
    } catch {
      return 'DOWN';
    }
  }

  async close(): Promise<void> {
    await this.http.close();
  }

  private readonly headers = async (): Promise<Record<string, string>> => ({ authorization: await this.sign() });
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
  if (!Array.isArray(body)) throw new InvalidAnswerError(SIRIUS_ERRORS, 'wrong-shape', ['(root): not an array'], status);
  const [first] = body;
  if (first === undefined) return { outcome: 'not-found' };
  const parsed = parseSiriusLpa(first);
  if (!parsed.ok) throw new InvalidAnswerError(SIRIUS_ERRORS, 'wrong-shape', parsed.problems, status);
  const { lpa } = parsed;
  const asked = ref.kind === 'uid' ? uidDigits(lpa.uId) === ref.value : lpa.onlineLpaId === ref.value;
  if (!asked) throw new InvalidAnswerError(SIRIUS_ERRORS, 'another-lpa', [], status);
  return { outcome: 'found', doc: lpa, bytes };
}
