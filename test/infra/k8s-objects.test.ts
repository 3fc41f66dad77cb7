// Every Kubernetes object the program creates, in every stack, checked against real schemas offline.
import { beforeAll, describe, expect, test } from "bun:test";
import { type Simulation, type StackName, simulateStack, stacks } from "../../infra/testing/simulate.ts";
import { type K8sObject, k8sObjects, validateK8sObject } from "./k8s-schema.ts";
import { type Inputs, k8s } from "./resources.ts";

const sims = {} as Record<StackName, Simulation>;
beforeAll(async () => {
  for (const stack of stacks) sims[stack] = await simulateStack(stack);
});

describe.each([...stacks])("%s", (stack) => {
  test("every Kubernetes object matches its schema, with no unknown fields", async () => {
    const objects = k8sObjects(sims[stack].resources);
    expect(objects.length).toBeGreaterThan(15);
    const problems = (await Promise.all(objects.map(({ object }) => validateK8sObject(object)))).flat();
    expect(problems).toEqual([]);
  });

  test("every pod is hardened, sized and probed", () => {
    const podOwners = k8sObjects(sims[stack].resources)
      .map(({ object }) => object as Inputs)
      .filter((o) => o.metadata?.namespace === "mlts" && o.spec?.template?.spec);
    expect(podOwners.map((o) => o.kind).sort()).toEqual(["Deployment", "Job", "Rollout"]);
    for (const owner of podOwners) {
      const pod = owner.spec.template.spec;
      expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, seccompProfile: { type: "RuntimeDefault" } });
      expect(pod.automountServiceAccountToken).toBe(false);
      for (const container of pod.containers) {
        expect(container.securityContext).toEqual({ allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ["ALL"] } });
        expect(Object.keys(container.resources.requests).sort()).toEqual(["cpu", "memory"]);
        expect(Object.keys(container.resources.limits).sort()).toEqual(["cpu", "memory"]);
        if (owner.kind !== "Job") expect(container.readinessProbe && container.livenessProbe).toBeTruthy();
      }
    }
    expect(k8s(sims[stack], "Rollout", "api").spec.template.spec.containers[0].readinessProbe.httpGet.path).toBe("/health/ready");
  });

  test("the namespace denies all traffic but what its policies allow", () => {
    const deny = k8s(sims[stack], "NetworkPolicy", "default-deny").spec;
    expect(deny).toEqual({ podSelector: {}, policyTypes: ["Ingress", "Egress"] });
    expect(k8s(sims[stack], "Namespace", "mlts").metadata.labels["pod-security.kubernetes.io/enforce"]).toBe("restricted");
  });
});

describe("the validator itself", () => {
  const deployment = () => structuredClone(k8s(sims.prod, "Deployment", "worker")) as K8sObject & Inputs;

  test("reports a misspelled field anywhere in a core object", async () => {
    const bad = deployment();
    bad.spec.template.spec.containers[0].resources.limit = { cpu: "1" };
    expect(await validateK8sObject(bad)).toEqual([
      "Deployment/worker .spec.template.spec.containers[0].resources.limit: unknown field (not in V1ResourceRequirements)",
    ]);
  });

  test("reports a wrong type, a bad quantity and a missing required field", async () => {
    const bad = deployment();
    bad.spec.replicas = "three";
    bad.spec.template.spec.containers[0].resources.requests.memory = "lots";
    delete bad.spec.selector;
    const problems = await validateK8sObject(bad);
    expect(problems).toContain('Deployment/worker /spec/replicas: must be integer {"type":"integer"}');
    expect(problems.some((p) => p.includes("/resources/requests/memory"))).toBe(true);
    expect(problems.some((p) => p.includes("selector"))).toBe(true);
  });

  test("checks custom resources against their real CRD: enums, unknown fields", async () => {
    const bad = structuredClone(k8s(sims.prod, "ExternalSecret", "mlts-app")) as K8sObject & Inputs;
    bad.spec.target.creationPolicy = "Sometimes";
    bad.spec.refreshIntervall = "1h";
    const problems = (await validateK8sObject(bad)).join("\n");
    expect(problems).toContain("spec.target.creationPolicy");
    expect(problems).toContain("spec.refreshIntervall");
  });

  test("checks custom resources against their CRD's CEL rules (Istio refuses a 0s route timeout)", async () => {
    const bad = structuredClone(k8s(sims.prod, "VirtualService", "api")) as K8sObject & Inputs;
    bad.spec.http[0].timeout = "0s";
    expect(await validateK8sObject(bad)).toEqual(["VirtualService/api spec.http[0].timeout: Invalid value: \"0s\": must be a valid duration greater than 1ms"]);
    const nodePool = structuredClone(k8s(sims.prod, "NodePool", "default")) as K8sObject & Inputs;
    nodePool.spec.template.spec.requirements.push({ key: "karpenter.k8s.aws/instance-generation", operator: "Gt", values: ["four"] });
    expect((await validateK8sObject(nodePool)).join()).toContain("spec.template.spec.requirements");
  });

  test("fails a custom kind whose CRD no chart in infra/upstream installs", async () => {
    expect(await validateK8sObject({ apiVersion: "example.com/v1", kind: "Gadget", metadata: { name: "g" } })).toEqual([
      "Gadget/g: no CRD for example.com/Gadget in infra/upstream/charts/*/crds (refresh the chart that installs it)",
    ]);
  });
});
