// Reads metric names out of PromQL, so tests can check that alerts and dashboards only query series
// the services export (and the lead's live /metrics scrape test can reuse the same extraction).

const KEYWORDS = new Set(["by", "without", "on", "ignoring", "group_left", "group_right", "bool", "and", "or", "unless", "offset", "inf", "nan"]);

/**
 * The metric names an expression selects, as written (histogram series keep their `_bucket`,
 * `_sum`, `_count` suffix, which is also how they appear on /metrics).
 */
export function metricNames(expr: string): string[] {
  const bare = expr
    .replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'/g, '""') // string literals may hold anything
    .replace(/\{[^}]*\}/g, " ") // label matchers
    .replace(/\[[^\]]*\]/g, " ") // range and subquery windows
    .replace(/\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, " "); // label lists
  const names = new Set<string>();
  for (const match of bare.matchAll(/[A-Za-z_:][A-Za-z0-9_:]*/g)) {
    const word = match[0];
    const next = bare.slice(match.index + word.length).trimStart();
    if (next.startsWith("(") || KEYWORDS.has(word.toLowerCase())) continue; // a function or an operator
    names.add(word);
  }
  return [...names].sort();
}

/** The metric a series belongs to: `x_bucket`, `x_sum` and `x_count` are the histogram `x`. */
export function baseMetric(series: string): string {
  return series.replace(/_(bucket|sum|count)$/, "");
}
