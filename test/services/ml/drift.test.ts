import { describe, expect, test } from "bun:test";
import { parseConfig } from "../../../services/shared/config.ts";
import {
  driftReport,
  driftVerdict,
  featureStatistics,
  populationStabilityIndex,
  type Row,
} from "../../../services/shared/ml/index.ts";
import { InputError } from "../../../services/shared/errors.ts";
import { mulberry32, normal } from "../../../testing/random.ts";

function normalRows(count: number, seed: number, shift = 0): Row[] {
  const draw = normal(mulberry32(seed));
  return Array.from({ length: count }, () => ({ a: draw() + shift, b: 10 * draw() }));
}

describe("featureStatistics", () => {
  test("summarises a feature with ten equal-mass bins", () => {
    const { a } = featureStatistics(normalRows(10_000, 1), ["a", "b"]);
    expect(a!.mean).toBeCloseTo(0, 1);
    expect(a!.std).toBeCloseTo(1, 1);
    expect(a!.min).toBeLessThan(a!.edges[0]!);
    expect(a!.edges).toHaveLength(9);
    expect(a!.edges).toEqual([...a!.edges].sort((x, y) => x - y));
    for (const fraction of a!.fractions) expect(fraction).toBeCloseTo(0.1, 5);
  });

  test("collapses tied cut points so fractions still match edges", () => {
    const rows = Array.from({ length: 100 }, (_, i) => ({ flag: i < 95 ? 0 : 1 }));
    const { flag } = featureStatistics(rows, ["flag"]);
    expect(flag!.edges).toEqual([0]);
    expect(flag!.fractions).toEqual([0.95, 0.05]);
  });

  test("handles a constant feature and sees drift either side of it", () => {
    const { c } = featureStatistics([{ c: 3 }, { c: 3 }, { c: 3 }], ["c"]);
    expect(c!.std).toBe(0);
    expect(c!.mean).toBe(3);
    expect(c!.fractions.reduce((s, f) => s + f, 0)).toBe(1);
    expect(populationStabilityIndex(c!, [3, 3, 3])).toBe(0);
    expect(populationStabilityIndex(c!, [4, 4, 3])).toBeGreaterThan(0.25);
    expect(populationStabilityIndex(c!, [2, 2, 3])).toBeGreaterThan(0.25);
  });
});

describe("populationStabilityIndex", () => {
  const stats = featureStatistics(normalRows(10_000, 2), ["a"]).a!;

  test("is about 0 for a fresh sample of the same distribution", () => {
    const same = normalRows(5000, 3).map((row) => row.a!);
    expect(populationStabilityIndex(stats, same)).toBeLessThan(0.02);
  });

  test("exceeds 0.25 for a distribution shifted by one standard deviation", () => {
    const shifted = normalRows(5000, 4, 1).map((row) => row.a!);
    expect(populationStabilityIndex(stats, shifted)).toBeGreaterThan(0.25);
  });

  test("stays finite when live values fall outside every training bin", () => {
    const psi = populationStabilityIndex(stats, [100, 100, 100]);
    expect(Number.isFinite(psi)).toBe(true);
    expect(psi).toBeGreaterThan(0.25);
  });

  test("rejects no values and non-finite values", () => {
    expect(() => populationStabilityIndex(stats, [])).toThrow(InputError);
    expect(() => populationStabilityIndex(stats, [Number.NaN])).toThrow(InputError);
  });
});

describe("driftReport", () => {
  const stats = featureStatistics(normalRows(10_000, 5), ["a", "b"]);

  test("scores the worst feature", () => {
    const report = driftReport(stats, normalRows(5000, 6, 1)); // only "a" shifts
    expect(report.psi.a!).toBeGreaterThan(0.25);
    expect(report.psi.b!).toBeLessThan(0.02);
    expect(report.score).toBe(report.psi.a!);
  });

  test("rejects empty inputs and names a missing feature", () => {
    expect(() => driftReport(stats, [])).toThrow(InputError);
    expect(() => driftReport(stats, [{ a: 1 }])).toThrow(/inputs\[0\]: "b" is missing/);
  });
});

describe("how many inputs a drift score needs", () => {
  const stats = featureStatistics(normalRows(2_000, 100), ["a", "b"]);
  const unshiftedScores = (window: number, seeds: number) =>
    Array.from({ length: seeds }, (_, seed) => driftReport(stats, normalRows(window, 1_000 + seed)).score);

  test("over 5 to 20 unshifted inputs PSI is mostly noise, often reading as major drift", () => {
    for (const window of [5, 10, 20]) {
      const major = unshiftedScores(window, 100).filter((score) => driftVerdict(score) === "major").length;
      expect(major).toBeGreaterThan(50);
    }
  });

  test("at the default minimum window (DRIFT_MIN_WINDOW), unshifted data never reads as major drift, rarely as moderate; a shift is major", () => {
    const window = parseConfig({}).driftMinWindow;
    const verdicts = unshiftedScores(window, 200).map(driftVerdict);
    expect(verdicts.filter((verdict) => verdict === "major")).toEqual([]);
    expect(verdicts.filter((verdict) => verdict === "moderate").length).toBeLessThan(40);
    expect(driftVerdict(driftReport(stats, normalRows(window, 7, 1)).score)).toBe("major");
  });

  test("verdicts follow the usual PSI reading", () => {
    expect([0, 0.099, 0.1, 0.249, 0.25, 3].map(driftVerdict)).toEqual(["stable", "stable", "moderate", "moderate", "major", "major"]);
  });
});
