import { expect, test } from "bun:test";
import { kubernetesCorePodDisallowWritableRootFilesystem as policy } from "../../../infra/policy/policies/kubernetes-core-pod-disallow-writable-root-filesystem.ts";
import { deployment, hardenedContainer } from "../fixtures.ts";
import { check, resource } from "../harness.ts";

test("passes a read-only root filesystem", async () => {
  expect(await check(policy, deployment())).toEqual([]);
});

test("rejects a writable root filesystem in a StatefulSet", async () => {
  const container = hardenedContainer({ securityContext: { runAsNonRoot: true } });
  const statefulSet = resource("kubernetes:apps/v1:StatefulSet", { spec: { template: { spec: { containers: [container] } } } });
  expect(await check(policy, statefulSet)).toEqual([expect.stringContaining("readOnlyRootFilesystem must be true")]);
});
