// The add-ons as each stack would create them (the real program under mocks): which exist, pinned
// charts, schema-valid custom resources, the worker's scaling trigger, canary weights, rate limits.
import { describe, expect, test } from "bun:test";
import { canarySplit } from "../../../infra/addons/canary.ts";
import { loadAddonsConfig } from "../../../infra/addons/config.ts";
import { RATE_LIMITED_PATHS, tokenBucket } from "../../../infra/addons/rate-limit.ts";
import { type SimulatedResource, type StackName, simulateStack, stackConfig, stacks } from "../../../infra/testing/simulate.ts";
import { k8sObjects, validateK8sObject } from "../k8s-schema.ts";

const ADDONS = ["Tracing", "Istio", "ApiTraffic", "GatewayRateLimit", "Observability", "MeshAccess", "Keda"];
const CHARTS = [
  "base", "cni", "istiod", "gateway", "keda", "kube-prometheus-stack", "prometheus-blackbox-exporter", "opentelemetry-collector", "jaeger",
];

const isAddon = (r: SimulatedResource) => r.type.startsWith("mlts:addons:") || (r.parent ?? "").includes("mlts:addons:");
const ofKind = (resources: SimulatedResource[], kind: string) =>
  k8sObjects(resources).filter(({ object }) => object.kind === kind).map(({ object }) => object as Record<string, any>);

/** The add-on config a stack's Pulumi.<stack>.yaml gives, read by the program's own reader. */
function addonsConfigOf(stack: StackName) {
  const raw = stackConfig(stack, {})["mlts:addons"];
  return loadAddonsConfig({ getObject: () => (raw ? JSON.parse(raw) : undefined) } as never);
}

describe.each(stacks.map((s) => [s]))("%s stack", (stack) => {
  test("has every add-on; Chaos Mesh in staging only", async () => {
    const { resources } = await simulateStack(stack);
    const components = resources.filter((r) => r.type.startsWith("mlts:addons:")).map((r) => r.type.replace("mlts:addons:", ""));
    expect(components.sort()).toEqual([...ADDONS, ...(stack === "staging" ? ["ChaosMesh"] : [])].sort());
    expect(ofKind(resources, "Schedule").length).toBe(stack === "staging" ? 6 : 0);
  });

  test("installs pinned charts from https repositories", async () => {
    const releases = (await simulateStack(stack)).resources.filter((r) => r.type === "kubernetes:helm.sh/v3:Release" && isAddon(r));
    const charts = releases.map((r) => r.inputs.chart as string);
    expect(charts.sort()).toEqual([...CHARTS, ...(stack === "staging" ? ["chaos-mesh"] : [])].sort());
    for (const { inputs } of releases) {
      expect(inputs.version).toMatch(/^\d+\.\d+\.\d+$/);
      expect((inputs.repositoryOpts as { repo: string }).repo).toMatch(/^https:\/\//);
      expect(inputs.namespace).toBeString();
    }
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
    const config = addonsConfigOf(stack);
    expect(scaledObject!.spec.scaleTargetRef).toEqual({ apiVersion: "apps/v1", kind: "Deployment", name: "worker" });
    expect(scaledObject!.spec.minReplicaCount).toBe(config.worker.minReplicas);
    expect(scaledObject!.spec.maxReplicaCount).toBe(config.worker.maxReplicas);
    const [trigger] = scaledObject!.spec.triggers;
    expect(trigger.type).toBe("prometheus");
    expect(trigger.metadata.query).toContain(`bullmq_queue_jobs{namespace="mlts",state=~"waiting|prioritized"}`);
    expect(trigger.metadata.serverAddress).toBe("http://kube-prometheus-stack-prometheus.monitoring.svc.cluster.local:9090");
  });

  test("the gateway's rate limits are the API's", async () => {
    const [filter] = ofKind((await simulateStack(stack)).resources, "EnvoyFilter");
    const limits = addonsConfigOf(stack).rateLimits;
    const descriptors = filter!.spec.configPatches[0].patch.value.typed_config.descriptors;
    expect(descriptors).toContainEqual({ entries: [{ key: "remote_address" }], token_bucket: tokenBucket(limits.perIp) });
    for (const route of Object.keys(RATE_LIMITED_PATHS) as (keyof typeof RATE_LIMITED_PATHS)[]) {
      expect(descriptors).toContainEqual({ entries: [{ key: "route", value: route }, { key: "remote_address" }], token_bucket: tokenBucket(limits[route]) });
    }
  });
});

describe("dev", () => {
  test("lets an idle worker scale to zero", async () => {
    const [scaledObject] = ofKind((await simulateStack("dev")).resources, "ScaledObject");
    expect(scaledObject!.spec.minReplicaCount).toBe(0);
  });
});

describe("canary releases", () => {
  test("stable and canary weights add up to 100 at every step of each stack's ladder", () => {
    for (const stack of stacks) {
      for (const step of [0, ...addonsConfigOf(stack).canary.steps]) {
        const split = canarySplit(step);
        expect(split.reduce((sum, b) => sum + b.weight, 0)).toBe(100);
        expect(split.find((b) => b.service === "api-canary")!.weight).toBe(step);
      }
    }
  });

  test("the VirtualService carries the configured step", async () => {
    const { resources } = await simulateStack("staging", { config: { "mlts:addons.canary.weight": "25" } });
    const [virtualService] = ofKind(resources, "VirtualService");
    for (const route of virtualService!.spec.http) {
      const weights = route.route.map((r: { weight: number; destination: { host: string } }) => [r.destination.host, r.weight]);
      expect(weights).toEqual([["api.mlts.svc.cluster.local", 75], ["api-canary.mlts.svc.cluster.local", 25]]);
    }
  });

  test("a weight off the ladder is rejected with the key named", () => {
    expect(() => loadAddonsConfig({ getObject: () => ({ canary: { weight: 30 } }) } as never)).toThrow("mlts:addons.canary.weight");
  });
});

test("the Chaos Mesh schema rejects fields Chaos Mesh does not have", async () => {
  const [schedule] = ofKind((await simulateStack("staging")).resources, "Schedule");
  const broken = { ...schedule!, spec: { ...schedule!.spec, podChaos: { ...schedule!.spec.podChaos, durtion: "1m" } } };
  expect(await validateK8sObject(broken as never)).toEqual([expect.stringContaining("additionalProperty")]);
});

test("the Seed-001 ladder is the default", () => {
  const onlyRequired = { gateway: { allowedCidrs: ["0.0.0.0/0"] } };
  expect(loadAddonsConfig({ getObject: () => onlyRequired } as never).canary.steps).toEqual([5, 10, 25, 50, 100]);
});
