import { GraphQLError } from 'graphql';

/**
 * Sirius could not give an answer we can use: a 5xx, a timeout, a refused connection, or a body
 * that is not what its contract says. The reason stays in the gateway's logs; consumers only ever
 * see the `SIRIUS_UNAVAILABLE` code.
 */
export class SiriusUnavailableError extends Error {
  override readonly name = 'SiriusUnavailableError';
  constructor(
    /** For logs and metrics only: never sent to a consumer. */
    readonly reason: string,
    /** Whether another attempt might succeed (a GET after a 503 or a reset connection). */
    readonly retryable: boolean,
    readonly upstreamStatus?: number,
  ) {
    super(`Sirius unavailable: ${reason}`);
  }
}

export const SIRIUS_UNAVAILABLE = 'SIRIUS_UNAVAILABLE';

/** What a consumer sees when Sirius could not answer: no Sirius detail, a stable code. */
export function siriusUnavailableGraphQLError(): GraphQLError {
  return new GraphQLError('The case-management system could not answer; try again shortly.', {
    extensions: { code: SIRIUS_UNAVAILABLE },
  });
}
