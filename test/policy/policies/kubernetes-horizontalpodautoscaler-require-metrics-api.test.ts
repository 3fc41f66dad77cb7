import { expect, test } from "bun:test";
import { kubernetesHorizontalPodAutoscalerRequireMetricsApi as policy } from "../../../infra/policy/policies/kubernetes-horizontalpodautoscaler-require-metrics-api.ts";
import { helmRelease, kubernetesObject } from "../fixtures.ts";
import { check } from "../harness.ts";

const scaleTargetRef = { apiVersion: "apps/v1", kind: "Deployment", name: "api" };
const hpa = (spec: Record<string, unknown>, apiVersion = "autoscaling/v2") =>
  kubernetesObject(apiVersion, "HorizontalPodAutoscaler", { name: "api", namespace: "mlts" }, { spec: { scaleTargetRef, minReplicas: 2, maxReplicas: 10, ...spec } });
const cpu = { metrics: [{ type: "Resource", resource: { name: "cpu", target: { type: "Utilization", averageUtilization: 70 } } }] };
const external = { metrics: [{ type: "External", external: { metric: { name: "queue_depth" }, target: { type: "AverageValue", averageValue: "10" } } }] };

test("passes a CPU autoscaler when metrics-server (which serves metrics.k8s.io) is installed", async () => {
  expect(await check(policy, [helmRelease("metrics-server"), hpa(cpu)])).toEqual([]);
  expect(await check(policy, [helmRelease("metrics-server"), hpa({})])).toEqual([]);
});

test("passes an autoscaler on external metrics only, which KEDA serves (external.metrics.k8s.io)", async () => {
  expect(await check(policy, [helmRelease("keda"), hpa(external)])).toEqual([]);
});

test("rejects resource-metric autoscalers when no release serves metrics.k8s.io", async () => {
  expect(await check(policy, hpa(cpu))).toEqual([
    'kubernetes:autoscaling/v2:HorizontalPodAutoscaler "api" scales on resource metrics, but no release in the stack serves metrics.k8s.io (install metrics-server).',
  ]);
  const memory = { metrics: [{ type: "ContainerResource", containerResource: { name: "memory", container: "api", target: { type: "Utilization", averageUtilization: 80 } } }] };
  expect(await check(policy, [helmRelease("kube-prometheus-stack"), hpa(memory)])).toHaveLength(1);
  // KEDA serves external.metrics.k8s.io, not the resource metrics API.
  expect(await check(policy, [helmRelease("keda"), hpa(cpu)])).toHaveLength(1);
});

test("rejects autoscalers that scale on CPU by default: autoscaling/v2 without metrics, and autoscaling/v1", async () => {
  expect(await check(policy, hpa({}))).toEqual([expect.stringContaining('HorizontalPodAutoscaler "api" scales on resource metrics')]);
  expect(await check(policy, hpa({ targetCPUUtilizationPercentage: 70 }, "autoscaling/v1"))).toEqual([
    expect.stringContaining('kubernetes:autoscaling/v1:HorizontalPodAutoscaler "api" scales on resource metrics'),
  ]);
});
