import type * as pulumi from "@pulumi/pulumi";

// The Chaos Mesh objects the program creates, typed field by field (Chaos Mesh publishes no schema
// package), and the experiments themselves. Only the fields used here are modelled, on purpose.

export interface ChaosSelector {
  /** Always our namespace: an experiment never reaches beyond the application. */
  namespaces: string[];
  labelSelectors: Record<string, string>;
}

interface Targeted {
  /** `one` pod at a time keeps the others serving. */
  mode: "one" | "fixed-percent";
  value?: string;
  selector: ChaosSelector;
  /** How long the fault lasts; Chaos Mesh recovers the target afterwards. */
  duration: string;
}

export interface PodChaosSpec extends Targeted {
  action: "pod-failure" | "pod-kill";
}

export interface NetworkChaosSpec extends Targeted {
  action: "delay" | "partition";
  direction: "to";
  /** Hosts outside the cluster (ElastiCache) the fault applies to. */
  externalTargets: pulumi.Input<string>[];
  delay?: { latency: string; jitter: string; correlation: string };
}

export interface StressChaosSpec extends Targeted {
  stressors: { cpu?: { workers: number; load: number }; memory?: { workers: number; size: string } };
}

type Experiment =
  | { type: "PodChaos"; podChaos: PodChaosSpec }
  | { type: "NetworkChaos"; networkChaos: NetworkChaosSpec }
  | { type: "StressChaos"; stressChaos: StressChaosSpec };

export type ScheduleSpec = Experiment & {
  schedule: string;
  /** A run never overlaps the previous one. */
  concurrencyPolicy: "Forbid";
  historyLimit: number;
  startingDeadlineSeconds: number;
};

export interface ChaosSchedule {
  apiVersion: "chaos-mesh.org/v1alpha1";
  kind: "Schedule";
  metadata: { name: string; namespace: string };
  spec: ScheduleSpec;
}

export interface ExperimentTargets {
  namespace: string;
  api: Record<string, string>;
  worker: Record<string, string>;
  /** Redis's host name, as the worker resolves it. */
  redisHost: pulumi.Input<string>;
}

/**
 * Weekday experiments in working hours (UTC), one at a time, each bounded: pod failure of the API,
 * pod kill of the worker (stalled-job recovery), network delay and partition between worker and
 * Redis, CPU stress on the API and memory stress on the worker.
 */
export function chaosSchedules(t: ExperimentTargets): ChaosSchedule[] {
  const pods = (labels: Record<string, string>) => ({ mode: "one" as const, selector: { namespaces: [t.namespace], labelSelectors: labels } });
  const schedule = (name: string, cron: string, experiment: Experiment): ChaosSchedule => ({
    apiVersion: "chaos-mesh.org/v1alpha1",
    kind: "Schedule",
    metadata: { name, namespace: t.namespace },
    spec: { schedule: cron, concurrencyPolicy: "Forbid", historyLimit: 5, startingDeadlineSeconds: 300, ...experiment },
  });
  const toRedis = { direction: "to" as const, externalTargets: [t.redisHost] };

  return [
    schedule("api-pod-failure", "0 10 * * 1-5", { type: "PodChaos", podChaos: { ...pods(t.api), action: "pod-failure", duration: "2m" } }),
    schedule("worker-pod-kill", "30 10 * * 1-5", { type: "PodChaos", podChaos: { ...pods(t.worker), action: "pod-kill", duration: "1m" } }),
    schedule("worker-redis-delay", "0 11 * * 1-5", {
      type: "NetworkChaos",
      networkChaos: { ...pods(t.worker), ...toRedis, action: "delay", delay: { latency: "200ms", jitter: "50ms", correlation: "25" }, duration: "5m" },
    }),
    schedule("worker-redis-partition", "30 11 * * 1-5", {
      type: "NetworkChaos",
      networkChaos: { ...pods(t.worker), ...toRedis, action: "partition", duration: "1m" },
    }),
    schedule("api-cpu-stress", "0 14 * * 1-5", {
      type: "StressChaos",
      stressChaos: { ...pods(t.api), stressors: { cpu: { workers: 1, load: 80 } }, duration: "5m" },
    }),
    schedule("worker-memory-stress", "30 14 * * 1-5", {
      type: "StressChaos",
      stressChaos: { ...pods(t.worker), stressors: { memory: { workers: 1, size: "128MB" } }, duration: "5m" },
    }),
  ];
}
