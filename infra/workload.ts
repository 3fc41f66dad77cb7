import type * as k8s from "@pulumi/kubernetes";
import type { WorkloadConfig } from "./config.ts";

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

export function resources(w: WorkloadConfig): k8s.types.input.core.v1.ResourceRequirements {
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
export function spreadOverZonesAndNodes(component: string): k8s.types.input.core.v1.TopologySpreadConstraint[] {
  return ["topology.kubernetes.io/zone", "kubernetes.io/hostname"].map((topologyKey) => ({
    maxSkew: 1,
    topologyKey,
    whenUnsatisfiable: "ScheduleAnyway",
    labelSelector: { matchLabels: labels(component) },
  }));
}

export function httpProbe(path: string, periodSeconds: number): k8s.types.input.core.v1.Probe {
  return { httpGet: { path, port: "http" }, periodSeconds, timeoutSeconds: 2, failureThreshold: 3 };
}
