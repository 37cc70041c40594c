import { context, INVALID_SPAN_CONTEXT, propagation, trace, ProxyTracerProvider, SpanKind, SpanStatusCode, type Attributes, type Span } from '@opentelemetry/api';
import type { Logger } from '../logger';
import type { Tracing, TracingOptions } from './tracing-sdk';

export type { Tracing, TracingOptions };

// OpenTelemetry spans for a request, its loader fan-out, cache reads and writes and Sirius calls.
// The code always calls the OpenTelemetry API; until `startTracing` registers a provider (only when
// an OTLP endpoint is configured) that API is a no-op, so nothing is recorded or exported.
// Span attributes name operations and outcomes only: never an LPA's contents or a token.

/** The gateway's tracer: a proxy that starts recording once a provider is registered. */
const TRACER_NAME = 'sirius-gateway';
export const tracer = trace.getTracer(TRACER_NAME);

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
 * Whether any tracer provider is registered (ours from startTracing, or a Lambda layer's). Until
 * one is, every span is the API's no-op: the hot path then skips the span and context machinery
 * altogether (a measurable share of a cache hit's CPU, issue 17), recording the same nothing.
 * Asked on each call, so a provider registered later is used at once.
 */
export function recording(): boolean {
  const provider = trace.getTracerProvider();
  return !(provider instanceof ProxyTracerProvider) || provider.getDelegateTracer(TRACER_NAME) !== undefined;
}

/** What `work` is handed while nothing records: the API's own no-op span. */
const NOT_RECORDED = trace.wrapSpanContext(INVALID_SPAN_CONTEXT);

/** `work` without a span, settling as it would inside one (a synchronous throw becomes a rejection). */
function unrecorded<T>(work: (span: Span) => Promise<T>): Promise<T> {
  try {
    return work(NOT_RECORDED);
  } catch (error) {
    return Promise.reject(error);
  }
}

/**
 * Runs `work` in a new active span that ends when it settles; a thrown error marks the span as
 * failed with the error's type only (messages can quote upstream answers).
 */
export function inSpan<T>(name: string, kind: SpanKind, attributes: Attributes, work: (span: Span) => Promise<T>): Promise<T> {
  if (!recording()) return unrecorded(work);
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

/**
 * Runs a request's `work` in its server span, a child of the caller's trace when the headers carry
 * one (`traceparent`, `tracestate`).
 */
export function inRequestSpan<T>(headers: Record<string, string>, name: string, attributes: Attributes, work: (span: Span) => Promise<T>): Promise<T> {
  if (!recording()) return unrecorded(work);
  return context.with(propagation.extract(context.active(), headers), () => inSpan(name, SpanKind.SERVER, attributes, work));
}

/** Adds the active span's trace context to outgoing headers so Sirius's traces join ours. */
export function withTraceHeaders(headers: Record<string, string>): Record<string, string> {
  propagation.inject(context.active(), headers);
  return headers;
}

export { SpanKind, SpanStatusCode, context, type Span };
