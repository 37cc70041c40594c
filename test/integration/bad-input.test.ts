import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../support/gateway';

const ENDPOINT = '/use-an-lpa/v1/graphql';

let gateway: TestGateway;
beforeAll(async () => {
  gateway = await startTestGateway();
});
afterAll(() => gateway.close());

function expectCleanError(text: string) {
  // Nothing internal leaks: no stack frames, no file paths, no Sirius wording.
  expect(text).not.toMatch(/\bat .+:\d+:\d+|node_modules|src\/|stacktrace|Sirius unavailable/);
}

describe('bad input gets a clear GraphQL-over-HTTP error', () => {
  it('malformed JSON → 400 BAD_REQUEST', async () => {
    const { status, body, text } = await gateway.post(ENDPOINT, '{"query": "{ lpa(uid: ');
    expect(status).toBe(400);
    expect(body.errors?.[0]).toEqual({ message: 'Request body is not valid JSON', extensions: { code: 'BAD_REQUEST' } });
    expectCleanError(text);
  });

  it('a missing query → 400 BAD_REQUEST', async () => {
    const { status, body } = await gateway.post(ENDPOINT, '{"variables": {}}');
    expect(status).toBe(400);
    expect(body.errors?.[0]?.extensions?.code).toBe('BAD_REQUEST');
    expect(body.errors?.[0]?.message).toMatch(/query/);
  });

  it('a syntax error → 400 GRAPHQL_PARSE_FAILED', async () => {
    const { status, body } = await gateway.graphql(ENDPOINT, { query: '{ lpa(uid: "7000-0000-0047") { ' });
    expect(status).toBe(400);
    expect(body.errors?.[0]?.extensions?.code).toBe('GRAPHQL_PARSE_FAILED');
  });

  it('an unknown field → 400 GRAPHQL_VALIDATION_FAILED naming it', async () => {
    const { status, body, text } = await gateway.graphql(ENDPOINT, {
      query: '{ lpa(uid: "7000-0000-0047") { ... on Lpa { nationalInsuranceNumber } } }',
    });
    expect(status).toBe(400);
    expect(body.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(body.errors?.[0]?.message).toContain('nationalInsuranceNumber');
    expectCleanError(text);
  });

  it('a wrong argument type → 400', async () => {
    const literal = await gateway.graphql(ENDPOINT, { query: '{ lpa(uid: 700000000047) { __typename } }' });
    expect(literal.status).toBe(400);
    expect(literal.body.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
    const variable = await gateway.graphql(ENDPOINT, {
      query: 'query($uid: String!) { lpa(uid: $uid) { __typename } }',
      variables: { uid: 700000000047 },
    });
    expect(variable.status).toBe(400);
    expect(variable.body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('a 1 MB body → 413 PAYLOAD_TOO_LARGE, and the gateway keeps serving', async () => {
    const huge = JSON.stringify({ query: `{ __typename }`, variables: { pad: 'x'.repeat(1_000_000) } });
    const { status, body } = await gateway.post(ENDPOINT, huge);
    expect(status).toBe(413);
    expect(body.errors?.[0]?.extensions?.code).toBe('PAYLOAD_TOO_LARGE');
    const after = await gateway.graphql(ENDPOINT, { query: '{ __typename }' });
    expect(after.body).toEqual({ data: { __typename: 'Query' } });
  });

  it('a body that is not JSON content → 400 from Apollo, not a crash', async () => {
    const { status, body } = await gateway.post(ENDPOINT, 'query { __typename }', { 'content-type': 'text/plain' });
    expect(status).toBe(400);
    expect(body.errors?.[0]?.extensions?.code).toBe('BAD_REQUEST');
  });

  it('an unknown consumer or version → 404 naming the consumers that exist', async () => {
    for (const path of ['/use-an-lpa/v9/graphql', '/deputy-reporting/v1/graphql', '/']) {
      const { status, body } = await gateway.graphql(path, { query: '{ __typename }' });
      expect(status).toBe(404);
      expect(body.errors?.[0]?.extensions).toEqual({
        code: 'NOT_FOUND',
        consumers: { 'use-an-lpa': ['v1', 'v2', 'v3'], 'lpa-online-tool': ['v1'], 'sirius-case-management': ['v1', 'v2'] },
      });
      expect(body.errors?.[0]?.message).toContain('/use-an-lpa/v1/graphql');
    }
  });

  it('GET /health/live answers 200', async () => {
    const response = await fetch(`${gateway.url}/health/live`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'live' });
  });

  it('serves Apollo Sandbox on the embedded default, pre-filled with a dev token that works', async () => {
    const response = await fetch(`${gateway.url}${ENDPOINT}`, { headers: { accept: 'text/html' } });
    expect(response.status).toBe(200);
    const html = await response.text();
    expect(html).toContain('sandbox');
    const token = /"Authorization":"Bearer ([\w-]+\.[\w-]+\.[\w-]+)"/.exec(html)?.[1];
    expect(token).toBeDefined();
    const { status, body } = await gateway.graphql(ENDPOINT, { query: '{ lpa(uid: "7000-0000-0047") { __typename } }' }, { authorization: `Bearer ${token}` });
    expect(status).toBe(200);
    expect(body).toEqual({ data: { lpa: { __typename: 'Lpa' } } });
  });

  it('marks responses as not cacheable: they carry personal data', async () => {
    const { headers } = await gateway.graphql(ENDPOINT, { query: '{ __typename }' });
    expect(headers.get('cache-control')).toBe('no-store');
  });
});
