import { ConsoleSpanExporter } from '@opentelemetry/sdk-trace-base';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { Registry } from 'prom-client';
import { METRIC_NAMES, checkReadiness, createExportMetrics, spanExporterFromEnv, startTelemetryServer } from '../src';

describe('checkReadiness', () => {
  it('passes when every check passes, and names the one that failed or did not answer in time', async () => {
    expect(await checkReadiness({ database: async () => 'sqlite answers' })).toEqual({
      ok: true,
      database: { ok: true, message: 'sqlite answers' },
    });
    const result = await checkReadiness(
      {
        database: async () => {
          throw new Error('connection refused');
        },
        temporal: () => new Promise<void>(() => undefined),
      },
      50,
    );
    expect(result).toEqual({
      ok: false,
      database: { ok: false, message: 'database: connection refused' },
      temporal: { ok: false, message: 'temporal: no answer within 50 ms' },
    });
  });
});

describe('spanExporterFromEnv', () => {
  it('is off unless the OTEL_* variables ask for it', () => {
    expect(spanExporterFromEnv({})).toBeUndefined();
    expect(
      spanExporterFromEnv({ OTEL_TRACES_EXPORTER: 'none', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://x:4318' }),
    ).toBeUndefined();
    expect(spanExporterFromEnv({ OTEL_SDK_DISABLED: 'true', OTEL_TRACES_EXPORTER: 'otlp' })).toBeUndefined();
    expect(spanExporterFromEnv({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318' })).toBeInstanceOf(
      OTLPTraceExporter,
    );
    expect(spanExporterFromEnv({ OTEL_TRACES_EXPORTER: 'console' })).toBeInstanceOf(ConsoleSpanExporter);
    expect(() => spanExporterFromEnv({ OTEL_TRACES_EXPORTER: 'jaeger' })).toThrow(
      'OTEL_TRACES_EXPORTER "jaeger": expected one of otlp, console, none',
    );
  });
});

describe('the telemetry server', () => {
  it('serves our metrics with the appended endpoint, and probes with 200 / 503', async () => {
    const registry = new Registry();
    const metrics = createExportMetrics(registry);
    metrics.partUploaded({ logType: 'client', format: 'json-ts' }, { records: 10, bytes: 400, seconds: 0.2 });
    metrics.undeliveredRecords('exp_1', { logType: 'audit', format: 'csv' }, 7);
    metrics.undeliveredRecords('exp_2', { logType: 'audit', format: 'csv' }, 5);
    metrics.undeliveredRecords('exp_2', { logType: 'audit', format: 'csv' }, 0);
    let databaseUp = true;
    const sdk = await startTelemetryServer({ host: '127.0.0.1', port: 0, registry: new Registry(), readiness: {} });
    const server = await startTelemetryServer({
      host: '127.0.0.1',
      port: 0,
      registry,
      appendMetricsFrom: `${sdk.url}/livez`,
      readiness: {
        database: async () => {
          if (!databaseUp) throw new Error('down');
        },
      },
    });
    try {
      const text = await (await fetch(`${server.url}/metrics`)).text();
      expect(text).toContain(`${METRIC_NAMES.recordsExported}{log_type="client",format="json-ts"} 10`);
      expect(text).toContain(`${METRIC_NAMES.bytesExported}{log_type="client",format="json-ts"} 400`);
      expect(text).toContain(`${METRIC_NAMES.undelivered}{log_type="audit",format="csv"} 7`);
      expect(text.trimEnd().endsWith('{"ok":true}')).toBe(true);
      expect((await fetch(`${server.url}/readyz`)).status).toBe(200);
      databaseUp = false;
      expect((await fetch(`${server.url}/readyz`)).status).toBe(503);
      expect((await fetch(`${server.url}/healthz`)).status).toBe(503);
      expect((await fetch(`${server.url}/livez`)).status).toBe(200);
    } finally {
      await server.close();
      await sdk.close();
    }
  });
});
