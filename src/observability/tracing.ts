import { context, propagation, trace, SpanKind, SpanStatusCode, type Attributes, type Span } from '@opentelemetry/api';
import type { Logger } from '../logger';

// OpenTelemetry spans for a request, its loader fan-out, cache reads and writes and Sirius calls.
// The code always calls the OpenTelemetry API; until `startTracing` registers a provider (only when
// an OTLP endpoint is configured) that API is a no-op, so nothing is recorded or exported.
// Span attributes name operations and outcomes only: never an LPA's contents or a token.

/** The gateway's tracer: a proxy that starts recording once a provider is registered. */
export const tracer = trace.getTracer('sirius-gateway');

export interface TracingOptions {
  /** OTLP/HTTP traces URL, e.g. http://localhost:4318/v1/traces (an ADOT or X-Ray collector). */
  endpoint: string;
  serviceName: string;
}

export interface Tracing {
  /** Export what is buffered now (Lambda: before the instance is frozen). */
  flush(): Promise<void>;
  shutdown(): Promise<void>;
}

/**
 * Registers the global tracer provider, W3C trace-context propagation and async context. The
 * OpenTelemetry SDK and exporter (tracing-sdk.ts) are loaded only then: a gateway without an OTLP
 * endpoint never evaluates them (a Lambda's cold start, issue 17).
 */
export async function startTracing(options: TracingOptions, logger: Logger): Promise<Tracing> {
  const { startTracingSdk } = await import('./tracing-sdk');
  return startTracingSdk(options, logger);
}

/**
 * Runs `work` in a new active span that ends when it settles; a thrown error marks the span as
 * failed with the error's type only (messages can quote upstream answers).
 */
export function inSpan<T>(name: string, kind: SpanKind, attributes: Attributes, work: (span: Span) => Promise<T>): Promise<T> {
  return tracer.startActiveSpan(name, { kind, attributes }, async (span) => {
    try {
      return await work(span);
    } catch (error) {
      span.setStatus({ code: SpanStatusCode.ERROR });
      span.setAttribute('error.type', error instanceof Error ? error.name : 'unknown');
      throw error;
    } finally {
      span.end();
    }
  });
}

/** The caller's trace context (`traceparent`, `tracestate`) from incoming headers. */
export function contextFromHeaders(headers: Record<string, string>) {
  return propagation.extract(context.active(), headers);
}

/** Adds the active span's trace context to outgoing headers so Sirius's traces join ours. */
export function withTraceHeaders(headers: Record<string, string>): Record<string, string> {
  propagation.inject(context.active(), headers);
  return headers;
}

export { SpanKind, SpanStatusCode, context, type Span };
