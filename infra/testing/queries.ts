// Every PromQL expression the add-ons run (alerts and dashboards) and the series names they read.
// Tests compare these names with what the services export; a rename on either side fails them.
import { ALERT_RULE_GROUPS } from "../addons/alert-rules.ts";
import { DASHBOARDS, dashboardQueries } from "../addons/dashboards/index.ts";
import { metricNames } from "./promql.ts";

export const allQueries = (): string[] => [
  ...ALERT_RULE_GROUPS.flatMap((group) => group.rules.map((rule) => rule.expr)),
  ...DASHBOARDS.flatMap(dashboardQueries),
];

/** Series names as they appear on /metrics (histograms with their _bucket/_sum/_count suffix). */
export const queriedMetricNames = (): string[] => [...new Set(allQueries().flatMap(metricNames))].sort();
