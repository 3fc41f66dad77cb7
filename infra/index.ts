import { AlertRouting } from "./addons/alerting.ts";
import { API_ROUTES, API_VIRTUAL_SERVICE, ApiTraffic } from "./addons/api-traffic.ts";
import { CHAOS_MESH_CHART, ChaosMesh } from "./addons/chaos-mesh.ts";
import { EbsCsiDriver, DEFAULT_STORAGE_CLASS } from "./addons/ebs-csi.ts";
import { Edge } from "./addons/edge.ts";
import { EXTERNAL_SECRETS_CHART, ExternalSecrets } from "./addons/external-secrets.ts";
import { GATEWAY_NAMESPACE, Istio, ISTIO_NAMESPACE } from "./addons/istio.ts";
import { Karpenter } from "./addons/karpenter.ts";
import { KEDA_CHART, Keda } from "./addons/keda.ts";
import { LoadBalancerController } from "./addons/load-balancer-controller.ts";
import { FLUENT_BIT_CHART, LogShipping } from "./addons/log-shipping.ts";
import { MeshAccess } from "./addons/mesh-access.ts";
import { MetricsServer } from "./addons/metrics-server.ts";
import { ALERTMANAGER_SERVICE_ACCOUNT, GRAFANA_SERVICE_ACCOUNT, KUBE_PROMETHEUS_STACK_CHART, Observability, PROMETHEUS_URL } from "./addons/observability.ts";
import { apiRolloutStrategy, ARGO_ROLLOUTS_CHART, PREVIEW_URL_ARG, ProgressiveDelivery } from "./addons/progressive-delivery.ts";
import { GatewayRateLimit } from "./addons/rate-limit.ts";
import { RELOADER_CHART, Reloader } from "./addons/reloader.ts";
import { OTLP_GRPC_PORT, Tracing, TRACING_NAMESPACE } from "./addons/tracing.ts";
import { APP, Application } from "./app/index.ts";
import { hardenedPod, labels, METRICS_PORT, resources, SCRAPE_LABEL } from "./app/workload.ts";
import { AwsMonitoring } from "./aws-monitoring.ts";
import { DatabaseBackup } from "./backup.ts";
import { Cluster } from "./cluster.ts";
import { loadConfig, stackTags } from "./config.ts";
import { Data } from "./data.ts";
import { LogStorage } from "./logs.ts";
import { Network } from "./network.ts";
import { ServiceImages } from "./registry.ts";
import { AccountSecurity } from "./security.ts";

/**
 * The Pulumi program: read the stack config, compose the components, return the stack outputs.
 * A default-exported function (the engine calls it) rather than top-level code, so that the
 * offline simulator (infra/testing) can run the same program once per stack under mocks.
 */
export default async function program() {
  const config = loadConfig();
  const { app, addons } = config;
  const tags = stackTags();
  const logs = new LogStorage(config.name, config.logs);
  const network = new Network(config.name, { ...config.network, clusterName: config.name, logs });
  const cluster = new Cluster(config.name, { ...config.cluster, name: config.name, network, tags, logs });
  const data = new Data(config.name, { network, database: config.database, redis: config.redis, logs });
  const backup = config.backup.enabled
    ? new DatabaseBackup(config.name, { ...config.backup, databaseArn: data.databaseArn, dataKeyArn: data.dataKeyArn, tags })
    : undefined;
  new AccountSecurity(config.name, config.security);
  const images = new ServiceImages(config.name, { ...config.images, architecture: config.cluster.architecture });
  const { provider } = cluster;
  // Controllers run on the system nodes: two replicas where there are two nodes to spread them on.
  const controllerReplicas = Math.min(config.cluster.systemNodes.count, 2);

  // What the cluster needs before anything runs on it: storage, the metrics API, node autoscaling,
  // secrets from AWS, and rolling pods when those secrets change.
  const storage = new EbsCsiDriver("ebs-csi", { provider, cluster, tags });
  const metricsServer = new MetricsServer("metrics-server", { provider, highlyAvailable: controllerReplicas > 1 });
  new Karpenter("karpenter", {
    provider,
    cluster,
    network,
    nodePool: config.cluster.nodePool,
    architecture: config.cluster.architecture,
    tags,
    replicas: controllerReplicas,
  });
  const externalSecrets = new ExternalSecrets("external-secrets", { provider });
  const loadBalancers = new LoadBalancerController("load-balancer-controller", { provider, cluster, network, replicas: controllerReplicas });
  new Reloader("reloader", { provider, namespaces: [app.namespace] });
  // Every namespace the stack runs containers in (EKS's own add-ons run in kube-system); the
  // policy kubernetes-any-namespace-require-log-shipping names any this list misses.
  new LogShipping("logs", {
    provider,
    cluster,
    clusterName: config.name,
    logs,
    namespaces: [
      "kube-system", app.namespace, ISTIO_NAMESPACE, GATEWAY_NAMESPACE, TRACING_NAMESPACE,
      ...[FLUENT_BIT_CHART, EXTERNAL_SECRETS_CHART, RELOADER_CHART, ARGO_ROLLOUTS_CHART, KUBE_PROMETHEUS_STACK_CHART, KEDA_CHART].map((chart) => chart.namespace),
      ...(addons.chaos.enabled ? [CHAOS_MESH_CHART.namespace] : []),
    ],
  });

  // The mesh comes before the application: its pods get sidecars, and their spans a collector.
  const tracing = new Tracing("tracing", { provider });
  const istio = new Istio("istio", {
    provider,
    otlpGrpcHost: tracing.otlpGrpcHost,
    otlpGrpcPort: OTLP_GRPC_PORT,
    tracingSamplingPercent: addons.tracing.samplingRatio * 100,
  });
  // The front door: an ALB with a WAF, HTTPS on the stack's domain, to the gateway.
  const edge = new Edge("edge", {
    provider,
    gateway: { ...istio.gatewayService, release: istio.gateway },
    controller: loadBalancers.release,
    ...addons.edge,
    perIpLimit: app.rateLimits.perIp,
    logs,
    loadBalancerName: `${config.name}-api`,
  });

  // How a new api image reaches every request: routes Argo Rollouts weighs, and the checks it runs.
  const namespace = app.namespace;
  const apiTraffic = new ApiTraffic("api-traffic", {
    provider,
    istio,
    namespace,
    stableService: APP.api.component,
    canaryService: APP.api.canaryService,
    servicePort: APP.api.service.port,
  });
  const delivery = new ProgressiveDelivery("progressive-delivery", {
    provider,
    namespace,
    prometheusUrl: PROMETHEUS_URL,
    delivery: app.api.delivery,
    smokeLabels: labels(APP.smokeTest.component),
    smokePod: (image) => hardenedPod({
      name: APP.smokeTest.component,
      image,
      command: ["bun", "scripts/smoke-test.ts", `{{args.${PREVIEW_URL_ARG}}}`],
      resources: resources(app.api.resources),
    }, { restartPolicy: "Never", serviceAccountName: APP.smokeTest.component }),
  });

  const application = new Application(config.name, {
    ...app,
    cluster,
    secretsOperator: externalSecrets.release,
    sidecarInjection: istio.sidecarInjection,
    meshEgress: [istio.egress, tracing.egress],
    metricsApi: metricsServer.release,
    delivery: {
      controller: delivery.release,
      templates: [...delivery.templates, apiTraffic.virtualService],
      ...apiRolloutStrategy(app.api.delivery, {
        stableService: APP.api.component,
        canaryService: APP.api.canaryService,
        previewService: APP.api.previewService,
        // Every route listed: with `routes` left out and only named routes, Argo Rollouts (v1.9.0
        // included) sets no weight at all while reporting progress (argo-rollouts#4741).
        virtualService: { name: API_VIRTUAL_SERVICE, routes: [...API_ROUTES] },
        previewUrl: `http://${APP.api.previewService}.${namespace}.svc.cluster.local:${APP.api.service.port}`,
        image: images.apiImage,
      }),
    },
    apiImage: images.apiImage,
    workerImage: images.workerImage,
    database: data.database,
    redisUrl: data.redisUrl,
    otlpEndpoint: tracing.otlpHttpEndpoint,
    vpcCidr: network.cidrBlock,
  });

  // What acts on the application, after it: limits at the gateway, who may call whom, metrics and
  // alerts, the worker's autoscaling, and chaos where the stack enables it.
  const afterApp = { dependsOn: [application] };
  new GatewayRateLimit("gateway-rate-limit", { provider, istio, limits: app.rateLimits });
  const alerting = new AlertRouting("alerting", {
    cluster,
    emails: addons.observability.alertEmails,
    receivers: addons.observability.alertReceivers,
    namespace: KUBE_PROMETHEUS_STACK_CHART.namespace,
    serviceAccount: ALERTMANAGER_SERVICE_ACCOUNT,
  });
  const awsMonitoring = new AwsMonitoring("aws-monitoring", {
    cluster,
    topicArn: alerting.topicArn,
    database: { identifier: data.databaseIdentifier, instanceClass: config.database.instanceClass, allocatedStorageGiB: config.database.allocatedStorageGiB },
    redis: { replicationGroupId: data.redisReplicationGroupId, replicas: config.redis.replicas },
    loadBalancerName: edge.loadBalancerName,
    grafana: { namespace: KUBE_PROMETHEUS_STACK_CHART.namespace, serviceAccount: GRAFANA_SERVICE_ACCOUNT },
  });
  const observability = new Observability("observability", {
    provider,
    appNamespace: namespace,
    metricsServices: {
      api: { ...labels(APP.api.component), [SCRAPE_LABEL]: "true" },
      worker: { ...labels(APP.worker.component), [SCRAPE_LABEL]: "true" },
    },
    metricsPort: METRICS_PORT,
    databaseAddress: data.databaseEndpoint,
    redisAddress: data.redisEndpoint,
    retention: addons.observability.retention,
    storageGiB: addons.observability.storageGiB,
    storageClass: { name: DEFAULT_STORAGE_CLASS, resource: storage.storageClass },
    alertmanager: alerting.alertmanagerValues,
    istioReady: istio.istiod,
    cloudWatch: { roleArn: awsMonitoring.grafanaRoleArn, region: awsMonitoring.region, dashboards: awsMonitoring.dashboards },
  }, afterApp);
  alerting.syncReceiverSecret([observability.prometheusStack, externalSecrets.release]);
  new MeshAccess("mesh-access", {
    provider,
    istio,
    namespace,
    monitoringNamespace: observability.namespace,
    workloads: { api: labels(APP.api.component), worker: labels(APP.worker.component) },
    apiCallers: [APP.smokeTest.component],
  }, afterApp);
  new Keda("keda", {
    provider,
    namespace,
    workerDeployment: APP.worker.component,
    prometheusUrl: observability.prometheusUrl,
    minReplicas: app.worker.minReplicas,
    maxReplicas: app.worker.maxReplicas,
    jobsPerReplica: app.worker.jobsPerReplica,
    dependsOn: [observability.prometheusStack],
  }, afterApp);
  if (addons.chaos.enabled) {
    new ChaosMesh("chaos", {
      provider,
      namespace,
      api: labels(APP.api.component),
      worker: labels(APP.worker.component),
      redisHost: data.redisEndpoint.apply((endpoint) => endpoint.split(":")[0]!),
    }, afterApp);
  }

  return {
    apiUrl: edge.url,
    apiImage: application.apiImage,
    workerImage: images.workerImage,
    clusterName: cluster.name,
    kubeconfig: cluster.kubeconfig,
    databaseEndpoint: data.databaseEndpoint,
    redisEndpoint: data.redisEndpoint,
    namespace,
    alertTopicArn: alerting.topicArn,
    alertReceiversSecret: alerting.receiversSecretName,
    backupVault: backup?.vaultName,
    backupCopyVaultArn: backup?.copyVaultArn,
    grafanaAdminPassword: observability.grafanaAdminPassword,
  };
}
