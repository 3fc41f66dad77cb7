import type * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { ApiTraffic } from "./api-traffic.ts";
import { ChaosMesh } from "./chaos-mesh.ts";
import type { AddonsConfig } from "./config.ts";
import { Istio } from "./istio.ts";
import { Keda } from "./keda.ts";
import { MeshAccess } from "./mesh-access.ts";
import { Observability } from "./observability.ts";
import { GatewayRateLimit } from "./rate-limit.ts";
import { OTLP_GRPC_PORT, OTLP_HTTP_PORT, Tracing, TRACING_NAMESPACE } from "./tracing.ts";

export interface AddonsArgs {
  provider: k8s.Provider;
  config: AddonsConfig;
  /** The application's namespace, and its pods' and Services' labels per component. */
  namespace: string;
  labels: (component: string) => Record<string, string>;
  /** `host:port` of PostgreSQL and Redis. */
  databaseEndpoint: pulumi.Output<string>;
  redisEndpoint: pulumi.Output<string>;
  /** The application: the mesh policies and the ScaledObject refer to its workloads. */
  application: pulumi.Resource;
}

export interface Addons {
  grafanaAdminPassword: pulumi.Output<string>;
}

/** The cluster add-ons, in dependency order; chaos only where the stack config enables it. */
export function createAddons(name: string, args: AddonsArgs): Addons {
  const { provider, config, namespace, labels } = args;
  const tracing = new Tracing(`${name}-tracing`, { provider });
  const istio = new Istio(`${name}-istio`, {
    provider,
    otlpGrpcHost: tracing.otlpGrpcHost,
    otlpGrpcPort: OTLP_GRPC_PORT,
    tracingSamplingPercent: config.tracing.samplingRatio * 100,
  });
  const afterApp = { dependsOn: [args.application] };
  new ApiTraffic(`${name}-api-traffic`, { provider, istio, namespace, canaryPodLabels: labels("api-canary"), canaryWeight: config.canary.weight }, afterApp);
  new GatewayRateLimit(`${name}-rate-limit`, { provider, istio, limits: config.rateLimits });
  const observability = new Observability(`${name}-observability`, {
    provider,
    appNamespace: namespace,
    serviceLabels: { api: labels("api"), worker: labels("worker") },
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
    workloads: { api: [labels("api"), labels("api-canary")], worker: labels("worker") },
    tracing: { namespace: TRACING_NAMESPACE, ports: [OTLP_GRPC_PORT, OTLP_HTTP_PORT] },
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
