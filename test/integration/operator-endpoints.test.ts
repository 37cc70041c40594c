import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningGateway } from '../../src/server/start-gateway';
import { startConfiguredGateway, startTestGateway, type TestGateway } from '../support/gateway';

// Readiness and metrics are for the platform, not the public: readiness must be cheap to ask
// and truthful about whether this instance can serve; metrics stay off the public listener.

let gateway: TestGateway;
beforeAll(async () => {
  gateway = await startTestGateway({ READINESS_CACHE_SECONDS: '5' });
});
afterAll(() => gateway.close());

describe('/health/ready', () => {
  it('50 concurrent and repeated probes make one Sirius health call: readiness is coalesced and cached', async () => {
    const before = (await gateway.siriusCallLog()).healthChecks;
    const answers = await Promise.all(Array.from({ length: 50 }, () => fetch(`${gateway.url}/health/ready`)));
    for (let i = 0; i < 10; i++) answers.push(await fetch(`${gateway.url}/health/ready`));
    expect(answers.every((answer) => answer.status === 200)).toBe(true);
    expect((await gateway.siriusCallLog()).healthChecks - before).toBe(1);
  });

  it('stays ready while Sirius is down (the cache still serves), reporting Sirius DOWN', async () => {
    const own = await startTestGateway({ READINESS_CACHE_SECONDS: '0' });
    try {
      await own.setFaults({ status: 503 });
      const ready = await fetch(`${own.url}/health/ready`);
      expect(ready.status).toBe(200);
      expect(await ready.json()).toEqual({ 'api-status': 'OK', 'sirius-status': 'DOWN', 'lpa-store-status': 'OK', 'cache-status': 'OK' });
    } finally {
      await own.close();
    }
  });
});

describe('/metrics outside the embedded default', () => {
  let configured: RunningGateway;
  beforeAll(async () => {
    configured = await startConfiguredGateway(gateway, { SIRIUS_BASE_URL: gateway.siriusUrl });
  });
  afterAll(() => configured.close());

  it('is not served on the public listener, even to a valid caller', async () => {
    const anonymous = await fetch(`${configured.url}/metrics`);
    expect(anonymous.status).not.toBe(200);
    const withToken = await fetch(`${configured.url}/metrics`, { headers: { authorization: `Bearer ${await gateway.token('explorer')}` } });
    expect(withToken.status).toBe(404);
    expect(await withToken.text()).not.toContain('gateway_requests_total');
  });

  it('is served on its own port (METRICS_PORT), for Prometheus inside the network', async () => {
    expect(configured.metricsUrl).not.toContain(new URL(configured.url).port);
    const scraped = await fetch(configured.metricsUrl);
    expect(scraped.status).toBe(200);
    expect(await scraped.text()).toContain('gateway_requests_total');
    expect((await fetch(configured.metricsUrl.replace('/metrics', '/use-an-lpa/v1/graphql'))).status).toBe(404);
  });
});
