import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { POSTGRES_DASHBOARD, postgresDashboard, REDIS_DASHBOARD, redisDashboard } from "./addons/dashboards/datastores.ts";
import type { Dashboard } from "./addons/dashboards/grafana.ts";
import type { Cluster } from "./cluster.ts";
import { attachUpstreamPolicies } from "./controller-iam.ts";

export interface AwsMonitoringArgs {
  cluster: Cluster;
  /** The alert topic (addons/alerting.ts): every alarm tells it when it fires and when it clears. */
  topicArn: pulumi.Input<string>;
  database: { identifier: pulumi.Input<string>; instanceClass: string; allocatedStorageGiB: number };
  redis: { replicationGroupId: pulumi.Input<string>; replicas: number };
  /** The API's ALB's name (addons/edge.ts), once the load balancer controller has made it. */
  loadBalancerName: pulumi.Input<string>;
  /** Grafana's namespace and service account: it reads CloudWatch as that identity (IRSA). */
  grafana: { namespace: string; serviceAccount: string };
}

/** RDS's default max_connections is LEAST(DBInstanceClassMemory / 9531392, 5000). */
const BYTES_PER_CONNECTION = 9_531_392;
/**
 * DBInstanceClassMemory is the instance's memory less what the OS and RDS keep (a quarter on the
 * smallest classes, a tenth on large ones): counting three quarters keeps the estimate at or below
 * the real max_connections, so the alarm fires before connections run out, never after.
 */
const USABLE_MEMORY = 0.75;
/** Five-minute periods: RDS and ElastiCache publish every minute, a blip must not wake anyone. */
const PERIOD = 300;

/**
 * What Prometheus cannot see from inside the cluster, judged by CloudWatch and sent to the alert
 * topic: RDS (CPU, free storage, connections, CPU credits on t-classes), ElastiCache on every node
 * (memory, evictions, engine CPU, replication lag) and the API's ALB (5xx it answers itself, and
 * whether it has any healthy target). Also Grafana's CloudWatch identity and the PostgreSQL and
 * Redis dashboards, which show the very metrics these alarms judge.
 *
 * Not alarmed, because AWS publishes nothing for them here: RDS ReplicaLag (no read replicas; the
 * Multi-AZ standby replicates synchronously) and EBS BurstBalance (gp3 storage does not burst). The
 * API's own 5xx are the Prometheus SLO alerts; the ALB's alarm counts what never reached it.
 */
export class AwsMonitoring extends pulumi.ComponentResource {
  /** The role Grafana's service account assumes to read CloudWatch, and the region it reads. */
  readonly grafanaRoleArn: pulumi.Output<string>;
  readonly region: pulumi.Output<string>;
  /** The PostgreSQL and Redis dashboards, for the stack's own instance and nodes. */
  readonly dashboards: { uid: string; dashboard: pulumi.Output<Dashboard> }[];

  constructor(name: string, args: AwsMonitoringArgs, opts?: pulumi.ComponentResourceOptions) {
    super("mlts:monitoring:AwsMonitoring", name, {}, opts);
    const parent = { parent: this };
    const alarm = (id: string, description: string, settings: Omit<aws.cloudwatch.MetricAlarmArgs, "alarmActions" | "okActions" | "alarmDescription">) =>
      new aws.cloudwatch.MetricAlarm(`${name}-${id}`, {
        alarmDescription: description,
        period: PERIOD,
        evaluationPeriods: 3,
        treatMissingData: "notBreaching",
        ...settings,
        alarmActions: [args.topicArn],
        okActions: [args.topicArn],
      }, parent);

    // PostgreSQL
    const { identifier, instanceClass, allocatedStorageGiB } = args.database;
    const rds = (metricName: string, statistic: string) => ({ namespace: "AWS/RDS", metricName, statistic, dimensions: { DBInstanceIdentifier: identifier } });
    alarm("postgres-cpu", "PostgreSQL CPU above 80% for 15 minutes.", { ...rds("CPUUtilization", "Average"), comparisonOperator: "GreaterThanThreshold", threshold: 80 });
    // Storage autoscaling adds space at 10% free; still below after 15 minutes, it could not (at
    // its maximum, or in its 6-hour pause between increases).
    alarm("postgres-storage", "PostgreSQL has had less than 10% of its allocated storage free for 15 minutes.", {
      ...rds("FreeStorageSpace", "Minimum"), comparisonOperator: "LessThanThreshold", threshold: allocatedStorageGiB * 0.1 * 2 ** 30,
    });
    const memoryMiB = aws.ec2.getInstanceTypeOutput({ instanceType: instanceClass.replace(/^db\./, "") }, parent).memorySize;
    alarm("postgres-connections", "PostgreSQL connections above 80% of max_connections for 15 minutes: new connections will soon be refused.", {
      ...rds("DatabaseConnections", "Maximum"),
      comparisonOperator: "GreaterThanThreshold",
      threshold: memoryMiB.apply((mib) => Math.floor(0.8 * Math.min((mib * 2 ** 20 * USABLE_MEMORY) / BYTES_PER_CONNECTION, 5000))),
    });
    // RDS runs t-classes in Unlimited mode: an empty balance means surplus credits are charged
    // and the class is too small for the load, not throttling.
    if (/^db\.t\d/.test(instanceClass)) {
      alarm("postgres-cpu-credits", "PostgreSQL (a t-class) has run out of CPU credits: it is spending charged surplus credits; consider a larger class.", {
        ...rds("CPUCreditBalance", "Minimum"), comparisonOperator: "LessThanThreshold", threshold: 1,
      });
    }

    // Redis: every node, since the primary moves between them on failover. ElastiCache names a
    // replication group's member clusters <group>-001, -002, ...
    const nodes = Array.from({ length: 1 + args.redis.replicas }, (_, i) => pulumi.interpolate`${args.redis.replicationGroupId}-${String(i + 1).padStart(3, "0")}`);
    nodes.forEach((node, i) => {
      const cache = (metricName: string, statistic: string) => ({ namespace: "AWS/ElastiCache", metricName, statistic, dimensions: { CacheClusterId: node } });
      const id = `redis-${i + 1}`;
      alarm(`${id}-memory`, "Redis memory above 80% for 15 minutes: with noeviction, writes (new jobs) fail at 100%.", {
        ...cache("DatabaseMemoryUsagePercentage", "Maximum"), comparisonOperator: "GreaterThanThreshold", threshold: 80,
      });
      alarm(`${id}-evictions`, "Redis evicted keys: with noeviction this never happens unless the parameter group changed; an evicted key is a lost job.", {
        ...cache("Evictions", "Sum"), comparisonOperator: "GreaterThanThreshold", threshold: 0, evaluationPeriods: 1,
      });
      alarm(`${id}-cpu`, "Redis engine CPU above 80% for 15 minutes (Redis runs commands on one core).", {
        ...cache("EngineCPUUtilization", "Average"), comparisonOperator: "GreaterThanThreshold", threshold: 80,
      });
      // Only the node that is a replica reports it; the primary's missing data is fine.
      if (args.redis.replicas > 0) {
        alarm(`${id}-replication-lag`, "A Redis replica has lagged its primary by more than 30 seconds for 15 minutes: a failover now would lose those writes.", {
          ...cache("ReplicationLag", "Maximum"), comparisonOperator: "GreaterThanThreshold", threshold: 30,
        });
      }
    });

    // The API's ALB, made by the load balancer controller under the name the Ingress gives it.
    const loadBalancer = aws.lb.getLoadBalancerOutput({ name: args.loadBalancerName }, parent);
    alarm("api-load-balancer-5xx", "The API's load balancer answered more than 10 5xx itself (no healthy target, timeouts, WAF or TLS trouble) in each of 3 minutes.", {
      namespace: "AWS/ApplicationELB",
      metricName: "HTTPCode_ELB_5XX_Count",
      dimensions: { LoadBalancer: loadBalancer.arnSuffix },
      statistic: "Sum",
      period: 60,
      comparisonOperator: "GreaterThanThreshold",
      threshold: 10,
    });
    // The target group is the controller's too; Metrics Insights finds it by the load balancer.
    alarm("api-load-balancer-healthy-targets", "The API's load balancer has had no healthy target for 3 minutes: no request reaches the gateway.", {
      comparisonOperator: "LessThanThreshold",
      threshold: 1,
      period: undefined,
      treatMissingData: "breaching",
      metricQueries: [{
        id: "healthy",
        returnData: true,
        period: 60,
        expression: pulumi.interpolate`SELECT MIN(HealthyHostCount) FROM SCHEMA("AWS/ApplicationELB", LoadBalancer, TargetGroup) WHERE LoadBalancer = '${loadBalancer.arnSuffix}'`,
      }],
    });

    // Grafana reads CloudWatch with the data source's own policy (infra/upstream/iam/grafana-cloudwatch).
    const grafana = args.cluster.serviceAccountRole(`${name}-grafana`, args.grafana.namespace, args.grafana.serviceAccount, parent);
    attachUpstreamPolicies(grafana, `${name}-grafana`, "grafana-cloudwatch", { inline: true }, parent);
    this.grafanaRoleArn = grafana.arn;
    this.region = aws.getRegionOutput({}, parent).region;
    this.dashboards = [
      { uid: POSTGRES_DASHBOARD, dashboard: pulumi.output(identifier).apply(postgresDashboard) },
      { uid: REDIS_DASHBOARD, dashboard: pulumi.all(nodes).apply(redisDashboard) },
    ];
    this.registerOutputs({ grafanaRoleArn: this.grafanaRoleArn });
  }
}
