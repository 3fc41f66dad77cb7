import type { IExternalSecret } from "@kubernetes-models/external-secrets/external-secrets.io/v1/ExternalSecret";
import type { ISecretStore } from "@kubernetes-models/external-secrets/external-secrets.io/v1/SecretStore";
import * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { createHash } from "node:crypto";
import type { Cluster } from "./cluster.ts";
import type { AppConfig, WorkloadConfig } from "./config.ts";
import type { SecretsOperator } from "./secrets.ts";
import { hardenedPod, httpProbe, labels, resources, spreadOverZonesAndNodes } from "./workload.ts";

export interface ApplicationArgs extends AppConfig {
  cluster: Cluster;
  secretsOperator: SecretsOperator;
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
/** Every container reads the same config: the ConfigMap and the Secret synced from Secrets Manager. */
const ENV_FROM = [{ configMapRef: { name: CONFIG_NAME } }, { secretRef: { name: SECRET_NAME } }];

/**
 * The services on the cluster: namespace, secrets from Secrets Manager, the migrations Job (the API
 * and the worker roll only after it succeeds), the api and worker Deployments with their Services,
 * PodDisruptionBudgets, the API's HorizontalPodAutoscaler, and NetworkPolicies that deny by default.
 */
export class Application extends pulumi.ComponentResource {
  readonly namespace: pulumi.Output<string>;
  readonly apiUrl: pulumi.Output<string>;

  private readonly opts: pulumi.CustomResourceOptions;

  constructor(private readonly name: string, private readonly args: ApplicationArgs, opts?: pulumi.ComponentResourceOptions) {
    super("mlts:application:Application", name, {}, opts);
    this.opts = { parent: this, provider: args.cluster.provider };
    const ns = args.namespace;

    const namespace = new k8s.core.v1.Namespace(name, {
      metadata: { name: ns, labels: { "pod-security.kubernetes.io/enforce": "restricted", ...labels("namespace") } },
    }, this.opts);
    const inNamespace = { ...this.opts, dependsOn: [namespace] };

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
          // A mesh sidecar would keep the pod running after the migration ends.
          metadata: { labels: labels("migrations"), annotations: { "sidecar.istio.io/inject": "false" } },
          spec: hardenedPod({
            name: "migrate",
            image: args.apiImage,
            command: ["bun", "run", "migrate"],
            envFrom: ENV_FROM,
            resources: resources(args.api),
          }, { restartPolicy: "Never" }),
        },
      },
    }, { ...inNamespace, dependsOn: [namespace, config, secret] });

    const afterMigrations = {
      ...this.opts,
      dependsOn: [config, secret, migrations],
      // `replicas` seeds a new Deployment; afterwards the autoscalers (the API's HPA, KEDA) own it.
      ignoreChanges: ["spec.replicas"],
    };
    const apiContainer = this.serviceContainer("api", args.apiImage, API_PORT, args.api, {
      command: ["bun", "services/api/main.ts"],
      startupProbe: { ...httpProbe("/health", 2), failureThreshold: 30 },
      livenessProbe: httpProbe("/health", 10),
      readinessProbe: httpProbe("/health/ready", 5),
    });
    const api = new k8s.apps.v1.Deployment(`${name}-api`, {
      metadata: { name: "api", namespace: ns, labels: labels("api") },
      spec: {
        replicas: args.api.replicas,
        selector: { matchLabels: labels("api") },
        // Keep full capacity during a rollout: add a new pod before removing an old one.
        strategy: { type: "RollingUpdate", rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } },
        template: {
          metadata: { labels: labels("api"), annotations: { "checksum/config": configChecksum } },
          spec: hardenedPod(apiContainer, {
            serviceAccountName: this.serviceAccount("api", inNamespace),
            topologySpreadConstraints: spreadOverZonesAndNodes("api"),
          }),
        },
      },
    }, afterMigrations);

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

    const apiService = new k8s.core.v1.Service(`${name}-api`, {
      metadata: {
        name: "api",
        namespace: ns,
        labels: labels("api"),
        annotations: { "service.beta.kubernetes.io/aws-load-balancer-type": "nlb" },
      },
      spec: {
        type: "LoadBalancer",
        selector: labels("api"),
        ports: [{ name: "http", port: 80, targetPort: "http" }],
        loadBalancerSourceRanges: args.apiAllowedCidrs,
      },
    }, inNamespace);
    // Scraped by the observability add-on; no traffic goes to the worker otherwise.
    new k8s.core.v1.Service(`${name}-worker`, {
      metadata: { name: "worker", namespace: ns, labels: labels("worker") },
      spec: { selector: labels("worker"), ports: [{ name: "http-metrics", port: WORKER_PORT, targetPort: "http" }] },
    }, inNamespace);

    for (const component of ["api", "worker"]) {
      new k8s.policy.v1.PodDisruptionBudget(`${name}-${component}`, {
        metadata: { name: component, namespace: ns, labels: labels(component) },
        spec: { maxUnavailable: 1, selector: { matchLabels: labels(component) } },
      }, inNamespace);
    }
    new k8s.autoscaling.v2.HorizontalPodAutoscaler(`${name}-api`, {
      metadata: { name: "api", namespace: ns, labels: labels("api") },
      spec: {
        scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: "api" },
        minReplicas: args.api.replicas,
        maxReplicas: args.api.maxReplicas,
        metrics: [{ type: "Resource", resource: { name: "cpu", target: { type: "Utilization", averageUtilization: args.api.targetCpuPercent } } }],
      },
    }, { ...inNamespace, dependsOn: [api] });

    this.networkPolicies(inNamespace);

    this.namespace = namespace.metadata.name;
    this.apiUrl = apiService.status.loadBalancer.ingress.apply((ingress) => {
      const host = ingress[0]?.hostname ?? ingress[0]?.ip;
      if (host === undefined) throw new Error("The api Service has no load balancer address");
      return `http://${host}`;
    });
    this.registerOutputs({ namespace: this.namespace, apiUrl: this.apiUrl });
  }

  /** A service container: env from the ConfigMap and the synced Secret, one named port for traffic, probes and metrics. */
  private serviceContainer(
    component: string,
    image: pulumi.Input<string>,
    port: number,
    workload: WorkloadConfig,
    extra: Pick<k8s.types.input.core.v1.Container, "command" | "startupProbe" | "livenessProbe" | "readinessProbe">,
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
   * Deny everything, then allow: DNS for all; the API port from anywhere (the load balancer applies
   * the CIDR allow-list); the worker's metrics port from inside the VPC (kubelet probes, Prometheus);
   * PostgreSQL and Redis egress to the VPC (migrations: PostgreSQL only).
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
    policy("api", {
      podSelector: { matchLabels: labels("api") },
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
