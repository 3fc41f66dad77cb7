// Security at the edge and in the account, per stack under mocks: HTTPS with a WAF in front of the
// API, flow logs, encrypted and expiring logs, explicit key policies, secrets that rotate, who may
// administer the cluster, and Pod Security on every namespace.
import { beforeAll, describe, expect, test } from "bun:test";
import { wafRateLimit } from "../../infra/addons/edge.ts";
import { mockLoadBalancerHostname } from "../../infra/testing/mocks.ts";
import { loadStackConfig, type Simulation, type StackName, simulateStack, stacks } from "../../infra/testing/simulate.ts";
import { type Inputs, inputsOf, k8s, k8sResource, ofType, only } from "./resources.ts";

const sims = {} as Record<StackName, Simulation>;
beforeAll(async () => {
  for (const stack of stacks) sims[stack] = await simulateStack(stack);
});
const alb = (sim: Simulation) => k8s(sim, "Ingress", "api").metadata.annotations as Record<string, string>;
const annotation = (sim: Simulation, name: string) => alb(sim)[`alb.ingress.kubernetes.io/${name}`];

describe.each(["staging", "prod"] as const)("%s serves the API over HTTPS only, behind the WAF", (stack) => {
  test("an HTTPS listener with the certificate validated in Route 53, HTTP redirected, a modern TLS policy", () => {
    const sim = sims[stack];
    const { domain, hostedZone } = loadStackConfig(stack).addons.edge;
    expect(JSON.parse(annotation(sim, "listen-ports")!)).toEqual([{ HTTP: 80 }, { HTTPS: 443 }]);
    expect(annotation(sim, "ssl-redirect")).toBe("443");
    expect(annotation(sim, "ssl-policy")).toBe("ELBSecurityPolicy-TLS13-1-2-2021-06");
    const certificate = ofType(sim, "aws:acm/certificate:Certificate")[0]!;
    expect(certificate.inputs).toMatchObject({ domainName: domain, validationMethod: "DNS" });
    const validation = only(sim, "aws:acm/certificateValidation:CertificateValidation");
    expect(annotation(sim, "certificate-arn")).toBe(validation.certificateArn);
    const records = inputsOf(sim, "aws:route53/record:Record");
    expect(records.map((r) => r.type).sort()).toEqual(["A", "CNAME"]);
    expect(records.find((r) => r.type === "A")).toMatchObject({ name: domain, aliases: [{ name: mockLoadBalancerHostname("edge", stack), evaluateTargetHealth: true }] });
    expect(hostedZone && domain!.endsWith(hostedZone)).toBe(true);
    expect(sim.outputs.apiUrl).toBe(`https://${domain}`);
  });

  test("the web ACL the Ingress names: AWS managed rules and the API's per-client limit, logged", () => {
    const sim = sims[stack];
    const acl = ofType(sim, "aws:wafv2/webAcl:WebAcl")[0]!;
    expect(k8sResource(sim, "Ingress", "api").dependsOn).toContain(acl.urn);
    const rules = (acl.inputs as Inputs).rules as Inputs[];
    expect(rules.map((r) => r.name)).toEqual(["AWSManagedRulesAmazonIpReputationList", "AWSManagedRulesCommonRuleSet", "AWSManagedRulesKnownBadInputsRuleSet", "per-client-rate-limit"]);
    expect(rules.at(-1)!.statement.rateBasedStatement).toEqual({ aggregateKeyType: "IP", limit: 200, evaluationWindowSec: 60 });
    // The API's batch bodies are larger than the common rule set's 8 KB: that rule only counts.
    expect(rules[1]!.statement.managedRuleGroupStatement.ruleActionOverrides).toEqual([{ name: "SizeRestrictions_BODY", actionToUse: { count: {} } }]);
    const logging = only(sim, "aws:wafv2/webAclLoggingConfiguration:WebAclLoggingConfiguration");
    const group = ofType(sim, "aws:cloudwatch/logGroup:LogGroup").find((g) => String((g.inputs as Inputs).name).startsWith("aws-waf-logs-"))!;
    expect(logging.logDestinationConfigs).toHaveLength(1);
    expect(group).toBeDefined();
  });
});

test("dev keeps plain HTTP because its config says so, through the same ALB and WAF", () => {
  const sim = sims.dev;
  expect(loadStackConfig("dev").addons.edge.plainHttp).toBe(true);
  expect(JSON.parse(annotation(sim, "listen-ports")!)).toEqual([{ HTTP: 80 }]);
  expect(annotation(sim, "wafv2-acl-arn")).toStartWith("arn:aws:wafv2:");
  expect(sim.outputs.apiUrl).toBe(`http://${mockLoadBalancerHostname("edge", "dev")}`);
  expect(() => loadStackConfig("staging", { config: { "mlts:addons.edge": '{"allowedCidrs": ["10.0.0.0/8"]}' } })).toThrow("mlts:addons.edge.domain: is required");
});

test("the WAF's rate rule counts at the API's rate over a window WAF offers", () => {
  expect(wafRateLimit("200/min")).toEqual({ limit: 200, evaluationWindowSec: 60 });
  expect(wafRateLimit("30/10s")).toEqual({ limit: 180, evaluationWindowSec: 60 });
  expect(wafRateLimit("1000/hour")).toEqual({ limit: 167, evaluationWindowSec: 600 });
  expect(wafRateLimit("1/min")).toEqual({ limit: 10, evaluationWindowSec: 60 }); // WAF's smallest limit
});

describe.each([...stacks])("%s", (stack) => {
  test("the VPC logs its flows; every log group is encrypted with the logs key and expires", () => {
    const sim = sims[stack];
    expect(only(sim, "aws:ec2/flowLog:FlowLog")).toMatchObject({ trafficType: "ALL", logDestinationType: "cloud-watch-logs" });
    const days = loadStackConfig(stack).logs.retentionDays;
    const groups = inputsOf(sim, "aws:cloudwatch/logGroup:LogGroup");
    expect(groups.length).toBeGreaterThanOrEqual(5); // EKS, flow logs, WAF, two of RDS
    for (const group of groups) {
      // Plain matchers: Bun's toMatchObject writes an asymmetric matcher into the received (shared) object.
      expect(group.kmsKeyId).toStartWith("arn:aws:kms:");
      expect(group.retentionInDays).toBe(days);
    }
  });

  test("every KMS key has an explicit policy: the account administers it, only named services and roles use it", () => {
    for (const key of inputsOf(sims[stack], "aws:kms/key:Key")) {
      const statements = JSON.parse(key.policy).Statement as Inputs[];
      const byRoot = statements.filter((s) => String(s.Principal.AWS ?? "").endsWith(":root"));
      for (const statement of byRoot) {
        const actions = [statement.Action].flat() as string[];
        const uses = actions.some((a) => ["kms:*", "kms:Decrypt", "kms:Encrypt"].includes(a));
        if (uses) expect(statement.Condition?.StringEquals?.["kms:ViaService"]).toBeArray();
      }
    }
  });

  test("the database password is RDS's, which rotates it; DATABASE_URL is composed from it in the cluster", () => {
    const sim = sims[stack];
    const db = only(sim, "aws:rds/instance:Instance");
    expect(db.manageMasterUserPassword).toBe(true);
    expect(db.password).toBeUndefined();
    const external = k8s(sim, "ExternalSecret", "mlts-app").spec;
    expect(external.target.template.data.DATABASE_URL).toMatch(/^postgresql:\/\/\{\{ \.dbUser \| urlquery \}\}:\{\{ \.dbPassword \| urlquery \}\}@.+:5432\/mlts\?sslmode=verify-full$/);
    expect(external.data.filter((d: Inputs) => d.remoteRef.key.includes("rds!db-")).map((d: Inputs) => d.remoteRef.property)).toEqual(["username", "password"]);
    expect(Object.keys(external.target.template.data).sort()).toEqual(["DATABASE_URL", "JWT_PREVIOUS_SECRET", "JWT_SECRET", "REDIS_URL"]);
  });

  test("the cluster's administrators are the CI deploy role and the break-glass role from config", () => {
    const sim = sims[stack];
    const access = loadStackConfig(stack).cluster.access;
    const entries = inputsOf(sim, "aws:eks/accessPolicyAssociation:AccessPolicyAssociation");
    expect(entries.map((e) => e.principalArn).sort()).toEqual(Object.values(access).filter(Boolean).sort());
    for (const entry of entries) expect(entry).toMatchObject({ policyArn: "arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy", accessScope: { type: "cluster" } });
  });

  test("every namespace the stack creates enforces a Pod Security Standard, less than restricted only with a reason", () => {
    const namespaces = ofType(sims[stack], "kubernetes:core/v1:Namespace").map((r) => (r.inputs as Inputs).metadata);
    expect(namespaces.length).toBeGreaterThanOrEqual(9);
    for (const { name, labels, annotations } of namespaces) {
      const level = labels["pod-security.kubernetes.io/enforce"];
      expect(["restricted", "baseline", "privileged"], name).toContain(level);
      if (level !== "restricted") expect(annotations?.["mlts.io/pod-security-reason"], name).toBeString();
    }
    expect(namespaces.find((n) => n.name === "mlts")!.labels["pod-security.kubernetes.io/enforce"]).toBe("restricted");
  });
});

test("GuardDuty and ECR enhanced scanning are on where the config turns them on (prod)", () => {
  expect(stacks.map((stack) => ofType(sims[stack], "aws:guardduty/detector:Detector").length)).toEqual([0, 0, 1]);
  expect(stacks.map((stack) => ofType(sims[stack], "aws:ecr/registryScanningConfiguration:RegistryScanningConfiguration").length)).toEqual([0, 0, 1]);
});

test("raising jwtKeyGeneration makes a new signing key and keeps the last one as the previous", async () => {
  const keepers = async (generation: number) => {
    const sim = await simulateStack("prod", { config: { "mlts:app.jwtKeyGeneration": String(generation) } });
    return Object.fromEntries(ofType(sim, "random:index/randomPassword:RandomPassword").filter((r) => r.name.includes("-jwt-")).map((r) => [r.name.slice(-1), (r.inputs as Inputs).keepers.generation]));
  };
  const [first, second, third] = [await keepers(1), await keepers(2), await keepers(3)];
  expect(second["1"]).toBe(first["1"]); // generation 1's key stays, as the previous
  expect(second["0"]).not.toBe(first["0"]); // slot 0 is new, and signs
  expect(third["0"]).toBe(second["0"]);
  expect(third["1"]).not.toBe(second["1"]);
});

test("raising redis.authTokenGeneration makes a new AUTH token, which ElastiCache takes with ROTATE (both work until the old is retired)", async () => {
  const redis = async (generation: number) => {
    const sim = await simulateStack("prod", { config: { "mlts:redis.authTokenGeneration": String(generation) } });
    const token = ofType(sim, "random:index/randomPassword:RandomPassword").find((r) => r.name.endsWith("-redis"))!;
    return { keepers: (token.inputs as Inputs).keepers, group: only(sim, "aws:elasticache/replicationGroup:ReplicationGroup") };
  };
  const [first, second] = [await redis(1), await redis(2)];
  expect(second.keepers).not.toEqual(first.keepers); // a new token
  expect(second.group).toMatchObject({ transitEncryptionEnabled: true, authTokenUpdateStrategy: "ROTATE" });
});

test("a public API endpoint opened to some addresses needs a written reason, and the error names the key", async () => {
  expect(loadStackConfig("prod").cluster.publicAccessReason).toBeTruthy();
  await expect(simulateStack("prod", { config: { "mlts:cluster.publicAccessReason": "" } })).rejects.toThrow("mlts:cluster.publicAccessReason");
});
