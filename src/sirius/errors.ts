import { UpstreamUnavailableError } from '../upstream/upstream-unavailable';

export const SIRIUS_UNAVAILABLE = 'SIRIUS_UNAVAILABLE';

/**
 * Sirius could not give an answer we can use: a 5xx, a timeout, a refused connection, or a body
 * that is not what its contract says. Consumers only ever see the `SIRIUS_UNAVAILABLE` code.
 */
export class SiriusUnavailableError extends UpstreamUnavailableError {
  override readonly name = 'SiriusUnavailableError';
  constructor(reason: string, retryable: boolean, upstreamStatus?: number) {
    super(SIRIUS_UNAVAILABLE, 'The case-management system could not answer; try again shortly.', reason, retryable, upstreamStatus);
  }
}
