// What the worker exposes to ops: one Prometheus endpoint with ours and the Temporal SDK's
// metrics, the health probes beside it, and OpenTelemetry tracing through Temporal's interceptors.
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import * as otel from '@opentelemetry/api';
import { NoopSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { Resource } from '@opentelemetry/resources';
import {
  OpenTelemetryActivityInboundInterceptor,
  OpenTelemetryActivityOutboundInterceptor,
  makeWorkflowExporter,
} from '@temporalio/interceptors-opentelemetry';
import type { WorkerOptions } from '@temporalio/worker';
import type { Tracing } from '@log-exporter/telemetry';

/** A free loopback port for the SDK's own Prometheus endpoint (read by ours, never exposed). */
export async function freeLoopbackPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** Modules with the workflow-side interceptors: bundled with the workflows (tools/build). */
export function workflowInterceptorModules(): string[] {
  return [require.resolve('@log-exporter/workflows/src/interceptors')];
}

/**
 * Interceptors and the span sink of the worker. Always installed, so the workflow code (and its
 * recorded histories) are the same whether tracing is on or off; off, spans go nowhere. The
 * workflow-side interceptors travel inside the workflow bundle: `bundled` says the worker loads a
 * prebuilt one (production), else they are added to what it bundles at start (from source).
 */
export function tracingWorkerOptions(
  tracing: Tracing | undefined,
  bundled: boolean,
): Pick<WorkerOptions, 'interceptors' | 'sinks'> {
  const tracer = otel.trace.getTracer('log-exporter-worker');
  return {
    interceptors: {
      // Resolved only from source: the .ts module is not there beside a production build.
      workflowModules: bundled ? [] : workflowInterceptorModules(),
      activity: [
        (ctx) => ({
          inbound: new OpenTelemetryActivityInboundInterceptor(ctx, { tracer }),
          outbound: new OpenTelemetryActivityOutboundInterceptor(ctx),
        }),
      ],
    },
    sinks: {
      exporter: makeWorkflowExporter(
        tracing?.spanProcessor ?? new NoopSpanProcessor(),
        tracing?.resource ?? Resource.empty(),
      ),
    },
  };
}
