// The add-ons as each stack would create them (the real program under mocks): which exist, pinned
// charts, schema-valid custom resources, the worker's scaling trigger, rate limits.
import { describe, expect, test } from "bun:test";
import { RATE_LIMITED_PATHS } from "../../../infra/addons/rate-limit.ts";
import { loadStackConfig, type SimulatedResource, simulateStack, stacks } from "../../../infra/testing/simulate.ts";
import { parseConfig } from "../../../services/shared/config.ts";
import { k8sObjects, validateK8sObject } from "../k8s-schema.ts";
import { release } from "../resources.ts";

const ADDONS = [
  "EbsCsiDriver", "MetricsServer", "Karpenter", "ExternalSecrets", "LoadBalancerController", "Reloader", "LogShipping", "Tracing", "Istio", "Edge",
  "ApiTraffic", "ProgressiveDelivery", "GatewayRateLimit", "AlertRouting", "Observability", "MeshAccess", "Keda",
];
const CHARTS = [
  "aws-ebs-csi-driver", "metrics-server", "karpenter-crd", "karpenter", "external-secrets", "aws-load-balancer-controller", "reloader", "aws-for-fluent-bit", "base", "cni", "istiod", "gateway",
  "keda", "kube-prometheus-stack", "prometheus-blackbox-exporter", "opentelemetry-collector", "jaeger", "argo-rollouts",
];

const isAddon = (r: SimulatedResource) => r.type.startsWith("mlts:addons:") || (r.parent ?? "").includes("mlts:addons:");
const ofKind = (resources: SimulatedResource[], kind: string) =>
  k8sObjects(resources).filter(({ object }) => object.kind === kind).map(({ object }) => object as Record<string, any>);


describe.each(stacks.map((s) => [s]))("%s stack", (stack) => {
  test("has every add-on; Chaos Mesh in staging only", async () => {
    const { resources } = await simulateStack(stack);
    const components = resources.filter((r) => r.type.startsWith("mlts:addons:")).map((r) => r.type.replace("mlts:addons:", ""));
    expect(components.sort()).toEqual([...ADDONS, ...(stack === "staging" ? ["ChaosMesh"] : [])].sort());
    expect(ofKind(resources, "Schedule").length).toBe(stack === "staging" ? 6 : 0);
  });

  test("installs pinned charts from https or OCI repositories", async () => {
    const releases = (await simulateStack(stack)).resources.filter((r) => r.type === "kubernetes:helm.sh/v3:Release" && isAddon(r));
    const charts = releases.map((r) => (r.inputs.chart as string).split("/").pop()!);
    expect(charts.sort()).toEqual([...CHARTS, ...(stack === "staging" ? ["chaos-mesh"] : [])].sort());
    for (const { inputs } of releases) {
      expect(inputs.version).toMatch(/^\d+\.\d+\.\d+$/);
      const repository = (inputs.repositoryOpts as { repo?: string } | undefined)?.repo ?? (inputs.chart as string);
      expect(repository).toMatch(/^(https|oci):\/\//);
      expect(inputs.namespace).toBeString();
    }
  });

  test("scrapes nothing EKS keeps out of reach: the managed control plane, kube-proxy's loopback metrics (their Down alerts would fire forever)", async () => {
    const prometheus = release(await simulateStack(stack), "kube-prometheus-stack");
    const values = prometheus.inputs.values as Record<string, unknown>;
    for (const component of ["kubeControllerManager", "kubeScheduler", "kubeEtcd", "kubeProxy"]) expect(values[component]).toEqual({ enabled: false });
  });

  test("every Kubernetes object an add-on creates is schema-valid", async () => {
    const objects = k8sObjects((await simulateStack(stack)).resources.filter(isAddon));
    expect(objects.length).toBeGreaterThan(15);
    const problems = (await Promise.all(objects.map(({ object }) => validateK8sObject(object)))).flat();
    expect(problems).toEqual([]);
  });

  test("the worker scales on the BullMQ backlog (waiting + prioritized) within the stack's range", async () => {
    const [scaledObject, ...others] = ofKind((await simulateStack(stack)).resources, "ScaledObject");
    expect(others).toEqual([]);
    const config = loadStackConfig(stack).app;
    expect(scaledObject!.spec.scaleTargetRef).toEqual({ apiVersion: "apps/v1", kind: "Deployment", name: "worker" });
    expect(scaledObject!.spec.minReplicaCount).toBe(config.worker.minReplicas);
    expect(scaledObject!.spec.maxReplicaCount).toBe(config.worker.maxReplicas);
    const [trigger] = scaledObject!.spec.triggers;
    expect(trigger.type).toBe("prometheus");
    expect(trigger.metadata.query).toContain(`bullmq_queue_jobs{namespace="mlts",state=~"waiting|prioritized"}`);
    expect(trigger.metadata.serverAddress).toBe("http://kube-prometheus-stack-prometheus.monitoring.svc.cluster.local:9090");
  });

  test("the gateway's rate limits are the API's, as the API parses its own environment", async () => {
    const { resources } = await simulateStack(stack);
    const filter = ofKind(resources, "EnvoyFilter").find((f) => f.metadata.name === "api-local-rate-limit");
    const [configMap] = ofKind(resources, "ConfigMap").filter((c) => c.metadata.name === "mlts-config");
    // The API's environment: the ConfigMap, and the synced Secret's keys (values are irrelevant here).
    const secrets = { DATABASE_URL: "postgresql://mlts@db:5432/mlts", REDIS_URL: "rediss://:token@redis:6379", JWT_SECRET: "x".repeat(64) };
    const api = parseConfig({ ...configMap!.data, ...secrets }).rateLimits;
    const bucket = (limit: { max: number; windowMs: number }) => ({ max_tokens: limit.max, tokens_per_fill: limit.max, fill_interval: `${limit.windowMs / 1000}s` });
    const descriptors = filter!.spec.configPatches[0].patch.value.typed_config.descriptors;
    expect(descriptors).toContainEqual({ entries: [{ key: "remote_address" }], token_bucket: bucket(api.perIp) });
    for (const route of Object.keys(RATE_LIMITED_PATHS) as (keyof typeof RATE_LIMITED_PATHS)[]) {
      expect(descriptors).toContainEqual({ entries: [{ key: "route", value: route }, { key: "remote_address" }], token_bucket: bucket(api[route]) });
    }
  });
});

describe("dev", () => {
  test("lets an idle worker scale to zero", async () => {
    const [scaledObject] = ofKind((await simulateStack("dev")).resources, "ScaledObject");
    expect(scaledObject!.spec.minReplicaCount).toBe(0);
  });
});

test("a limit in the API's notation with a multiple of its unit reaches the gateway as the same bucket", async () => {
  const { resources } = await simulateStack("dev", { config: { "mlts:app.rateLimits.login": "30/10s" } });
  const descriptors = ofKind(resources, "EnvoyFilter").find((f) => f.metadata.name === "api-local-rate-limit")!.spec.configPatches[0].patch.value.typed_config.descriptors;
  expect(descriptors).toContainEqual({ entries: [{ key: "route", value: "login" }, { key: "remote_address" }], token_bucket: { max_tokens: 30, tokens_per_fill: 30, fill_interval: "10s" } });
  expect(() => loadStackConfig("dev", { config: { "mlts:app.rateLimits.login": "30 per minute" } })).toThrow("mlts:app.rateLimits.login");
});

test("Chaos Mesh Schedules are checked against Chaos Mesh's own CRD", async () => {
  const [schedule] = ofKind((await simulateStack("staging")).resources, "Schedule");
  const broken = { ...schedule!, spec: { ...schedule!.spec, podChaos: { ...schedule!.spec.podChaos, durtion: "1m" } } };
  expect((await validateK8sObject(broken as never)).join()).toContain("spec.podChaos.durtion");
});

