import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../support/gateway';

const ENDPOINT = '/use-an-lpa/v1/graphql';

let gateway: TestGateway;
beforeAll(async () => {
  gateway = await startTestGateway({ CACHE_FRESH_SECONDS: '30', SIRIUS_BREAKER_FAILURES: '1000' });
});
afterAll(() => gateway.close());

const metrics = async () => (await fetch(`${gateway.url}/metrics`)).text();
const sample = (text: string, series: string) => Number(new RegExp(`^${series.replace(/[{}"|]/g, '\\$&')} (\\S+)$`, 'm').exec(text)?.[1] ?? NaN);

describe('GET /metrics', () => {
  it('counts requests, Sirius calls, cache reads and the circuit state in Prometheus text', async () => {
    const query = { query: 'query Viewer { lpa(uid: "7000-0000-0138") { __typename } }', operationName: 'Viewer' };
    await gateway.graphql(ENDPOINT, query); // miss → Sirius
    await new Promise((resolve) => setTimeout(resolve, 200));
    await gateway.graphql(ENDPOINT, query); // fresh hit
    await gateway.graphql(ENDPOINT, { query: '{ lpa(uid: "799999999999") { __typename } }' });
    await fetch(`${gateway.url}${ENDPOINT}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    await gateway.setSiriusFaults({ status: 503 });
    await gateway.graphql(ENDPOINT, { query: '{ lpa(uid: "7000-0000-0617") { __typename } }' });
    await gateway.setSiriusFaults({});

    const response = await fetch(`${gateway.url}/metrics`);
    expect(response.headers.get('content-type')).toMatch(/^text\/plain/);
    const text = await response.text();
    // An ad-hoc query is `ad-hoc` whatever it calls itself; a request that ran nothing is `none`.
    expect(sample(text, 'gateway_requests_total{consumer="use-an-lpa",version="v1",operation="ad-hoc",status="200"}')).toBe(4);
    expect(text).not.toContain('operation="Viewer"');
    expect(sample(text, 'gateway_requests_total{consumer="none",version="none",operation="none",status="401"}')).toBe(1);
    expect(sample(text, 'gateway_sirius_calls_total{outcome="found"}')).toBe(1);
    expect(sample(text, 'gateway_sirius_calls_total{outcome="not_found"}')).toBe(1);
    expect(sample(text, 'gateway_sirius_calls_total{outcome="unavailable"}')).toBe(1);
    expect(sample(text, 'gateway_cache_reads_total{result="fresh"}')).toBe(1);
    expect(sample(text, 'gateway_cache_reads_total{result="miss"}')).toBe(3);
    expect(sample(text, 'gateway_sirius_circuit_open')).toBe(0);
    expect(text).toMatch(/^gateway_request_duration_seconds_bucket\{le="0.1",consumer="use-an-lpa",version="v1"\} \d+$/m);
    expect(text).toContain('process_resident_memory_bytes');
  });

  it('a name a client sends is never a label: registered documents are labelled by their registered name, the rest `ad-hoc`', async () => {
    // Today's attack: distinct names, each of which used to become a label (up to 200 of them).
    await Promise.all(
      Array.from({ length: 30 }, (_, i) => gateway.graphql(ENDPOINT, { query: `query Flood${i} { __typename }`, operationName: `Flood${i}` })),
    );
    await gateway.post(ENDPOINT, JSON.stringify({ query: '{ __typename }', operationName: 'x'.repeat(300) }));
    const viewer = readFileSync('operations/use-an-lpa/v2/ViewSharedLpa.graphql', 'utf8');
    const id = createHash('sha256').update(viewer).digest('hex');
    const registered = await gateway.post('/use-an-lpa/v2/graphql', JSON.stringify({ documentId: `sha256:${id}`, variables: { uid: '7000-0000-0047' } }));
    expect(registered.status).toBe(200);
    const text = await metrics();
    expect(text).not.toMatch(/operation="Flood\d+"/);
    expect(text).not.toContain('x'.repeat(65));
    expect(sample(text, 'gateway_requests_total{consumer="use-an-lpa",version="v2",operation="ViewSharedLpa",status="200"}')).toBe(1);
    const labels = new Set([...text.matchAll(/gateway_requests_total\{[^}]*operation="([^"]*)"/g)].map((match) => match[1]));
    expect([...labels].sort()).toEqual(['ViewSharedLpa', 'ad-hoc', 'none']);
  });
});
