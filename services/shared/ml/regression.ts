import { InputError } from "../errors.ts";
import { featureNames, moments, readNumber, toMatrix, type Row } from "./dataset.ts";

export type Algorithm = "logistic" | "linear";

export interface FittedModel {
  algorithm: Algorithm;
  features: string[];
  /** One per feature, applied to standardised values. */
  weights: number[];
  bias: number;
  /** Training mean and standard deviation per feature, so inputs are standardised exactly as in training. */
  means: number[];
  scales: number[];
}

/** Computed on the training rows; loss is the mean log loss. */
export interface LogisticMetrics { rows: number; loss: number; accuracy: number }
export interface LinearMetrics { rows: number; mse: number; rmse: number; r2: number }
export type TrainingMetrics = LogisticMetrics | LinearMetrics;
export type MetricsFor<A extends Algorithm> = A extends "logistic" ? LogisticMetrics : LinearMetrics;

/** epochs and learningRate drive logistic's gradient descent; linear is solved exactly. l2 penalises weights, not the bias. */
export interface FitOptions { epochs?: number; learningRate?: number; l2?: number }

/** score is P(label = 1) for logistic and the predicted value for linear. */
export interface Prediction { score: number; label?: 0 | 1 }

/** Fits on standardised features and reports metrics on the training rows. */
export function fit<A extends Algorithm>(
  algorithm: A,
  rows: Row[],
  label: string,
  opts: FitOptions = {},
): { model: FittedModel; metrics: MetricsFor<A> } {
  // Defaults converge on standardised data in well under a second for 10k × 10.
  const { epochs = 300, learningRate = 0.5, l2 = 1e-4 } = opts;
  if (algorithm !== "logistic" && algorithm !== "linear") {
    throw new InputError(`unknown algorithm ${JSON.stringify(algorithm)}`);
  }
  if (!(Number.isInteger(epochs) && epochs >= 1 && learningRate > 0 && l2 >= 0)) {
    throw new InputError("need integer epochs >= 1, learningRate > 0 and l2 >= 0");
  }
  const features = featureNames(rows, label);
  const x = toMatrix(rows, features);
  const y = rows.map((row) => row[label]!); // featureNames has checked every label
  if (algorithm === "logistic") checkBinary(y, label);
  const { means, scales } = standardise(x);
  const trained = algorithm === "logistic" ? fitLogistic(x, y, epochs, learningRate, l2) : fitLinear(x, y, l2);
  const model: FittedModel = { algorithm, features, ...trained, means, scales };
  const metrics = algorithm === "logistic" ? logisticMetrics(model, x, y) : linearMetrics(model, x, y);
  // A model that cannot score anything must never be saved: with values near the largest doubles,
  // sums of squares overflow and the parameters come out Infinity or NaN.
  const numbers = [model.bias, ...model.weights, ...means, ...scales, ...Object.values(metrics)];
  if (!numbers.every(Number.isFinite)) {
    throw new InputError("the rows' values are too large to fit a model on: its parameters would not be finite numbers");
  }
  return { model, metrics: metrics as MetricsFor<A> };
}

/** Scores one input; hot path, so a single loop and one small result object. */
export function predict(model: FittedModel, input: Row): Prediction {
  const { features, weights, means, scales } = model;
  let z = model.bias;
  for (let j = 0; j < features.length; j++) {
    z += (weights[j]! * (readNumber(input, features[j]!, "input") - means[j]!)) / scales[j]!;
  }
  // Every feature was read, so more keys than features means one the model does not know (a typo
  // would otherwise be ignored and the score silently wrong). Counted without allocating.
  let keys = 0;
  for (const _ in input) keys++;
  if (keys !== features.length) rejectUnknownFeature(model, input);
  if (model.algorithm === "linear") return { score: z };
  const score = sigmoid(z);
  return { score, label: score >= 0.5 ? 1 : 0 };
}

function rejectUnknownFeature(model: FittedModel, input: Row): never {
  const unknown = Object.keys(input).find((name) => !model.features.includes(name));
  throw new InputError(`input: unknown feature "${unknown}" (the model uses ${model.features.join(", ")})`);
}

function checkBinary(y: number[], label: string): void {
  const bad = y.findIndex((v) => v !== 0 && v !== 1);
  if (bad >= 0) throw new InputError(`rows[${bad}]: logistic label "${label}" must be 0 or 1, got ${y[bad]}`);
  if (!y.includes(0) || !y.includes(1)) throw new InputError(`logistic label "${label}" needs both 0 and 1 rows`);
}

/** Centres and scales each column in place, so one learning rate and one l2 suit every feature. */
function standardise(x: number[][]): { means: number[]; scales: number[] } {
  const means: number[] = [];
  const scales: number[] = [];
  for (let j = 0; j < x[0]!.length; j++) {
    const { mean, std } = moments(x.map((row) => row[j]!));
    // A constant column is all zeros after centring; scale 1 keeps it there.
    const scale = std || 1;
    for (const row of x) row[j] = (row[j]! - mean) / scale;
    means.push(mean);
    scales.push(scale);
  }
  return { means, scales };
}

/** Batch gradient descent on the mean log loss plus (l2 / 2)·|w|². */
function fitLogistic(x: number[][], y: number[], epochs: number, learningRate: number, l2: number) {
  const n = x.length;
  const weights = new Array<number>(x[0]!.length).fill(0);
  const grad = new Array<number>(weights.length);
  let bias = 0;
  for (let epoch = 0; epoch < epochs; epoch++) {
    grad.fill(0);
    let gradBias = 0;
    for (let i = 0; i < n; i++) {
      const row = x[i]!;
      const err = sigmoid(margin(weights, bias, row)) - y[i]!;
      gradBias += err;
      for (let j = 0; j < row.length; j++) grad[j]! += err * row[j]!;
    }
    // The l2 term keeps weights finite on separable data, whose unpenalised optimum is at infinity.
    for (let j = 0; j < weights.length; j++) weights[j]! -= learningRate * (grad[j]! / n + l2 * weights[j]!);
    bias -= (learningRate * gradBias) / n;
  }
  return { weights, bias };
}

/** Ridge normal equations (XᵀX/n + l2·I)·w = Xᵀ(y − ȳ)/n; columns are centred, so the bias is ȳ. */
function fitLinear(x: number[][], y: number[], l2: number) {
  const n = x.length;
  const d = x[0]!.length;
  // A constant label's mean is that value exactly (moments): residuals of ~1e-16 would make R² of
  // a perfect fit (sse / sst) anything from 0 to 1.
  const bias = moments(y).mean;
  const a = Array.from({ length: d }, (_, j) => Array.from({ length: d }, (_, k) => (j === k ? l2 : 0)));
  const b = new Array<number>(d).fill(0);
  for (let i = 0; i < n; i++) {
    const row = x[i]!;
    const residual = y[i]! - bias;
    for (let j = 0; j < d; j++) {
      b[j]! += (row[j]! * residual) / n;
      for (let k = 0; k <= j; k++) a[j]![k]! += (row[j]! * row[k]!) / n; // lower triangle is all Cholesky reads
    }
  }
  return { weights: choleskySolve(a, b), bias };
}

/** Solves A·w = b for symmetric positive-definite A via A = L·Lᵀ, reading A's lower triangle only. */
function choleskySolve(a: number[][], b: number[]): number[] {
  const d = b.length;
  const l = a.map(() => new Array<number>(d).fill(0));
  for (let i = 0; i < d; i++) {
    for (let j = 0; j <= i; j++) {
      let s = a[i]![j]!;
      for (let k = 0; k < j; k++) s -= l[i]![k]! * l[j]![k]!;
      if (i !== j) l[i]![j] = s / l[j]![j]!;
      // Standardised columns put the diagonal near 1, so a pivot this small means a column repeats others.
      else if (s > 1e-10) l[i]![i] = Math.sqrt(s);
      else throw new InputError("features are collinear or constant; fit with l2 > 0");
    }
  }
  const z = new Array<number>(d);
  for (let i = 0; i < d; i++) {
    let s = b[i]!;
    for (let k = 0; k < i; k++) s -= l[i]![k]! * z[k]!;
    z[i] = s / l[i]![i]!;
  }
  const w = new Array<number>(d);
  for (let i = d - 1; i >= 0; i--) {
    let s = z[i]!;
    for (let k = i + 1; k < d; k++) s -= l[k]![i]! * w[k]!;
    w[i] = s / l[i]![i]!;
  }
  return w;
}

function logisticMetrics(model: FittedModel, x: number[][], y: number[]): LogisticMetrics {
  let loss = 0;
  let correct = 0;
  for (let i = 0; i < x.length; i++) {
    const z = margin(model.weights, model.bias, x[i]!);
    const t = y[i]!;
    // log(1 + eᶻ) − t·z is the log loss, written to stay finite when |z| is large.
    loss += Math.max(z, 0) + Math.log1p(Math.exp(-Math.abs(z))) - t * z;
    if ((sigmoid(z) >= 0.5 ? 1 : 0) === t) correct++;
  }
  return { rows: x.length, loss: loss / x.length, accuracy: correct / x.length };
}

function linearMetrics(model: FittedModel, x: number[][], y: number[]): LinearMetrics {
  let sse = 0;
  let sst = 0;
  for (let i = 0; i < x.length; i++) {
    sse += (y[i]! - margin(model.weights, model.bias, x[i]!)) ** 2;
    sst += (y[i]! - model.bias) ** 2; // the bias is the label mean
  }
  const mse = sse / x.length;
  // A constant label is fitted exactly by the bias; call that a perfect fit rather than 0/0.
  return { rows: x.length, mse, rmse: Math.sqrt(mse), r2: sst > 0 ? 1 - sse / sst : 1 };
}

function margin(weights: number[], bias: number, row: number[]): number {
  let z = bias;
  for (let j = 0; j < weights.length; j++) z += weights[j]! * row[j]!;
  return z;
}

function sigmoid(z: number): number {
  return 1 / (1 + Math.exp(-z));
}
