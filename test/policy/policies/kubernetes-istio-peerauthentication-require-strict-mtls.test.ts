import { expect, test } from "bun:test";
import { kubernetesIstioPeerAuthenticationRequireStrictMtls as policy } from "../../../infra/policy/policies/kubernetes-istio-peerauthentication-require-strict-mtls.ts";
import { check, resource } from "../harness.ts";

const istiod = resource("kubernetes:helm.sh/v3:Release", { chart: "istiod", repositoryOpts: { repo: "https://istio-release.storage.googleapis.com/charts" } });
const peerAuthentication = (namespace: string, spec: Record<string, unknown>, name = "default") =>
  resource("kubernetes:security.istio.io/v1:PeerAuthentication", { metadata: { name, namespace }, spec }, { name });

test("passes a mesh-wide STRICT policy, and a stack without Istio", async () => {
  expect(await check(policy, [istiod, peerAuthentication("istio-system", { mtls: { mode: "STRICT" } })])).toEqual([]);
  expect(await check(policy, [resource("kubernetes:core/v1:Namespace", {})])).toEqual([]);
});

test("rejects Istio without mesh-wide STRICT, a relaxing policy, and a missing mesh when required", async () => {
  expect(await check(policy, [istiod])).toEqual([expect.stringContaining("No mesh-wide PeerAuthentication")]);
  const relaxed = peerAuthentication("mlts", { mtls: { mode: "STRICT" }, portLevelMtls: { "9090": { mode: "DISABLE" } } }, "metrics");
  expect(await check(policy, [istiod, peerAuthentication("istio-system", { mtls: { mode: "STRICT" } }), relaxed])).toEqual([
    expect.stringContaining("relaxes mTLS to DISABLE"),
  ]);
  const config = { [policy.name]: { requireMesh: true } };
  expect(await check(policy, [resource("kubernetes:core/v1:Namespace", {})], { config })).toEqual([expect.stringContaining("requireMesh")]);
});
