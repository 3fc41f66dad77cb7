// OpenTelemetry traces, only when OTEL_EXPORTER_OTLP_ENDPOINT is set. Otherwise nothing here is
// even imported: no SDK, no exporter, no per-request cost.
import type { ReadableSpan, SpanExporter } from "@opentelemetry/sdk-trace-base";
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
  const exporter = redacting(new OTLPTraceExporter({ url: new URL("/v1/traces", endpoint).toString() }));
  const sdk = new NodeSDK({ serviceName, spanProcessors: [new BatchSpanProcessor(exporter)] });
  sdk.start();
  return { telemetry: new BullMQOtel({ tracerName: serviceName }), shutdown: () => sdk.shutdown() };
}

/**
 * Attributes that can hold a credential or a user's data: Elysia's OpenTelemetry plugin copies
 * every request header (Authorization), the cookies and both bodies (passwords, tokens, model
 * inputs) into the request's span, and has no option not to. They never leave the process.
 */
const SENSITIVE_ATTRIBUTE = /^http\.request\.(header\..+|cookie|body)$|^http\.response\.body$/;

function redacting(exporter: SpanExporter): SpanExporter {
  return {
    export: (spans, done) => exporter.export(spans.map(withoutSensitiveAttributes), done),
    shutdown: () => exporter.shutdown(),
    forceFlush: () => exporter.forceFlush?.() ?? Promise.resolve(),
  };
}

function withoutSensitiveAttributes(span: ReadableSpan): ReadableSpan {
  const attributes = Object.fromEntries(Object.entries(span.attributes).filter(([key]) => !SENSITIVE_ATTRIBUTE.test(key)));
  if (Object.keys(attributes).length === Object.keys(span.attributes).length) return span;
  // The span with its attributes shadowed: everything else (spanContext(), timings) is the original's.
  return Object.create(span, { attributes: { value: attributes } }) as ReadableSpan;
}
