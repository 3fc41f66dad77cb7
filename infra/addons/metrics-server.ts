import type * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { type ChartSource, helmRelease } from "./helm.ts";

export const METRICS_SERVER_CHART: ChartSource = {
  chart: "metrics-server",
  repository: "https://kubernetes-sigs.github.io/metrics-server/",
  version: "3.13.1",
  namespace: "kube-system",
};

export interface MetricsServerArgs {
  provider: k8s.Provider;
  /** Two replicas and a disruption budget where the metrics API must not blink (autoscaling in prod). */
  highlyAvailable: boolean;
}

/**
 * The resource metrics API (`metrics.k8s.io`), which EKS does not install: without it every
 * HorizontalPodAutoscaler on CPU stays at its minimum.
 */
export class MetricsServer extends pulumi.ComponentResource {
  /** Serves the metrics API once created: HPAs act from then on. */
  readonly release: k8s.helm.v3.Release;

  constructor(name: string, args: MetricsServerArgs, opts?: pulumi.ComponentResourceOptions) {
    super("mlts:addons:MetricsServer", name, {}, opts);
    this.release = helmRelease("metrics-server", METRICS_SERVER_CHART, {
      replicas: args.highlyAvailable ? 2 : 1,
      podDisruptionBudget: { enabled: args.highlyAvailable, minAvailable: 1 },
    }, { parent: this, provider: args.provider });
    this.registerOutputs({});
  }
}
