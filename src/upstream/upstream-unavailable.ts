/**
 * An upstream could not give an answer we can use: a 5xx, a timeout, a refused connection, or a
 * body that is not what its contract says. The reason stays in the gateway's logs; consumers only
 * ever see the upstream's stable code (`SIRIUS_UNAVAILABLE`, `LPA_STORE_UNAVAILABLE`: released
 * error codes are contracts) and a message naming no internals.
 */
export class UpstreamUnavailableError extends Error {
  constructor(
    /** The code consumers see. */
    readonly code: string,
    /** What consumers read: which system, never why. */
    readonly consumerMessage: string,
    /** For logs and metrics only: never sent to a consumer. */
    readonly reason: string,
    /** Whether another attempt might succeed (a GET after a 503 or a reset connection). */
    readonly retryable: boolean,
    readonly upstreamStatus?: number,
  ) {
    super(`${code}: ${reason}`);
  }
}

/** How one upstream names its failures to consumers. */
export interface UpstreamErrors {
  code: string;
  unavailable(reason: string, retryable: boolean, upstreamStatus?: number): UpstreamUnavailableError;
}

/** Why an answer was refused: each is unavailable to consumers, and never cached. */
export type InvalidAnswer = 'not-json' | 'too-large' | 'wrong-shape' | 'another-lpa';

/** An answer an upstream gave that the gateway refuses to use or cache. Not retried: it would recur. */
export class InvalidAnswerError extends UpstreamUnavailableError {
  override readonly name = 'InvalidAnswerError';
  constructor(
    errors: UpstreamErrors,
    readonly invalid: InvalidAnswer,
    /** JSON paths and issue codes, never values. */
    readonly problems: string[],
    upstreamStatus?: number,
  ) {
    const base = errors.unavailable('', false);
    super(base.code, base.consumerMessage, `invalid answer: ${invalid}${problems.length ? ` (${problems.join('; ')})` : ''}`, false, upstreamStatus);
  }
}
