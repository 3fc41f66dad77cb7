// OpenTelemetry traces, only when OTEL_EXPORTER_OTLP_ENDPOINT is set. Otherwise nothing here is
// even imported: no SDK, no exporter, no per-request cost.
import type { Telemetry } from "bullmq";

export interface Tracing {
  /** For BullMQ Queues and Workers: spans for add, process and complete, linked across services. */
  telemetry: Telemetry;
  shutdown(): Promise<void>;
}

export async function startTracing(serviceName: string, endpoint: string | undefined): Promise<Tracing | undefined> {
  if (!endpoint) return undefined;
  const [{ NodeSDK }, { OTLPTraceExporter }, { BatchSpanProcessor }, { BullMQOtel }] = await Promise.all([
    import("@opentelemetry/sdk-node"),
    import("@opentelemetry/exporter-trace-otlp-proto"),
    import("@opentelemetry/sdk-trace-base"),
    import("bullmq-otel"),
  ]);
  const exporter = new OTLPTraceExporter({ url: new URL("/v1/traces", endpoint).toString() });
  const sdk = new NodeSDK({ serviceName, spanProcessors: [new BatchSpanProcessor(exporter)] });
  sdk.start();
  return { telemetry: new BullMQOtel({ tracerName: serviceName }), shutdown: () => sdk.shutdown() };
}
