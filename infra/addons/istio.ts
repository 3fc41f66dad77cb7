import type { IEnvoyFilter } from "@kubernetes-models/istio/networking.istio.io/v1alpha3/EnvoyFilter";
import type { IPeerAuthentication } from "@kubernetes-models/istio/security.istio.io/v1/PeerAuthentication";
import type { ITelemetry } from "@kubernetes-models/istio/telemetry.istio.io/v1/Telemetry";
import type * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { customResource } from "./custom-resource.ts";
import { type ChartSource, helmRelease, podSecurityNamespace, THIRD_PARTY } from "./helm.ts";

const ISTIO_CHARTS = "https://istio-release.storage.googleapis.com/charts";
export const ISTIO_VERSION = "1.29.2";
export const ISTIO_NAMESPACE = "istio-system";
export const GATEWAY_NAMESPACE = "istio-ingress";
/** Release name of the gateway chart: its pods' `istio` label and its service account. */
const GATEWAY_RELEASE = "istio-ingressgateway";
/** The gateway Service's HTTP port (the `api` Gateway's server) and its pods' readiness endpoint (the chart's defaults). */
const GATEWAY_HTTP_PORT = 80;
const GATEWAY_STATUS_PORT = 15021;

const OTEL_PROVIDER = "otel";
/** istiod's xDS and certificate port: every sidecar dials it. */
const ISTIOD_XDS_PORT = 15012;

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
 * and still pass the namespace's restricted Pod Security level), istiod, the ingress gateway (the
 * API's only entry, behind the ALB of addons/edge.ts), and mesh-wide strict mTLS.
 */
export class Istio extends pulumi.ComponentResource {
  /** Install this before any Istio custom resource: it carries the CRDs. */
  readonly base: k8s.helm.v3.Release;
  readonly istiod: k8s.helm.v3.Release;
  /**
   * What must run before any pod is created in a namespace labelled `istio-injection: enabled`:
   * istiod's injection webhook (else pods start without a sidecar, or are refused while the
   * webhook has no istiod behind it) and the CNI agent that redirects their traffic.
   */
  readonly sidecarInjection: pulumi.Resource[];
  readonly gateway: k8s.helm.v3.Release;
  /** The gateway chart's Service (ClusterIP): what the ALB sends requests to, and how it checks the pods. */
  readonly gatewayService = { service: GATEWAY_RELEASE, namespace: GATEWAY_NAMESPACE, port: GATEWAY_HTTP_PORT, healthPort: GATEWAY_STATUS_PORT, healthPath: "/healthz/ready" };
  /** Pod labels of the ingress gateway, for Gateway and EnvoyFilter selectors. */
  readonly gatewaySelector = { istio: "ingressgateway" };
  /** The gateway's SPIFFE identity, for authorization policies. */
  readonly gatewayPrincipal = `cluster.local/ns/${GATEWAY_NAMESPACE}/sa/${GATEWAY_RELEASE}`;
  /** What every sidecar must be able to reach (for the application's NetworkPolicies). */
  readonly egress = { namespace: ISTIO_NAMESPACE, ports: [ISTIOD_XDS_PORT] };

  constructor(name: string, args: IstioArgs, opts?: pulumi.ComponentResourceOptions) {
    super("mlts:addons:Istio", name, {}, opts);
    const childOpts = { parent: this, provider: args.provider };

    const system = podSecurityNamespace(ISTIO_NAMESPACE, { level: "privileged", reason: "the Istio CNI agent rewrites each node's pod networking: privileged, host network" }, childOpts);
    const ingress = podSecurityNamespace(GATEWAY_NAMESPACE, THIRD_PARTY, childOpts);
    this.base = helmRelease("istio-base", chart("base"), { defaultRevision: "default" }, { ...childOpts, dependsOn: [system] });
    const afterBase = { ...childOpts, dependsOn: [this.base] };
    // The chart's default profile; it ships no `default` profile file, and naming one fails its template.
    const cni = helmRelease("istio-cni", chart("cni"), {}, afterBase);
    this.istiod = helmRelease("istiod", chart("istiod"), {
      // Native sidecars (Kubernetes ≥ 1.29): a Job's pod, such as blue/green's smoke test, completes
      // with its sidecar. Istio only turns them on by itself once it has read every node's version.
      pilot: { cni: { enabled: true }, env: { ENABLE_NATIVE_SIDECARS: "true" } },
      meshConfig: {
        defaultConfig: {
          // Apps start only once their sidecar is ready, so their first Redis/Postgres calls succeed.
          holdApplicationUntilProxyStarts: true,
          // The ALB appends the client's address to X-Forwarded-For: the gateway trusts that one hop
          // (and appends none of its own, see below), so the per-client rate-limit key and the last
          // hop the API reads (TRUST_PROXY) are the real client.
          gatewayTopology: { numTrustedProxies: 1 },
        },
        outboundTrafficPolicy: { mode: "ALLOW_ANY" }, // RDS and ElastiCache are outside the mesh
        extensionProviders: [{ name: OTEL_PROVIDER, opentelemetry: { service: args.otlpGrpcHost, port: args.otlpGrpcPort } }],
      },
    }, { ...childOpts, dependsOn: [this.base, cni] });

    this.sidecarInjection = [cni, this.istiod];

    this.gateway = helmRelease(GATEWAY_RELEASE, chart("gateway", GATEWAY_NAMESPACE), {
      labels: this.gatewaySelector,
      // Inside the cluster only: the ALB reaches the pods directly (IP targets).
      service: { type: "ClusterIP" },
      autoscaling: { minReplicas: 2 },
      podDisruptionBudget: { minAvailable: 1 },
    }, { ...childOpts, dependsOn: [this.istiod, ingress] });

    // Envoy appends the address it sees (the ALB's) to X-Forwarded-For by default: keep the
    // header ending with the client's address, as the ALB wrote it.
    const keepClientAddress: IEnvoyFilter = {
      apiVersion: "networking.istio.io/v1alpha3",
      kind: "EnvoyFilter",
      metadata: { name: "gateway-client-address", namespace: GATEWAY_NAMESPACE },
      spec: {
        workloadSelector: { labels: this.gatewaySelector },
        configPatches: [{
          applyTo: "NETWORK_FILTER",
          match: { context: "GATEWAY", listener: { filterChain: { filter: { name: "envoy.filters.network.http_connection_manager" } } } },
          patch: {
            operation: "MERGE",
            value: { typed_config: { "@type": "type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager", skip_xff_append: true } },
          },
        }],
      },
    };
    customResource(`${name}-client-address`, keepClientAddress, { ...childOpts, dependsOn: [this.gateway] });

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
