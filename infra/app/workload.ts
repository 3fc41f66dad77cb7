import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { WorkloadResources } from "../config.ts";

type PodSpec = k8s.types.input.core.v1.PodSpec;
type Container = k8s.types.input.core.v1.Container;

/** The non-root user of the oven/bun base image (see services/Dockerfile). */
const BUN_UID = 1000;

const APP_LABELS = { "app.kubernetes.io/name": "mlts", "app.kubernetes.io/part-of": "ml-task-scheduler" };
const COMPONENT = "app.kubernetes.io/component";

export function labels(component: string): Record<string, string> {
  return { ...APP_LABELS, [COMPONENT]: component };
}

export interface LabelSelector {
  matchLabels: Record<string, string>;
  matchExpressions: { key: string; operator: "In"; values: string[] }[];
}

/** Pods or Services of any of these components (e.g. the stable api and its canary). */
export function selectorOf(...components: string[]): LabelSelector {
  return { matchLabels: APP_LABELS, matchExpressions: [{ key: COMPONENT, operator: "In", values: components }] };
}

export function resources(w: WorkloadResources): k8s.types.input.core.v1.ResourceRequirements {
  return { requests: { cpu: w.cpuRequest, memory: w.memoryRequest }, limits: { cpu: w.cpuLimit, memory: w.memoryLimit } };
}

/**
 * A pod of one service container, hardened for the restricted Pod Security Standard: non-root, no
 * privilege escalation, no capabilities, read-only root filesystem with a writable /tmp, no API token.
 */
export function hardenedPod(container: Container, spec: Omit<PodSpec, "containers"> = {}): PodSpec {
  return {
    automountServiceAccountToken: false,
    securityContext: {
      runAsNonRoot: true,
      runAsUser: BUN_UID,
      runAsGroup: BUN_UID,
      fsGroup: BUN_UID,
      seccompProfile: { type: "RuntimeDefault" },
    },
    volumes: [{ name: "tmp", emptyDir: { sizeLimit: "256Mi" } }],
    ...spec,
    containers: [{
      ...container,
      securityContext: {
        allowPrivilegeEscalation: false,
        readOnlyRootFilesystem: true,
        capabilities: { drop: ["ALL"] },
      },
      volumeMounts: [{ name: "tmp", mountPath: "/tmp" }],
    }],
  };
}

/** Spread replicas over zones first, then nodes; soft, so a small dev cluster still schedules. */
function spreadOverZonesAndNodes(component: string): k8s.types.input.core.v1.TopologySpreadConstraint[] {
  return ["topology.kubernetes.io/zone", "kubernetes.io/hostname"].map((topologyKey) => ({
    maxSkew: 1,
    topologyKey,
    whenUnsatisfiable: "ScheduleAnyway",
    labelSelector: { matchLabels: labels(component) },
  }));
}

/** The label of the Services Prometheus scrapes, and their port's name. */
export const SCRAPE_LABEL = "mlts.io/scrape";
export const METRICS_PORT = "http-metrics";

export function httpProbe(path: string, periodSeconds: number): k8s.types.input.core.v1.Probe {
  return { httpGet: { path, port: "http" }, periodSeconds, timeoutSeconds: 2, failureThreshold: 3 };
}

export interface ServiceWorkloadArgs {
  provider: k8s.Provider;
  namespace: string;
  image: pulumi.Input<string>;
  command: string[];
  /** The container's one port, named `http`: traffic, probes and /metrics. */
  port: number;
  /** The ClusterIP Service's port name and number, for a workload that serves requests (the gateway addresses it by these). */
  servicePort?: { name: string; port: number };
  /**
   * Rolled by Argo Rollouts instead of as a Deployment: the Rollout's `strategy`, the Services it
   * steers besides the main one (canary or preview), and what the Rollout must not exist before
   * (the controller and its AnalysisTemplates).
   */
  rollout?: { strategy: Record<string, unknown>; services: string[]; dependsOn: pulumi.Resource[]; timeoutSeconds: number };
  resources: WorkloadResources;
  envFrom: k8s.types.input.core.v1.EnvFromSource[];
  env?: k8s.types.input.core.v1.EnvVar[];
  probes: Pick<Container, "startupProbe" | "livenessProbe" | "readinessProbe">;
  /** Seeds a new Deployment; afterwards its autoscaler (the HPA here, or KEDA) owns the count. */
  replicas: number;
  /** A CPU HorizontalPodAutoscaler up to this many replicas (needs the metrics API). */
  cpuAutoscaling?: { maxReplicas: number; targetCpuPercent: number };
  /** Annotations of the Deployment (e.g. what rolls it) and of its pods (e.g. a config checksum). */
  annotations?: Record<string, string>;
  podAnnotations?: Record<string, string>;
  terminationGracePeriodSeconds?: number;
  dependsOn: pulumi.Input<pulumi.Resource>[];
}

/**
 * One hardened service of the application: its ServiceAccount (no AWS access, no API token), a
 * Deployment that keeps full capacity while it rolls (or an Argo Rollout), a ClusterIP Service, a
 * headless `<component>-metrics` Service that Prometheus scrapes (every pod, whichever revision it
 * runs), a disruption budget, and optionally a CPU autoscaler. The component name is the
 * workload's, Service's and label's.
 */
export class ServiceWorkload extends pulumi.ComponentResource {
  readonly workload: pulumi.CustomResource;

  constructor(readonly component: string, args: ServiceWorkloadArgs, opts?: pulumi.ComponentResourceOptions) {
    super("mlts:app:ServiceWorkload", component, {}, opts);
    const k8sOpts = { parent: this, provider: args.provider };
    const metadata = { name: component, namespace: args.namespace, labels: labels(component) };

    const serviceAccount = new k8s.core.v1.ServiceAccount(component, { metadata, automountServiceAccountToken: false }, { ...k8sOpts, dependsOn: args.dependsOn });
    const workloadSpec = {
      replicas: args.replicas,
      selector: { matchLabels: labels(component) },
      template: {
          metadata: { labels: labels(component), ...(args.podAnnotations ? { annotations: args.podAnnotations } : {}) },
          spec: hardenedPod({
            name: component,
            image: args.image,
            command: args.command,
            ports: [{ name: "http", containerPort: args.port, protocol: "TCP" }],
            envFrom: args.envFrom,
            ...(args.env ? { env: args.env } : {}),
            resources: resources(args.resources),
            ...args.probes,
          }, {
            serviceAccountName: serviceAccount.metadata.name,
            topologySpreadConstraints: spreadOverZonesAndNodes(component),
            ...(args.terminationGracePeriodSeconds ? { terminationGracePeriodSeconds: args.terminationGracePeriodSeconds } : {}),
          }),
      },
    };
    const workloadMetadata = { ...metadata, ...(args.annotations ? { annotations: args.annotations } : {}) };
    // `replicas` seeds the workload; afterwards its autoscaler owns the count.
    const workloadOpts = { ...k8sOpts, dependsOn: args.dependsOn, ignoreChanges: ["spec.replicas"] };
    this.workload = args.rollout
      ? new k8s.apiextensions.CustomResource(component, {
        apiVersion: "argoproj.io/v1alpha1",
        kind: "Rollout",
        metadata: {
          ...workloadMetadata,
          annotations: {
            ...workloadMetadata.annotations,
            // `pulumi up` returns once the new version serves every request: its outputs then name
            // the fully promoted image. An aborted rollout is never Healthy: the update fails at the timeout.
            "pulumi.com/waitFor": "jsonpath={.status.phase}=Healthy",
            "pulumi.com/timeoutSeconds": String(args.rollout.timeoutSeconds),
          },
        },
        spec: { ...workloadSpec, strategy: args.rollout.strategy },
      }, { ...workloadOpts, dependsOn: [...args.dependsOn, ...args.rollout.dependsOn] })
      : new k8s.apps.v1.Deployment(component, {
        metadata: workloadMetadata,
        // Keep full capacity during a rollout: add a new pod before removing an old one.
        spec: { ...workloadSpec, strategy: { type: "RollingUpdate", rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } } },
      }, workloadOpts);

    // Traffic: the main Service, and the ones a Rollout steers (it adds the revision to their selectors).
    const { servicePort } = args;
    for (const name of servicePort ? [component, ...(args.rollout?.services ?? [])] : []) {
      new k8s.core.v1.Service(name, {
        metadata: { name, namespace: args.namespace, labels: labels(component) },
        spec: { type: "ClusterIP", selector: labels(component), ports: [{ ...servicePort!, targetPort: "http" }] },
      }, { ...k8sOpts, dependsOn: args.dependsOn });
    }
    // Metrics: every pod of the component, stable or canary, each once.
    new k8s.core.v1.Service(`${component}-metrics`, {
      metadata: { name: `${component}-metrics`, namespace: args.namespace, labels: { ...labels(component), [SCRAPE_LABEL]: "true" } },
      spec: { clusterIP: "None", selector: labels(component), ports: [{ name: METRICS_PORT, port: args.port, targetPort: "http" }] },
    }, { ...k8sOpts, dependsOn: args.dependsOn });
    const afterDeployment = { ...k8sOpts, dependsOn: [this.workload] };
    new k8s.policy.v1.PodDisruptionBudget(component, {
      metadata,
      spec: { maxUnavailable: 1, selector: { matchLabels: labels(component) } },
    }, afterDeployment);
    if (args.cpuAutoscaling) {
      new k8s.autoscaling.v2.HorizontalPodAutoscaler(component, {
        metadata,
        spec: {
          scaleTargetRef: args.rollout
            ? { apiVersion: "argoproj.io/v1alpha1", kind: "Rollout", name: component }
            : { apiVersion: "apps/v1", kind: "Deployment", name: component },
          minReplicas: args.replicas,
          maxReplicas: args.cpuAutoscaling.maxReplicas,
          metrics: [{ type: "Resource", resource: { name: "cpu", target: { type: "Utilization", averageUtilization: args.cpuAutoscaling.targetCpuPercent } } }],
        },
      }, afterDeployment);
    }
    this.registerOutputs({});
  }
}
