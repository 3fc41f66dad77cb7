import type { PolicyResource, ReportViolation, ResourceValidation, ResourceValidationArgs } from "@pulumi/policy";
import type * as k8s from "@pulumi/kubernetes";
import type { Unwrap } from "@pulumi/pulumi";

export type PodSpec = Unwrap<k8s.types.input.core.v1.PodSpec>;
export type Container = Unwrap<k8s.types.input.core.v1.Container>;
export type LabelSelector = Unwrap<k8s.types.input.meta.v1.LabelSelector>;
type ObjectMeta = Unwrap<k8s.types.input.meta.v1.ObjectMeta>;
type PodTemplate = { metadata?: ObjectMeta; spec?: PodSpec };

/** Where each workload kind keeps its pod template; `longRunning` kinds serve traffic (probes). */
const workloadKinds: Record<string, { template: (spec: WorkloadSpec) => PodTemplate | undefined; longRunning: boolean }> = {
  "kubernetes:core/v1:Pod": { template: (spec) => ({ spec: spec as PodSpec }), longRunning: false },
  "kubernetes:apps/v1:Deployment": { template: (spec) => spec.template, longRunning: true },
  "kubernetes:apps/v1:StatefulSet": { template: (spec) => spec.template, longRunning: true },
  "kubernetes:apps/v1:DaemonSet": { template: (spec) => spec.template, longRunning: true },
  "kubernetes:apps/v1:ReplicaSet": { template: (spec) => spec.template, longRunning: true },
  "kubernetes:argoproj.io/v1alpha1:Rollout": { template: (spec) => spec.template, longRunning: true },
  "kubernetes:batch/v1:Job": { template: (spec) => spec.template, longRunning: false },
  "kubernetes:batch/v1:CronJob": { template: (spec) => spec.jobTemplate?.spec?.template, longRunning: false },
};

interface WorkloadSpec {
  template?: PodTemplate;
  jobTemplate?: { spec?: { template?: PodTemplate } };
}

export interface Workload {
  kind: string;
  longRunning: boolean;
  namespace: string;
  podLabels: Record<string, string>;
  podSpec: PodSpec;
}

/** The pod inside any workload kind, or undefined when the resource carries no pod. */
export function workloadOf(resource: { type: string; props: Record<string, unknown> }): Workload | undefined {
  const kind = workloadKinds[resource.type];
  const spec = resource.props.spec as WorkloadSpec | undefined;
  const template = kind && spec ? kind.template(spec) : undefined;
  if (!kind || !template?.spec) return undefined;
  const metadata = resource.props.metadata as ObjectMeta | undefined;
  const ownLabels = resource.type === "kubernetes:core/v1:Pod" ? metadata?.labels : template.metadata?.labels;
  return {
    kind: resource.type.split(":")[2] ?? resource.type,
    longRunning: kind.longRunning,
    namespace: namespaceOf(resource.props),
    podLabels: ownLabels ?? {},
    podSpec: template.spec,
  };
}

/** Every container of a pod, init containers included (they run with the same privileges). */
export function containersOf(podSpec: PodSpec): Container[] {
  return [...(podSpec.initContainers ?? []), ...(podSpec.containers ?? [])];
}

/**
 * A resource validation that calls `check` for each container of any workload kind, so a
 * container rule is written once for Deployments, StatefulSets, DaemonSets, Jobs, CronJobs, Pods.
 */
export function validateContainers(
  check: (container: Container, workload: Workload, args: ResourceValidationArgs, report: (problem: string) => void) => void,
  which: (workload: Workload) => Container[] = (workload) => containersOf(workload.podSpec),
): ResourceValidation {
  return (args, reportViolation: ReportViolation) => {
    const workload = workloadOf(args);
    if (!workload) return;
    for (const container of which(workload)) {
      check(container, workload, args, (problem) =>
        reportViolation(`${workload.kind} "${args.name}" container "${container.name}": ${problem}`),
      );
    }
  };
}

export function namespaceOf(props: Record<string, unknown>): string {
  return (props.metadata as ObjectMeta | undefined)?.namespace ?? "default";
}

export function annotationsOf(props: Record<string, unknown>): Record<string, string> {
  return ((props.metadata as ObjectMeta | undefined)?.annotations ?? {}) as Record<string, string>;
}

export function labelsOf(props: Record<string, unknown>): Record<string, string> {
  return ((props.metadata as ObjectMeta | undefined)?.labels ?? {}) as Record<string, string>;
}

/** Kubernetes label-selector semantics (matchLabels AND matchExpressions); empty selects all. */
function selectorMatches(selector: LabelSelector | undefined, labels: Record<string, string>): boolean {
  const matchLabels = Object.entries(selector?.matchLabels ?? {}).every(([key, value]) => labels[key] === value);
  return (
    matchLabels &&
    (selector?.matchExpressions ?? []).every(({ key, operator, values = [] }) => {
      const value = labels[key];
      switch (operator) {
        case "In":
          return value !== undefined && values.includes(value);
        case "NotIn":
          return value === undefined || !values.includes(value);
        case "Exists":
          return value !== undefined;
        case "DoesNotExist":
          return value === undefined;
        default:
          return false;
      }
    })
  );
}

/** Workloads with replicas that a PDB or NetworkPolicy should cover. */
export const replicatedKinds = [
  "kubernetes:apps/v1:Deployment",
  "kubernetes:apps/v1:StatefulSet",
  "kubernetes:argoproj.io/v1alpha1:Rollout",
];

/** Stack resources of the given types. */
export function resourcesOfType(resources: PolicyResource[], types: readonly string[]): PolicyResource[] {
  return resources.filter((resource) => types.includes(resource.type));
}

/** The object name: explicit `metadata.name`, else the Pulumi name (auto-naming adds a suffix). */
function objectNameOf(resource: { name: string; props: Record<string, unknown> }): string {
  return (resource.props.metadata as ObjectMeta | undefined)?.name ?? resource.name;
}

const helmTypes = ["kubernetes:helm.sh/v3:Release", "kubernetes:helm.sh/v3:Chart", "kubernetes:helm.sh/v4:Chart"];

/** For a Helm release or chart: the chart's bare name and its repository URL. */
export function helmChartOf(resource: { type: string; props: Record<string, unknown> }):
  | { chart: string; repository: string }
  | undefined {
  if (!helmTypes.includes(resource.type)) return undefined;
  const props = resource.props as { chart?: string; repositoryOpts?: { repo?: string }; fetchOpts?: { repo?: string } };
  const chart = props.chart ?? "";
  return {
    // "repo/chart", "oci://host/path/chart" and "chart" all end in the chart's name.
    chart: chart.split("/").pop() ?? chart,
    repository: props.repositoryOpts?.repo ?? props.fetchOpts?.repo ?? (chart.includes("://") ? chart : ""),
  };
}

/** Image reference split into registry host, repository, tag and digest. */
export function parseImage(image: string): { registry: string; repository: string; tag?: string; digest?: string } {
  const [nameAndTag = "", digest] = image.split("@");
  const slash = nameAndTag.indexOf("/");
  const first = slash === -1 ? "" : nameAndTag.slice(0, slash);
  // Docker's rule: the first path segment is a registry only if it looks like a host.
  const hasRegistry = first.includes(".") || first.includes(":") || first === "localhost";
  const registry = hasRegistry ? first : "docker.io";
  const rest = hasRegistry ? nameAndTag.slice(slash + 1) : nameAndTag;
  const colon = rest.lastIndexOf(":");
  return {
    registry,
    repository: colon === -1 ? rest : rest.slice(0, colon),
    ...(colon === -1 ? {} : { tag: rest.slice(colon + 1) }),
    ...(digest ? { digest } : {}),
  };
}

/**
 * True when `reference` (an HPA's scaleTargetRef, say) names `target`: by object name, or by
 * an engine-recorded dependency when the name was auto-generated and is unknown in preview.
 */
export function refersTo(reference: PolicyResource, name: string | undefined, target: PolicyResource): boolean {
  return (
    (name !== undefined && name === objectNameOf(target)) ||
    reference.dependencies.some((dependency) => dependency.urn === target.urn)
  );
}

/** Replicated workloads whose pods `selector` (in `policy`'s namespace) selects. */
export function selects(policy: PolicyResource, selector: LabelSelector | undefined, workload: PolicyResource): boolean {
  const pods = workloadOf(workload);
  return pods !== undefined && namespaceOf(policy.props) === pods.namespace && selectorMatches(selector, pods.podLabels);
}

/** A Kubernetes object the program creates itself, by kind, name and namespace. */
export interface KubernetesObject {
  resource: PolicyResource;
  /** `group/version`, or `v1` for the core group. */
  apiVersion: string;
  group: string;
  kind: string;
  name: string;
  namespace: string;
}

/** Every Kubernetes object among the stack's resources (not providers, not Helm releases). */
export function kubernetesObjects(resources: PolicyResource[]): KubernetesObject[] {
  return resources.flatMap((resource) => {
    const match = /^kubernetes:([^:]+):([A-Za-z0-9]+)$/.exec(resource.type); // kinds may hold digits: EC2NodeClass
    if (!match || resource.type.startsWith("kubernetes:helm.sh/") || resource.type.startsWith("kubernetes:yaml/")) return [];
    const [groupVersion = "", kind = ""] = match.slice(1);
    const group = groupVersion.startsWith("core/") ? "" : groupVersion.split("/")[0] ?? "";
    return [{
      resource,
      apiVersion: group === "" ? groupVersion.replace(/^core\//, "") : groupVersion,
      group,
      kind,
      name: objectNameOf(resource),
      namespace: namespaceOf(resource.props),
    }];
  });
}

/**
 * The API groups with a dot that Kubernetes serves itself. Other `*.k8s.io` groups are CRDs that
 * something must install: Gateway API (gateway.networking.k8s.io), snapshot.storage.k8s.io, ...
 */
const builtInDottedGroups = new Set([
  "admissionregistration.k8s.io", "apiextensions.k8s.io", "apiregistration.k8s.io", "authentication.k8s.io",
  "authorization.k8s.io", "certificates.k8s.io", "coordination.k8s.io", "discovery.k8s.io", "events.k8s.io",
  "flowcontrol.apiserver.k8s.io", "internal.apiserver.k8s.io", "networking.k8s.io", "node.k8s.io",
  "rbac.authorization.k8s.io", "resource.k8s.io", "scheduling.k8s.io", "storage.k8s.io", "storagemigration.k8s.io",
]);

/** True for API groups Kubernetes serves itself (no CRD needed): "", "apps", "networking.k8s.io", ... (a CRD's group always has a dot). */
export function isBuiltInGroup(group: string): boolean {
  return !group.includes(".") || builtInDottedGroups.has(group);
}
