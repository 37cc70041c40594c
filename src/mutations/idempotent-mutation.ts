import { GraphQLError } from 'graphql';
import type { GatewayContext } from '../graphql/gateway-context';
import type { IdempotentAttempt, RunOptions } from './idempotency-store';

/**
 * Runs a mutation resolver idempotently when the request names a key: the `Idempotency-Key`
 * header or the field's `idempotencyKey` argument (they must agree). Keys are per caller and per
 * mutation field, so one key may cover every field of one request. Without a key, runs as is
 * (and `work` is told no attempt).
 */
export function idempotent<T, A extends { idempotencyKey?: string | null }>(
  context: GatewayContext,
  field: string,
  args: A,
  work: (attempt: IdempotentAttempt | undefined) => Promise<T>,
  options: RunOptions<T> = {},
): Promise<T> {
  const { idempotencyKey: argument, ...input } = args;
  const header = context.idempotencyKey;
  if (argument != null && header !== undefined && argument !== header) {
    throw new GraphQLError('The Idempotency-Key header and the idempotencyKey argument differ.', { extensions: { code: 'BAD_USER_INPUT', http: { status: 400 } } });
  }
  const key = argument ?? header;
  if (key === undefined) return work(undefined);
  return context.mutations.idempotency.run(`${context.caller.name}#${field}`, key, input, work, options);
}
