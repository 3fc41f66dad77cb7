import type * as k8s from "@pulumi/kubernetes";
import type * as pulumi from "@pulumi/pulumi";
import type { LabelSelector } from "../workload.ts";
import { ApiTraffic } from "./api-traffic.ts";
import { CANARY_SERVICE, STABLE_SERVICE } from "./canary.ts";
import { ChaosMesh } from "./chaos-mesh.ts";
import type { AddonsConfig } from "./config.ts";
import { Istio, ISTIO_NAMESPACE } from "./istio.ts";
import { Keda } from "./keda.ts";
import { MeshAccess } from "./mesh-access.ts";
import { Observability } from "./observability.ts";
import { GatewayRateLimit } from "./rate-limit.ts";
import { OTLP_GRPC_PORT, OTLP_HTTP_PORT, Tracing, TRACING_NAMESPACE } from "./tracing.ts";

/** istiod's xDS and certificate port: every sidecar dials it. */
const ISTIOD_XDS_PORT = 15012;

export interface MeshArgs {
  provider: k8s.Provider;
  config: AddonsConfig;
}

/** What the application's pods run on, created before them. */
export interface Mesh {
  istio: Istio;
  /** Install before any pod of the application (sidecar injection and its traffic redirection). */
  sidecarInjection: pulumi.Resource[];
  /** Where clients reach the API: the ingress gateway's load balancer. */
  apiUrl: pulumi.Output<string>;
  /** Destinations outside the application namespace its pods must reach (for its NetworkPolicies). */
  egress: { namespace: string; ports: number[] }[];
}

/**
 * The add-ons the application runs on: the trace collector and Istio (istiod, CNI, the ingress
 * gateway and its load balancer, strict mTLS). They need nothing of the application, and its pods
 * need them: the sidecar injector must answer before the first pod is created.
 */
export function createMesh(name: string, args: MeshArgs): Mesh {
  const { provider, config } = args;
  const tracing = new Tracing(`${name}-tracing`, { provider });
  const istio = new Istio(`${name}-istio`, {
    provider,
    otlpGrpcHost: tracing.otlpGrpcHost,
    otlpGrpcPort: OTLP_GRPC_PORT,
    tracingSamplingPercent: config.tracing.samplingRatio * 100,
    allowedCidrs: config.gateway.allowedCidrs,
  });
  return {
    istio,
    sidecarInjection: istio.sidecarInjection,
    apiUrl: istio.gatewayUrl,
    egress: [
      { namespace: ISTIO_NAMESPACE, ports: [ISTIOD_XDS_PORT] },
      { namespace: TRACING_NAMESPACE, ports: [OTLP_GRPC_PORT, OTLP_HTTP_PORT] },
    ],
  };
}

export interface AddonsArgs {
  provider: k8s.Provider;
  config: AddonsConfig;
  mesh: Mesh;
  /** The application's namespace, and its pods' and Services' labels per component. */
  namespace: string;
  labels: (component: string) => Record<string, string>;
  /** A selector of several components' pods or Services. */
  selectorOf: (...components: string[]) => LabelSelector;
  /** `host:port` of PostgreSQL and Redis. */
  databaseEndpoint: pulumi.Output<string>;
  redisEndpoint: pulumi.Output<string>;
  /** The application: the mesh policies and the ScaledObject refer to its workloads. */
  application: pulumi.Resource;
}

export interface Addons {
  grafanaAdminPassword: pulumi.Output<string>;
}

/**
 * The add-ons that act on the application, created after it: API traffic through the gateway
 * (routes, canary split, rate limits), who may call whom, metrics and alerts, the worker's
 * autoscaling, and chaos only where the stack config enables it.
 */
export function createAddons(name: string, args: AddonsArgs): Addons {
  const { provider, config, namespace, labels } = args;
  const { istio } = args.mesh;
  const afterApp = { dependsOn: [args.application] };
  new ApiTraffic(`${name}-api-traffic`, { provider, istio, namespace, canaryPodLabels: labels(CANARY_SERVICE), canaryWeight: config.canary.weight }, afterApp);
  new GatewayRateLimit(`${name}-rate-limit`, { provider, istio, limits: config.rateLimits });
  const observability = new Observability(`${name}-observability`, {
    provider,
    appNamespace: namespace,
    serviceSelectors: { api: args.selectorOf(STABLE_SERVICE, CANARY_SERVICE), worker: args.selectorOf("worker") },
    metricsPorts: { api: "http", worker: "http-metrics" },
    databaseAddress: args.databaseEndpoint,
    redisAddress: args.redisEndpoint,
    retention: config.observability.retention,
    storageGiB: config.observability.storageGiB,
    istioReady: istio.istiod,
  }, afterApp);
  new MeshAccess(`${name}-mesh-access`, {
    provider,
    istio,
    namespace,
    monitoringNamespace: observability.namespace,
    workloads: { api: { [STABLE_SERVICE]: labels(STABLE_SERVICE), [CANARY_SERVICE]: labels(CANARY_SERVICE) }, worker: labels("worker") },
  }, afterApp);
  new Keda(`${name}-keda`, {
    provider,
    namespace,
    workerDeployment: "worker",
    prometheusUrl: observability.prometheusUrl,
    ...config.worker,
    dependsOn: [observability.stack],
  }, afterApp);
  if (config.chaos.enabled) {
    new ChaosMesh(`${name}-chaos`, {
      provider,
      namespace,
      api: labels("api"),
      worker: labels("worker"),
      redisHost: args.redisEndpoint.apply((endpoint) => endpoint.split(":")[0]!),
    }, afterApp);
  }
  return { grafanaAdminPassword: observability.grafanaAdminPassword };
}
