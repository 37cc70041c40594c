import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startConfiguredGateway, startTestGateway, type TestGateway } from '../support/gateway';

const ENDPOINT = '/use-an-lpa/v1/graphql';
const TIMEOUT_MS = 400;

let gateway: TestGateway;
beforeAll(async () => {
  // No cache and no circuit breaker here: these tests are about the Sirius client alone.
  gateway = await startTestGateway({
    SIRIUS_TIMEOUT_MS: String(TIMEOUT_MS),
    SIRIUS_RETRIES: '2',
    CACHE_FRESH_SECONDS: '0',
    CACHE_STALE_IF_ERROR_SECONDS: '0',
    SIRIUS_BREAKER_FAILURES: '1000',
  });
});
afterEach(() => gateway.setSiriusFaults({}));
afterAll(() => gateway.close());

describe('when Sirius fails', () => {
  it('a 503 gives a null LPA with SIRIUS_UNAVAILABLE at its path, after the GET is retried', async () => {
    await gateway.setSiriusFaults({ status: 503 });
    const before = await gateway.siriusCalls();
    const { status, body, text } = await gateway.graphql(ENDPOINT, {
      query: '{ lpa(uid: "7000-0000-0047") { ... on Lpa { donor { surname } } } }',
    });
    expect(status).toBe(200);
    expect(body.data).toEqual({ lpa: null });
    expect(body.errors).toEqual([
      expect.objectContaining({ path: ['lpa'], extensions: { code: 'SIRIUS_UNAVAILABLE' } }),
    ]);
    expect(text).not.toMatch(/503|Injected|HTTP/);
    expect((await gateway.siriusCalls()) - before).toBe(3); // the first attempt and two retries
  });

  it('a 500 is not retried (it is not a transient status)', async () => {
    await gateway.setSiriusFaults({ status: 500 });
    const before = await gateway.siriusCalls();
    const { body } = await gateway.graphql(ENDPOINT, { query: '{ lpa(uid: "7000-0000-0047") { __typename } }' });
    expect(body.errors?.[0]?.extensions?.code).toBe('SIRIUS_UNAVAILABLE');
    expect((await gateway.siriusCalls()) - before).toBe(1);
  });

  it('a slow Sirius gives a typed error within the deadline, not a hung request', async () => {
    await gateway.setSiriusFaults({ latencyMs: 5_000 });
    const started = Date.now();
    const { status, body } = await gateway.graphql(ENDPOINT, { query: '{ lpa(uid: "7000-0000-0047") { __typename } }' });
    const elapsed = Date.now() - started;
    expect(status).toBe(200);
    expect(body.errors?.[0]?.extensions?.code).toBe('SIRIUS_UNAVAILABLE');
    // A correctness bound (the deadline holds), far from the 5 s Sirius would take.
    expect(elapsed).toBeLessThan(TIMEOUT_MS + 1_500);
  });

  it('in a list, every entry Sirius could not answer is null with its own error', async () => {
    await gateway.setSiriusFaults({ status: 502 });
    const { body } = await gateway.graphql(ENDPOINT, {
      query: '{ lpas(uids: ["7000-0000-0047", "7000-0000-0138"]) { __typename } }',
    });
    expect(body.data).toEqual({ lpas: [null, null] });
    expect(body.errors?.map((error) => error.path)).toEqual([
      ['lpas', 0],
      ['lpas', 1],
    ]);
  });

  it('Sirius refusing connections gives SIRIUS_UNAVAILABLE, and the gateway recovers when it is back', async () => {
    const unreachable = await startConfiguredGateway(gateway, { SIRIUS_BASE_URL: 'http://127.0.0.1:9', SIRIUS_TIMEOUT_MS: '500' });
    try {
      const response = await fetch(`${unreachable.url}${ENDPOINT}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${await gateway.token('use-an-lpa')}` },
        body: JSON.stringify({ query: '{ lpa(uid: "7000-0000-0047") { __typename } }' }),
      });
      const body = (await response.json()) as { data: unknown; errors: unknown[] };
      expect(body.data).toEqual({ lpa: null });
      expect(body.errors[0]).toMatchObject({ path: ['lpa'], extensions: { code: 'SIRIUS_UNAVAILABLE' } });
    } finally {
      await unreachable.close();
    }
    const { body } = await gateway.graphql(ENDPOINT, { query: '{ lpa(uid: "7000-0000-0047") { __typename } }' });
    expect(body).toEqual({ data: { lpa: { __typename: 'Lpa' } } });
  });
});
