// AWS-side monitoring as each stack would create it: CloudWatch alarms on RDS, ElastiCache and the
// API's load balancer, all telling the alert topic; Performance Insights where configured; and
// Grafana reading the same metrics from CloudWatch as its own identity.
import { describe, expect, test } from "bun:test";
import { upstreamPolicy } from "../../infra/controller-iam.ts";
import { loadStackConfig, simulateStack, stacks } from "../../infra/testing/simulate.ts";
import { type Inputs, inputsOf, k8s, ofType, only, release } from "./resources.ts";

const alarmsOf = async (stack: (typeof stacks)[number]) => {
  const sim = await simulateStack(stack);
  const alarms = ofType(sim, "aws:cloudwatch/metricAlarm:MetricAlarm").filter((a) => a.parent?.includes("mlts:monitoring:AwsMonitoring"));
  return { sim, alarms: Object.fromEntries(alarms.map((a) => [a.name.replace(/^aws-monitoring-/, ""), a.inputs as Inputs])) };
};

const EXPECTED_ALARMS = {
  // db.t4g.micro: CPU credits; one Redis node, no replica to lag.
  dev: ["api-load-balancer-5xx", "api-load-balancer-healthy-targets", "postgres-connections", "postgres-cpu", "postgres-cpu-credits", "postgres-storage", "redis-1-cpu", "redis-1-evictions", "redis-1-memory"],
  staging: ["api-load-balancer-5xx", "api-load-balancer-healthy-targets", "postgres-connections", "postgres-cpu", "postgres-cpu-credits", "postgres-storage",
    ...[1, 2].flatMap((n) => [`redis-${n}-cpu`, `redis-${n}-evictions`, `redis-${n}-memory`, `redis-${n}-replication-lag`])],
  prod: ["api-load-balancer-5xx", "api-load-balancer-healthy-targets", "postgres-connections", "postgres-cpu", "postgres-storage",
    ...[1, 2, 3].flatMap((n) => [`redis-${n}-cpu`, `redis-${n}-evictions`, `redis-${n}-memory`, `redis-${n}-replication-lag`])],
};

describe.each([...stacks])("%s", (stack) => {
  test("the alarms each stack needs, every one telling the alert topic when it fires and when it clears", async () => {
    const { alarms } = await alarmsOf(stack);
    expect(Object.keys(alarms).sort()).toEqual([...EXPECTED_ALARMS[stack]].sort());
    for (const alarm of Object.values(alarms)) {
      expect(alarm.alarmActions).toEqual([expect.stringMatching(/^arn:aws:sns:.*:alerting-alerts-/)]);
      expect(alarm.okActions).toEqual(alarm.alarmActions);
    }
  });

  test("they watch the stack's own instance, nodes and load balancer", async () => {
    const { sim, alarms } = await alarmsOf(stack);
    const db = ofType(sim, "aws:rds/instance:Instance")[0]!;
    const redis = ofType(sim, "aws:elasticache/replicationGroup:ReplicationGroup")[0]!;
    expect(alarms["postgres-cpu"]!.dimensions.DBInstanceIdentifier).toStartWith(db.name);
    expect(alarms["redis-1-memory"]!.dimensions.CacheClusterId).toMatch(new RegExp(`^${redis.name}-[0-9a-f]+-001$`));
    // The ALB is found by the name the Ingress gives it.
    const ingress = k8s(sim, "Ingress", "api");
    const albName = ingress.metadata.annotations["alb.ingress.kubernetes.io/load-balancer-name"];
    expect(albName).toBe(`mlts-${stack}-api`);
    expect(alarms["api-load-balancer-5xx"]!.dimensions.LoadBalancer).toStartWith(`app/${albName}/`);
    expect(alarms["api-load-balancer-healthy-targets"]!.metricQueries[0].expression).toContain(`LoadBalancer = 'app/${albName}/`);
  });

  test("thresholds follow the stack's sizes: storage, and connections under the instance's max_connections", async () => {
    const { alarms } = await alarmsOf(stack);
    const config = loadStackConfig(stack).database;
    expect(alarms["postgres-storage"]!.threshold).toBe(config.allocatedStorageGiB * 0.1 * 2 ** 30);
    // RDS's max_connections for these classes: db.t4g.micro about 80, db.t4g.medium about 400, db.r6g.large about 1700.
    const ceiling = { dev: 80, staging: 400, prod: 1700 }[stack];
    expect(alarms["postgres-connections"]!.threshold).toBeLessThan(0.85 * ceiling);
    expect(alarms["postgres-connections"]!.threshold).toBeGreaterThan(0.5 * ceiling);
  });

  test("Performance Insights in staging and prod, encrypted with the data key, on its free retention", async () => {
    const db = only(await simulateStack(stack), "aws:rds/instance:Instance");
    if (stack === "dev") return expect(db.performanceInsightsEnabled).toBeUndefined();
    expect(db).toMatchObject({ performanceInsightsEnabled: true, performanceInsightsRetentionPeriod: 7 });
    expect(db.performanceInsightsKmsKeyId).toBe(db.kmsKeyId);
  });

  test("Grafana reads CloudWatch as its own service account, with the data source's upstream policy", async () => {
    const sim = await simulateStack(stack);
    const role = ofType(sim, "aws:iam/role:Role").find((r) => r.name === "aws-monitoring-grafana")!;
    expect(JSON.parse((role.inputs as Inputs).assumeRolePolicy).Statement[0].Condition.StringEquals).toContainValue("system:serviceaccount:monitoring:kube-prometheus-stack-grafana");
    const [policy, ...others] = inputsOf(sim, "aws:iam/rolePolicy:RolePolicy").filter((p) => p.policy.includes("cloudwatch:GetMetricData"));
    expect(others).toEqual([]);
    const upstream = upstreamPolicy("grafana-cloudwatch");
    expect(JSON.parse(policy!.policy)).toEqual(upstream);
    const prometheus = release(sim, "kube-prometheus-stack");
    const grafana = (prometheus.inputs as Inputs).values.grafana;
    expect(grafana.serviceAccount.annotations["eks.amazonaws.com/role-arn"]).toStartWith("arn:aws:iam::");
    expect(grafana.additionalDataSources).toEqual([expect.objectContaining({ type: "cloudwatch", uid: "cloudwatch", jsonData: { authType: "default", defaultRegion: "us-east-1" } })]);
  });

  test("the PostgreSQL and Redis dashboards show the stack's instance and every Redis node", async () => {
    const sim = await simulateStack(stack);
    const dashboardOf = (uid: string) => JSON.parse(k8s(sim, "ConfigMap", `dashboard-${uid}`).data[`${uid}.json`]);
    const postgres = dashboardOf("mlts-postgres");
    const { alarms } = await alarmsOf(stack);
    for (const panel of postgres.panels) {
      expect(panel.datasource.uid).toBe("cloudwatch");
      for (const target of panel.targets) expect(target.dimensions).toEqual(alarms["postgres-cpu"]!.dimensions);
    }
    const nodes = new Set(dashboardOf("mlts-redis").panels.flatMap((p: { targets: { dimensions: { CacheClusterId: string } }[] }) => p.targets.map((t) => t.dimensions.CacheClusterId)));
    expect(nodes.size).toBe(1 + loadStackConfig(stack).redis.replicas);
  });
});
