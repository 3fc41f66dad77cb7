import type { StackValidationPolicy } from "@pulumi/policy";
import { helmReleases, type Release, valueAt } from "../lib/charts.ts";
import { annotationsOf, type Container, containersOf, kubernetesObjects, workloadOf } from "../lib/kubernetes.ts";
import { describe } from "../lib/resources.ts";

const ROLLOUT = "kubernetes:argoproj.io/v1alpha1:Rollout";

export const kubernetesCorePodRequireSecretReload: StackValidationPolicy = {
  name: "kubernetes-core-pod-require-secret-reload",
  description:
    "A long-running workload that reads a Secret synced by External Secrets into its environment is rolled when that Secret changes: it names the Secret in " +
    "Reloader's annotation (or opts into its auto mode), and a Reloader release of the stack watches its namespace (Argo Rollouts included). " +
    "A pod reads its environment only at start, so otherwise a rotated secret never reaches the running pods.",
  enforcementLevel: "mandatory",
  severity: "high",
  validateStack: (args, reportViolation) => {
    const objects = kubernetesObjects(args.resources);
    // Secrets whose value changes outside `pulumi up`: an ExternalSecret's target (its own name by default).
    const synced = new Set(objects.filter((o) => o.kind === "ExternalSecret").map((o) => {
      const target = (o.resource.props.spec as { target?: { name?: string } } | undefined)?.target?.name;
      return `${o.namespace}/${target ?? o.name}`;
    }));
    const reloaders = helmReleases(args.resources).filter((release) => release.chart === "reloader");

    for (const resource of args.resources) {
      const workload = workloadOf(resource);
      if (!workload?.longRunning) continue;
      const secrets = [...new Set(containersOf(workload.podSpec).flatMap(environmentSecrets))].filter((name) => synced.has(`${workload.namespace}/${name}`));
      if (secrets.length === 0) continue;
      const annotations = annotationsOf(resource.props);
      const named = (annotations["secret.reloader.stakater.com/reload"] ?? "").split(",").map((name) => name.trim());
      const auto = annotations["reloader.stakater.com/auto"] === "true" || annotations["secret.reloader.stakater.com/auto"] === "true";
      const unnamed = auto ? [] : secrets.filter((name) => !named.includes(name));
      const report = (problem: string) => reportViolation(`${describe(resource)} reads the synced Secret ${secrets.map((s) => `"${s}"`).join(", ")} into its environment, but ${problem}`, resource.urn);
      if (unnamed.length > 0) {
        report(`does not name ${unnamed.map((s) => `"${s}"`).join(", ")} in its secret.reloader.stakater.com/reload annotation: a rotated value never reaches its pods.`);
      } else if (!reloaders.some((release) => watches(release, workload.namespace, resource.type === ROLLOUT))) {
        report(`no Reloader release of the stack watches namespace ${workload.namespace}${resource.type === ROLLOUT ? " with isArgoRollouts" : ""}: nothing rolls it when the Secret changes.`);
      }
    }
  },
};

/**
 * The Secrets a container reads into its environment. Mounted Secret volumes are left out: the
 * kubelet refreshes their files in place.
 */
function environmentSecrets(container: Container): string[] {
  return [
    ...(container.envFrom ?? []).map((source) => source.secretRef?.name),
    ...(container.env ?? []).map((variable) => variable.valueFrom?.secretKeyRef?.name),
  ].filter((name): name is string => typeof name === "string");
}

/** Whether a Reloader release rolls workloads of `namespace`, as its chart's values decide. */
function watches(release: Release, namespace: string, rollout: boolean): boolean {
  const value = (path: string) => valueAt(release.effectiveValues, `reloader.${path}`);
  if (value("ignoreSecrets") === true || (rollout && value("isArgoRollouts") !== true)) return false;
  if (String(value("ignoreNamespaces") ?? "").split(",").map((n) => n.trim()).includes(namespace)) return false;
  const listed = value("namespaces");
  const scoped = (Array.isArray(listed) ? listed : String(listed ?? "").split(",")).map((n) => String(n).trim()).filter(Boolean);
  // A non-empty list (without watchGlobally) is exactly the namespaces watched, plus the release's own.
  if (scoped.length > 0 && value("watchGlobally") !== true) return scoped.includes(namespace) || release.namespace === namespace;
  return value("watchGlobally") !== false || release.namespace === namespace;
}
