import { expect, test } from "bun:test";
import { kubernetesIngressRequireWaf as policy } from "../../../infra/policy/policies/kubernetes-ingress-require-waf.ts";
import type { RegisteredResource } from "../../../infra/policy/engine.ts";
import { albIngress, plainHttp, webAcl, webAclArn } from "../fixtures.ts";
import { check, type FixtureOptions } from "../harness.ts";

const noAcl = 'kubernetes:networking.k8s.io/v1:Ingress "edge" is an internet-facing ALB with no web ACL of the stack (wafv2-acl-arn).';

/** The Edge's Ingress: its annotations are computed from the ACL's ARN, so the engine records the ACL as a dependency. */
const namingAcl = (acl: RegisteredResource, annotations: Record<string, string | undefined> = {}, options: FixtureOptions = {}) =>
  albIngress(annotations, { dependsOn: [acl], propertyDependencies: { metadata: [acl] }, ...options });

test("passes an internet-facing ALB that names the stack's web ACL, after `pulumi up` (known ARN) and offline or in a preview (by dependency)", async () => {
  const deployed = webAcl({ arn: webAclArn });
  expect(await check(policy, [deployed, namingAcl(deployed)])).toEqual([]);
  // The ARN matches: no dependency needed.
  expect(await check(policy, [deployed, albIngress()])).toEqual([]);
  const planned = webAcl();
  expect(await check(policy, [planned, namingAcl(planned)])).toEqual([]);
});

test("passes Ingresses that are no internet-facing ALB", async () => {
  expect(await check(policy, albIngress({ "wafv2-acl-arn": undefined, scheme: "internal" }))).toEqual([]);
  expect(await check(policy, albIngress({ "wafv2-acl-arn": undefined }, { ingressClassName: "nginx" }))).toEqual([]);
});

test("rejects an internet-facing ALB that names no web ACL, in every environment", async () => {
  const acl = webAcl({ arn: webAclArn });
  expect(await check(policy, [acl, namingAcl(acl, { "wafv2-acl-arn": undefined })])).toEqual([noAcl]);
  expect(await check(policy, [webAcl({ stack: "dev" }), albIngress({ ...plainHttp, "wafv2-acl-arn": undefined }, { stack: "dev" })])).toEqual([noAcl]);
});

test("rejects an ALB Ingress named by the legacy kubernetes.io/ingress.class annotation", async () => {
  const legacy = albIngress({ "wafv2-acl-arn": undefined, "kubernetes.io/ingress.class": "alb" }, { ingressClassName: undefined });
  expect(await check(policy, legacy)).toEqual([noAcl]);
});

test("rejects a web ACL the stack does not create", async () => {
  expect(await check(policy, albIngress())).toEqual([noAcl]);
  const other = "arn:aws:wafv2:eu-west-1:123456789012:regional/webacl/shared/99999999-9999-9999-9999-999999999999";
  expect(await check(policy, [webAcl({ arn: webAclArn }), albIngress({ "wafv2-acl-arn": other })])).toEqual([noAcl]);
  // Depending on the stack's ACL is not naming it, once its ARN is known.
  const acl = webAcl({ arn: webAclArn });
  expect(await check(policy, [acl, namingAcl(acl, { "wafv2-acl-arn": other })])).toEqual([noAcl]);
});

test("reports each internet-facing ALB without an ACL on its own", async () => {
  const acl = webAcl({ arn: webAclArn });
  const admin = albIngress({ "wafv2-acl-arn": undefined }, { name: "admin" });
  expect(await check(policy, [acl, namingAcl(acl), admin, albIngress({ "wafv2-acl-arn": undefined }, { name: "docs" })])).toEqual([
    'kubernetes:networking.k8s.io/v1:Ingress "admin" is an internet-facing ALB with no web ACL of the stack (wafv2-acl-arn).',
    'kubernetes:networking.k8s.io/v1:Ingress "docs" is an internet-facing ALB with no web ACL of the stack (wafv2-acl-arn).',
  ]);
});
