// A small typed builder for Grafana dashboard JSON (schema 39), enough for time series and stats.
// The kube-prometheus-stack Grafana provisions its Prometheus data source with this uid, and the
// CloudWatch one with the uid observability.ts gives it.
const PROMETHEUS = { type: "prometheus", uid: "prometheus" } as const;
export const CLOUDWATCH = { type: "cloudwatch", uid: "cloudwatch" } as const;
type DataSource = typeof PROMETHEUS | typeof CLOUDWATCH;

export type Unit = "percentunit" | "percent" | "s" | "ms" | "short" | "reqps" | "bytes" | "ops";

export interface Query {
  legend: string;
  expr: string;
}

/** A CloudWatch metric of one resource, as the AWS namespace names it (e.g. AWS/RDS CPUUtilization by DBInstanceIdentifier). */
export interface CloudWatchMetric {
  legend: string;
  namespace: string;
  metricName: string;
  dimensions: Record<string, string>;
  statistic: "Average" | "Maximum" | "Minimum" | "Sum";
}

type Target =
  | { refId: string; expr: string; legendFormat: string; datasource: typeof PROMETHEUS }
  | ({ refId: string; datasource: typeof CLOUDWATCH; queryMode: "Metrics"; metricQueryType: 0; metricEditorMode: 0; region: "default"; matchExact: true; label: string }
    & Omit<CloudWatchMetric, "legend">);

interface Threshold {
  color: "green" | "red";
  value: number | null;
}

export interface Panel {
  id: number;
  type: "timeseries" | "stat";
  title: string;
  datasource: DataSource;
  gridPos: { x: number; y: number; w: number; h: number };
  fieldConfig: { defaults: { unit: Unit; thresholds: { mode: "absolute"; steps: Threshold[] } }; overrides: [] };
  targets: Target[];
}

export interface Dashboard {
  uid: string;
  title: string;
  tags: string[];
  schemaVersion: number;
  time: { from: string; to: string };
  refresh: string;
  panels: Panel[];
}

/** What a panel shows; the dashboard decides where it goes. */
export interface PanelSpec {
  type: Panel["type"];
  title: string;
  unit: Unit;
  queries: Query[] | CloudWatchMetric[];
  /** Turns red past this value (an SLO objective), the way the alert does. */
  redAbove?: number;
  redBelow?: number;
}

export const timeseries = (title: string, unit: Unit, queries: Query[] | CloudWatchMetric[], limits: Pick<PanelSpec, "redAbove" | "redBelow"> = {}): PanelSpec =>
  ({ type: "timeseries", title, unit, queries, ...limits });

export const stat = (title: string, unit: Unit, query: Query, limits: Pick<PanelSpec, "redAbove" | "redBelow"> = {}): PanelSpec =>
  ({ type: "stat", title, unit, queries: [query], ...limits });

function thresholds(spec: PanelSpec): Threshold[] {
  if (spec.redAbove !== undefined) return [{ color: "green", value: null }, { color: "red", value: spec.redAbove }];
  if (spec.redBelow !== undefined) return [{ color: "red", value: null }, { color: "green", value: spec.redBelow }];
  return [{ color: "green", value: null }];
}

/** Lays panels out two to a row (stats four to a row), top to bottom in the order given. */
export function dashboard(uid: string, title: string, specs: PanelSpec[]): Dashboard {
  let [x, y, rowHeight] = [0, 0, 0];
  const panels = specs.map((spec, i): Panel => {
    const w = spec.type === "stat" ? 6 : 12;
    const h = spec.type === "stat" ? 4 : 8;
    if (x + w > 24) [x, y, rowHeight] = [0, y + rowHeight, 0];
    const gridPos = { x, y, w, h };
    [x, rowHeight] = [x + w, Math.max(rowHeight, h)];
    return {
      id: i + 1,
      type: spec.type,
      title: spec.title,
      datasource: spec.queries.some((q) => "expr" in q) ? PROMETHEUS : CLOUDWATCH,
      gridPos,
      fieldConfig: { defaults: { unit: spec.unit, thresholds: { mode: "absolute", steps: thresholds(spec) } }, overrides: [] },
      targets: spec.queries.map((q, j): Target => {
        const refId = String.fromCharCode(65 + j);
        if ("expr" in q) return { refId, expr: q.expr, legendFormat: q.legend, datasource: PROMETHEUS };
        const { legend, ...metric } = q;
        // Grafana's CloudWatch query model: a metric search by exact dimensions, in the data source's region.
        return { refId, datasource: CLOUDWATCH, queryMode: "Metrics", metricQueryType: 0, metricEditorMode: 0, region: "default", matchExact: true, label: legend, ...metric };
      }),
    };
  });
  return { uid, title, tags: ["mlts"], schemaVersion: 39, time: { from: "now-6h", to: "now" }, refresh: "30s", panels };
}
