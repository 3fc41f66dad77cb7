// Every dashboard the observability add-on provisions, and the queries they run.
import { apiDashboard } from "./api.ts";
import type { Dashboard } from "./grafana.ts";
import { mlDashboard } from "./ml.ts";
import { queueDashboard } from "./queue.ts";
import { sloDashboard } from "./slo.ts";

export const DASHBOARDS: readonly Dashboard[] = [sloDashboard, apiDashboard, queueDashboard, mlDashboard];

/** The PromQL a dashboard runs (its CloudWatch panels run none). */
export const dashboardQueries = (d: Dashboard): string[] => d.panels.flatMap((panel) => panel.targets.flatMap((t) => ("expr" in t ? [t.expr] : [])));
