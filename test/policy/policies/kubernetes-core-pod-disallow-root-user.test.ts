import { expect, test } from "bun:test";
import { kubernetesCorePodDisallowRootUser as policy } from "../../../infra/policy/policies/kubernetes-core-pod-disallow-root-user.ts";
import { deployment, hardenedContainer, rollout } from "../fixtures.ts";
import { check, resource } from "../harness.ts";

test("passes runAsNonRoot on the container, or on the pod", async () => {
  expect(await check(policy, deployment())).toEqual([]);
  const container = hardenedContainer({ securityContext: { readOnlyRootFilesystem: true } });
  const pod = resource("kubernetes:core/v1:Pod", { spec: { securityContext: { runAsNonRoot: true, runAsUser: 1000 }, containers: [container] } });
  expect(await check(policy, pod)).toEqual([]);
});

test("rejects a missing runAsNonRoot and runAsUser 0", async () => {
  const container = hardenedContainer({ securityContext: { runAsUser: 0 } });
  expect(await check(policy, deployment({ containers: [container] }))).toEqual([
    expect.stringContaining("runAsNonRoot must be true"),
    expect.stringContaining("runAsUser must not be 0"),
  ]);
});

test("holds for an Argo Rollout as for a Deployment", async () => {
  expect(await check(policy, rollout())).toEqual([]);
  const container = hardenedContainer({ securityContext: { runAsUser: 0 } });
  expect(await check(policy, rollout({ containers: [container] }))).toHaveLength(2);
});
