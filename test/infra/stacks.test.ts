// The real program, run per stack under Pulumi mocks with each Pulumi.<stack>.yaml: what each would create.
import { beforeAll, describe, expect, test } from "bun:test";
import { LIFECYCLE_POLICY, pinnedBunVersion } from "../../infra/registry.ts";
import { type Simulation, type StackName, simulateStack, stacks } from "../../infra/testing/simulate.ts";
import { type Inputs, inputsOf, k8s, ofType, only, workload } from "./resources.ts";

const sims = {} as Record<StackName, Simulation>;
beforeAll(async () => {
  for (const stack of stacks) sims[stack] = await simulateStack(stack);
});

/** One value per stack, in the order dev, staging, prod. */
const perStack = <T>(read: (sim: Simulation) => T): T[] => stacks.map((stack) => read(sims[stack]));

describe("environment differences come from Pulumi.<stack>.yaml", () => {
  test("AZs, NAT gateways and interface endpoints", () => {
    expect(perStack((s) => ofType(s, "aws:ec2/subnet:Subnet").length)).toEqual([4, 6, 6]);
    expect(perStack((s) => ofType(s, "aws:ec2/natGateway:NatGateway").length)).toEqual([1, 1, 3]);
    const interfaceEndpoints = (s: Simulation) => inputsOf(s, "aws:ec2/vpcEndpoint:VpcEndpoint").filter((e) => e.vpcEndpointType === "Interface").length;
    expect(perStack(interfaceEndpoints)).toEqual([0, 5, 5]);
  });

  test("each private subnet is in its own AZ and routes out through a NAT", () => {
    for (const sim of Object.values(sims)) {
      const privateSubnets = inputsOf(sim, "aws:ec2/subnet:Subnet").filter((s) => s.tags["kubernetes.io/role/internal-elb"] === "1");
      expect(new Set(privateSubnets.map((s) => s.availabilityZoneId)).size).toBe(privateSubnets.length);
      const privateTables = inputsOf(sim, "aws:ec2/routeTable:RouteTable").filter((t) => t.routes[0].natGatewayId);
      expect(privateTables).toHaveLength(privateSubnets.length);
    }
  });

  test("system nodes: spot in dev, on-demand and larger in staging and prod, a fixed count", () => {
    const nodes = perStack((s) => only(s, "aws:eks/nodeGroup:NodeGroup"));
    expect(nodes.map((n) => n.capacityType)).toEqual(["SPOT", "ON_DEMAND", "ON_DEMAND"]);
    expect(nodes.map((n) => n.instanceTypes[0])).toEqual(["t3.large", "m6i.large", "m6i.xlarge"]);
    expect(nodes.map((n) => [n.scalingConfig.minSize, n.scalingConfig.maxSize])).toEqual([[2, 2], [2, 2], [3, 3]]);
  });

  test("Karpenter launches the rest: spot in dev, on-demand in prod, within a CPU ceiling", () => {
    const pools = perStack((s) => k8s(s, "NodePool", "default").spec);
    const capacity = (pool: Record<string, any>) => pool.template.spec.requirements.find((r: Record<string, any>) => r.key === "karpenter.sh/capacity-type").values;
    expect(pools.map(capacity)).toEqual([["spot"], ["spot", "on-demand"], ["on-demand"]]);
    expect(pools.map((p) => p.limits.cpu)).toEqual(["16", "32", "96"]);
  });

  test("PostgreSQL: class, Multi-AZ, backups and deletion protection", () => {
    const dbs = perStack((s) => only(s, "aws:rds/instance:Instance"));
    expect(dbs.map((d) => d.instanceClass)).toEqual(["db.t4g.micro", "db.t4g.medium", "db.r6g.large"]);
    expect(dbs.map((d) => d.multiAz)).toEqual([false, true, true]); // staging rehearses prod's failover
    expect(dbs.map((d) => d.backupRetentionPeriod)).toEqual([1, 7, 30]);
    expect(dbs.map((d) => d.deletionProtection)).toEqual([false, true, true]);
    expect(dbs[2]!.skipFinalSnapshot).toBe(false);
  });

  test("Redis: replicas and failover", () => {
    const redis = perStack((s) => only(s, "aws:elasticache/replicationGroup:ReplicationGroup"));
    expect(redis.map((r) => r.numCacheClusters)).toEqual([1, 2, 3]);
    expect(redis.map((r) => r.automaticFailoverEnabled)).toEqual([false, true, true]);
    expect(redis.map((r) => r.multiAzEnabled)).toEqual([false, true, true]);
  });

  test("stateful resources are protected from replacement and deletion in staging and prod", () => {
    const protectedTypes = (sim: Simulation) => sim.resources.filter((r) => r.protect).map((r) => r.type).sort();
    expect(perStack(protectedTypes)).toEqual([[], ...Array(2).fill(["aws:elasticache/replicationGroup:ReplicationGroup", "aws:rds/instance:Instance"])]);
  });

  test("application replicas and the API's autoscaling range", () => {
    expect(perStack((s) => k8s(s, "Rollout", "api").spec.replicas)).toEqual([1, 2, 3]);
    // The worker's count is KEDA's from the start (at least one, so the first rollout is checked).
    expect(perStack((s) => k8s(s, "Deployment", "worker").spec.replicas)).toEqual([1, 1, 2]);
    const hpa = perStack((s) => k8s(s, "HorizontalPodAutoscaler", "api").spec);
    expect(hpa.map((h) => [h.minReplicas, h.maxReplicas])).toEqual([[1, 2], [2, 4], [3, 12]]);
  });
});

describe("encryption and privacy, in every stack", () => {
  test.each([...stacks])("%s: data encrypted at rest with our keys and in transit", (stack) => {
    const sim = sims[stack];
    const db = only(sim, "aws:rds/instance:Instance");
    expect(db).toMatchObject({ storageEncrypted: true, publiclyAccessible: false });
    expect(db.kmsKeyId).toStartWith("arn:aws:kms:");
    expect(only(sim, "aws:rds/parameterGroup:ParameterGroup").parameters).toContainEqual({ name: "rds.force_ssl", value: "1" });
    const redis = only(sim, "aws:elasticache/replicationGroup:ReplicationGroup");
    expect(redis).toMatchObject({ atRestEncryptionEnabled: true, transitEncryptionEnabled: true });
    expect(redis.authToken.length).toBeGreaterThanOrEqual(32);
    expect(only(sim, "aws:elasticache/parameterGroup:ParameterGroup").parameters).toContainEqual({ name: "maxmemory-policy", value: "noeviction" });
    for (const secret of inputsOf(sim, "aws:secretsmanager/secret:Secret")) expect(secret.kmsKeyId).toStartWith("arn:aws:kms:");
    for (const key of inputsOf(sim, "aws:kms/key:Key")) expect(key.enableKeyRotation).toBe(true);
    const template = only(sim, "aws:ec2/launchTemplate:LaunchTemplate");
    expect(template.blockDeviceMappings[0].ebs.encrypted).toBe("true");
    expect(template.metadataOptions.httpTokens).toBe("required");
  });

  test.each([...stacks])("%s: EKS private, secrets encrypted, logged, API auth, OIDC", (stack) => {
    const cluster = only(sims[stack], "eks:index:Cluster");
    expect(cluster).toMatchObject({ endpointPrivateAccess: true, authenticationMode: "API", createOidcProvider: true, skipDefaultNodeGroup: true });
    expect(cluster.encryptionConfigKeyArn).toStartWith("arn:aws:kms:");
    expect(cluster.enabledClusterLogTypes).toHaveLength(5);
    expect(cluster.publicAccessCidrs).not.toContain("0.0.0.0/0");
    expect(cluster.privateSubnetIds).toHaveLength(ofType(sims[stack], "aws:ec2/subnet:Subnet").length / 2);
  });

  test.each([...stacks])("%s: nothing but the API's ALB is reachable from outside the VPC", (stack) => {
    const sim = sims[stack];
    for (const group of inputsOf(sim, "aws:ec2/securityGroup:SecurityGroup")) {
      for (const rule of group.ingress ?? []) expect(rule.cidrBlocks).not.toContain("0.0.0.0/0");
    }
    for (const subnet of inputsOf(sim, "aws:ec2/subnet:Subnet")) expect(subnet.mapPublicIpOnLaunch).not.toBe(true);
    const services = sim.resources.filter((r) => r.type === "kubernetes:core/v1:Service").map((r) => r.inputs as { spec: { type?: string } });
    expect(services.filter((s) => s.spec.type === "LoadBalancer")).toHaveLength(0);
    expect(ofType(sim, "kubernetes:networking.k8s.io/v1:Ingress").map((r) => (r.inputs as { metadata: { name: string } }).metadata.name)).toEqual(["api"]);
  });

  test.each([...stacks])("%s: secret values reach pods only through Secrets Manager", (stack) => {
    const sim = sims[stack];
    const dataPasswords = ofType(sim, "random:index/randomPassword:RandomPassword").filter((r) => r.parent?.includes("mlts:data:Data"));
    expect(dataPasswords).toHaveLength(1); // Redis's AUTH token; RDS keeps the database's password itself
    const appSecret = ofType(sim, "aws:secretsmanager/secretVersion:SecretVersion").find((r) => r.parent?.includes("mlts:app:AppSecrets"))!;
    const secretString = JSON.parse((appSecret.inputs as Inputs).secretString);
    expect(Object.keys(secretString).sort()).toEqual(["JWT_PREVIOUS_SECRET", "JWT_SECRET", "REDIS_URL"]);
    expect(secretString.REDIS_URL).toMatch(/^rediss:\/\/:[^@]+@master\..+:6379$/);
    const k8sJson = JSON.stringify(sim.resources.filter((r) => r.type.startsWith("kubernetes:")).map((r) => r.inputs));
    for (const value of Object.values(secretString) as string[]) expect(k8sJson).not.toContain(value);
    const external = k8s(sim, "ExternalSecret", "mlts-app");
    for (const { remoteRef } of external.spec.data) expect(remoteRef.key).toStartWith("arn:aws:secretsmanager:");
    const reader = inputsOf(sim, "kubernetes:core/v1:ServiceAccount").find((a) => a.metadata.name === "secrets-reader" && a.metadata.namespace === "mlts")!;
    expect(reader.metadata.annotations["eks.amazonaws.com/role-arn"]).toStartWith("arn:aws:iam::");
    const readerRole = ofType(sim, "aws:iam/role:Role").find((r) => r.name === `mlts-${stack}-secrets-reader`)!;
    expect(readerRole).toBeDefined();
    const trust = JSON.parse((readerRole.inputs as { assumeRolePolicy: string }).assumeRolePolicy);
    expect(Object.values(trust.Statement[0].Condition.StringEquals)).toContain("system:serviceaccount:mlts:secrets-reader");
  });
});

describe("images: dev builds, staging and prod promote by digest", () => {
  test("dev builds both targets from services/Dockerfile with the pinned Bun and pushes them to ECR", () => {
    const images = inputsOf(sims.dev, "docker-build:index:Image");
    expect(images.map((i) => i.target).sort()).toEqual(["api", "worker"]);
    for (const image of images) {
      expect(image).toMatchObject({ push: true, buildArgs: { BUN_VERSION: pinnedBunVersion() } });
      expect(image.dockerfile.location).toEndWith("services/Dockerfile");
    }
    expect(pinnedBunVersion()).toBe("1.4.4");
    for (const repo of inputsOf(sims.dev, "aws:ecr/repository:Repository")) {
      // Immutable, but for the `release-<stack>` tag each downstream stack moves to what it runs.
      expect(repo).toMatchObject({
        imageTagMutability: "IMMUTABLE_WITH_EXCLUSION",
        imageTagMutabilityExclusionFilters: [{ filter: "release-*", filterType: "WILDCARD" }],
        imageScanningConfiguration: { scanOnPush: true },
      });
    }
    expect(ofType(sims.dev, "pulumi:pulumi:StackReference")).toHaveLength(0);
  });

  test.each(["staging", "prod"] as const)("%s builds nothing, runs the upstream stack's digests, and tags them so dev's ECR keeps them", (stack) => {
    const sim = sims[stack];
    expect(ofType(sim, "docker-build:index:Image")).toHaveLength(0);
    expect(ofType(sim, "aws:ecr/repository:Repository")).toHaveLength(0);
    const upstream = only(sim, "pulumi:pulumi:StackReference").name;
    expect(upstream).toEndWith(stack === "staging" ? "/ml-task-scheduler/dev" : "/ml-task-scheduler/staging");
    expect(sim.outputs.apiImage).toMatch(/^\d{12}\.dkr\.ecr\.[a-z0-9-]+\.amazonaws\.com\/.+@sha256:[0-9a-f]{64}$/);
    const releases = inputsOf(sim, "docker-build:index:Index");
    expect(releases.map((r) => r.tag.split(":").pop())).toEqual([`release-${stack}`, `release-${stack}`]);
    // Same digest as upstream: the release tag points at the bytes the upstream stack tested.
    expect(releases.map((r) => r.sources[0].split("@")[1])).toContain((sim.outputs.apiImage as string).split("@")[1]);
  });

  test("dev's lifecycle policy keeps every release-tagged image ahead of the count rule", () => {
    const rules = JSON.parse(LIFECYCLE_POLICY).rules as { rulePriority: number; selection: { tagPatternList?: string[]; tagStatus: string } }[];
    const [first, ...rest] = [...rules].sort((a, b) => a.rulePriority - b.rulePriority);
    expect(first!.selection).toMatchObject({ tagStatus: "tagged", tagPatternList: ["release-*"] });
    expect(rest.some((rule) => rule.selection.tagStatus === "any")).toBe(true);
    for (const repo of inputsOf(sims.dev, "aws:ecr/lifecyclePolicy:LifecyclePolicy")) expect(repo.policy).toBe(LIFECYCLE_POLICY);
  });

  test.each([...stacks])("%s: the pods run exactly the exported image references", (stack) => {
    const sim = sims[stack];
    const image = (name: string) => workload(sim, name).spec.template.spec.containers[0].image;
    expect(image("api")).toBe(sim.outputs.apiImage as string);
    expect(image("worker")).toBe(sim.outputs.workerImage as string);
    expect(only(sim, "kubernetes:batch/v1:Job").spec.template.spec.containers[0].image).toBe(sim.outputs.apiImage as string);
    expect(sim.outputs.apiImage).toContain("@sha256:");
  });
});

describe("rollout order and outputs", () => {
  test.each([...stacks])("%s: the migrations Job runs before the api and the worker roll", (stack) => {
    const sim = sims[stack];
    const job = ofType(sim, "kubernetes:batch/v1:Job")[0]!;
    expect((job.inputs as { spec: { template: { spec: { containers: { command: string[] }[] } } } }).spec.template.spec.containers[0]!.command).toEqual(["bun", "run", "migrate"]);
    for (const deployment of [...ofType(sim, "kubernetes:apps/v1:Deployment"), ...ofType(sim, "kubernetes:argoproj.io/v1alpha1:Rollout")]) expect(deployment.dependsOn).toContain(job.urn);
  });

  test.each([...stacks])("%s: exports the outputs promotion and operators rely on", (stack) => {
    const { outputs, secretOutputs } = sims[stack];
    for (const name of ["apiUrl", "apiImage", "workerImage", "clusterName", "kubeconfig", "databaseEndpoint", "redisEndpoint"]) {
      expect(outputs[name], name).toBeString();
      expect((outputs[name] as string).length, name).toBeGreaterThan(0);
    }
    expect(outputs.clusterName).toBe(`mlts-${stack}`);
    expect(outputs.apiUrl).toStartWith(stack === "dev" ? "http://" : "https://");
    expect(secretOutputs).toContain("kubeconfig");
  });

  test.each([...stacks])("%s: every resource belongs to a component typed mlts:<area>:<Name>", (stack) => {
    const sim = sims[stack];
    const stackUrn = only(sim, "pulumi:pulumi:Stack") && ofType(sim, "pulumi:pulumi:Stack")[0]!.urn;
    const topLevel = sim.resources.filter((r) => r.parent === stackUrn);
    for (const r of topLevel) expect(r.type).toMatch(/^mlts:[a-z]+:[A-Z][A-Za-z]+$/);
  });
});

describe("config is validated", () => {
  test("a bad value fails the run with the full key in the message", async () => {
    const run = simulateStack("dev", { config: { "mlts:database.multiAz": "maybe" } });
    await expect(run).rejects.toThrow("mlts:database.multiAz: Expected boolean");
  });

  test("a missing required value names its key", async () => {
    const run = simulateStack("dev", { config: { "mlts:app": '{"api": {}}' } });
    await expect(run).rejects.toThrow("mlts:app.corsOrigin: is required");
  });

  test("an override changes only what it names", async () => {
    const sim = await simulateStack("prod", { config: { "mlts:database.deletionProtection": "false" } });
    expect(only(sim, "aws:rds/instance:Instance")).toMatchObject({ deletionProtection: false, multiAz: true });
  });
});
