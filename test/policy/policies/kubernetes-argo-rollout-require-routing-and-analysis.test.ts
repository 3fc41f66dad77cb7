import { expect, test } from "bun:test";
import { kubernetesArgoRolloutRequireRoutingAndAnalysis as policy } from "../../../infra/policy/policies/kubernetes-argo-rollout-require-routing-and-analysis.ts";
import { kubernetesObject } from "../fixtures.ts";
import { check } from "../harness.ts";

const ns = "mlts";
const service = (name: string) => kubernetesObject("v1", "Service", { name, namespace: ns }, { spec: { ports: [{ port: 80 }] } });
const template = (name: string) => kubernetesObject("argoproj.io/v1alpha1", "AnalysisTemplate", { name, namespace: ns }, { spec: { metrics: [] } });
const route = (name: string) => ({
  name,
  route: [{ destination: { host: `api.${ns}.svc.cluster.local` }, weight: 100 }, { destination: { host: `api-canary.${ns}.svc.cluster.local` }, weight: 0 }],
});
const virtualService = (routes: string[]) => kubernetesObject("networking.istio.io/v1", "VirtualService", { name: "api", namespace: ns }, { spec: { http: routes.map(route) } });
const canary = (overrides: Record<string, unknown> = {}) => ({
  canary: {
    stableService: "api",
    canaryService: "api-canary",
    trafficRouting: { istio: { virtualService: { name: "api", routes: ["events", "api"] } } },
    analysis: { templates: [{ templateName: "slo" }] },
    ...overrides,
  },
});
const rollout = (strategy: Record<string, unknown>) =>
  kubernetesObject("argoproj.io/v1alpha1", "Rollout", { name: "api", namespace: ns }, { spec: { strategy } });
const stack = [service("api"), service("api-canary"), template("slo"), virtualService(["events", "api"])];

test("passes a canary that lists every route of its VirtualService, with its Services and AnalysisTemplate", async () => {
  expect(await check(policy, [...stack, rollout(canary())])).toEqual([]);
  const blueGreen = { blueGreen: { activeService: "api", previewService: "api-canary", prePromotionAnalysis: { templates: [{ templateName: "slo" }] } } };
  expect(await check(policy, [...stack, rollout(blueGreen)])).toEqual([]);
});

test("rejects a route of the VirtualService to the stable Service that the Rollout does not list (it would stay on stable)", async () => {
  const routes = [service("api"), service("api-canary"), template("slo"), virtualService(["events", "read", "api"])];
  expect(await check(policy, [...routes, rollout(canary())])).toEqual([
    'kubernetes:argoproj.io/v1alpha1:Rollout "api": VirtualService api route "read" goes to api but is not in the Rollout\'s routes.',
  ]);
});

test("rejects a listed route, VirtualService, Service or AnalysisTemplate that the stack does not create", async () => {
  const broken = canary({ trafficRouting: { istio: { virtualService: { name: "api", routes: ["events", "api", "gone"] } } } });
  expect(await check(policy, [...stack, rollout(broken)])).toEqual([expect.stringContaining('lists route "gone", which VirtualService api does not have')]);
  expect(await check(policy, [service("api"), service("api-canary"), template("slo"), rollout(canary())])).toEqual([
    expect.stringContaining("names VirtualService api, which the stack does not create in mlts"),
  ]);
  expect(await check(policy, [service("api"), template("slo"), virtualService(["events", "api"]), rollout(canary())])).toEqual([
    expect.stringContaining("steers Service api-canary, which the stack does not create in mlts"),
  ]);
  expect(await check(policy, [service("api"), service("api-canary"), virtualService(["events", "api"]), rollout(canary())])).toEqual([
    expect.stringContaining("names AnalysisTemplate slo, which the stack does not create"),
  ]);
});
