import { describe, expect, test } from "bun:test";
import { InputError } from "../../../services/shared/errors.ts";
import { fit, predict, type Algorithm, type Row } from "../../../services/shared/ml/index.ts";
import { mulberry32, normal } from "../../../testing/random.ts";

/** Separable by 2·x1 − x2/1000 + 0.5 = 0; x2 is on a 1000× larger scale to exercise standardisation. */
function separable(count: number, seed: number): Row[] {
  const uniform = mulberry32(seed);
  const rows: Row[] = [];
  while (rows.length < count) {
    const x1 = uniform() * 2 - 1;
    const x2 = (uniform() * 2 - 1) * 1000;
    const x3 = uniform(); // noise the model should learn to ignore
    const margin = 2 * x1 - x2 / 1000 + 0.5;
    if (Math.abs(margin) > 0.05) rows.push({ x1, x2, x3, y: margin > 0 ? 1 : 0 });
  }
  return rows;
}

/** y = 3·x1 − 2·x2 + 5 + N(0, 0.1²). */
function linearRows(count: number, seed: number): Row[] {
  const uniform = mulberry32(seed);
  const noise = normal(uniform);
  return Array.from({ length: count }, () => {
    const x1 = uniform() * 10;
    const x2 = uniform() * 4 - 2;
    return { x1, x2, y: 3 * x1 - 2 * x2 + 5 + 0.1 * noise() };
  });
}

describe("logistic", () => {
  test("predicts held-out separable rows with at least 95% accuracy", () => {
    const { model, metrics } = fit("logistic", separable(2000, 1), "y");
    const heldOut = separable(500, 2);
    const correct = heldOut.filter(({ y, ...input }) => predict(model, input).label === y).length;
    expect(correct / heldOut.length).toBeGreaterThanOrEqual(0.95);
    expect(metrics.rows).toBe(2000);
    expect(metrics.accuracy).toBeGreaterThanOrEqual(0.95);
    expect(metrics.loss).toBeLessThan(0.2);
    expect(model.weights.every(Number.isFinite)).toBe(true);
  });

  test("score is a probability and label follows the 0.5 threshold", () => {
    const { model } = fit("logistic", separable(500, 3), "y");
    for (const { y: _, ...input } of separable(50, 4)) {
      const { score, label } = predict(model, input);
      expect(score).toBeGreaterThanOrEqual(0);
      expect(score).toBeLessThanOrEqual(1);
      expect(label).toBe(score >= 0.5 ? 1 : 0);
    }
  });

  test("rejects labels other than 0 and 1, and a single class", () => {
    const rows = separable(10, 5);
    expect(() => fit("logistic", [...rows, { x1: 0, x2: 0, x3: 0, y: 2 }], "y")).toThrow(InputError);
    expect(() => fit("logistic", [...rows, { x1: 0, x2: 0, x3: 0, y: 0.5 }], "y")).toThrow(/rows\[10\].*0 or 1/);
    const oneClass = rows.map((row) => ({ ...row, y: 1 }));
    expect(() => fit("logistic", oneClass, "y")).toThrow(/both 0 and 1/);
  });
});

describe("linear", () => {
  test("recovers y = 3·x1 − 2·x2 + 5 with r2 above 0.99", () => {
    const { model, metrics } = fit("linear", linearRows(1000, 7), "y");
    // Undo standardisation to read coefficients in the original units.
    const [w1, w2] = model.weights.map((w, j) => w / model.scales[j]!);
    const intercept = model.bias - model.weights.reduce((s, w, j) => s + (w * model.means[j]!) / model.scales[j]!, 0);
    expect(model.features).toEqual(["x1", "x2"]);
    expect(w1!).toBeCloseTo(3, 2);
    expect(w2!).toBeCloseTo(-2, 2);
    expect(intercept).toBeCloseTo(5, 1);
    expect(metrics.r2).toBeGreaterThan(0.99);
    expect(metrics.rmse).toBeCloseTo(0.1, 1);
    expect(metrics.mse).toBeCloseTo(metrics.rmse ** 2, 10);
    expect(predict(model, { x1: 1, x2: 1 }).score).toBeCloseTo(6, 1);
  });

  test("prediction has a score and no label", () => {
    const { model } = fit("linear", linearRows(100, 8), "y");
    expect("label" in predict(model, { x1: 0, x2: 0 })).toBe(false);
  });

  test("a constant feature gets zero weight; without ridge it is reported as singular", () => {
    const rows = linearRows(200, 9).map((row) => ({ ...row, c: 7 }));
    const { model, metrics } = fit("linear", rows, "y");
    expect(model.weights[model.features.indexOf("c")]).toBe(0);
    expect(metrics.r2).toBeGreaterThan(0.99);
    expect(predict(model, { x1: 1, x2: 1, c: 1e6 }).score).toBeCloseTo(6, 1);
    expect(() => fit("linear", rows, "y", { l2: 0 })).toThrow(/collinear or constant/);
  });
});

describe("fit and predict inputs", () => {
  test("predict names a missing or non-numeric feature", () => {
    const { model } = fit("linear", linearRows(50, 10), "y");
    expect(() => predict(model, { x1: 1 })).toThrow(InputError);
    expect(() => predict(model, { x1: 1 })).toThrow(/"x2" is missing/);
    expect(() => predict(model, { x1: 1, x2: "2" as unknown as number })).toThrow(/"x2" must be a finite number/);
    // A feature the model does not know is a mistake (a typo, the wrong model), never silently ignored.
    expect(() => predict(model, { x1: 1, x2: 2, x3: 0 })).toThrow('input: unknown feature "x3" (the model uses x1, x2)');
  });

  test("a constant label is fitted exactly: R² 1, not 0", () => {
    // 0.1 summed seven times is not 0.7: a rounded mean left residuals whose ratio made R² 0.
    const rows = Array.from({ length: 7 }, (_, i) => ({ x: i, z: (i * i) % 5, y: 0.1 }));
    const { model, metrics } = fit("linear", rows, "y");
    expect(metrics).toEqual({ rows: 7, mse: 0, rmse: 0, r2: 1 });
    expect(predict(model, { x: 3, z: 1 }).score).toBe(0.1);
  });

  test("values near the largest doubles are refused, never saved as a model that cannot predict", () => {
    const rows = [{ x: 1e308, y: 1 }, { x: -1e308, y: 2 }, { x: 0, y: 3 }];
    expect(() => fit("linear", rows, "y")).toThrow("the rows' values are too large to fit a model on: its parameters would not be finite numbers");
    expect(() => fit("logistic", [{ x: 1e308, y: 1 }, { x: -1e308, y: 0 }], "y")).toThrow(InputError);
  });

  test("rejects an unknown algorithm and bad options", () => {
    const rows = linearRows(10, 11);
    expect(() => fit("tree" as Algorithm, rows, "y")).toThrow(/unknown algorithm "tree"/);
    expect(() => fit("linear", rows, "y", { l2: -1 })).toThrow(InputError);
    expect(() => fit("logistic", separable(10, 12), "y", { epochs: 0 })).toThrow(InputError);
  });
});
