import { type Encoder, type EncoderOptions, encode, fitEncoder } from "./encode.js";
import type { Frame } from "./frame.js";
import { rocAuc } from "./metrics.js";
import { lbfgs } from "./optimize.js";

/**
 * L2-regularised logistic regression on the encoded (one-hot, scaled) frame, fitted by L-BFGS on the mean
 * log loss plus (λ/2)‖w‖² (the intercept is not penalised). The penalty can be chosen on validation rows.
 */

export interface LogisticModel {
  kind: "logistic";
  encoder: Encoder;
  intercept: number;
  /** One per encoded feature, on the standardised scale: comparable across features. */
  weights: number[];
  lambda: number;
  iterations: number;
  converged: boolean;
}

export function sigmoid(z: number): number {
  return z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z));
}

/** Fits on a design matrix (row-major n × p) and 0/1 labels. */
export function fitLogisticMatrix(
  X: Float64Array,
  y: ArrayLike<number>,
  p: number,
  options: { lambda: number; weights?: ArrayLike<number>; maxIterations?: number },
): { intercept: number; weights: number[]; iterations: number; converged: boolean } {
  const n = y.length;
  if (X.length !== n * p) throw new RangeError(`design matrix of ${X.length} values is not ${n} × ${p}`);
  const lambda = options.lambda;
  const sampleWeight = options.weights;
  let totalWeight = 0;
  for (let i = 0; i < n; i++) totalWeight += sampleWeight ? (sampleWeight[i] as number) : 1;
  const z = new Float64Array(n);
  const fg = (theta: Float64Array, grad: Float64Array) => {
    grad.fill(0);
    const b = theta[p] as number;
    let loss = 0;
    for (let i = 0; i < n; i++) {
      let s = b;
      const row = i * p;
      for (let j = 0; j < p; j++) s += (X[row + j] as number) * (theta[j] as number);
      z[i] = s;
      const yi = y[i] as number;
      const w = sampleWeight ? (sampleWeight[i] as number) : 1;
      // log(1 + e^s) − y s, computed without overflow
      loss += w * ((s > 0 ? s + Math.log1p(Math.exp(-s)) : Math.log1p(Math.exp(s))) - yi * s);
      const r = (w * (sigmoid(s) - yi)) / totalWeight;
      for (let j = 0; j < p; j++) grad[j] = (grad[j] as number) + r * (X[row + j] as number);
      grad[p] = (grad[p] as number) + r;
    }
    loss /= totalWeight;
    for (let j = 0; j < p; j++) {
      const t = theta[j] as number;
      loss += 0.5 * lambda * t * t;
      grad[j] = (grad[j] as number) + lambda * t;
    }
    return loss;
  };
  const result = lbfgs(fg, new Float64Array(p + 1), {
    maxIterations: options.maxIterations ?? 500,
    gradientTolerance: 1e-7,
    valueTolerance: 1e-12,
  });
  return {
    intercept: result.x[p] as number,
    weights: Array.from(result.x.subarray(0, p)),
    iterations: result.iterations,
    converged: result.converged,
  };
}

export interface LogisticOptions extends EncoderOptions {
  /** The L2 penalty; default 1e-3. */
  lambda?: number;
  weights?: ArrayLike<number>;
}

export function fitLogistic(
  frame: Frame,
  labels: ArrayLike<number>,
  options: LogisticOptions = {},
): LogisticModel {
  const encoder = fitEncoder(frame, options);
  const p = encoder.features.length;
  const X = encode(encoder, frame);
  const lambda = options.lambda ?? 1e-3;
  const fit = fitLogisticMatrix(X, labels, p, {
    lambda,
    ...(options.weights ? { weights: options.weights } : {}),
  });
  return { kind: "logistic", encoder, lambda, ...fit };
}

export function predictLogistic(model: LogisticModel, frame: Frame): Float64Array {
  const X = encode(model.encoder, frame);
  const p = model.weights.length;
  const out = new Float64Array(frame.rows);
  for (let i = 0; i < frame.rows; i++) {
    let s = model.intercept;
    for (let j = 0; j < p; j++) s += (X[i * p + j] as number) * (model.weights[j] as number);
    out[i] = sigmoid(s);
  }
  return out;
}

/**
 * Chooses λ from a grid by AUC on validation rows (ties: the larger penalty), then refits on all the rows
 * given with it.
 */
export function tuneLogistic(
  train: Frame,
  trainLabels: ArrayLike<number>,
  validation: Frame,
  validationLabels: ArrayLike<number>,
  options: LogisticOptions & { grid?: number[] } = {},
): { lambda: number; validationAuc: number; tried: { lambda: number; auc: number }[] } {
  const grid = options.grid ?? [1e-1, 1e-2, 1e-3, 1e-4];
  const tried: { lambda: number; auc: number }[] = [];
  for (const lambda of grid) {
    const model = fitLogistic(train, trainLabels, { ...options, lambda });
    tried.push({ lambda, auc: rocAuc(predictLogistic(model, validation), validationLabels) });
  }
  const best = tried.reduce((a, b) => (b.auc > a.auc + 1e-4 ? b : a));
  return { lambda: best.lambda, validationAuc: best.auc, tried };
}

/** The features with the largest standardised weights: what moves the score most, and which way. */
export function logisticDrivers(model: LogisticModel, top = 10): { feature: string; weight: number }[] {
  return model.weights
    .map((weight, i) => ({ feature: model.encoder.features[i] as string, weight }))
    .sort((a, b) => Math.abs(b.weight) - Math.abs(a.weight))
    .slice(0, top);
}
