// How the application and the add-ons fit together, per stack (the real program under mocks): one
// front door (the Istio ingress gateway), Istio before the first pod, the client address the API
// trusts, the canary Deployment, and gateway routes that let long requests finish.
import { beforeAll, describe, expect, test } from "bun:test";
import { loadStackConfig, type Simulation, type StackName, simulateStack, stacks } from "../../infra/testing/simulate.ts";
import { TaskModel } from "../../services/api/modules/tasks/model.ts";
import { k8sObjects, validateK8sObject } from "./k8s-schema.ts";
import { type Inputs, k8s, k8sResource, ofType, release, workload } from "./resources.ts";

const sims = {} as Record<StackName, Simulation>;
beforeAll(async () => {
  for (const stack of stacks) sims[stack] = await simulateStack(stack);
});

const addonsConfigOf = (stack: StackName) => loadStackConfig(stack).addons;
const appPodOwners = (sim: Simulation) =>
  k8sObjects(sim.resources).filter(({ object }) => object.metadata?.namespace === "mlts" && ["Deployment", "Rollout", "Job"].includes(object.kind));
const container = (sim: Simulation, name: string) => workload(sim, name).spec.template.spec.containers[0];
const seconds = (duration: string) => Number(duration.replace(/s$/, ""));

describe.each([...stacks])("%s", (stack) => {
  test("clients reach the API only through the ALB, which sends them to the ingress gateway", () => {
    const sim = sims[stack];
    expect(k8s(sim, "Service", "api").spec.type).toBe("ClusterIP");
    expect(ofType(sim, "kubernetes:core/v1:Service").filter((r) => (r.inputs as Inputs).spec.type === "LoadBalancer")).toEqual([]);
    // The gateway chart's own Service, inside the cluster: the ALB reaches its pods directly.
    expect((release(sim, "gateway").inputs as Inputs).values.service).toEqual({ type: "ClusterIP" });
    const ingress = k8sResource(sim, "Ingress", "api");
    const spec = (ingress.inputs as Inputs).spec;
    expect(spec.ingressClassName).toBe("alb");
    expect(spec.rules[0].http.paths[0].backend.service).toEqual({ name: "istio-ingressgateway", port: { number: 80 } });
    const annotations = (ingress.inputs as Inputs).metadata.annotations;
    expect(annotations["alb.ingress.kubernetes.io/inbound-cidrs"]).toBe(addonsConfigOf(stack).edge.allowedCidrs.join(","));
    expect(annotations).toMatchObject({ "alb.ingress.kubernetes.io/target-type": "ip", "alb.ingress.kubernetes.io/healthcheck-port": "15021" });
    // Created after the controller, whose webhook validates it, and after the gateway it sends to.
    for (const chart of ["aws-load-balancer-controller", "gateway"]) expect(ingress.dependsOn).toContain(release(sim, chart).urn);
  });

  test("the gateway routes every request to the stable api until Argo Rollouts weighs the canary in", () => {
    const sim = sims[stack];
    for (const route of k8s(sim, "VirtualService", "api").spec.http) {
      expect(route.route.map((r: Inputs) => [r.destination.host, r.weight])).toEqual([["api.mlts.svc.cluster.local", 100], ["api-canary.mlts.svc.cluster.local", 0]]);
    }
    // Both Services select the api's pods; Rollouts adds each its revision's hash.
    expect(k8s(sim, "Service", "api-canary").spec.selector).toEqual(k8s(sim, "Service", "api").spec.selector);
  });

  test("the namespace is in the mesh, and Istio's injector and CNI are installed before any of its pods", () => {
    const sim = sims[stack];
    expect(k8s(sim, "Namespace", "mlts").metadata.labels["istio-injection"]).toBe("enabled");
    const istio = [release(sim, "istiod").urn, release(sim, "cni").urn];
    const owners = appPodOwners(sim);
    expect(owners.map(({ object }) => object.kind).sort()).toEqual(["Deployment", "Job", "Rollout"]);
    for (const { resource } of owners) expect(resource.dependsOn).toEqual(expect.arrayContaining(istio));
    // The sidecars reach istiod (and the services the trace collector) from the first pod on.
    const egress = k8s(sim, "NetworkPolicy", "allow-mesh").spec;
    expect(egress.podSelector).toEqual({});
    expect(egress.egress).toContainEqual({
      to: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "istio-system" } } }],
      ports: [{ protocol: "TCP", port: 15012 }],
    });
  });

  test("the migrations Job runs without a sidecar, so it completes", () => {
    const job = ofType(sims[stack], "kubernetes:batch/v1:Job")[0]!.inputs as Inputs;
    expect(job.spec.template.metadata.labels["sidecar.istio.io/inject"]).toBe("false");
    const migrations = k8s(sims[stack], "NetworkPolicy", "migrations").spec;
    expect(migrations.egress[0].ports).toEqual([{ protocol: "TCP", port: 5432 }]);
  });

  test("add-ons that act on the application are created after it", () => {
    const sim = sims[stack];
    // A dependency on a component is one on each of its children, the workloads among them.
    const workloads = [k8sResource(sim, "Rollout", "api").urn, k8sResource(sim, "Deployment", "worker").urn];
    for (const addon of ["Observability", "MeshAccess", "Keda"]) {
      expect(ofType(sim, `mlts:addons:${addon}`)[0]!.dependsOn, addon).toEqual(expect.arrayContaining(workloads));
    }
    expect(ofType(sim, "mlts:addons:Istio")[0]!.dependsOn).toEqual([]);
  });

  test("a rotated secret reaches running pods: External Secrets refreshes it, Reloader rolls what reads it", () => {
    const sim = sims[stack];
    const secret = k8s(sim, "ExternalSecret", "mlts-app");
    expect(secret.spec.refreshInterval).toBe("5m");
    for (const name of ["api", "worker"]) {
      const deployment = workload(sim, name);
      expect(deployment.metadata.annotations["secret.reloader.stakater.com/reload"]).toBe(secret.spec.target.name);
      expect(deployment.spec.template.spec.containers[0].envFrom).toContainEqual({ secretRef: { name: secret.spec.target.name } });
    }
    const reloader = release(sim, "reloader").inputs as Inputs;
    expect(reloader.values.reloader).toMatchObject({ watchGlobally: false, namespaces: ["mlts"] });
  });

  test("the API takes the client address from the X-Forwarded-For hop the ALB appended", () => {
    const sim = sims[stack];
    expect(container(sim, "api").env).toContainEqual({ name: "TRUST_PROXY", value: "true" });
    expect(container(sim, "worker").env).toBeUndefined();
    // The gateway trusts the ALB's one hop, and appends none of its own: the last hop stays the client.
    const istiod = release(sim, "istiod").inputs as Inputs;
    expect(istiod.values.meshConfig.defaultConfig.gatewayTopology).toEqual({ numTrustedProxies: 1 });
    const patch = k8s(sim, "EnvoyFilter", "gateway-client-address").spec.configPatches[0];
    expect(patch.patch.value.typed_config.skip_xff_append).toBe(true);
  });

  test("long requests outlive the 30 s timeout: the task event stream and waiting reads", () => {
    const [events, read, general, ...rest] = k8s(sims[stack], "VirtualService", "api").spec.http as Inputs[];
    expect(rest).toEqual([]);
    // Server-sent events: first, unbounded (no timeout: Istio refuses "0s"), never retried.
    expect(events!.match).toEqual([{ method: { exact: "GET" }, uri: { regex: "^/tasks/[^/]+/events$" } }]);
    expect(events!.timeout).toBeUndefined();
    expect(events!.retries).toEqual({ attempts: 0 });
    const eventsPath = new RegExp(events!.match[0].uri.regex);
    expect(eventsPath.test("/tasks/0193a0c4-7b5e-7000-8000-000000000000/events")).toBe(true);
    expect(eventsPath.test("/tasks/0193a0c4-7b5e-7000-8000-000000000000")).toBe(false);
    // GET /tasks/{id}?wait= (Envoy matches the path without its query string).
    expect(read!.match).toEqual([{ method: { exact: "GET" }, uri: { regex: "^/tasks/[^/]+$" } }]);
    const longestWait = TaskModel.getQuery.properties.wait.maximum!;
    expect(seconds(read!.timeout)).toBeGreaterThanOrEqual(longestWait + 5);
    expect(seconds(read!.retries.perTryTimeout)).toBeGreaterThanOrEqual(longestWait + 5);
    // Everything else: the general route, last.
    expect(general!.match).toBeUndefined();
    expect(general!.timeout).toBe("30s");
  });
});

describe("progressive delivery (Argo Rollouts)", () => {
  test.each([...stacks])("%s: the api is a Rollout of the hardened pod, weighing every gateway route, checked on the SLO queries", (stack) => {
    const sim = sims[stack];
    const rollout = k8s(sim, "Rollout", "api");
    const { canary } = rollout.spec.strategy;
    expect(canary).toMatchObject({ stableService: "api", canaryService: "api-canary" });
    const routes = k8s(sim, "VirtualService", "api").spec.http.map((route: Inputs) => route.name);
    expect(canary.trafficRouting.istio.virtualService).toEqual({ name: "api", routes });
    // 5 → 10 → 25 → 50 → 100 %, watched 2, 5, 10 and 10 minutes.
    expect(canary.steps).toEqual([5, 10, 25, 50].flatMap((weight, i) => [{ setWeight: weight }, { pause: { duration: ["2m", "5m", "10m", "10m"][i] } }]));
    expect(canary.analysis.templates).toEqual([{ templateName: "api-canary-slo" }]);
    const template = k8s(sim, "AnalysisTemplate", "api-canary-slo").spec;
    expect(template.metrics.map((m: Inputs) => m.name)).toEqual(["success-rate", "latency", "task-failures"]);
    for (const metric of template.metrics) {
      expect(metric.provider.prometheus.address).toBe("http://kube-prometheus-stack-prometheus.monitoring.svc.cluster.local:9090");
      expect(metric).toMatchObject({ failureLimit: 0, inconclusiveLimit: 2 });
    }
    // The HPA scales the Rollout; its pods' hardening, identity and probes are the Deployment's were.
    expect(k8s(sim, "HorizontalPodAutoscaler", "api").spec.scaleTargetRef).toEqual({ apiVersion: "argoproj.io/v1alpha1", kind: "Rollout", name: "api" });
    expect(k8s(sim, "PodDisruptionBudget", "api").spec.selector).toEqual(rollout.spec.selector);
  });

  test.each([...stacks])("%s: Pulumi leaves the weights to Rollouts, and waits for the rollout to finish", (stack) => {
    const sim = sims[stack];
    expect(k8sResource(sim, "VirtualService", "api").ignoreChanges).toEqual(["spec.http[*].route[*].weight"]);
    const rollout = k8sResource(sim, "Rollout", "api");
    expect((rollout.inputs as Inputs).metadata.annotations["pulumi.com/waitFor"]).toBe("jsonpath={.status.phase}=Healthy");
    // Every pause plus 15 minutes: an aborted rollout fails the update then, naming the Rollout.
    expect((rollout.inputs as Inputs).metadata.annotations["pulumi.com/timeoutSeconds"]).toBe(String((2 + 5 + 10 + 10) * 60 + 900));
    for (const name of ["api-canary-slo", "api-preview-smoke"]) expect(rollout.dependsOn).toContain(k8sResource(sim, "AnalysisTemplate", name).urn);
    expect(rollout.dependsOn).toContain(k8sResource(sim, "VirtualService", "api").urn);
    expect(sim.outputs.apiImage).toBe((rollout.inputs as Inputs).spec.template.spec.containers[0].image);
  });

  test("blue/green is a per-stack option: a preview Service, a smoke test of the preview before the switch", async () => {
    const sim = await simulateStack("prod", { config: { "mlts:app.api.delivery.strategy": "blueGreen", "mlts:app.api.delivery.autoPromotion": "true" } });
    const { blueGreen } = k8s(sim, "Rollout", "api").spec.strategy;
    expect(blueGreen).toMatchObject({ activeService: "api", previewService: "api-preview", autoPromotionEnabled: true });
    expect(blueGreen.prePromotionAnalysis.templates).toEqual([{ templateName: "api-preview-smoke" }]);
    expect(blueGreen.prePromotionAnalysis.args).toContainEqual({ name: "preview-url", value: "http://api-preview.mlts.svc.cluster.local:80" });
    const job = k8s(sim, "AnalysisTemplate", "api-preview-smoke").spec.metrics[0].provider.job.spec.template;
    expect(job.spec.containers[0].command).toEqual(["bun", "scripts/smoke-test.ts", "{{args.preview-url}}"]);
    expect(job.spec.serviceAccountName).toBe("smoke-test");
    // The smoke test may call the api: the mesh admits its identity, the network its pods.
    expect(k8s(sim, "AuthorizationPolicy", "api").spec.rules[0].from[0].source.principals).toContain("cluster.local/ns/mlts/sa/smoke-test");
    expect(k8s(sim, "NetworkPolicy", "smoke-test").spec.egress[0].ports).toEqual([{ protocol: "TCP", port: 3000 }]);
    const problems = (await Promise.all(k8sObjects(sim.resources).map(({ object }) => validateK8sObject(object)))).flat();
    expect(problems).toEqual([]);
  });

  test("steps off the ladder, or an analysis that does not exist, are refused with the key named", () => {
    expect(() => loadStackConfig("prod", { config: { "mlts:app.api.delivery.steps": '[{"weight": 5, "pause": "2m"}, {"weight": 30, "pause": "5m"}]' } }))
      .toThrow("mlts:app.api.delivery.steps[1].weight: must be a step of the ladder 5, 10, 25, 50 (then 100), got 30");
    expect(() => loadStackConfig("prod", { config: { "mlts:app.api.delivery.steps": '[{"weight": 25, "pause": "2m"}, {"weight": 10, "pause": "5m"}]' } }))
      .toThrow("mlts:app.api.delivery.steps[1].weight: must rise");
    expect(() => loadStackConfig("prod", { config: { "mlts:app.api.delivery.analysis": '["success-rate", "apdex"]' } }))
      .toThrow('mlts:app.api.delivery.analysis[1]: must be one of success-rate, latency, task-failures, got "apdex"');
  });

  test("a stack's own ladder reaches the Rollout", async () => {
    const sim = await simulateStack("staging", { config: { "mlts:app.api.delivery.steps": '[{"weight": 10, "pause": "1m"}, {"weight": 50, "pause": "3m"}]' } });
    expect(k8s(sim, "Rollout", "api").spec.strategy.canary.steps).toEqual([{ setWeight: 10 }, { pause: { duration: "1m" } }, { setWeight: 50 }, { pause: { duration: "3m" } }]);
  });
});

describe("gateway config", () => {
  test("who may reach the gateway is required and checked", async () => {
    expect(() => loadStackConfig("dev", { config: { "mlts:addons.edge.allowedCidrs": "[]" } })).toThrow("mlts:addons.edge.allowedCidrs: Expected array length to be greater or equal to 1, got []");
    expect(() => loadStackConfig("dev", { config: { "mlts:addons.edge": '{"plainHttp": true}' } })).toThrow("mlts:addons.edge.allowedCidrs: is required");
    expect(() => loadStackConfig("dev", { config: { "mlts:addons.edge.allowedCidrs": '["10.0.0.0"]' } })).toThrow('mlts:addons.edge.allowedCidrs[0]: must be an IPv4 CIDR such as 10.0.0.0/16, got "10.0.0.0"');
  });
});
