import { expect, test } from "bun:test";
import { kubernetesCorePodDisallowPrivilegeEscalation as policy } from "../../../infra/policy/policies/kubernetes-core-pod-disallow-privilege-escalation.ts";
import { deployment, hardenedContainer } from "../fixtures.ts";
import { check, resource } from "../harness.ts";

test("passes allowPrivilegeEscalation false", async () => {
  expect(await check(policy, deployment())).toEqual([]);
});

test("rejects an unset allowPrivilegeEscalation and a privileged DaemonSet container", async () => {
  const container = hardenedContainer({ securityContext: { privileged: true } });
  const daemonSet = resource("kubernetes:apps/v1:DaemonSet", { spec: { template: { spec: { containers: [container] } } } });
  expect(await check(policy, daemonSet)).toEqual([
    expect.stringContaining("allowPrivilegeEscalation must be false"),
    expect.stringContaining("privileged must not be true"),
  ]);
});
