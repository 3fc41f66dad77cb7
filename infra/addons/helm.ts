import * as k8s from "@pulumi/kubernetes";
import type * as pulumi from "@pulumi/pulumi";

/**
 * Where an add-on's chart comes from; each add-on pins its own at the top of its file, and
 * infra/upstream/charts/<chart>/chart.json holds the same chart's values, schema and CRDs at that
 * version (a test fails when the two disagree).
 */
export interface ChartSource {
  chart: string;
  /** An `https://` Helm repository, or an `oci://` registry path the chart lives under. */
  repository: string;
  version: string;
  namespace: string;
}

/** How long a release may take to become ready before Helm rolls it back and `pulumi up` fails. */
const TIMEOUT_SECONDS = 900;

/**
 * A Helm release of a pinned chart under a fixed release name (Service names derive from it, and
 * other components address them). Atomic, so a failed install or upgrade rolls back, and awaited:
 * the release is created only once its Deployments (and so its webhooks) are ready, which is what
 * the custom resources that depend on it need.
 */
export function helmRelease(
  name: string,
  source: ChartSource,
  values: pulumi.Inputs,
  opts: pulumi.CustomResourceOptions,
  options: { skipCrds?: boolean } = {},
): k8s.helm.v3.Release {
  const oci = source.repository.startsWith("oci://");
  return new k8s.helm.v3.Release(name, {
    name,
    chart: oci ? `${source.repository}/${source.chart}` : source.chart,
    version: source.version,
    ...(oci ? {} : { repositoryOpts: { repo: source.repository } }),
    namespace: source.namespace,
    // The add-on creates its namespace itself (podSecurityNamespace), with its Pod Security level.
    createNamespace: false,
    atomic: true,
    timeout: TIMEOUT_SECONDS,
    ...(options.skipCrds ? { skipCrds: true } : {}),
    values,
  }, opts);
}

/**
 * The Pod Security Standard a namespace enforces. Restricted wherever the pods are ours; for
 * third-party charts, whose rendered pods these checks cannot see, baseline (or privileged for node
 * agents) with the reason written on the namespace, and restricted still warned and audited.
 */
export type PodSecurity = { level: "restricted" } | { level: "baseline" | "privileged"; reason: string };

/** The annotation that says why a namespace enforces less than restricted. */
const POD_SECURITY_REASON = "mlts.io/pod-security-reason";

/** A namespace with Pod Security Admission labels; create an add-on's releases after it. */
export function podSecurityNamespace(name: string, security: PodSecurity, opts: pulumi.CustomResourceOptions): k8s.core.v1.Namespace {
  return new k8s.core.v1.Namespace(`namespace-${name}`, {
    metadata: {
      name,
      labels: {
        "pod-security.kubernetes.io/enforce": security.level,
        "pod-security.kubernetes.io/warn": "restricted",
        "pod-security.kubernetes.io/audit": "restricted",
      },
      ...(security.level === "restricted" ? {} : { annotations: { [POD_SECURITY_REASON]: security.reason } }),
    },
  }, opts);
}

/** Third-party pods whose specs are not verified here against the restricted standard. */
export const THIRD_PARTY: PodSecurity = { level: "baseline", reason: "third-party chart: restricted is warned and audited, not enforced, until its pods are verified against it" };
