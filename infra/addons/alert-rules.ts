// Prometheus alerting rules as code: one rule per SLO (slo.ts) plus the seed's operational alerts.
// observability.ts ships them as a PrometheusRule; the tests run them through `promtool`.
import { BACKLOG, JOBS, SLI, SLOS } from "./slo.ts";

export interface AlertRule {
  alert: string;
  expr: string;
  for: string;
  labels: { severity: "critical" | "warning"; slo?: string };
  annotations: { summary: string; description: string };
}

export interface RuleGroup {
  name: string;
  rules: AlertRule[];
}

const sloRules: AlertRule[] = SLOS.map((slo) => ({
  alert: slo.alert,
  expr: `(${SLI[slo.sli]}) ${slo.breachedWhen} ${slo.objective}`,
  for: slo.for,
  labels: { severity: "critical", slo: slo.sli },
  annotations: {
    summary: `${slo.title} misses its objective (${slo.breachedWhen === "<" ? "below" : "above"} ${slo.objective})`,
    description: `${slo.title} has been ${slo.breachedWhen === "<" ? "below" : "above"} ${slo.objective} for ${slo.for}.`,
  },
}));

const down = (job: string, what: string): AlertRule => ({
  alert: `${what}Down`,
  // A probe that stops reporting is as bad as one that fails.
  expr: `(max(probe_success{job="${job}"}) or vector(0)) == 0`,
  for: "2m",
  labels: { severity: "critical" },
  annotations: {
    summary: `${what} is unreachable from the cluster`,
    description: `The ${job} TCP probe has failed for 2 minutes; the API's readiness and the worker depend on it.`,
  },
});

/** PostgreSQL or Redis unreachable: every SLO depends on both, so while one fires the SLO alerts it causes are silenced (alerting.ts). */
export const DEPENDENCY_DOWN: AlertRule[] = [down(JOBS.postgres, "Database"), down(JOBS.redis, "Redis")];

const operationalRules: AlertRule[] = [
  {
    alert: "ApiDown",
    expr: `(max(up{job="${JOBS.api}"}) or vector(0)) == 0`,
    for: "2m",
    labels: { severity: "critical" },
    annotations: { summary: "No API pod is up", description: "Prometheus has scraped no healthy API pod for 2 minutes." },
  },
  {
    // Scale-to-zero makes "no worker" normal in dev; it is an outage only while jobs are waiting.
    // The backlog still comes through: the API, not the worker, exports the queue gauges.
    alert: "WorkerDown",
    expr: `(max(up{job="${JOBS.worker}"}) or vector(0)) == 0 and on() ${BACKLOG} > 0`,
    for: "5m",
    labels: { severity: "critical" },
    annotations: { summary: "Jobs are waiting and no worker is up", description: "No worker pod has been up for 5 minutes while the queues hold jobs." },
  },
  ...DEPENDENCY_DOWN,
  {
    // PSI above 0.1 is a moderate shift (the usual PSI reading); a model is retrained, not paged for.
    alert: "ModelDriftHigh",
    // By the version's id: the services never label a metric with a user-chosen model name.
    expr: "max by (model_id) (model_drift_score) > 0.1",
    for: "15m",
    labels: { severity: "warning" },
    annotations: {
      summary: "Model version {{ $labels.model_id }} has drifted",
      description: "The drift score of model version {{ $labels.model_id }} (Model.id) has been above 0.1 for 15 minutes: consider retraining.",
    },
  },
];

export const ALERT_RULE_GROUPS: RuleGroup[] = [
  { name: "mlts-slo", rules: sloRules },
  { name: "mlts-operations", rules: operationalRules },
];
