import type { IExternalSecret } from "@kubernetes-models/external-secrets/external-secrets.io/v1/ExternalSecret";
import type { ISecretStore } from "@kubernetes-models/external-secrets/external-secrets.io/v1/SecretStore";
import * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { createHash } from "node:crypto";
import { CANARY_SERVICE, STABLE_SERVICE } from "./addons/canary.ts";
import type { Cluster } from "./cluster.ts";
import type { AppConfig, WorkloadConfig } from "./config.ts";
import type { SecretsOperator } from "./secrets.ts";
import { hardenedPod, httpProbe, labels, resources, selectorOf, spreadOverZonesAndNodes } from "./workload.ts";

export interface ApplicationArgs extends AppConfig {
  cluster: Cluster;
  secretsOperator: SecretsOperator;
  /** The service mesh every pod of the namespace joins (a sidecar each, except the migrations Job's). */
  mesh: {
    /** Created before any pod: the sidecar injector and what redirects the pods' traffic. */
    sidecarInjection: pulumi.Resource[];
    /** Outside the namespace, what the sidecars and services connect to (istiod, the trace collector). */
    egress: { namespace: string; ports: number[] }[];
  };
  /** `mlts:addons.canary.weight`: the api-canary Deployment exists only while it is above 0. */
  canaryWeight: number;
  /** The stack's api image (built or promoted); `stableImage` and `canaryImage` override it. */
  apiImage: pulumi.Input<string>;
  workerImage: pulumi.Input<string>;
  /** Secrets Manager secret holding DATABASE_URL, REDIS_URL, JWT_SECRET, and the KMS key encrypting it. */
  appSecretArn: pulumi.Input<string>;
  appSecretKeyArn: pulumi.Input<string>;
  /** Where PostgreSQL and Redis live: the only egress destination of the services. */
  vpcCidr: string;
}

const API_PORT = 3000;
const WORKER_PORT = 3001;
const POSTGRES_PORT = 5432;
const REDIS_PORT = 6379;
const CONFIG_NAME = "mlts-config";
const SECRET_NAME = "mlts-app";
const SECRETS_READER = "secrets-reader";
/** Deployment, Service and `component` label of the stable api and its canary: the gateway's routes name them. */
const API = STABLE_SERVICE;
const CANARY = CANARY_SERVICE;
/** Every container reads the same config: the ConfigMap and the Secret synced from Secrets Manager. */
const ENV_FROM = [{ configMapRef: { name: CONFIG_NAME } }, { secretRef: { name: SECRET_NAME } }];

/**
 * The services on the cluster: namespace (in the mesh), secrets from Secrets Manager, the migrations
 * Job (the API and the worker roll only after it succeeds), the api and worker Deployments with their
 * Services, PodDisruptionBudgets and the API's HorizontalPodAutoscaler, an api-canary Deployment while
 * a canary is in flight, and NetworkPolicies that deny by default. The `api` Service is internal:
 * clients come in through the Istio ingress gateway (infra/addons), whose routes split stable/canary.
 */
export class Application extends pulumi.ComponentResource {
  readonly namespace: pulumi.Output<string>;
  /** The image the stable api runs (the stack's, or `stableImage` while it is held). */
  readonly apiImage: pulumi.Output<string>;

  private readonly opts: pulumi.CustomResourceOptions;

  constructor(private readonly name: string, private readonly args: ApplicationArgs, opts?: pulumi.ComponentResourceOptions) {
    super("mlts:application:Application", name, {}, opts);
    this.opts = { parent: this, provider: args.cluster.provider };
    const ns = args.namespace;

    const namespace = new k8s.core.v1.Namespace(name, {
      metadata: {
        name: ns,
        labels: {
          // Istio's CNI agent sets up the sidecars' traffic redirection, so injected pods need no
          // privileged init container and still pass the restricted level.
          "pod-security.kubernetes.io/enforce": "restricted",
          // Every pod gets a sidecar (strict mTLS, the gateway's routes and policies). Prometheus
          // scrapes through it with mesh certificates (observability add-on), so the metrics ports
          // stay mTLS-only too: no PERMISSIVE exception, which the policy pack would refuse.
          "istio-injection": "enabled",
          ...labels("namespace"),
        },
      },
    }, this.opts);
    const inNamespace = { ...this.opts, dependsOn: [namespace] };
    // Every pod creation in the namespace goes through the sidecar injector: it must be up first.
    const podOpts = (...dependsOn: pulumi.Resource[]): pulumi.CustomResourceOptions =>
      ({ ...this.opts, dependsOn: [namespace, ...dependsOn, ...args.mesh.sidecarInjection] });
    const stableImage = args.stableImage ?? args.apiImage;
    const canaryImage = args.canaryWeight > 0 ? args.canaryImage ?? args.apiImage : undefined;

    const secret = this.secretFromSecretsManager(namespace);
    const configData: Record<string, string> = {
      NODE_ENV: "production",
      PORT: String(API_PORT),
      WORKER_PORT: String(WORKER_PORT),
      LOG_LEVEL: args.logLevel,
      CORS_ORIGIN: args.corsOrigin,
      WORKER_CONCURRENCY: String(args.worker.concurrency),
      ...args.env,
    };
    const config = new k8s.core.v1.ConfigMap(`${name}-config`, {
      metadata: { name: CONFIG_NAME, namespace: ns, labels: labels("config") },
      data: configData,
    }, inNamespace);
    // Pods read env only at start: a changed ConfigMap must roll them.
    const configChecksum = createHash("sha256").update(JSON.stringify(configData)).digest("hex").slice(0, 16);

    const migrations = new k8s.batch.v1.Job(`${name}-migrations`, {
      // No fixed name: the Job's pod template is immutable, so a new image replaces it under a new name.
      // Pulumi waits for the Job to complete; after a failed migration the next `up` starts a new one.
      metadata: { namespace: ns, labels: labels("migrations"), annotations: { "pulumi.com/replaceUnready": "true" } },
      spec: {
        backoffLimit: 3,
        activeDeadlineSeconds: 600,
        template: {
          // No sidecar, rather than a native one: the Job talks only to RDS, which is outside the
          // mesh (its NetworkPolicy allows PostgreSQL egress), and a classic sidecar never exits, so
          // the Job would never complete. As a label, the injector's webhook is not even consulted.
          metadata: { labels: { ...labels("migrations"), "sidecar.istio.io/inject": "false" } },
          spec: hardenedPod({
            name: "migrate",
            // The newest code's schema, which a canary may need. The stable api must cope with it, as
            // during any rolling update (expand, then contract); migrations it does not know are skipped.
            image: canaryImage ?? stableImage,
            command: ["bun", "run", "migrate"],
            envFrom: ENV_FROM,
            resources: resources(args.api),
          }, { restartPolicy: "Never" }),
        },
      },
    }, podOpts(config, secret));

    const afterMigrations = {
      ...podOpts(config, secret, migrations),
      // `replicas` seeds a new Deployment; afterwards the autoscalers (the API's HPA, KEDA) own it.
      ignoreChanges: ["spec.replicas"],
    };
    const apiPod = { serviceAccountName: this.serviceAccount(API, inNamespace), configChecksum };
    this.apiDeployment(API, stableImage, apiPod, afterMigrations);
    // The canary: the stable api's pod with another image, behind its own Service (the gateway's
    // routes weigh stable against it). Absent at weight 0, so nothing runs for nothing.
    if (canaryImage !== undefined) this.apiDeployment(CANARY, canaryImage, apiPod, afterMigrations);

    const workerContainer = this.serviceContainer("worker", args.workerImage, WORKER_PORT, args.worker, {
      command: ["bun", "services/worker/main.ts"],
      livenessProbe: httpProbe("/health", 10),
      readinessProbe: httpProbe("/health", 5),
    });
    new k8s.apps.v1.Deployment(`${name}-worker`, {
      metadata: { name: "worker", namespace: ns, labels: labels("worker") },
      spec: {
        replicas: args.worker.replicas,
        selector: { matchLabels: labels("worker") },
        template: {
          metadata: { labels: labels("worker"), annotations: { "checksum/config": configChecksum } },
          spec: hardenedPod(workerContainer, {
            serviceAccountName: this.serviceAccount("worker", inNamespace),
            topologySpreadConstraints: spreadOverZonesAndNodes("worker"),
            // SIGTERM makes the worker stop taking jobs and finish or release the active ones.
            terminationGracePeriodSeconds: args.worker.shutdownGraceSeconds,
          }),
        },
      },
    }, afterMigrations);

    // Inside the cluster only: the ingress gateway is the API's one front door.
    new k8s.core.v1.Service(`${name}-api`, {
      metadata: { name: API, namespace: ns, labels: labels(API) },
      spec: { type: "ClusterIP", selector: labels(API), ports: [{ name: "http", port: 80, targetPort: "http" }] },
    }, inNamespace);
    // Scraped by the observability add-on; no traffic goes to the worker otherwise.
    new k8s.core.v1.Service(`${name}-worker`, {
      metadata: { name: "worker", namespace: ns, labels: labels("worker") },
      spec: { selector: labels("worker"), ports: [{ name: "http-metrics", port: WORKER_PORT, targetPort: "http" }] },
    }, inNamespace);

    this.podDisruptionBudget("worker", inNamespace);

    this.networkPolicies(inNamespace);

    this.namespace = namespace.metadata.name;
    this.apiImage = pulumi.output(stableImage);
    this.registerOutputs({ namespace: this.namespace, apiImage: this.apiImage });
  }

  /**
   * An API Deployment (`api`, or `api-canary` with the canary's image) with its disruption budget and
   * CPU autoscaler. The canary gets the stable's range: at the last step it carries all the traffic.
   */
  private apiDeployment(
    component: string,
    image: pulumi.Input<string>,
    pod: { serviceAccountName: pulumi.Input<string>; configChecksum: string },
    opts: pulumi.CustomResourceOptions,
  ): void {
    const { namespace, api } = this.args;
    const container = this.serviceContainer(API, image, API_PORT, api, {
      command: ["bun", "services/api/main.ts"],
      // Clients reach the API only through the ingress gateway, which appends the client's own
      // address to X-Forwarded-For (see addons/istio.ts): the API keys its rate limits on that last hop.
      env: [{ name: "TRUST_PROXY", value: "true" }],
      startupProbe: { ...httpProbe("/health", 2), failureThreshold: 30 },
      livenessProbe: httpProbe("/health", 10),
      readinessProbe: httpProbe("/health/ready", 5),
    });
    const deployment = new k8s.apps.v1.Deployment(`${this.name}-${component}`, {
      metadata: { name: component, namespace, labels: labels(component) },
      spec: {
        replicas: api.replicas,
        selector: { matchLabels: labels(component) },
        // Keep full capacity during a rollout: add a new pod before removing an old one.
        strategy: { type: "RollingUpdate", rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } },
        template: {
          metadata: { labels: labels(component), annotations: { "checksum/config": pod.configChecksum } },
          spec: hardenedPod(container, {
            serviceAccountName: pod.serviceAccountName,
            topologySpreadConstraints: spreadOverZonesAndNodes(component),
          }),
        },
      },
    }, opts);
    const afterDeployment = { ...this.opts, dependsOn: [deployment] };
    this.podDisruptionBudget(component, afterDeployment);
    new k8s.autoscaling.v2.HorizontalPodAutoscaler(`${this.name}-${component}`, {
      metadata: { name: component, namespace, labels: labels(component) },
      spec: {
        scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: component },
        minReplicas: api.replicas,
        maxReplicas: api.maxReplicas,
        metrics: [{ type: "Resource", resource: { name: "cpu", target: { type: "Utilization", averageUtilization: api.targetCpuPercent } } }],
      },
    }, afterDeployment);
  }

  private podDisruptionBudget(component: string, opts: pulumi.CustomResourceOptions): void {
    new k8s.policy.v1.PodDisruptionBudget(`${this.name}-${component}`, {
      metadata: { name: component, namespace: this.args.namespace, labels: labels(component) },
      spec: { maxUnavailable: 1, selector: { matchLabels: labels(component) } },
    }, opts);
  }

  /** A service container: env from the ConfigMap and the synced Secret, one named port for traffic, probes and metrics. */
  private serviceContainer(
    component: string,
    image: pulumi.Input<string>,
    port: number,
    workload: WorkloadConfig,
    extra: Pick<k8s.types.input.core.v1.Container, "command" | "env" | "startupProbe" | "livenessProbe" | "readinessProbe">,
  ): k8s.types.input.core.v1.Container {
    return {
      name: component,
      image,
      ports: [{ name: "http", containerPort: port, protocol: "TCP" }],
      envFrom: ENV_FROM,
      resources: resources(workload),
      ...extra,
    };
  }

  /** The pod's identity; it needs no AWS access and no Kubernetes API token. */
  private serviceAccount(component: string, opts: pulumi.CustomResourceOptions): pulumi.Output<string> {
    return new k8s.core.v1.ServiceAccount(`${this.name}-${component}`, {
      metadata: { name: component, namespace: this.args.namespace, labels: labels(component) },
      automountServiceAccountToken: false,
    }, opts).metadata.name;
  }

  /**
   * SecretStore (authenticating with IRSA as a namespaced service account allowed to read only this
   * secret) and an ExternalSecret that keeps the Kubernetes Secret SECRET_NAME in sync with it.
   */
  private secretFromSecretsManager(namespaceResource: k8s.core.v1.Namespace): k8s.apiextensions.CustomResource {
    const { cluster, namespace, appSecretArn, appSecretKeyArn, secretsOperator } = this.args;
    const role = cluster.serviceAccountRole(`${this.name}-${SECRETS_READER}`, namespace, SECRETS_READER, { parent: this });
    new aws.iam.RolePolicy(`${this.name}-${SECRETS_READER}`, {
      role: role.id,
      policy: pulumi.jsonStringify({
        Version: "2012-10-17",
        Statement: [
          { Effect: "Allow", Action: ["secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret"], Resource: appSecretArn },
          { Effect: "Allow", Action: "kms:Decrypt", Resource: appSecretKeyArn },
        ],
      }),
    }, { parent: this });
    new k8s.core.v1.ServiceAccount(`${this.name}-${SECRETS_READER}`, {
      metadata: {
        name: SECRETS_READER,
        namespace,
        labels: labels(SECRETS_READER),
        annotations: { "eks.amazonaws.com/role-arn": role.arn },
      },
      automountServiceAccountToken: false,
    }, { ...this.opts, dependsOn: [namespaceResource] });

    const afterOperator = { ...this.opts, dependsOn: [namespaceResource, secretsOperator.release] };
    const region = aws.getRegionOutput({}, { parent: this }).region;
    const store = new k8s.apiextensions.CustomResource(`${this.name}-secrets`, {
      apiVersion: "external-secrets.io/v1",
      kind: "SecretStore",
      metadata: { name: "aws-secrets-manager", namespace, labels: labels(SECRETS_READER) },
      spec: region.apply((r): ISecretStore["spec"] => ({
        provider: { aws: { service: "SecretsManager", region: r, auth: { jwt: { serviceAccountRef: { name: SECRETS_READER } } } } },
      })),
    }, afterOperator);
    return new k8s.apiextensions.CustomResource(`${this.name}-app`, {
      apiVersion: "external-secrets.io/v1",
      kind: "ExternalSecret",
      metadata: {
        name: SECRET_NAME,
        namespace,
        labels: labels(SECRETS_READER),
        // Pulumi waits until the Secret exists before creating what reads it.
        annotations: { "pulumi.com/waitFor": "condition=Ready" },
      },
      spec: pulumi.output(appSecretArn).apply((arn): IExternalSecret["spec"] => ({
        refreshInterval: "1h",
        secretStoreRef: { kind: "SecretStore", name: "aws-secrets-manager" },
        target: { name: SECRET_NAME, creationPolicy: "Owner" },
        dataFrom: [{ extract: { key: arn } }],
      })),
    }, { ...afterOperator, dependsOn: [...afterOperator.dependsOn, store] });
  }

  /**
   * Deny everything, then allow: DNS for all; the mesh (istiod, the trace collector) for all, before
   * the first sidecar starts; the API port (stable and canary) from anywhere in the cluster (the
   * mesh's AuthorizationPolicies admit only the ingress gateway and Prometheus); the worker's metrics
   * port from inside the VPC (Prometheus); PostgreSQL and Redis egress to the VPC (migrations:
   * PostgreSQL only). Kubelet probes come from the node, which the VPC CNI's policy agent always admits.
   */
  private networkPolicies(opts: pulumi.CustomResourceOptions): void {
    const ns = this.args.namespace;
    const vpc = [{ ipBlock: { cidr: this.args.vpcCidr } }];
    const tcp = (...ports: number[]) => ports.map((port) => ({ protocol: "TCP", port }));
    const policy = (name: string, spec: k8s.types.input.networking.v1.NetworkPolicySpec) =>
      new k8s.networking.v1.NetworkPolicy(`${this.name}-${name}`, { metadata: { name, namespace: ns, labels: labels("network") }, spec }, opts);

    policy("default-deny", { podSelector: {}, policyTypes: ["Ingress", "Egress"] });
    policy("allow-dns", {
      podSelector: {},
      policyTypes: ["Egress"],
      egress: [{
        to: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "kube-system" } }, podSelector: { matchLabels: { "k8s-app": "kube-dns" } } }],
        ports: [{ protocol: "UDP", port: 53 }, ...tcp(53)],
      }],
    });
    policy("allow-mesh", {
      podSelector: {},
      policyTypes: ["Egress"],
      egress: this.args.mesh.egress.map(({ namespace, ports }) => ({
        to: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": namespace } } }],
        ports: tcp(...ports),
      })),
    });
    policy("api", {
      podSelector: selectorOf(API, CANARY),
      policyTypes: ["Ingress", "Egress"],
      ingress: [{ ports: tcp(API_PORT) }],
      egress: [{ to: vpc, ports: tcp(POSTGRES_PORT, REDIS_PORT) }],
    });
    policy("worker", {
      podSelector: { matchLabels: labels("worker") },
      policyTypes: ["Ingress", "Egress"],
      ingress: [{ from: vpc, ports: tcp(WORKER_PORT) }],
      egress: [{ to: vpc, ports: tcp(POSTGRES_PORT, REDIS_PORT) }],
    });
    policy("migrations", {
      podSelector: { matchLabels: labels("migrations") },
      policyTypes: ["Egress"],
      egress: [{ to: vpc, ports: tcp(POSTGRES_PORT) }],
    });
  }
}
