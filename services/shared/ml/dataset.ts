import { InputError } from "../errors.ts";

/** A training row or a prediction input: feature name → value. */
export type Row = Record<string, number>;

/** Reads `row[name]`, rejecting what JSON can smuggle past the `Row` type: missing keys, strings, null, NaN. */
export function readNumber(row: Row, name: string, where: string): number {
  const value: unknown = row[name];
  if (typeof value === "number" && Number.isFinite(value)) return value;
  if (value === undefined) throw new InputError(`${where}: "${name}" is missing`);
  const shown = typeof value === "number" ? String(value) : JSON.stringify(value);
  throw new InputError(`${where}: "${name}" must be a finite number, got ${shown}`);
}

/** Sorted union of the rows' keys except `label`, after checking every row has all of them and the label. */
export function featureNames(rows: Row[], label: string): string[] {
  if (rows.length < 2) throw new InputError(`need at least 2 rows, got ${rows.length}`);
  const names = new Set<string>();
  for (const row of rows) for (const key of Object.keys(row)) if (key !== label) names.add(key);
  if (names.size === 0) throw new InputError(`rows have no features besides the label "${label}"`);
  // Sorted so the same data always yields the same weight order.
  const features = [...names].sort();
  rows.forEach((row, i) => {
    readNumber(row, label, `rows[${i}]`);
    for (const name of features) readNumber(row, name, `rows[${i}]`);
  });
  return features;
}

/** One array per row, columns in `features` order. */
export function toMatrix(rows: Row[], features: string[]): number[][] {
  return rows.map((row, i) => features.map((name) => readNumber(row, name, `rows[${i}]`)));
}
