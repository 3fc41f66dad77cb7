import { InputError } from "../errors.ts";
import { moments, readNumber, type Row } from "./dataset.ts";

/** A feature's training distribution, kept with the model to compare later inputs against. */
export interface FeatureStats {
  mean: number;
  std: number;
  min: number;
  max: number;
  /** Ascending interior cut points; value v is in bin i when edges[i - 1] < v <= edges[i]. */
  edges: number[];
  /** Share of training rows per bin; edges.length + 1 entries. */
  fractions: number[];
}

const BINS = 10;
// A bin empty on one side would make ln(a / e) infinite and one stray value would read as
// total drift; the floor keeps PSI finite while new mass in an unseen range still scores high.
const EMPTY_BIN = 1e-4;

export function featureStatistics(rows: Row[], features: string[]): Record<string, FeatureStats> {
  if (rows.length === 0) throw new InputError("need at least 1 row for feature statistics");
  const stats: Record<string, FeatureStats> = {};
  for (const name of features) {
    const values = rows.map((row, i) => readNumber(row, name, `rows[${i}]`)).sort((a, b) => a - b);
    const n = values.length;
    const { mean, std, min, max } = moments(values);
    const edges: number[] = [];
    if (min === max) {
      // Nothing to cut by quantile, so bracket the value: below, equal and above are
      // separate bins and drift in either direction shows.
      edges.push(min - 1e-9 * Math.max(1, Math.abs(min)), min);
    } else {
      for (let k = 1; k < BINS; k++) {
        // The ⌈kn/10⌉-th smallest value, so k tenths of the rows sit at or below it.
        const edge = values[Math.ceil((k * n) / BINS) - 1]!;
        // Ties collapse cut points; skip repeats rather than keep empty bins.
        if (edge !== edges[edges.length - 1]) edges.push(edge);
      }
    }
    stats[name] = { mean, std, min, max, edges, fractions: histogram(edges, values) };
  }
  return stats;
}

/** PSI = Σ (a − e)·ln(a / e) over bins; ≈ 0 when unchanged, above 0.25 conventionally a major shift. */
export function populationStabilityIndex(expected: FeatureStats, actual: number[]): number {
  const fractions = histogram(expected.edges, actual);
  let psi = 0;
  for (let i = 0; i < fractions.length; i++) {
    const a = Math.max(fractions[i]!, EMPTY_BIN);
    const e = Math.max(expected.fractions[i]!, EMPTY_BIN);
    psi += (a - e) * Math.log(a / e);
  }
  return psi;
}

/** What a drift score means, by the usual PSI reading. */
export type DriftVerdict = "stable" | "moderate" | "major";
export const driftVerdict = (score: number): DriftVerdict => (score < 0.1 ? "stable" : score < 0.25 ? "moderate" : "major");

/** PSI per feature of recent inputs against training statistics. */
export function driftReport(
  stats: Record<string, FeatureStats>,
  inputs: Row[],
): { psi: Record<string, number>; score: number } {
  if (inputs.length === 0) throw new InputError("need at least 1 input to measure drift");
  const psi: Record<string, number> = {};
  // Max rather than mean: one drifted feature can break the model, and averaging would
  // dilute it by the number of stable ones.
  let score = 0;
  for (const [name, expected] of Object.entries(stats)) {
    const values = inputs.map((row, i) => readNumber(row, name, `inputs[${i}]`));
    psi[name] = populationStabilityIndex(expected, values);
    score = Math.max(score, psi[name]);
  }
  return { psi, score };
}

/** Fraction of values per bin, by the same rule for training and live data. */
function histogram(edges: number[], values: number[]): number[] {
  if (values.length === 0) throw new InputError("need at least 1 value to bin");
  const counts = new Array<number>(edges.length + 1).fill(0);
  for (const v of values) {
    if (!Number.isFinite(v)) throw new InputError(`cannot bin non-finite value ${v}`);
    let bin = 0;
    while (bin < edges.length && v > edges[bin]!) bin++;
    counts[bin]!++;
  }
  return counts.map((count) => count / values.length);
}
