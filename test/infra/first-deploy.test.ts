// What a first `pulumi up` (and a later `destroy`) from nothing depends on, beyond what the policies
// judge: no placeholder reaches AWS, zones are chosen as EKS accepts them, image tags that a rebuild
// from another clone cannot collide with, and the teardown order of what controllers create.
import { beforeAll, describe, expect, test } from "bun:test";
import { chmodSync, cpSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { placeholderReason } from "../../infra/config.ts";
import { eksZoneIds } from "../../infra/network.ts";
import { contextFiles, imageTag } from "../../infra/registry.ts";
import { MOCK_ZONES } from "../../infra/testing/mocks.ts";
import { loadStackConfig, type Simulation, type StackName, simulateStack, stacks } from "../../infra/testing/simulate.ts";
import { inputsOf, k8sResource, ofType, release } from "./resources.ts";

const ROOT = join(import.meta.dirname, "..", "..");
const sims = {} as Record<StackName, Simulation>;
beforeAll(async () => {
  for (const stack of stacks) sims[stack] = await simulateStack(stack);
});

describe("placeholders never reach AWS", () => {
  test.each([...stacks])("%s: the committed stack file is refused as it is, naming the key", async (stack) => {
    await expect(simulateStack(stack, { site: "as-is" })).rejects.toThrow(/Invalid stack config mlts:[\w.[\]]+: ".+" is a placeholder/);
  });

  test("documentation addresses, example domains and example orgs are placeholders; real values are not", () => {
    for (const value of ["203.0.113.0/24", "198.51.100.7/32", "https://mlts.example.com", "oncall@example.org", "acme/ml-task-scheduler/dev", "api.mlts.test", "<your-org>/x/y"]) {
      expect(placeholderReason(value), value).toBeString();
    }
    for (const value of ["0.0.0.0/0", "100.64.10.0/24", "https://mlts.internal", "platform/ml-task-scheduler/dev", "ops@company.io"]) {
      expect(placeholderReason(value), value).toBeUndefined();
    }
  });

  test("wherever a placeholder appears in the config, the run fails on that key", () => {
    expect(() => loadStackConfig("prod", { config: { "mlts:app.env": '{"FEATURE_URL": "https://flags.example.net"}' } }))
      .toThrow('mlts:app.env.FEATURE_URL: "https://flags.example.net" is a placeholder');
  });

  test("the offline stand-ins replace placeholders only: a value the team set is kept", () => {
    expect(loadStackConfig("prod", { config: { "mlts:app.corsOrigin": "https://ml.company.io" } }).app.corsOrigin).toBe("https://ml.company.io");
    expect(loadStackConfig("prod").app.corsOrigin).toBe("https://mlts.internal");
  });
});

describe("zones are chosen by zone ID, among those EKS supports", () => {
  test.each([...stacks])("%s: every subnet is placed by zone ID, none in use1-az3", (stack) => {
    const subnets = inputsOf(sims[stack], "aws:ec2/subnet:Subnet");
    for (const subnet of subnets) {
      expect(subnet.availabilityZone).toBeUndefined();
      expect(subnet.availabilityZoneId).not.toBe("use1-az3");
    }
    const zones = loadStackConfig(stack).network.availabilityZones;
    expect(new Set(subnets.map((s) => s.availabilityZoneId)).size).toBe(zones);
  });

  test("the choice is stable, skips refused zones, and says what it found when too few remain", () => {
    const ids = MOCK_ZONES.zoneIds.map((id) => `use1-${id}`);
    expect(eksZoneIds(ids, 3)).toEqual(["use1-az1", "use1-az2", "use1-az4"]);
    expect(() => eksZoneIds(["use1-az1", "use1-az3"], 2)).toThrow("has 1 zones EKS supports (use1-az1; excluded: use1-az3)");
  });
});

describe("dev image tags name exactly what is built", () => {
  const build = { service: "api", platform: "linux/amd64", bunVersion: "1.4.4" };
  let copy: string;
  beforeAll(() => {
    copy = mkdtempSync(join(tmpdir(), "mlts-clone-"));
    for (const file of [".dockerignore", ...contextFiles(ROOT)]) cpSync(join(ROOT, file), join(copy, file), { recursive: true });
  });

  test("the same sources in another clone give the same tag (nothing is pushed twice)", () => {
    expect(imageTag(build, copy)).toBe(imageTag(build, ROOT));
  });

  test("a file's mode, the platform, the target or Bun changes the tag (never the same tag for other bytes)", () => {
    const base = imageTag(build, copy);
    expect(imageTag({ ...build, platform: "linux/arm64" }, copy)).not.toBe(base);
    expect(imageTag({ ...build, service: "worker" }, copy)).not.toBe(base);
    expect(imageTag({ ...build, bunVersion: "1.4.5" }, copy)).not.toBe(base);
    chmodSync(join(copy, "package.json"), 0o755);
    expect(imageTag(build, copy)).not.toBe(base);
    chmodSync(join(copy, "package.json"), 0o644);
    writeFileSync(join(copy, "services", "new-file.ts"), "export {};\n");
    expect(imageTag(build, copy)).not.toBe(base);
    rmSync(copy, { recursive: true, force: true });
  });

  test("what .dockerignore leaves out does not change the tag", () => {
    expect(contextFiles(ROOT).some((f) => f.includes("node_modules") || f.startsWith("infra/") || f.startsWith("test/"))).toBe(false);
    expect(contextFiles(ROOT)).toContain("services/api/main.ts");
  });

  test.each([...stacks])("%s: no resource input carries a path of this checkout", (stack) => {
    const withPath = sims[stack].resources.filter((r) => JSON.stringify(r.inputs).includes(ROOT));
    expect(withPath.map((r) => `${r.type} ${r.name}`)).toEqual([]);
  });
});

describe("teardown removes what controllers created while the controllers still run", () => {
  test.each([...stacks])("%s: Karpenter's NodePool and EC2NodeClass go before its controller (their finalizers terminate its nodes)", (stack) => {
    const sim = sims[stack];
    const controller = release(sim, "oci://public.ecr.aws/karpenter/karpenter");
    const nodeClass = k8sResource(sim, "EC2NodeClass", "default");
    expect(nodeClass.dependsOn).toContain(controller.urn);
    expect(k8sResource(sim, "NodePool", "default").dependsOn).toContain(nodeClass.urn);
  });

  test.each([...stacks])("%s: the api Ingress goes before the load balancer controller (whose finalizer on it deletes the ALB)", (stack) => {
    const sim = sims[stack];
    const controller = release(sim, "aws-load-balancer-controller");
    expect(k8sResource(sim, "Ingress", "api").dependsOn).toContain(controller.urn);
  });

  test.each([...stacks])("%s: Prometheus's volume goes with its release, before the CSI driver that deletes it", (stack) => {
    const sim = sims[stack];
    const prometheus = release(sim, "kube-prometheus-stack");
    expect(prometheus.dependsOn).toContain(k8sResource(sim, "StorageClass", "gp3").urn);
    const spec = (prometheus.inputs as { values: { prometheus: { prometheusSpec: Record<string, unknown> } } }).values.prometheus.prometheusSpec;
    expect(spec.persistentVolumeClaimRetentionPolicy).toEqual({ whenDeleted: "Delete", whenScaled: "Retain" });
  });
});
