import type { ApolloServerPlugin } from '@apollo/server';
import { unwrapResolverError } from '@apollo/server/errors';
import type { GraphQLFormattedError } from 'graphql';
import type { Logger } from '../logger';
import { UpstreamUnavailableError } from '../upstream/upstream-unavailable';
import type { GatewayContext } from '../graphql/gateway-context';

export type FormatError = (formatted: GraphQLFormattedError, error: unknown, requestId?: string) => GraphQLFormattedError;

/**
 * The last stop before an error reaches a consumer. An upstream's failure becomes its stable code
 * (`SIRIUS_UNAVAILABLE`, `LPA_STORE_UNAVAILABLE`) with no upstream detail. Anything Apollo could only label `INTERNAL_SERVER_ERROR` is a bug: it is
 * logged here and masked. Errors raised on purpose (validation, `BAD_USER_INPUT`, ...) pass, never
 * with a stack trace. (Codes, not `instanceof GraphQLError`: graphql may be loaded twice, ESM and CJS.)
 *
 * Every line logged names its request. The lean path passes the request id; Apollo calls its
 * `formatError` without the request, so `plugin` notes each error's request id as Apollo meets it
 * (didEncounterErrors sees the same error objects just before they are formatted).
 */
export function createErrorFormatter(logger: Logger): { format: FormatError; plugin: ApolloServerPlugin<GatewayContext> } {
  const requestOf = new WeakMap<object, string>();
  const format: FormatError = (formatted, error, requestId = typeof error === 'object' && error !== null ? requestOf.get(error) : undefined) => {
    const original = unwrapResolverError(error);
    const where = { path: formatted.path, locations: formatted.locations };
    if (original instanceof UpstreamUnavailableError) {
      logger.warn({ requestId, code: original.code, reason: original.reason, upstreamStatus: original.upstreamStatus, path: formatted.path }, 'upstream unavailable');
      return { message: original.consumerMessage, extensions: { code: original.code }, ...where };
    }
    const { stacktrace: _omitted, ...extensions } = formatted.extensions ?? {};
    if (typeof extensions.code !== 'string' || extensions.code === 'INTERNAL_SERVER_ERROR') {
      logger.error({ requestId, err: original, path: formatted.path }, 'unexpected error');
      return { message: 'Internal server error', extensions: { code: 'INTERNAL_SERVER_ERROR' }, ...where };
    }
    return { ...formatted, extensions };
  };
  const plugin: ApolloServerPlugin<GatewayContext> = {
    async requestDidStart() {
      return {
        async didEncounterErrors({ errors, contextValue }) {
          for (const error of errors) requestOf.set(error, contextValue.requestId);
        },
      };
    },
  };
  return { format, plugin };
}
