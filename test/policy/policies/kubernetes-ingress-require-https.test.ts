import { expect, test } from "bun:test";
import { kubernetesIngressRequireHttps as policy } from "../../../infra/policy/policies/kubernetes-ingress-require-https.ts";
import { albIngress, kubernetesObject, plainHttp } from "../fixtures.ts";
import { check } from "../harness.ts";

const noHttps = 'kubernetes:networking.k8s.io/v1:Ingress "edge" has no HTTPS listener with a certificate (listen-ports, certificate-arn).';
const plainText = 'kubernetes:networking.k8s.io/v1:Ingress "edge" serves plain HTTP: answer it with a redirect (ssl-redirect).';
const publicService = 'kubernetes:core/v1:Service "gateway" is an internet-facing LoadBalancer Service: serve it through an HTTPS ALB Ingress instead.';

const loadBalancerService = (annotations: Record<string, string> = {}, spec: Record<string, unknown> = {}, stack = "prod") =>
  kubernetesObject("v1", "Service", { name: "gateway", namespace: "istio-ingress", annotations }, {
    spec: { type: "LoadBalancer", selector: { app: "istio-ingressgateway" }, ports: [{ port: 80, targetPort: 8080 }], ...spec },
  }, { stack });

test("passes the Edge's Ingress with a domain in prod and staging: HTTPS with a certificate, HTTP redirected", async () => {
  expect(await check(policy, albIngress({}, { stack: "prod" }))).toEqual([]);
  expect(await check(policy, albIngress({}, { stack: "staging" }))).toEqual([]);
  // HTTPS alone needs no redirect.
  expect(await check(policy, albIngress({ "listen-ports": '[{"HTTPS": 443}]', "ssl-redirect": undefined }, { stack: "prod" }))).toEqual([]);
});

test("passes an Ingress with a certificate and no listen-ports: the controller then listens on HTTPS 443 only", async () => {
  expect(await check(policy, albIngress({ "listen-ports": undefined, "ssl-redirect": undefined }, { stack: "prod" }))).toEqual([]);
});

test("passes plain HTTP in dev, which has no domain, by default", async () => {
  expect(await check(policy, albIngress(plainHttp, { stack: "dev" }))).toEqual([]);
  expect(await check(policy, loadBalancerService({}, {}, "dev"))).toEqual([]);
});

test("passes what does not face the internet, or is no ALB", async () => {
  expect(await check(policy, albIngress({ ...plainHttp, scheme: "internal" }, { stack: "prod" }))).toEqual([]);
  // The controller's default scheme is internal.
  expect(await check(policy, albIngress({ ...plainHttp, scheme: undefined }, { stack: "prod" }))).toEqual([]);
  expect(await check(policy, albIngress(plainHttp, { stack: "prod", ingressClassName: "nginx" }))).toEqual([]);
  expect(await check(policy, loadBalancerService({}, { type: "ClusterIP" }))).toEqual([]);
});

test("rejects plain HTTP in prod and staging: no HTTPS listener with a certificate, and HTTP not redirected", async () => {
  expect(await check(policy, albIngress(plainHttp, { stack: "prod" }))).toEqual([noHttps, plainText]);
  expect(await check(policy, albIngress(plainHttp, { stack: "staging" }))).toEqual([noHttps, plainText]);
  // Without listen-ports or a certificate the controller listens on HTTP 80.
  expect(await check(policy, albIngress({ "listen-ports": undefined, "ssl-redirect": undefined, "certificate-arn": undefined }, { stack: "prod" }))).toEqual([
    noHttps,
    plainText,
  ]);
});

test("rejects an HTTPS listener without a certificate, or a certificate with only an HTTP listener", async () => {
  expect(await check(policy, albIngress({ "certificate-arn": undefined }, { stack: "prod" }))).toEqual([noHttps]);
  expect(await check(policy, albIngress({ "listen-ports": '[{"HTTP": 80}]', "ssl-redirect": undefined }, { stack: "prod" }))).toEqual([
    noHttps,
    plainText,
  ]);
});

test("rejects HTTP next to HTTPS when it is not redirected", async () => {
  expect(await check(policy, albIngress({ "ssl-redirect": undefined }, { stack: "prod" }))).toEqual([plainText]);
});

test("rejects an ALB Ingress named by the legacy kubernetes.io/ingress.class annotation", async () => {
  const legacy = albIngress({ ...plainHttp, "kubernetes.io/ingress.class": "alb" }, { stack: "prod", ingressClassName: undefined });
  expect(await check(policy, legacy)).toEqual([noHttps, plainText]);
});

test("rejects an internet-facing LoadBalancer Service in prod: EKS's own controller makes it a public load balancer", async () => {
  expect(await check(policy, loadBalancerService())).toEqual([publicService]);
  // That controller reads only aws-load-balancer-internal; the scheme annotation is the AWS Load Balancer Controller's.
  expect(await check(policy, loadBalancerService({ "service.beta.kubernetes.io/aws-load-balancer-scheme": "internal" }))).toEqual([publicService]);
  expect(await check(policy, loadBalancerService({ "service.beta.kubernetes.io/aws-load-balancer-internal": "false" }))).toEqual([publicService]);
  expect(await check(policy, loadBalancerService({ "service.beta.kubernetes.io/aws-load-balancer-internal": "true" }))).toEqual([]);
  // It takes any other value, such as the old "0.0.0.0/0", as internal too.
  expect(await check(policy, loadBalancerService({ "service.beta.kubernetes.io/aws-load-balancer-internal": "0.0.0.0/0" }))).toEqual([]);
});

test("a Service of the AWS Load Balancer Controller is internal unless its scheme says internet-facing", async () => {
  const nlbClass = { loadBalancerClass: "service.k8s.aws/nlb" };
  expect(await check(policy, loadBalancerService({}, nlbClass))).toEqual([]);
  expect(await check(policy, loadBalancerService({ "service.beta.kubernetes.io/aws-load-balancer-type": "external" }))).toEqual([]);
  expect(await check(policy, loadBalancerService({ "service.beta.kubernetes.io/aws-load-balancer-scheme": "internet-facing" }, nlbClass))).toEqual([publicService]);
  const external = { "service.beta.kubernetes.io/aws-load-balancer-type": "external", "service.beta.kubernetes.io/aws-load-balancer-scheme": "internet-facing" };
  expect(await check(policy, loadBalancerService(external))).toEqual([publicService]);
  // Its legacy annotation, when the scheme is not given.
  expect(await check(policy, loadBalancerService({ "service.beta.kubernetes.io/aws-load-balancer-internal": "false" }, nlbClass))).toEqual([publicService]);
});

test("honours configured environments and the stack's environment tag", async () => {
  const prodOnly = { [policy.name]: { environments: ["prod"] } };
  expect(await check(policy, albIngress(plainHttp, { stack: "staging" }), { config: prodOnly })).toEqual([]);
  expect(await check(policy, albIngress(plainHttp, { stack: "prod" }), { config: prodOnly })).toEqual([noHttps, plainText]);
  const everywhere = { [policy.name]: { environments: ["dev", "staging", "prod"] } };
  expect(await check(policy, albIngress(plainHttp, { stack: "dev" }), { config: everywhere })).toEqual([noHttps, plainText]);
  expect(await check(policy, albIngress(plainHttp, { stack: "prod-eu" }), { stackTags: { environment: "prod" } })).toEqual([noHttps, plainText]);
});
