import type { Logger } from '../logger';
import type { CallOptions, UpstreamAnswer } from '../upstream/upstream';
import { HttpUpstream, type HttpUpstreamOptions } from '../upstream/http-upstream';
import { InvalidAnswerError, type InvalidAnswer, type UpstreamUnavailableError } from '../upstream/upstream-unavailable';
import { reportRefusal } from '../upstream/refusals';
import { LPA_STORE_ERRORS, LpaStoreUnavailableError } from './errors';
import { parseLpaStoreLpa, type LpaStoreLpa } from './lpa-store-lpa';
import type { LpaStoreSigner } from './request-signer';

export type LpaStoreClientOptions = Omit<HttpUpstreamOptions, 'name' | 'errors'> & {
  /** An answer that cannot be trusted (wrong shape, another LPA, too large), for metrics. */
  onInvalidAnswer?: (reason: InvalidAnswer) => void;
};

/** One LPA's answer within a batch: a document that fails its checks spoils only itself. */
export type LpaStoreAnswer = UpstreamAnswer<LpaStoreLpa> | UpstreamUnavailableError;

/** The store reads at most this many uids a call. */
export const MAX_UIDS_PER_CALL = 100;

/**
 * The LPA Store's API (fixtures/lpa-store/, its OpenAPI): `GET /lpas/{uid}` for one, `POST /lpas`
 * `{"uids": [...]}` for many (unknown uids are left out of the answer). Every call is signed twice
 * (request-signer.ts); HTTP itself is src/upstream/http-upstream.ts. Each document must have the
 * shape the gateway relies on and be one that was asked for.
 */
export class LpaStoreClient {
  private readonly http: HttpUpstream;

  constructor(
    private readonly options: LpaStoreClientOptions,
    private readonly signer: LpaStoreSigner,
    private readonly logger: Logger,
  ) {
    this.http = new HttpUpstream({ ...options, name: 'lpa-store', errors: LPA_STORE_ERRORS }, logger);
  }

  circuitState(): 'closed' | 'open' | 'half-open' {
    return this.http.circuitState();
  }

  async getLpa(uid: string, call: CallOptions): Promise<UpstreamAnswer<LpaStoreLpa>> {
    const url = new URL(`/lpas/${encodeURIComponent(uid)}`, this.http.base);
    return this.checked(call, async () => {
      const { status, body, bytes } = await this.http.read({ method: 'GET', url, headers: () => this.signer.sign({ method: 'GET', url }, call.actor) }, call.requestId);
      if (status === 404) return { outcome: 'not-found' };
      expectOk(status);
      const answer = document(body, bytes);
      if (answer instanceof Error) throw answer;
      if (answer.doc.uid !== uid) throw new InvalidAnswerError(LPA_STORE_ERRORS, 'another-lpa', [], status);
      return answer;
    });
  }

  /** Many LPAs in one call (at most MAX_UIDS_PER_CALL): answers keyed by uid; absent ones are not found. */
  async getLpas(uids: readonly string[], call: CallOptions): Promise<ReadonlyMap<string, LpaStoreAnswer>> {
    if (uids.length > MAX_UIDS_PER_CALL) throw new RangeError(`at most ${MAX_UIDS_PER_CALL} uids a call`);
    const url = new URL('/lpas', this.http.base);
    const body = JSON.stringify({ uids });
    return this.checked(call, async () => {
      const answer = await this.http.read({ method: 'POST', url, body, headers: () => this.signer.sign({ method: 'POST', url, body }, call.actor) }, call.requestId);
      expectOk(answer.status);
      const lpas = (answer.body as { lpas?: unknown } | undefined)?.lpas;
      if (!Array.isArray(lpas)) throw new InvalidAnswerError(LPA_STORE_ERRORS, 'wrong-shape', ['lpas: not an array'], answer.status);
      const asked = new Set(uids);
      const answers = new Map<string, LpaStoreAnswer>();
      for (const item of lpas) {
        const uid = (item as { uid?: unknown } | null)?.uid;
        // A document nobody asked for means the store mixed answers up: none of this call is trusted.
        if (typeof uid !== 'string' || !asked.has(uid)) throw new InvalidAnswerError(LPA_STORE_ERRORS, 'another-lpa', [], answer.status);
        const one = document(item, Math.round(answer.bytes / lpas.length));
        if (one instanceof InvalidAnswerError) this.refused(one, call.requestId);
        if (!answers.has(uid)) answers.set(uid, one);
      }
      return answers;
    });
  }

  async health(call: CallOptions): Promise<'OK' | 'DOWN' | 'UNAUTHORISED'> {
    // The store has no health route in its API: an empty batch read proves it answers and takes our signatures.
    try {
      await this.getLpas([], call);
      return 'OK';
    } catch (error) {
      return error instanceof LpaStoreUnavailableError && (error.upstreamStatus === 401 || error.upstreamStatus === 403) ? 'UNAUTHORISED' : 'DOWN';
    }
  }

  async close(): Promise<void> {
    await this.http.close();
  }

  private async checked<T>(call: CallOptions, work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      if (error instanceof InvalidAnswerError) this.refused(error, call.requestId);
      throw error;
    }
  }

  private refused(error: InvalidAnswerError, requestId: string): void {
    reportRefusal(this.logger, 'lpa-store', error, requestId, this.options.onInvalidAnswer);
  }
}

function expectOk(status: number): void {
  if (status === 401 || status === 403) throw new LpaStoreUnavailableError(`the LPA Store refused the gateway's signatures (HTTP ${status})`, false, status);
  if (status !== 200) throw new LpaStoreUnavailableError(`unexpected HTTP ${status}`, false, status);
}

function document(value: unknown, bytes: number): { outcome: 'found'; doc: LpaStoreLpa; bytes: number } | InvalidAnswerError {
  const parsed = parseLpaStoreLpa(value);
  return parsed.ok ? { outcome: 'found', doc: parsed.lpa, bytes } : new InvalidAnswerError(LPA_STORE_ERRORS, 'wrong-shape', parsed.problems, 200);
}
