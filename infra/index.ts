import { loadAddonsConfig } from "./addons/config.ts";
import { createAddons, createMesh } from "./addons/index.ts";
import { OTLP_HTTP_ENDPOINT } from "./addons/tracing.ts";
import { Application } from "./application.ts";
import { Cluster } from "./cluster.ts";
import { loadConfig } from "./config.ts";
import { Data } from "./data.ts";
import { Network } from "./network.ts";
import { Images } from "./registry.ts";
import { SecretsOperator } from "./secrets.ts";
import { labels, selectorOf } from "./workload.ts";

/**
 * The Pulumi program: read the stack config, compose the components, return the stack outputs.
 * A default-exported function (the engine calls it) rather than top-level code, so that
 * infra/simulate.ts can run the same program once per stack under mocks.
 */
export default async function program() {
  const config = loadConfig();
  const network = new Network(config.name, { ...config.network, clusterName: config.name });
  const cluster = new Cluster(config.name, { ...config.cluster, name: config.name, network });
  const data = new Data(config.name, { network, database: config.database, redis: config.redis });
  const images = new Images(config.name, { ...config.images, architecture: config.cluster.architecture });
  // Add-ons (infra/addons/*) take { provider: cluster.provider } and are composed here: the mesh
  // before the application (its pods get sidecars), the rest after it (they act on its workloads).
  const addonsConfig = loadAddonsConfig();
  const secretsOperator = new SecretsOperator("external-secrets", { provider: cluster.provider });
  const mesh = createMesh("addons", { provider: cluster.provider, config: addonsConfig });
  const app = new Application(config.name, {
    ...config.app,
    env: { OTEL_EXPORTER_OTLP_ENDPOINT: OTLP_HTTP_ENDPOINT, ...config.app.env }, // traces to the tracing add-on
    cluster,
    secretsOperator,
    mesh,
    canaryWeight: addonsConfig.canary.weight,
    apiImage: images.apiImage,
    workerImage: images.workerImage,
    appSecretArn: data.appSecretArn,
    appSecretKeyArn: data.keyArn,
    vpcCidr: network.cidrBlock,
  });
  const addons = createAddons("addons", {
    provider: cluster.provider,
    config: addonsConfig,
    mesh,
    namespace: config.app.namespace,
    labels,
    selectorOf,
    databaseEndpoint: data.databaseEndpoint,
    redisEndpoint: data.redisEndpoint,
    application: app,
  });

  return {
    apiUrl: mesh.apiUrl,
    apiImage: app.apiImage,
    workerImage: images.workerImage,
    clusterName: cluster.name,
    kubeconfig: cluster.kubeconfig,
    databaseEndpoint: data.databaseEndpoint,
    redisEndpoint: data.redisEndpoint,
    namespace: app.namespace,
    grafanaAdminPassword: addons.grafanaAdminPassword,
  };
}
