import type { IPeerAuthentication } from "@kubernetes-models/istio/security.istio.io/v1/PeerAuthentication";
import type { ITelemetry } from "@kubernetes-models/istio/telemetry.istio.io/v1/Telemetry";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { customResource } from "./custom-resource.ts";
import { type ChartSource, helmRelease } from "./helm.ts";

const ISTIO_CHARTS = "https://istio-release.storage.googleapis.com/charts";
export const ISTIO_VERSION = "1.29.2";
export const ISTIO_NAMESPACE = "istio-system";
export const GATEWAY_NAMESPACE = "istio-ingress";
/** Release name of the gateway chart: its pods' `istio` label and its service account. */
const GATEWAY_RELEASE = "istio-ingressgateway";
/** The gateway's HTTP listener (the `api` Gateway's server); its pods bind it unprivileged. */
const GATEWAY_HTTP_PORT = 80;

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
  /** Who may reach the gateway's load balancer: the source ranges of its Service. */
  allowedCidrs: string[];
}

/**
 * The Istio mesh: CRDs (base), the CNI node agent (so injected pods need no NET_ADMIN init container
 * and still pass the namespace's restricted Pod Security level), istiod, the ingress gateway behind
 * an internet-facing NLB (the API's only entry), and mesh-wide strict mTLS.
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
  /** `http://<NLB hostname>`: where clients reach the API. */
  readonly gatewayUrl: pulumi.Output<string>;
  /** Pod labels of the ingress gateway, for Gateway and EnvoyFilter selectors. */
  readonly gatewaySelector = { istio: "ingressgateway" };
  /** The gateway's SPIFFE identity, for authorization policies. */
  readonly gatewayPrincipal = `cluster.local/ns/${GATEWAY_NAMESPACE}/sa/${GATEWAY_RELEASE}`;
  /** What every sidecar must be able to reach (for the application's NetworkPolicies). */
  readonly egress = { namespace: ISTIO_NAMESPACE, ports: [ISTIOD_XDS_PORT] };

  constructor(name: string, args: IstioArgs, opts?: pulumi.ComponentResourceOptions) {
    super("mlts:addons:Istio", name, {}, opts);
    const childOpts = { parent: this, provider: args.provider };

    this.base = helmRelease("istio-base", chart("base"), { defaultRevision: "default" }, childOpts);
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
          // The NLB passes TCP through with the client's own address (see the gateway Service), so
          // the gateway trusts no X-Forwarded-For from outside and appends that address: the last
          // hop the API sees (TRUST_PROXY) and the per-client rate-limit key are the real client.
          gatewayTopology: { numTrustedProxies: 0 },
        },
        outboundTrafficPolicy: { mode: "ALLOW_ANY" }, // RDS and ElastiCache are outside the mesh
        extensionProviders: [{ name: OTEL_PROVIDER, opentelemetry: { service: args.otlpGrpcHost, port: args.otlpGrpcPort } }],
      },
    }, { ...childOpts, dependsOn: [this.base, cni] });

    this.sidecarInjection = [cni, this.istiod];

    this.gateway = helmRelease(GATEWAY_RELEASE, chart("gateway", GATEWAY_NAMESPACE), {
      labels: this.gatewaySelector,
      // The program owns the Service (below): typed, checked, and its address is the stack's apiUrl.
      service: { type: "None" },
      autoscaling: { minReplicas: 2 },
      podDisruptionBudget: { minAvailable: 1 },
    }, { ...childOpts, dependsOn: [this.istiod] });

    const gatewayService = new k8s.core.v1.Service(`${name}-gateway`, {
      metadata: {
        name: GATEWAY_RELEASE,
        namespace: GATEWAY_NAMESPACE,
        labels: this.gatewaySelector,
        // An internet-facing NLB from EKS's own cloud controller (no load balancer controller to
        // install), instance targets in the public subnets tagged kubernetes.io/role/elb.
        annotations: { "service.beta.kubernetes.io/aws-load-balancer-type": "nlb" },
      },
      spec: {
        type: "LoadBalancer",
        selector: this.gatewaySelector,
        ports: [{ name: "http2", port: 80, targetPort: GATEWAY_HTTP_PORT, protocol: "TCP" }],
        // Only nodes running a gateway pod take traffic, and no second SNAT hop: the gateway sees
        // the client's address (X-Forwarded-For, per-client rate limits). The NLB health-checks
        // each node's healthCheckNodePort to find them.
        externalTrafficPolicy: "Local",
        // Enforced by the cloud controller in the nodes' security group.
        loadBalancerSourceRanges: args.allowedCidrs,
      },
    }, { ...childOpts, dependsOn: [this.gateway] }); // the release creates the namespace
    // Pulumi waits for a LoadBalancer Service's address before it reports the Service created.
    this.gatewayUrl = gatewayService.status.loadBalancer.ingress.apply((ingress) => {
      const host = ingress[0]?.hostname ?? ingress[0]?.ip;
      if (host === undefined) throw new Error(`The ${GATEWAY_RELEASE} Service has no load balancer address`);
      return `http://${host}`;
    });

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

    this.registerOutputs({ gatewayUrl: this.gatewayUrl });
  }
}
