import type { Frame } from "../../predict/frame.js";
import { takeRows } from "../../predict/frame.js";
import { fitGbdt, type GbdtModel, predictGbdt } from "../../predict/gbdt.js";
import { fitLogistic, type LogisticModel, predictLogistic } from "../../predict/logistic.js";

/**
 * Uplift models: who gains from a message. Both reuse the project's learners (src/predict):
 * - two-model (T-learner): one outcome model on the treated, one on the control group; uplift is the
 *   difference of their predicted probabilities.
 * - class transformation (Jaskowski & Jaroszewicz 2012): z = 1 for treated responders and control
 *   non-responders, 0 otherwise; with treatment and control weighted to equal shares, P(z = 1 | x) =
 *   (1 + uplift(x)) / 2, so one classifier gives uplift = 2 P(z = 1 | x) − 1.
 */

export type UpliftMethod = "two_model" | "class_transformation";
export type Learner = "logistic" | "gbdt";

type Base = LogisticModel | GbdtModel;

export interface UpliftModel {
  method: UpliftMethod;
  learner: Learner;
  models: Base[];
}

export interface UpliftFitOptions {
  learner?: Learner;
  seed?: number;
  /** Logistic: the L2 penalty (default 1e-2). */
  lambda?: number;
  /** Gradient-boosted trees: rounds (default 150). */
  rounds?: number;
}

function fitBase(
  learner: Learner,
  frame: Frame,
  labels: Uint8Array,
  weights: Float64Array | null,
  o: UpliftFitOptions,
): Base {
  if (learner === "logistic")
    return fitLogistic(frame, labels, { lambda: o.lambda ?? 1e-2, ...(weights ? { weights } : {}) });
  return fitGbdt(frame, labels, {
    rounds: o.rounds ?? 150,
    learningRate: 0.05,
    numLeaves: 15,
    minDataInLeaf: 200,
    lambda: 10,
    seed: o.seed ?? 1,
    ...(weights ? { weights } : {}),
  });
}

function predictBase(model: Base, frame: Frame): Float64Array {
  return model.kind === "logistic" ? predictLogistic(model, frame) : predictGbdt(model, frame);
}

export function fitUplift(
  method: UpliftMethod,
  frame: Frame,
  treated: ArrayLike<number>,
  outcome: ArrayLike<number>,
  options: UpliftFitOptions = {},
): UpliftModel {
  const learner = options.learner ?? "logistic";
  const n = frame.rows;
  if (treated.length !== n || outcome.length !== n)
    throw new RangeError(`${n} rows, ${treated.length} treatment flags and ${outcome.length} outcomes`);
  let nt = 0;
  for (let i = 0; i < n; i++) if (treated[i]) nt++;
  if (nt === 0 || nt === n) throw new RangeError("uplift needs both treated and control rows");
  if (method === "two_model") {
    const t: number[] = [];
    const c: number[] = [];
    for (let i = 0; i < n; i++) (treated[i] ? t : c).push(i);
    const labels = (idx: number[]) => Uint8Array.from(idx, (i) => (outcome[i] ? 1 : 0));
    return {
      method,
      learner,
      models: [
        fitBase(learner, takeRows(frame, Uint32Array.from(t)), labels(t), null, options),
        fitBase(learner, takeRows(frame, Uint32Array.from(c)), labels(c), null, options),
      ],
    };
  }
  const p = nt / n;
  const z = new Uint8Array(n);
  const w = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const ti = treated[i] ? 1 : 0;
    const yi = outcome[i] ? 1 : 0;
    z[i] = ti === yi ? 1 : 0;
    w[i] = ti ? 0.5 / p : 0.5 / (1 - p);
  }
  return { method, learner, models: [fitBase(learner, frame, z, w, options)] };
}

export function predictUplift(model: UpliftModel, frame: Frame): Float64Array {
  if (model.method === "two_model") {
    const pt = predictBase(model.models[0] as Base, frame);
    const pc = predictBase(model.models[1] as Base, frame);
    return pt.map((x, i) => x - (pc[i] as number));
  }
  return predictBase(model.models[0] as Base, frame).map((x) => 2 * x - 1);
}
