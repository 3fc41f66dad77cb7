import type { IScaledObject } from "@kubernetes-models/keda/keda.sh/v1alpha1/ScaledObject";
import type * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { customResource } from "./custom-resource.ts";
import { type ChartSource, helmRelease, podSecurityNamespace, THIRD_PARTY } from "./helm.ts";

export const KEDA_CHART: ChartSource = {
  chart: "keda",
  repository: "https://kedacore.github.io/charts",
  version: "2.20.2",
  namespace: "keda",
};

/**
 * Jobs waiting for the worker in the application namespace. Read from the API's scrape, not the
 * worker's: the API exports the queue gauges and keeps running when the worker is scaled to zero,
 * so the backlog that must wake the worker is still visible. Every API pod reports the same Redis,
 * hence one value per queue and state before the sum. BullMQ keeps prioritized jobs outside its
 * wait list (`bull:<queue>:wait`), so a list-length trigger on it would under-count.
 */
export const workerBacklogQuery = (namespace: string) =>
  `sum(max by (queue, state) (bullmq_queue_jobs{namespace="${namespace}",state=~"waiting|prioritized"}))`;

export interface KedaArgs {
  provider: k8s.Provider;
  namespace: string;
  /** The worker Deployment KEDA scales (it owns its replica count from then on). */
  workerDeployment: string;
  prometheusUrl: string;
  minReplicas: number;
  maxReplicas: number;
  /** Backlog one worker pod is expected to absorb: replicas = ceil(backlog / jobsPerReplica). */
  jobsPerReplica: number;
  /** The Prometheus the trigger queries must be up before KEDA polls it. */
  dependsOn: pulumi.Input<pulumi.Resource>[];
}

/** KEDA and the worker's ScaledObject: worker replicas follow the BullMQ backlog. */
export class Keda extends pulumi.ComponentResource {
  readonly release: k8s.helm.v3.Release;

  constructor(name: string, args: KedaArgs, opts?: pulumi.ComponentResourceOptions) {
    super("mlts:addons:Keda", name, {}, opts);
    const childOpts = { parent: this, provider: args.provider };
    const namespace = podSecurityNamespace(KEDA_CHART.namespace, THIRD_PARTY, childOpts);
    this.release = helmRelease("keda", KEDA_CHART, {}, { ...childOpts, dependsOn: [namespace] });

    const scaledObject: IScaledObject = {
      apiVersion: "keda.sh/v1alpha1",
      kind: "ScaledObject",
      metadata: { name: args.workerDeployment, namespace: args.namespace },
      spec: {
        scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: args.workerDeployment },
        minReplicaCount: args.minReplicas,
        maxReplicaCount: args.maxReplicas,
        pollingInterval: 15,
        // Long enough for a job that just started to finish before its pod is taken away.
        cooldownPeriod: 300,
        // If Prometheus cannot answer, keep enough workers rather than guess 0.
        fallback: { failureThreshold: 3, replicas: Math.max(args.minReplicas, 1) },
        triggers: [{
          type: "prometheus",
          name: "bullmq-backlog",
          metadata: {
            serverAddress: args.prometheusUrl,
            query: workerBacklogQuery(args.namespace),
            threshold: String(args.jobsPerReplica),
            activationThreshold: "0", // any waiting job wakes a worker scaled to zero
            ignoreNullValues: "false", // a query that matches nothing is an error, not an idle queue
          },
        }],
      },
    };
    customResource(`${name}-worker`, scaledObject, { ...childOpts, dependsOn: [this.release, ...args.dependsOn] });

    this.registerOutputs({});
  }
}
