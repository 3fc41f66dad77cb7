import { expect, test } from "bun:test";
import { kubernetesCorePodRequireDroppedCapabilities as policy } from "../../../infra/policy/policies/kubernetes-core-pod-require-dropped-capabilities.ts";
import { deployment, hardenedContainer } from "../fixtures.ts";
import { check } from "../harness.ts";

const withCapabilities = (capabilities: { drop?: string[]; add?: string[] }) =>
  deployment({ containers: [hardenedContainer({ securityContext: { capabilities } })] });

test("passes drop ALL, and an added capability the config allows", async () => {
  expect(await check(policy, deployment())).toEqual([]);
  const config = { [policy.name]: { allowedCapabilities: ["NET_BIND_SERVICE"] } };
  expect(await check(policy, withCapabilities({ drop: ["ALL"], add: ["NET_BIND_SERVICE"] }), { config })).toEqual([]);
});

test("rejects keeping default capabilities or adding unlisted ones", async () => {
  expect(await check(policy, withCapabilities({ drop: ["NET_RAW"], add: ["SYS_ADMIN"] }))).toEqual([
    expect.stringContaining('drop must include "ALL"'),
    expect.stringContaining("SYS_ADMIN"),
  ]);
});
