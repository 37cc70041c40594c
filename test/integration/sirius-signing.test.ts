import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningGateway } from '../../src/server/start-gateway';
import { startConfiguredGateway, startTestGateway, type TestGateway } from '../support/gateway';

const ENDPOINT = '/use-an-lpa/v1/graphql';

let gateway: TestGateway;
beforeAll(async () => {
  gateway = await startTestGateway();
});
afterAll(() => gateway.close());

describe('calls to Sirius are signed', () => {
  it('the simulator refuses an unsigned call, as Sirius does', async () => {
    const response = await fetch(`${gateway.siriusUrl}/api/public/v1/lpas?uid=700000000047`);
    expect(response.status).toBe(401);
    expect(await response.text()).not.toContain('Sanderson');
  });

  it('the gateway signs its calls: reads work and Sirius health is OK', async () => {
    const { body } = await gateway.graphql(ENDPOINT, { query: '{ lpa(uid: "7000-0000-0047") { ... on Lpa { donor { surname } } } }' });
    expect(body).toEqual({ data: { lpa: { donor: { surname: 'Sanderson' } } } });
    expect(await (await fetch(`${gateway.url}/health/ready`)).json()).toMatchObject({ 'sirius-status': 'OK' });
  });

  describe('with a wrong signing secret', () => {
    let misconfigured: RunningGateway;
    beforeAll(async () => {
      misconfigured = await startConfiguredGateway(gateway, {
        SIRIUS_BASE_URL: gateway.siriusUrl,
        SIRIUS_SIGNING_SECRET: 'not-the-secret-sirius-knows',
        CACHE_FRESH_SECONDS: '0',
      });
    });
    afterAll(() => misconfigured.close());

    it('reads get a typed SIRIUS_UNAVAILABLE and no personal data', async () => {
      const response = await fetch(`${misconfigured.url}${ENDPOINT}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${await gateway.token('use-an-lpa')}` },
        body: JSON.stringify({ query: '{ lpa(uid: "7000-0000-0617") { ... on Lpa { donor { surname dateOfBirth } } } }' }),
      });
      const text = await response.text();
      expect(JSON.parse(text)).toMatchObject({ data: { lpa: null }, errors: [{ path: ['lpa'], extensions: { code: 'SIRIUS_UNAVAILABLE' } }] });
      expect(text).not.toMatch(/signature|401|secret/i);
    });

    it('/health/ready reports Sirius as UNAUTHORISED (still ready: the cache can serve; the state is for the operator)', async () => {
      const response = await fetch(`${misconfigured.url}/health/ready`);
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual({ 'api-status': 'OK', 'sirius-status': 'UNAUTHORISED', 'lpa-store-status': 'NOT_CONFIGURED', 'cache-status': 'OK' });
    });
  });
});
