import type * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { type ChartSource, helmRelease, podSecurityNamespace, THIRD_PARTY } from "./helm.ts";

export const TRACING_NAMESPACE = "observability";

export const OTEL_COLLECTOR_CHART: ChartSource = {
  chart: "opentelemetry-collector",
  repository: "https://open-telemetry.github.io/opentelemetry-helm-charts",
  version: "0.170.0",
  namespace: TRACING_NAMESPACE,
};

/** Jaeger v2 all-in-one (chart 4.x): OTLP in on its `<fullname>-collector` Service, the UI on `<fullname>-query`. */
export const JAEGER_CHART: ChartSource = {
  chart: "jaeger",
  repository: "https://jaegertracing.github.io/helm-charts",
  version: "4.1.0",
  namespace: TRACING_NAMESPACE,
};

export const OTLP_GRPC_PORT = 4317;
export const OTLP_HTTP_PORT = 4318;
const COLLECTOR = "otel-collector";
const JAEGER = "jaeger";
/** Where the collector sends spans: the chart names its OTLP Service after the release, not `jaeger`. */
const JAEGER_OTLP = `${JAEGER}-collector.${TRACING_NAMESPACE}.svc.cluster.local:${OTLP_GRPC_PORT}`;
const COLLECTOR_HOST = `${COLLECTOR}.${TRACING_NAMESPACE}.svc.cluster.local`;

/** The services' OTEL_EXPORTER_OTLP_ENDPOINT (OTLP over HTTP): fixed, so the application can be given it up front. */
export const OTLP_HTTP_ENDPOINT = `http://${COLLECTOR_HOST}:${OTLP_HTTP_PORT}`;

export interface TracingArgs {
  provider: k8s.Provider;
}

/**
 * Distributed tracing: an OpenTelemetry collector receiving OTLP from the services and the mesh,
 * batching and forwarding to Jaeger. The services export spans only when OTEL_EXPORTER_OTLP_ENDPOINT
 * is set: give them OTLP_HTTP_ENDPOINT.
 */
export class Tracing extends pulumi.ComponentResource {
  readonly otlpHttpEndpoint = OTLP_HTTP_ENDPOINT;
  /** For Istio's OpenTelemetry tracing provider (OTLP over gRPC). */
  readonly otlpGrpcHost = COLLECTOR_HOST;
  /** What the services and sidecars send spans to (for the application's NetworkPolicies). */
  readonly egress = { namespace: TRACING_NAMESPACE, ports: [OTLP_GRPC_PORT, OTLP_HTTP_PORT] };

  constructor(name: string, args: TracingArgs, opts?: pulumi.ComponentResourceOptions) {
    super("mlts:addons:Tracing", name, {}, opts);
    const childOpts = { parent: this, provider: args.provider };

    const namespace = podSecurityNamespace(TRACING_NAMESPACE, THIRD_PARTY, childOpts);
    const inNamespace = { ...childOpts, dependsOn: [namespace] };
    const jaeger = helmRelease(JAEGER, JAEGER_CHART, { fullnameOverride: JAEGER }, inNamespace);
    helmRelease(COLLECTOR, OTEL_COLLECTOR_CHART, {
      fullnameOverride: COLLECTOR,
      mode: "deployment",
      replicaCount: 2,
      image: { repository: "otel/opentelemetry-collector-k8s" },
      config: {
        receivers: { otlp: { protocols: { grpc: { endpoint: `0.0.0.0:${OTLP_GRPC_PORT}` }, http: { endpoint: `0.0.0.0:${OTLP_HTTP_PORT}` } } } },
        processors: { batch: {}, memory_limiter: { check_interval: "1s", limit_percentage: 80, spike_limit_percentage: 25 } },
        exporters: { "otlp/jaeger": { endpoint: JAEGER_OTLP, tls: { insecure: true } } },
        service: {
          pipelines: {
            traces: { receivers: ["otlp"], processors: ["memory_limiter", "batch"], exporters: ["otlp/jaeger"] },
            // The chart's default metrics and logs pipelines point at receivers configured away here.
            metrics: null,
            logs: null,
          },
        },
      },
    }, { ...childOpts, dependsOn: [jaeger] });

    this.registerOutputs({ otlpHttpEndpoint: this.otlpHttpEndpoint });
  }
}
