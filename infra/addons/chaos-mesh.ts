import type * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { chaosSchedules, type ExperimentTargets } from "./chaos-experiments.ts";
import { customResource } from "./custom-resource.ts";
import { type ChartSource, helmRelease, podSecurityNamespace } from "./helm.ts";

export const CHAOS_MESH_CHART: ChartSource = {
  chart: "chaos-mesh",
  repository: "https://charts.chaos-mesh.org",
  version: "2.8.2",
  namespace: "chaos-mesh",
};

export interface ChaosMeshArgs extends ExperimentTargets {
  provider: k8s.Provider;
}

/** Chaos Mesh (containerd on EKS) and its scheduled experiments, all inside the application namespace. */
export class ChaosMesh extends pulumi.ComponentResource {
  readonly release: k8s.helm.v3.Release;

  constructor(name: string, args: ChaosMeshArgs, opts?: pulumi.ComponentResourceOptions) {
    super("mlts:addons:ChaosMesh", name, {}, opts);
    const childOpts = { parent: this, provider: args.provider };
    const namespace = podSecurityNamespace(CHAOS_MESH_CHART.namespace, { level: "privileged", reason: "chaos-daemon injects faults into other pods from the node: privileged, host PID and network" }, childOpts);
    this.release = helmRelease("chaos-mesh", CHAOS_MESH_CHART, {
      // EKS nodes run containerd, not Docker.
      chaosDaemon: { runtime: "containerd", socketPath: "/run/containerd/containerd.sock" },
      dashboard: { securityMode: true },
    }, { ...childOpts, dependsOn: [namespace] });

    for (const schedule of chaosSchedules(args)) {
      customResource(`${name}-${schedule.metadata.name}`, schedule, { ...childOpts, dependsOn: [this.release] });
    }

    this.registerOutputs({});
  }
}
