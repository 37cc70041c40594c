import type { Logger } from '../logger';
import type { InvalidAnswer, InvalidAnswerError } from './upstream-unavailable';

/**
 * An upstream answer the gateway refused: counted by reason, and logged without the answer (it
 * may hold personal data) or the resource's id. A mix-up (another LPA's record) is an integrity
 * error, at error level.
 */
export function reportRefusal(
  logger: Logger,
  upstream: string,
  error: InvalidAnswerError,
  requestId: string,
  onInvalidAnswer: ((reason: InvalidAnswer) => void) | undefined,
): void {
  onInvalidAnswer?.(error.invalid);
  const fields = { requestId, upstream, invalid: error.invalid, problems: error.problems };
  if (error.invalid === 'another-lpa') logger.error(fields, `${upstream} integrity error: an answer for another LPA was refused`);
  else logger.warn(fields, `${upstream} answer refused`);
}
