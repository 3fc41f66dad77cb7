import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { createHash } from "node:crypto";
import type { Cluster } from "../cluster.ts";
import type { AppConfig } from "../config.ts";
import type { DatabaseConnection } from "../data.ts";
import { Migrations } from "./migrations.ts";
import { NetworkPolicies } from "./network-policies.ts";
import { AppSecrets } from "./secrets.ts";
import { httpProbe, labels, ServiceWorkload } from "./workload.ts";

export interface ApplicationArgs extends AppConfig {
  cluster: Cluster;
  /** Installed before the namespace's secrets: the External Secrets operator (CRDs, webhook). */
  secretsOperator: pulumi.Resource;
  /** Created before any pod: the sidecar injector and what redirects the pods' traffic. */
  sidecarInjection: pulumi.Resource[];
  /** Outside the namespace, what the sidecars and services connect to (for the NetworkPolicies). */
  meshEgress: { namespace: string; ports: number[] }[];
  /** The metrics API the api's HorizontalPodAutoscaler reads. */
  metricsApi: pulumi.Resource;
  /** Argo Rollouts and its AnalysisTemplates (addons/progressive-delivery.ts): the api Rollout names them. */
  delivery: { controller: pulumi.Resource; templates: pulumi.Resource[]; strategy: Record<string, unknown>; timeoutSeconds: number };
  /** The stack's api image (built or promoted): a new one starts a rollout. */
  apiImage: pulumi.Input<string>;
  workerImage: pulumi.Input<string>;
  database: DatabaseConnection;
  redisUrl: pulumi.Input<string>;
  /** Where the services send traces (OTLP over HTTP). */
  otlpEndpoint: string;
  vpcCidr: string;
}

const API_PORT = 3000;
const WORKER_PORT = 3001;
const CONFIG_NAME = "mlts-config";

/** How the add-ons address the application: names, ports and pod labels. */
export const APP = {
  api: {
    component: "api",
    /** The Services Argo Rollouts steers besides `api`: the canary's, and blue/green's preview. */
    canaryService: "api-canary",
    previewService: "api-preview",
    service: { name: "http", port: 80 },
    containerPort: API_PORT,
  },
  worker: { component: "worker" },
  /** The blue/green smoke test's pods (a Job the Rollout's analysis runs). */
  smokeTest: { component: "smoke-test" },
} as const;

/**
 * The services on the cluster: a namespace in the mesh, their secrets, the migrations Job (the
 * services roll only after it succeeds), the api as an Argo Rollout (canary or blue/green), the
 * worker, and NetworkPolicies that deny by default. The `api` Service is internal: clients come in
 * through the Istio ingress gateway (infra/addons), whose routes Argo Rollouts weighs.
 */
export class Application extends pulumi.ComponentResource {
  readonly namespace: string;
  /** The image the api runs once its rollout is complete (`pulumi up` waits for that). */
  readonly apiImage: pulumi.Output<string>;

  constructor(name: string, args: ApplicationArgs, opts?: pulumi.ComponentResourceOptions) {
    super("mlts:app:Application", name, {}, opts);
    const provider = args.cluster.provider;
    const ns = args.namespace;
    this.namespace = ns;

    const namespace = new k8s.core.v1.Namespace(name, {
      metadata: {
        name: ns,
        labels: {
          // Istio's CNI agent sets up the sidecars' traffic redirection, so injected pods need no
          // privileged init container and still pass the restricted level.
          "pod-security.kubernetes.io/enforce": "restricted",
          // Every pod gets a sidecar (strict mTLS, the gateway's routes and policies). Prometheus
          // scrapes through it with mesh certificates (observability add-on), so the metrics ports
          // stay mTLS-only too.
          "istio-injection": "enabled",
          ...labels("namespace"),
        },
      },
    }, { parent: this, provider });

    const secrets = new AppSecrets(name, {
      cluster: args.cluster,
      namespace: ns,
      dependsOn: [namespace, args.secretsOperator],
      database: args.database,
      redisUrl: args.redisUrl,
      jwtKeyGeneration: args.jwtKeyGeneration,
    }, { parent: this });

    const r = args.rateLimits;
    const configData: Record<string, string> = {
      NODE_ENV: "production",
      PORT: String(API_PORT),
      WORKER_PORT: String(WORKER_PORT),
      LOG_LEVEL: args.logLevel,
      CORS_ORIGIN: args.corsOrigin,
      WORKER_CONCURRENCY: String(args.worker.concurrency),
      RATE_LIMIT_PER_IP: r.perIp,
      RATE_LIMIT_LOGIN: r.login,
      RATE_LIMIT_REGISTER: r.register,
      RATE_LIMIT_PREDICT: r.predict,
      RATE_LIMIT_BATCH: r.batch,
      OTEL_EXPORTER_OTLP_ENDPOINT: args.otlpEndpoint,
      ...args.env,
    };
    const config = new k8s.core.v1.ConfigMap(`${name}-config`, {
      metadata: { name: CONFIG_NAME, namespace: ns, labels: labels("config") },
      data: configData,
    }, { parent: this, provider, dependsOn: [namespace] });
    const envFrom = [{ configMapRef: { name: CONFIG_NAME } }, { secretRef: { name: secrets.secretName } }];
    // Pods read env only at start: a changed ConfigMap rolls them (the checksum), a changed Secret
    // too (Reloader, watching the annotation).
    const podAnnotations = { "checksum/config": createHash("sha256").update(JSON.stringify(configData)).digest("hex").slice(0, 16) };
    const annotations = { "secret.reloader.stakater.com/reload": secrets.secretName };

    // Every pod creation in the namespace goes through the sidecar injector: it must be up first.
    const beforePods = [namespace, config, secrets.ready, ...args.sidecarInjection];
    const migrations = new Migrations(`${name}-migrations`, {
      provider,
      namespace: ns,
      // The new code's schema, which its canary needs. The stable api must cope with it, as during
      // any rolling update (expand, then contract); migrations it does not know are skipped.
      image: args.apiImage,
      envFrom,
      resources: args.api.resources,
      dependsOn: beforePods,
    }, { parent: this });
    const afterMigrations = [...beforePods, migrations.job];

    // What the api and the worker share: their environment, and what rolls them.
    const common = { provider, namespace: ns, envFrom, annotations, podAnnotations };
    new ServiceWorkload(APP.api.component, {
      ...common,
      image: args.apiImage,
      command: ["bun", "services/api/main.ts"],
      port: API_PORT,
      servicePort: APP.api.service,
      resources: args.api.resources,
      // Clients reach the API only through the ingress gateway, which appends the client's own
      // address to X-Forwarded-For (see addons/istio.ts): the API keys its rate limits on that last hop.
      env: [{ name: "TRUST_PROXY", value: "true" }],
      probes: {
        startupProbe: { ...httpProbe("/health", 2), failureThreshold: 30 },
        livenessProbe: httpProbe("/health", 10),
        readinessProbe: httpProbe("/health/ready", 5),
      },
      replicas: args.api.minReplicas,
      cpuAutoscaling: { maxReplicas: args.api.maxReplicas, targetCpuPercent: args.api.targetCpuPercent },
      rollout: {
        strategy: args.delivery.strategy,
        services: [APP.api.canaryService, APP.api.previewService],
        dependsOn: [args.delivery.controller, ...args.delivery.templates],
        timeoutSeconds: args.delivery.timeoutSeconds,
      },
      dependsOn: [...afterMigrations, args.metricsApi],
    }, { parent: this });

    new ServiceWorkload(APP.worker.component, {
      ...common,
      image: args.workerImage,
      command: ["bun", "services/worker/main.ts"],
      port: WORKER_PORT,
      resources: args.worker.resources,
      probes: { livenessProbe: httpProbe("/health", 10), readinessProbe: httpProbe("/health", 5) },
      // KEDA owns the count from here (addons/keda.ts), within the same range.
      replicas: Math.max(args.worker.minReplicas, 1),
      // SIGTERM makes the worker stop taking jobs and finish or release the active ones.
      terminationGracePeriodSeconds: args.worker.shutdownGraceSeconds,
      dependsOn: afterMigrations,
    }, { parent: this });

    // The identity of blue/green's smoke test (a Job Argo Rollouts runs): the api admits it.
    new k8s.core.v1.ServiceAccount(`${name}-${APP.smokeTest.component}`, {
      metadata: { name: APP.smokeTest.component, namespace: ns, labels: labels(APP.smokeTest.component) },
      automountServiceAccountToken: false,
    }, { parent: this, provider, dependsOn: [namespace] });

    new NetworkPolicies(`${name}-network`, {
      provider,
      namespace: ns,
      vpcCidr: args.vpcCidr,
      api: { component: APP.api.component, port: API_PORT },
      worker: { component: APP.worker.component, port: WORKER_PORT },
      smokeTest: { component: APP.smokeTest.component },
      meshEgress: args.meshEgress,
      dependsOn: [namespace],
    }, { parent: this });

    this.apiImage = pulumi.output(args.apiImage);
    this.registerOutputs({ apiImage: this.apiImage });
  }
}
