import { describe, expect, it } from 'vitest';
import { createMetrics } from '../../src/observability/metrics';

// Node's process metrics are collected where a registry is scraped, and left out where none is
// (the Lambda entry), with the gateway's own metrics there either way.

describe('createMetrics', () => {
  it("collects Node's process metrics by default", async () => {
    const text = await createMetrics({ circuitState: () => 'closed' }).registry.metrics();
    expect(text).toMatch(/^process_cpu_seconds_total /m);
    expect(text).toMatch(/^nodejs_heap_size_used_bytes /m);
  });

  it('leaves them out when told to, keeping its own', async () => {
    const metrics = createMetrics({ circuitState: () => 'closed', processMetrics: false });
    metrics.request({ consumer: 'use-an-lpa', version: 'v2', operation: 'ViewSharedLpa', status: 200, seconds: 0.01 });
    const text = await metrics.registry.metrics();
    expect(text).not.toMatch(/^process_cpu_seconds_total /m);
    expect(text).not.toMatch(/^nodejs_/m);
    expect(text).toMatch(/^gateway_requests_total\{consumer="use-an-lpa",version="v2",operation="ViewSharedLpa",status="200"\} 1$/m);
  });
});
