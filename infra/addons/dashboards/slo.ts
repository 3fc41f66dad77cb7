// One stat and one trend per SLO, drawn from the same queries the alerts use.
import { SLI, SLOS } from "../slo.ts";
import { dashboard, stat, timeseries } from "./grafana.ts";

const limit = (slo: (typeof SLOS)[number]) => (slo.breachedWhen === ">" ? { redAbove: slo.objective } : { redBelow: slo.objective });

export const sloDashboard = dashboard("mlts-slo", "ML Task Scheduler / SLOs", [
  ...SLOS.map((slo) => stat(slo.title, slo.unit, { legend: slo.title, expr: SLI[slo.sli] }, limit(slo))),
  ...SLOS.map((slo) => timeseries(`${slo.title} (objective ${slo.breachedWhen === ">" ? "<" : ">"} ${slo.objective})`, slo.unit, [{ legend: slo.title, expr: SLI[slo.sli] }], limit(slo))),
]);
