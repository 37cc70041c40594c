import { unwrapResolverError } from '@apollo/server/errors';
import type { GraphQLFormattedError } from 'graphql';
import type { Logger } from '../logger';
import { SiriusUnavailableError, siriusUnavailableGraphQLError } from '../sirius/errors';

/**
 * The last stop before an error reaches a consumer. Sirius failures become `SIRIUS_UNAVAILABLE`
 * with no upstream detail. Anything Apollo could only label `INTERNAL_SERVER_ERROR` is a bug: it is
 * logged here and masked. Errors raised on purpose (validation, `BAD_USER_INPUT`, ...) pass, never
 * with a stack trace. (Codes, not `instanceof GraphQLError`: graphql may be loaded twice, ESM and CJS.)
 */
export function createErrorFormatter(logger: Logger) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const original = unwrapResolverError(error);
    const where = { path: formatted.path, locations: formatted.locations };
    if (original instanceof SiriusUnavailableError) {
      logger.warn({ reason: original.reason, upstreamStatus: original.upstreamStatus, path: formatted.path }, 'sirius unavailable');
      const { message, extensions } = siriusUnavailableGraphQLError();
      return { message, extensions, ...where };
    }
    const { stacktrace: _omitted, ...extensions } = formatted.extensions ?? {};
    if (typeof extensions.code !== 'string' || extensions.code === 'INTERNAL_SERVER_ERROR') {
      logger.error({ err: original, path: formatted.path }, 'unexpected error');
      return { message: 'Internal server error', extensions: { code: 'INTERNAL_SERVER_ERROR' }, ...where };
    }
    return { ...formatted, extensions };
  };
}
