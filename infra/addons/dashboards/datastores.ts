// PostgreSQL (RDS) and Redis (ElastiCache) from CloudWatch: the metrics AWS publishes for them,
// the same ones the CloudWatch alarms judge (aws-monitoring.ts), for the stack's own instance and nodes.
import { type CloudWatchMetric, dashboard, timeseries } from "./grafana.ts";

type Statistic = CloudWatchMetric["statistic"];

export const POSTGRES_DASHBOARD = "mlts-postgres";
export const REDIS_DASHBOARD = "mlts-redis";

export function postgresDashboard(instance: string) {
  const rds = (metricName: string, statistic: Statistic = "Average", legend = metricName): CloudWatchMetric =>
    ({ legend, namespace: "AWS/RDS", metricName, dimensions: { DBInstanceIdentifier: instance }, statistic });
  return dashboard(POSTGRES_DASHBOARD, "ML Task Scheduler / PostgreSQL (RDS)", [
    timeseries("CPU", "percent", [rds("CPUUtilization")], { redAbove: 80 }),
    timeseries("Connections", "short", [rds("DatabaseConnections", "Maximum", "connections")]),
    timeseries("Free storage", "bytes", [rds("FreeStorageSpace", "Minimum", "free")]),
    timeseries("Freeable memory", "bytes", [rds("FreeableMemory", "Minimum", "freeable")]),
    timeseries("Read and write latency", "s", [rds("ReadLatency", "Average", "read"), rds("WriteLatency", "Average", "write")]),
    timeseries("Read and write IOPS", "ops", [rds("ReadIOPS", "Average", "read"), rds("WriteIOPS", "Average", "write")]),
    timeseries("Load waiting on disk (queue depth)", "short", [rds("DiskQueueDepth")]),
    // t-classes only: below zero the instance runs on surplus credits, which are charged.
    timeseries("CPU credit balance (t-classes)", "short", [rds("CPUCreditBalance", "Minimum", "credits")]),
    timeseries("Transaction logs (replication slots, WAL)", "bytes", [rds("TransactionLogsDiskUsage", "Maximum", "WAL on disk"), rds("OldestReplicationSlotLag", "Maximum", "oldest slot lag")]),
  ]);
}

/** `nodes`: the replication group's member clusters (the primary moves between them on failover). */
export function redisDashboard(nodes: string[]) {
  const perNode = (metricName: string, statistic: Statistic = "Average"): CloudWatchMetric[] =>
    nodes.map((node) => ({ legend: node, namespace: "AWS/ElastiCache", metricName, dimensions: { CacheClusterId: node }, statistic }));
  return dashboard(REDIS_DASHBOARD, "ML Task Scheduler / Redis (ElastiCache)", [
    timeseries("Memory used (noeviction: writes fail at 100%)", "percent", perNode("DatabaseMemoryUsagePercentage", "Maximum"), { redAbove: 80 }),
    timeseries("Engine CPU (Redis is single-threaded)", "percent", perNode("EngineCPUUtilization"), { redAbove: 80 }),
    timeseries("Evictions (must stay 0: an evicted key is a lost job)", "short", perNode("Evictions", "Sum"), { redAbove: 0 }),
    timeseries("Replication lag", "s", perNode("ReplicationLag", "Maximum")),
    timeseries("Connections", "short", perNode("CurrConnections", "Maximum")),
    timeseries("Keys", "short", perNode("CurrItems", "Maximum")),
    timeseries("Network in", "bytes", perNode("NetworkBytesIn", "Sum")),
    timeseries("Network out", "bytes", perNode("NetworkBytesOut", "Sum")),
  ]);
}
