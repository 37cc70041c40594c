import { ApolloServer } from '@apollo/server';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../src/logger';
import type { GatewayContext } from '../../src/graphql/gateway-context';
import { createErrorFormatter } from '../../src/server/format-error';

// A bug's error is masked for the consumer and logged for us, with the request it happened in.
describe('unexpected errors', () => {
  it('are masked, and logged with their request id on the Apollo path', async () => {
    const lines: string[] = [];
    const errors = createErrorFormatter(createLogger('info', { write: (line: string) => void lines.push(line) }));
    const server = new ApolloServer<GatewayContext>({
      typeDefs: 'type Query { broken: String }',
      resolvers: { Query: { broken: () => { throw new Error('a bug, with internals'); } } },
      formatError: errors.format,
      plugins: [errors.plugin],
      logger: createLogger('silent'),
    });
    await server.start();
    try {
      const response = await server.executeOperation({ query: '{ broken }' }, { contextValue: { requestId: 'request-7' } as GatewayContext });
      expect(response.body.kind === 'single' && response.body.singleResult.errors).toEqual([
        expect.objectContaining({ message: 'Internal server error', extensions: { code: 'INTERNAL_SERVER_ERROR' } }),
      ]);
      const logged = lines.map((line) => JSON.parse(line) as Record<string, unknown>).find((line) => line.msg === 'unexpected error');
      expect(logged).toMatchObject({ requestId: 'request-7', path: ['broken'] });
    } finally {
      await server.stop();
    }
  });

  it('are logged with the request id the lean path passes', () => {
    const lines: string[] = [];
    const { format } = createErrorFormatter(createLogger('info', { write: (line: string) => void lines.push(line) }));
    const shown = format({ message: 'boom', path: ['lpa'] }, new Error('boom'), 'request-8');
    expect(shown).toMatchObject({ message: 'Internal server error', extensions: { code: 'INTERNAL_SERVER_ERROR' } });
    expect(JSON.parse(lines[0]!)).toMatchObject({ msg: 'unexpected error', requestId: 'request-8' });
  });
});
