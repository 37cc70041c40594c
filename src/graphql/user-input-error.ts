import { GraphQLError } from 'graphql';

/**
 * An argument the schema's types cannot express as invalid (a uid's form, a list's length).
 * Answered like any other invalid request: HTTP 400, `BAD_USER_INPUT`, and nothing asked of Sirius.
 */
export function userInputError(message: string, argumentName: string): GraphQLError {
  return new GraphQLError(message, {
    extensions: { code: 'BAD_USER_INPUT', argumentName, http: { status: 400 } },
  });
}
