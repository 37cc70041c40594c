// The OpenTelemetry SDK side of tracing.ts, loaded (dynamically) only when an OTLP endpoint is
// configured: the API the code calls is a no-op until startTracing registers this provider.
import { context, propagation, trace } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor, NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import type { Logger } from '../logger';

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

/** Registers the global tracer provider, W3C trace-context propagation and async context. */
export function startTracingSdk(options: TracingOptions, logger: Logger): Tracing {
  const provider = new NodeTracerProvider({
    resource: resourceFromAttributes({ 'service.name': options.serviceName }),
    spanProcessors: [new BatchSpanProcessor(new OTLPTraceExporter({ url: options.endpoint }))],
  });
  provider.register();
  logger.info({ endpoint: options.endpoint }, 'exporting traces over OTLP/HTTP');
  return {
    flush: () => provider.forceFlush().catch((error: unknown) => logger.warn({ err: error }, 'traces not exported')),
    async shutdown() {
      await provider.shutdown().catch((error: unknown) => logger.warn({ err: error }, 'traces not exported'));
      trace.disable();
      context.disable();
      propagation.disable();
    },
  };
}
