// OpenTelemetry tracing, configured by the standard OTEL_* variables and off unless they ask for
// it: OTEL_TRACES_EXPORTER=otlp|console, or an OTLP endpoint (OTEL_EXPORTER_OTLP_ENDPOINT or
// OTEL_EXPORTER_OTLP_TRACES_ENDPOINT) with no exporter named. OTEL_SDK_DISABLED=true turns it off.
// The OTLP exporter reads its own OTEL_EXPORTER_OTLP_* settings (headers, timeout, protocol
// http/protobuf); OTEL_SERVICE_NAME and OTEL_RESOURCE_ATTRIBUTES name the resource.
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { Resource, envDetectorSync } from '@opentelemetry/resources';
import {
  BatchSpanProcessor,
  ConsoleSpanExporter,
  type SpanExporter,
  type SpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';

export interface Tracing {
  /** What the Temporal workflow span exporter (a worker sink) hands finished spans to. */
  spanProcessor: SpanProcessor;
  resource: Resource;
  /** Flushes spans still buffered, then stops. */
  shutdown(): Promise<void>;
}

/** The span exporter the environment asks for, or undefined when tracing is off. */
export function spanExporterFromEnv(env: NodeJS.ProcessEnv): SpanExporter | undefined {
  if ((env.OTEL_SDK_DISABLED ?? '').toLowerCase() === 'true') return undefined;
  const named = (env.OTEL_TRACES_EXPORTER ?? '')
    .split(',')
    .map((name) => name.trim().toLowerCase())
    .filter((name) => name !== '');
  if (named.length === 0) {
    return env.OTEL_EXPORTER_OTLP_ENDPOINT || env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT
      ? new OTLPTraceExporter()
      : undefined;
  }
  if (named.includes('none')) return undefined;
  const [first] = named;
  if (named.length > 1 || (first !== 'otlp' && first !== 'console')) {
    throw new Error(
      `OTEL_TRACES_EXPORTER ${JSON.stringify(env.OTEL_TRACES_EXPORTER)}: expected one of otlp, console, none`,
    );
  }
  return first === 'console' ? new ConsoleSpanExporter() : new OTLPTraceExporter();
}

/**
 * Registers a global tracer provider for this process that hands spans to `spanProcessor`.
 * The tracers of our code and of the Temporal interceptors come from it.
 */
export function startTracing(serviceName: string, spanProcessor: SpanProcessor): Tracing {
  const resource = new Resource({ 'service.name': serviceName }).merge(envDetectorSync.detect());
  const provider = new NodeTracerProvider({ resource, spanProcessors: [spanProcessor] });
  provider.register();
  return { spanProcessor, resource, shutdown: () => provider.shutdown() };
}

/** Tracing as the environment configures it, or undefined when it is off. */
export function startTracingFromEnv(serviceName: string, env: NodeJS.ProcessEnv): Tracing | undefined {
  const exporter = spanExporterFromEnv(env);
  return exporter ? startTracing(serviceName, new BatchSpanProcessor(exporter)) : undefined;
}
