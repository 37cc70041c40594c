import { expect } from 'vitest';

// CloudWatch Embedded Metric Format, as the specification has it:
// https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch_Embedded_Metric_Format_Specification.html

const UNITS = new Set(['Seconds', 'Microseconds', 'Milliseconds', 'Bytes', 'Kilobytes', 'Megabytes', 'Gigabytes', 'Terabytes', 'Bits', 'Kilobits', 'Megabits', 'Gigabits', 'Terabits', 'Percent', 'Count', 'Bytes/Second', 'Kilobytes/Second', 'Megabytes/Second', 'Gigabytes/Second', 'Terabytes/Second', 'Bits/Second', 'Kilobits/Second', 'Megabits/Second', 'Gigabits/Second', 'Terabits/Second', 'Count/Second', 'None']);

export interface Directive { Namespace: string; Dimensions: string[][]; Metrics: { Name: string; Unit?: string }[] }

/** Checks one log line against the EMF specification; returns the metric names it carries. */
export function expectValidEmf(text: string): { line: Record<string, unknown>; metrics: string[]; dimensions: string[] } {
  const line = JSON.parse(text) as Record<string, unknown>;
  const aws = line._aws as { Timestamp: unknown; CloudWatchMetrics: Directive[] };
  expect(aws, 'an _aws member').toBeTypeOf('object');
  expect(Number.isInteger(aws.Timestamp), 'Timestamp: an integer').toBe(true);
  // Milliseconds since the epoch (not seconds, not an ISO string): within a minute of now.
  expect(Math.abs((aws.Timestamp as number) - Date.now())).toBeLessThan(60_000);
  expect(Array.isArray(aws.CloudWatchMetrics) && aws.CloudWatchMetrics.length).toBeGreaterThan(0);
  const metrics: string[] = [];
  const dimensions: string[] = [];
  for (const directive of aws.CloudWatchMetrics) {
    expect(directive.Namespace).toBe('SiriusGateway');
    expect(directive.Namespace).toMatch(/^[\w.\-/#:]{1,255}$/);
    expect(directive.Dimensions.length).toBeGreaterThan(0);
    for (const set of directive.Dimensions) {
      expect(set.length).toBeGreaterThan(0);
      expect(set.length).toBeLessThanOrEqual(30);
      for (const name of set) {
        expect(typeof line[name], `dimension ${name}: a top-level string`).toBe('string');
        expect((line[name] as string).length).toBeGreaterThan(0);
        expect((line[name] as string).length).toBeLessThanOrEqual(1024);
        dimensions.push(name);
      }
    }
    expect(directive.Metrics.length).toBeGreaterThan(0);
    expect(directive.Metrics.length).toBeLessThanOrEqual(100);
    for (const { Name, Unit } of directive.Metrics) {
      expect(typeof line[Name], `metric ${Name}: a top-level number`).toBe('number');
      expect(Number.isFinite(line[Name])).toBe(true);
      if (Unit !== undefined) expect(UNITS.has(Unit), `unit ${Unit}`).toBe(true);
      metrics.push(Name);
    }
  }
  return { line, metrics, dimensions };
}
