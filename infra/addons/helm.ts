import * as k8s from "@pulumi/kubernetes";
import type * as pulumi from "@pulumi/pulumi";

/** Where an add-on's chart comes from; each add-on pins its own at the top of its file. */
export interface ChartSource {
  chart: string;
  repository: string;
  version: string;
  namespace: string;
}

/**
 * A Helm release of a pinned chart under a fixed release name (Service names derive from it, and
 * other components address them). Atomic: a failed install or upgrade rolls back.
 */
export function helmRelease(name: string, source: ChartSource, values: pulumi.Inputs, opts: pulumi.CustomResourceOptions): k8s.helm.v3.Release {
  return new k8s.helm.v3.Release(name, {
    name,
    chart: source.chart,
    version: source.version,
    repositoryOpts: { repo: source.repository },
    namespace: source.namespace,
    createNamespace: true,
    atomic: true,
    timeout: 900,
    values,
  }, opts);
}
