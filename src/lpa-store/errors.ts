import { UpstreamUnavailableError, type UpstreamErrors } from '../upstream/upstream-unavailable';

export const LPA_STORE_UNAVAILABLE = 'LPA_STORE_UNAVAILABLE';

/** The LPA Store could not give an answer we can use. Consumers only ever see `LPA_STORE_UNAVAILABLE`. */
export class LpaStoreUnavailableError extends UpstreamUnavailableError {
  override readonly name = 'LpaStoreUnavailableError';
  constructor(reason: string, retryable: boolean, upstreamStatus?: number) {
    super(LPA_STORE_UNAVAILABLE, 'The LPA register could not answer; try again shortly.', reason, retryable, upstreamStatus);
  }
}

export const LPA_STORE_ERRORS: UpstreamErrors = {
  code: LPA_STORE_UNAVAILABLE,
  unavailable: (reason, retryable, status) => new LpaStoreUnavailableError(reason, retryable, status),
};
