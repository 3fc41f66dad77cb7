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

/** What a model was trained on, kept with its version: how much data, and the label's distribution. */
export interface DataSummary {
  rows: number;
  features: number;
  /** logistic: how many rows of each class; linear: the label's range and spread. */
  label: { name: string; positives: number; negatives: number } | { name: string; mean: number; std: number; min: number; max: number };
}

/**
 * Mean, population standard deviation, min and max, summed in the order given. A constant
 * column's mean is its value exactly: a rounded sum would leave residues of ~1e-16 that later
 * divisions and ratios (scaling, R²) blow up.
 */
export function moments(values: number[]): { mean: number; std: number; min: number; max: number } {
  let sum = 0;
  let min = Infinity;
  let max = -Infinity;
  for (const v of values) {
    sum += v;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  const mean = min === max ? min : sum / values.length;
  let squares = 0;
  for (const v of values) squares += (v - mean) ** 2;
  return { mean, std: Math.sqrt(squares / values.length), min, max };
}

export function summarise(rows: Row[], label: string, features: string[], algorithm: "logistic" | "linear"): DataSummary {
  const y = rows.map((row) => row[label]!);
  if (algorithm === "logistic") {
    const positives = y.filter((v) => v === 1).length;
    return { rows: rows.length, features: features.length, label: { name: label, positives, negatives: rows.length - positives } };
  }
  return { rows: rows.length, features: features.length, label: { name: label, ...moments(y) } };
}
