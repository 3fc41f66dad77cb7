import type * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { type ChartSource, helmRelease, podSecurityNamespace, THIRD_PARTY } from "./helm.ts";

export const RELOADER_CHART: ChartSource = {
  chart: "reloader",
  repository: "https://stakater.github.io/stakater-charts",
  version: "2.2.16",
  namespace: "reloader",
};

export interface ReloaderArgs {
  provider: k8s.Provider;
  /** The only namespaces it watches (it gets a Role there, no ClusterRole). */
  namespaces: string[];
}

/**
 * Rolls a Deployment when a Secret it names in `secret.reloader.stakater.com/reload` changes. Pods
 * read their environment only at start, so without it a rotated secret (External Secrets refreshes
 * the Kubernetes Secret from Secrets Manager) never reaches the running services.
 */
export class Reloader extends pulumi.ComponentResource {
  readonly release: k8s.helm.v3.Release;

  constructor(name: string, args: ReloaderArgs, opts?: pulumi.ComponentResourceOptions) {
    super("mlts:addons:Reloader", name, {}, opts);
    const childOpts = { parent: this, provider: args.provider };
    const namespace = podSecurityNamespace(RELOADER_CHART.namespace, THIRD_PARTY, childOpts);
    this.release = helmRelease("reloader", RELOADER_CHART, {
      reloader: {
        watchGlobally: false,
        // The api is an Argo Rollout: roll it too (a secret change then goes through its canary).
        isArgoRollouts: true,
        namespaces: args.namespaces,
        // A pod-template annotation triggers the roll, rather than an env var the program would not own.
        reloadStrategy: "annotations",
        readOnlyRootFileSystem: true,
      },
    }, { ...childOpts, dependsOn: [namespace] });
    this.registerOutputs({});
  }
}
