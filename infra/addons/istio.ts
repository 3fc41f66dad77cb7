import type { IPeerAuthentication } from "@kubernetes-models/istio/security.istio.io/v1/PeerAuthentication";
import type { ITelemetry } from "@kubernetes-models/istio/telemetry.istio.io/v1/Telemetry";
import type * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { customResource } from "./custom-resource.ts";
import { type ChartSource, helmRelease } from "./helm.ts";

const ISTIO_CHARTS = "https://istio-release.storage.googleapis.com/charts";
export const ISTIO_VERSION = "1.29.2";
export const ISTIO_NAMESPACE = "istio-system";
export const GATEWAY_NAMESPACE = "istio-ingress";
/** Release name of the gateway chart: its pods' `istio` label and its service account. */
const GATEWAY_RELEASE = "istio-ingressgateway";

const OTEL_PROVIDER = "otel";

const chart = (name: string, namespace = ISTIO_NAMESPACE): ChartSource => ({ chart: name, repository: ISTIO_CHARTS, version: ISTIO_VERSION, namespace });

export interface IstioArgs {
  provider: k8s.Provider;
  /** Where spans go when Istio's tracing is on: the OpenTelemetry collector's OTLP gRPC address. */
  otlpGrpcHost: string;
  otlpGrpcPort: number;
  tracingSamplingPercent: number;
}

/**
 * The Istio mesh: CRDs (base), the CNI node agent (so injected pods need no NET_ADMIN init container
 * and still pass the namespace's restricted Pod Security level), istiod, an ingress gateway behind an
 * NLB, and mesh-wide strict mTLS.
 */
export class Istio extends pulumi.ComponentResource {
  /** Install this before any Istio custom resource: it carries the CRDs. */
  readonly base: k8s.helm.v3.Release;
  readonly istiod: k8s.helm.v3.Release;
  readonly gateway: k8s.helm.v3.Release;
  /** Pod labels of the ingress gateway, for Gateway and EnvoyFilter selectors. */
  readonly gatewaySelector = { istio: "ingressgateway" };
  /** The gateway's SPIFFE identity, for authorization policies. */
  readonly gatewayPrincipal = `cluster.local/ns/${GATEWAY_NAMESPACE}/sa/${GATEWAY_RELEASE}`;

  constructor(name: string, args: IstioArgs, opts?: pulumi.ComponentResourceOptions) {
    super("mlts:addons:Istio", name, {}, opts);
    const childOpts = { parent: this, provider: args.provider };

    this.base = helmRelease("istio-base", chart("base"), { defaultRevision: "default" }, childOpts);
    const afterBase = { ...childOpts, dependsOn: [this.base] };
    const cni = helmRelease("istio-cni", chart("cni"), { profile: "default" }, afterBase);
    this.istiod = helmRelease("istiod", chart("istiod"), {
      pilot: { cni: { enabled: true } },
      meshConfig: {
        // Apps start only once their sidecar is ready, so their first Redis/Postgres calls succeed.
        defaultConfig: { holdApplicationUntilProxyStarts: true },
        outboundTrafficPolicy: { mode: "ALLOW_ANY" }, // RDS and ElastiCache are outside the mesh
        extensionProviders: [{ name: OTEL_PROVIDER, opentelemetry: { service: args.otlpGrpcHost, port: args.otlpGrpcPort } }],
      },
    }, { ...childOpts, dependsOn: [this.base, cni] });

    this.gateway = helmRelease(GATEWAY_RELEASE, chart("gateway", GATEWAY_NAMESPACE), {
      labels: this.gatewaySelector,
      service: {
        type: "LoadBalancer",
        annotations: {
          // NLB with pod IP targets that keeps the client address: per-IP rate limits need it.
          "service.beta.kubernetes.io/aws-load-balancer-type": "external",
          "service.beta.kubernetes.io/aws-load-balancer-nlb-target-type": "ip",
          "service.beta.kubernetes.io/aws-load-balancer-scheme": "internet-facing",
          "service.beta.kubernetes.io/aws-load-balancer-target-group-attributes": "preserve_client_ip.enabled=true",
        },
      },
      autoscaling: { minReplicas: 2 },
      podDisruptionBudget: { minAvailable: 1 },
    }, { ...childOpts, dependsOn: [this.istiod] });

    const strictMtls: IPeerAuthentication = {
      apiVersion: "security.istio.io/v1",
      kind: "PeerAuthentication",
      // In the root namespace it applies to every workload in the mesh.
      metadata: { name: "default", namespace: ISTIO_NAMESPACE },
      spec: { mtls: { mode: "STRICT" } },
    };
    customResource(`${name}-strict-mtls`, strictMtls, { ...childOpts, dependsOn: [this.istiod] });

    const tracing: ITelemetry = {
      apiVersion: "telemetry.istio.io/v1",
      kind: "Telemetry",
      metadata: { name: "mesh-default", namespace: ISTIO_NAMESPACE },
      // Sampled at the edge; the services' own spans join the trace through the propagated headers.
      spec: { tracing: [{ providers: [{ name: OTEL_PROVIDER }], randomSamplingPercentage: args.tracingSamplingPercent }] },
    };
    customResource(`${name}-tracing`, tracing, { ...childOpts, dependsOn: [this.istiod] });

    this.registerOutputs({});
  }
}
