import { unwrapResolverError } from '@apollo/server/errors';
import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import type { Logger } from '../logger';
import { SiriusUnavailableError, siriusUnavailableGraphQLError } from '../sirius/errors';

/**
 * The last stop before an error reaches a consumer. Errors the gateway raised on purpose (a
 * GraphQLError with a code) pass; Sirius failures become `SIRIUS_UNAVAILABLE` with no upstream
 * detail; anything else is a bug, logged here and masked as `INTERNAL_SERVER_ERROR`.
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
    if (original instanceof GraphQLError) {
      const { stacktrace: _omitted, ...extensions } = formatted.extensions ?? {};
      return { ...formatted, extensions };
    }
    logger.error({ err: original, path: formatted.path }, 'unexpected error in a resolver');
    return { message: 'Internal server error', extensions: { code: 'INTERNAL_SERVER_ERROR' }, ...where };
  };
}
