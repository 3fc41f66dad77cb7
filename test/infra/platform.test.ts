// How the application and the add-ons fit together, per stack (the real program under mocks): one
// front door (the Istio ingress gateway), Istio before the first pod, the client address the API
// trusts, the canary Deployment, and gateway routes that let long requests finish.
import { beforeAll, describe, expect, test } from "bun:test";
import { mockLoadBalancerHostname } from "../../infra/testing/mocks.ts";
import { loadStackConfig, type Simulation, type StackName, simulateStack, stacks } from "../../infra/testing/simulate.ts";
import { TaskModel } from "../../services/api/modules/tasks/model.ts";
import { k8sObjects, validateK8sObject } from "./k8s-schema.ts";
import { type Inputs, k8s, k8sResource, ofType } from "./resources.ts";

const sims = {} as Record<StackName, Simulation>;
beforeAll(async () => {
  for (const stack of stacks) sims[stack] = await simulateStack(stack);
});

const addonsConfigOf = (stack: StackName) => loadStackConfig(stack).addons;
const release = (sim: Simulation, chart: string) => ofType(sim, "kubernetes:helm.sh/v3:Release").find((r) => r.inputs.chart === chart)!;
const appPodOwners = (sim: Simulation) =>
  k8sObjects(sim.resources).filter(({ object }) => object.metadata?.namespace === "mlts" && ["Deployment", "Job"].includes(object.kind));
const container = (sim: Simulation, deployment: string) => k8s(sim, "Deployment", deployment).spec.template.spec.containers[0];
const seconds = (duration: string) => Number(duration.replace(/s$/, ""));

describe.each([...stacks])("%s", (stack) => {
  test("clients reach the API only through the ingress gateway's load balancer", () => {
    const sim = sims[stack];
    const api = k8s(sim, "Service", "api");
    expect(api.spec.type).toBe("ClusterIP");
    expect(api.spec.loadBalancerSourceRanges).toBeUndefined();

    const loadBalancers = ofType(sim, "kubernetes:core/v1:Service").filter((r) => (r.inputs as Inputs).spec.type === "LoadBalancer");
    expect(loadBalancers).toHaveLength(1);
    const gateway = loadBalancers[0]!;
    const gatewayService = gateway.inputs as Inputs;
    expect(gatewayService.metadata).toMatchObject({ name: "istio-ingressgateway", namespace: "istio-ingress" });
    expect(gatewayService.metadata.annotations["service.beta.kubernetes.io/aws-load-balancer-type"]).toBe("nlb");
    expect(gatewayService.spec).toMatchObject({ externalTrafficPolicy: "Local", ports: [{ port: 80, targetPort: 80 }] });
    expect(gatewayService.spec.loadBalancerSourceRanges).toEqual(addonsConfigOf(stack).gateway.allowedCidrs);
    // The chart's own Service is off; the program's selects the chart's pods, as the Gateway does.
    expect((release(sim, "gateway").inputs as Inputs).values.service).toEqual({ type: "None" });
    expect(gatewayService.spec.selector).toEqual(k8s(sim, "Gateway", "api").spec.selector);
    expect(gateway.dependsOn).toContain(release(sim, "gateway").urn);

    expect(sim.outputs.apiUrl).toBe(`http://${mockLoadBalancerHostname(gateway.name, stack)}`);
  });

  test("the gateway routes to the api Service alone while no canary runs", () => {
    const sim = sims[stack];
    const hosts = k8s(sim, "VirtualService", "api").spec.http.map((route: Inputs) => route.route.map((r: Inputs) => r.destination.host));
    for (const routeHosts of hosts) expect(routeHosts).toEqual(["api.mlts.svc.cluster.local"]);
    expect(() => k8s(sim, "Service", "api-canary")).toThrow();
  });

  test("the namespace is in the mesh, and Istio's injector and CNI are installed before any of its pods", () => {
    const sim = sims[stack];
    expect(k8s(sim, "Namespace", "mlts").metadata.labels["istio-injection"]).toBe("enabled");
    const istio = [release(sim, "istiod").urn, release(sim, "cni").urn];
    const owners = appPodOwners(sim);
    expect(owners.map(({ object }) => object.kind).sort()).toEqual(["Deployment", "Deployment", "Job"]);
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
    const workloads = ["api", "worker"].map((name) => k8sResource(sim, "Deployment", name).urn);
    for (const addon of ["ApiTraffic", "Observability", "MeshAccess", "Keda"]) {
      expect(ofType(sim, `mlts:addons:${addon}`)[0]!.dependsOn, addon).toEqual(expect.arrayContaining(workloads));
    }
    expect(ofType(sim, "mlts:addons:Istio")[0]!.dependsOn).toEqual([]);
  });

  test("a rotated secret reaches running pods: External Secrets refreshes it, Reloader rolls what reads it", () => {
    const sim = sims[stack];
    const secret = k8s(sim, "ExternalSecret", "mlts-app");
    expect(secret.spec.refreshInterval).toBe("5m");
    for (const name of ["api", "worker"]) {
      const deployment = k8s(sim, "Deployment", name);
      expect(deployment.metadata.annotations["secret.reloader.stakater.com/reload"]).toBe(secret.spec.target.name);
      expect(deployment.spec.template.spec.containers[0].envFrom).toContainEqual({ secretRef: { name: secret.spec.target.name } });
    }
    const reloader = release(sim, "reloader").inputs as Inputs;
    expect(reloader.values.reloader).toMatchObject({ watchGlobally: false, namespaces: ["mlts"] });
  });

  test("the API takes the client address from the gateway's X-Forwarded-For hop", () => {
    const sim = sims[stack];
    expect(container(sim, "api").env).toContainEqual({ name: "TRUST_PROXY", value: "true" });
    expect(container(sim, "worker").env).toBeUndefined();
    // The gateway trusts no hop from outside: the one it appends is the client's own (kept by the NLB).
    const istiod = release(sim, "istiod").inputs as Inputs;
    expect(istiod.values.meshConfig.defaultConfig.gatewayTopology).toEqual({ numTrustedProxies: 0 });
  });

  test("no canary runs while its weight is 0", () => {
    const sim = sims[stack];
    expect(addonsConfigOf(stack).canary.weight).toBe(0);
    expect(() => k8s(sim, "Deployment", "api-canary")).toThrow();
    expect(() => k8s(sim, "PodDisruptionBudget", "api-canary")).toThrow();
    expect(() => k8s(sim, "HorizontalPodAutoscaler", "api-canary")).toThrow();
    for (const route of k8s(sim, "VirtualService", "api").spec.http) expect(route.route.map((r: Inputs) => r.weight)).toEqual([100]);
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

describe("a canary in flight", () => {
  const canaryImage = "123456789012.dkr.ecr.us-east-1.amazonaws.com/mlts-dev-api@sha256:" + "c".repeat(64);
  const heldImage = "123456789012.dkr.ecr.us-east-1.amazonaws.com/mlts-dev-api@sha256:" + "a".repeat(64);
  const withCanary = (stack: StackName, config: Record<string, string> = {}) =>
    simulateStack(stack, { config: { "mlts:addons.canary.weight": "25", ...config } });

  test.each([...stacks])("%s: runs the api's hardened pod with the canary image, covered like the api", async (stack) => {
    const sim = await withCanary(stack, { "mlts:app.canaryImage": canaryImage });
    const api = k8s(sim, "Deployment", "api");
    const canary = k8s(sim, "Deployment", "api-canary");
    expect(canary.spec.template.spec.containers[0].image).toBe(canaryImage);
    expect(api.spec.template.spec.containers[0].image).toBe(sims[stack].outputs.apiImage as string);
    // The same pod but for its image and labels: probes, resources, security, identity, TRUST_PROXY.
    const podOf = (deployment: Inputs) => {
      const spec = structuredClone(deployment.spec.template.spec);
      spec.containers[0].image = "IMAGE";
      spec.serviceAccountName = "SERVICE_ACCOUNT"; // each Deployment has its own identity
      for (const constraint of spec.topologySpreadConstraints) delete constraint.labelSelector;
      return spec;
    };
    expect(podOf(canary)).toEqual(podOf(api));
    expect(canary.spec.template.metadata.annotations).toEqual(api.spec.template.metadata.annotations);
    expect(canary.spec.replicas).toBe(api.spec.replicas);

    expect(k8s(sim, "PodDisruptionBudget", "api-canary").spec.selector).toEqual(canary.spec.selector);
    expect(k8s(sim, "HorizontalPodAutoscaler", "api-canary").spec).toMatchObject({
      scaleTargetRef: { kind: "Deployment", name: "api-canary" },
      minReplicas: k8s(sim, "HorizontalPodAutoscaler", "api").spec.minReplicas,
    });
    const podLabels = canary.spec.template.metadata.labels;
    expect(k8s(sim, "Service", "api-canary").spec.selector).toEqual(podLabels);
    expect(k8s(sim, "AuthorizationPolicy", "api-canary").spec.selector.matchLabels).toEqual(podLabels);
    const apiPolicy = k8s(sim, "NetworkPolicy", "api").spec.podSelector;
    expect(apiPolicy.matchExpressions).toEqual([{ key: "app.kubernetes.io/component", operator: "In", values: ["api", "api-canary"] }]);
    expect(k8s(sim, "ServiceMonitor", "api").spec.selector).toEqual(apiPolicy);
    for (const { resource } of appPodOwners(sim)) expect(resource.dependsOn).toContain(release(sim, "istiod").urn);

    for (const route of k8s(sim, "VirtualService", "api").spec.http) expect(route.route.map((r: Inputs) => r.weight)).toEqual([75, 25]);
    const problems = (await Promise.all(k8sObjects(sim.resources).map(({ object }) => validateK8sObject(object)))).flat();
    expect(problems).toEqual([]);
  });

  test("without canaryImage, the canary runs the stack's image while a held stable keeps its own; migrations run the newest", async () => {
    const sim = await withCanary("prod", { "mlts:app.stableImage": heldImage });
    expect(container(sim, "api").image).toBe(heldImage);
    expect(sim.outputs.apiImage).toBe(heldImage);
    const released = sims.prod.outputs.apiImage as string;
    expect(container(sim, "api-canary").image).toBe(released);
    const job = ofType(sim, "kubernetes:batch/v1:Job")[0]!.inputs as Inputs;
    expect(job.spec.template.spec.containers[0].image).toBe(released);
  });

  test("the stable and canary weights always add up to 100", async () => {
    for (const step of addonsConfigOf("prod").canary.steps) {
      const sim = await withCanary("prod", { "mlts:addons.canary.weight": String(step) });
      for (const route of k8s(sim, "VirtualService", "api").spec.http) {
        expect(route.route.reduce((sum: number, r: Inputs) => sum + r.weight, 0)).toBe(100);
        expect(route.route[1].weight).toBe(step);
      }
      expect(k8sResource(sim, "Deployment", "api-canary")).toBeDefined();
    }
  });
});

describe("gateway config", () => {
  test("who may reach the gateway is required and checked", async () => {
    expect(() => loadStackConfig("dev", { config: { "mlts:addons.gateway.allowedCidrs": "[]" } })).toThrow("mlts:addons.gateway.allowedCidrs: Expected array length to be greater or equal to 1, got []");
    expect(() => loadStackConfig("dev", { config: { "mlts:addons.gateway": "{}" } })).toThrow("mlts:addons.gateway.allowedCidrs: is required");
    expect(() => loadStackConfig("dev", { config: { "mlts:addons.gateway.allowedCidrs": '["10.0.0.0"]' } })).toThrow('mlts:addons.gateway.allowedCidrs[0]: must be an IPv4 CIDR such as 10.0.0.0/16, got "10.0.0.0"');
  });
});
