import { encode } from "./encode.js";
import { type Frame, take, takeRows } from "./frame.js";
import {
  fitGbdt,
  type GbdtModel,
  type GbdtOptions,
  gbdtContributions,
  gbdtImportance,
  predictGbdt,
} from "./gbdt.js";
import {
  fitLogistic,
  type LogisticModel,
  logisticDrivers,
  predictLogistic,
  tuneLogistic,
} from "./logistic.js";
import { type BinaryEvaluation, evaluateBinary } from "./metrics.js";
import { cutoffSplit, orderSplit, type Split, stratifiedSplit, timeSplit } from "./split.js";

/**
 * A binary propensity model end to end: split the rows (time-aware when they have times), fit regularised
 * logistic regression (λ chosen on validation rows) and boosted trees (rounds chosen on validation rows),
 * measure both on the test rows, choose the one with the better validation AUC, and refit it on every row
 * to score. The test rows are only ever used to measure.
 */

export type SplitSpec =
  | { kind: "time"; times: ArrayLike<number>; testFraction: number }
  | { kind: "cutoff"; times: ArrayLike<number>; cutoff: number }
  | { kind: "random"; testFraction: number; seed?: number }
  | { kind: "order"; testFraction: number };

export type ModelKind = "logistic" | "gbdt";

export interface PropensityOptions {
  split: SplitSpec;
  models?: ModelKind[];
  gbdt?: GbdtOptions;
  logisticGrid?: number[];
  /** Rows of the training part held back to tune on (default 0.2). */
  validationFraction?: number;
  progress?: (stage: string, detail?: string) => void;
}

export type PropensityModel = LogisticModel | GbdtModel;

export interface ModelReport {
  kind: ModelKind;
  /** On the test rows. */
  test: BinaryEvaluation;
  validationAuc: number;
  /** λ for logistic regression, trees for boosting. */
  tuned: { lambda?: number; rounds?: number };
  /** What drives it: standardised weights, or shares of split gain. */
  drivers: { feature: string; value: number }[];
}

export interface PropensityResult {
  split: string;
  trainRows: number;
  testRows: number;
  reports: ModelReport[];
  chosen: ModelKind;
  /** The chosen model refitted on all rows with the tuned settings, for scoring. */
  model: PropensityModel;
}

export function makeSplit(spec: SplitSpec, labels: ArrayLike<number>): Split {
  switch (spec.kind) {
    case "time":
      return timeSplit(spec.times, spec.testFraction);
    case "cutoff":
      return cutoffSplit(spec.times, spec.cutoff);
    case "random":
      return stratifiedSplit(labels, spec.testFraction, spec.seed ?? 1);
    case "order":
      return orderSplit(labels.length, spec.testFraction);
  }
}

/** The validation part of the training rows, split the same way as train/test. */
function innerSplit(spec: SplitSpec, train: Uint32Array, labels: ArrayLike<number>, fraction: number): Split {
  if (spec.kind === "time" || spec.kind === "cutoff") {
    const times = take(Float64Array.from(spec.times), train);
    // One snapshot's rows all have the same time: nothing to order them by, so validate on a random part.
    if (times.every((t) => t === times[0]))
      return stratifiedSplit(take(Uint8Array.from(labels), train), fraction, 2);
    return timeSplit(times, fraction);
  }
  if (spec.kind === "order") return orderSplit(train.length, fraction);
  return stratifiedSplit(take(Uint8Array.from(labels), train), fraction, (spec.seed ?? 1) + 1);
}

export function predictPropensity(model: PropensityModel, frame: Frame): Float64Array {
  return model.kind === "gbdt" ? predictGbdt(model, frame) : predictLogistic(model, frame);
}

function countPositives(labels: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < labels.length; i++) s += labels[i] as number;
  return s;
}

export function trainPropensity(
  frame: Frame,
  labels: ArrayLike<number>,
  options: PropensityOptions,
): PropensityResult {
  const progress = options.progress ?? (() => {});
  const kinds = options.models ?? ["logistic", "gbdt"];
  const y = Uint8Array.from(labels);
  const positives = countPositives(y);
  if (positives === 0 || positives === y.length)
    throw new RangeError(
      `every row is ${positives === 0 ? "negative" : "positive"}: there is nothing to learn`,
    );
  const split = makeSplit(options.split, y);
  const train = takeRows(frame, split.train);
  const test = takeRows(frame, split.test);
  const yTrain = take(y, split.train);
  const yTest = take(y, split.test);
  for (const [part, ys] of [
    ["training", yTrain],
    ["test", yTest],
  ] as const) {
    const p = countPositives(ys);
    if (p === 0 || p === ys.length)
      throw new RangeError(
        `the ${part} rows are all ${p === 0 ? "negative" : "positive"} (${split.description})`,
      );
  }
  const inner = innerSplit(options.split, split.train, y, options.validationFraction ?? 0.2);
  const fit = takeRows(train, inner.train);
  const valid = takeRows(train, inner.test);
  const yFit = take(yTrain, inner.train);
  const yValid = take(yTrain, inner.test);
  const timeAware =
    options.split.kind === "time" || options.split.kind === "cutoff" || options.split.kind === "order";
  progress("split", `${split.description}; ${inner.train.length} fit, ${inner.test.length} validate`);

  const reports: ModelReport[] = [];
  const finals = new Map<ModelKind, () => PropensityModel>();
  if (kinds.includes("logistic")) {
    progress("logistic", "choosing the penalty on the validation rows");
    const tuned = tuneLogistic(
      fit,
      yFit,
      valid,
      yValid,
      options.logisticGrid ? { grid: options.logisticGrid } : {},
    );
    const model = fitLogistic(train, yTrain, { lambda: tuned.lambda });
    const test_ = evaluateBinary(predictLogistic(model, test), yTest);
    progress("logistic", `λ ${tuned.lambda}, test AUC ${test_.auc.toFixed(4)}`);
    reports.push({
      kind: "logistic",
      test: test_,
      validationAuc: tuned.validationAuc,
      tuned: { lambda: tuned.lambda },
      drivers: logisticDrivers(model, 15).map((d) => ({ feature: d.feature, value: d.weight })),
    });
    finals.set("logistic", () => fitLogistic(frame, y, { lambda: tuned.lambda }));
  }
  if (kinds.includes("gbdt")) {
    progress("gbdt", "boosting until the validation rows stop improving");
    const gbdtOptions: GbdtOptions = {
      ...(timeAware ? { earlyStoppingMetric: "auc" as const } : {}),
      ...options.gbdt,
      onRound: (round, _trainLoss, validLoss) => {
        if (round % 25 === 0) progress("gbdt", `${round} trees, validation ${validLoss?.toFixed(5) ?? ""}`);
      },
    };
    const tuned = fitGbdt(fit, yFit, gbdtOptions, { frame: valid, labels: yValid });
    const validationAuc = evaluateBinary(predictGbdt(tuned, valid), yValid).auc;
    const rounds = tuned.bestIteration;
    const fixed: GbdtOptions = { ...options.gbdt, rounds, earlyStoppingRounds: Number.POSITIVE_INFINITY };
    const model = fitGbdt(train, yTrain, fixed);
    const test_ = evaluateBinary(predictGbdt(model, test), yTest);
    progress("gbdt", `${rounds} trees, test AUC ${test_.auc.toFixed(4)}`);
    reports.push({
      kind: "gbdt",
      test: test_,
      validationAuc,
      tuned: { rounds },
      drivers: gbdtImportance(model)
        .slice(0, 15)
        .map((d) => ({ feature: d.feature, value: d.share })),
    });
    finals.set("gbdt", () => fitGbdt(frame, y, fixed));
  }
  const chosen = reports.reduce((a, b) => (b.validationAuc > a.validationAuc ? b : a)).kind;
  progress("refit", `${chosen} on all ${frame.rows} rows`);
  const model = (finals.get(chosen) as () => PropensityModel)();
  return {
    split: split.description,
    trainRows: split.train.length,
    testRows: split.test.length,
    reports,
    chosen,
    model,
  };
}

export interface Reason {
  feature: string;
  /** Change of log-odds this feature makes for this row. */
  effect: number;
}

/**
 * The features that push each row's score most, up or down: boosted trees by path contributions, logistic
 * regression by weight × the row's scaled value (grouped back to their column).
 */
export function explainRows(model: PropensityModel, frame: Frame, top = 3): Reason[][] {
  if (model.kind === "gbdt") {
    const { contributions } = gbdtContributions(model, frame);
    return contributions.map((row) =>
      Array.from(row, (effect, f) => ({ feature: model.bins[f]?.name as string, effect }))
        .filter((r) => r.effect !== 0)
        .sort((a, b) => Math.abs(b.effect) - Math.abs(a.effect))
        .slice(0, top),
    );
  }
  const X = encode(model.encoder, frame);
  const p = model.weights.length;
  // Encoded feature → its source column.
  const columnOf: string[] = [];
  for (const c of model.encoder.columns) {
    const width =
      c.kind === "numeric"
        ? c.missingIndicator
          ? 2
          : 1
        : c.levels.length + (c.other ? 1 : 0) + (c.missing ? 1 : 0);
    for (let k = 0; k < width; k++) columnOf.push(c.column);
  }
  const out: Reason[][] = [];
  for (let i = 0; i < frame.rows; i++) {
    const byColumn = new Map<string, number>();
    for (let j = 0; j < p; j++) {
      const e = (X[i * p + j] as number) * (model.weights[j] as number);
      if (e !== 0) byColumn.set(columnOf[j] as string, (byColumn.get(columnOf[j] as string) ?? 0) + e);
    }
    out.push(
      [...byColumn]
        .map(([feature, effect]) => ({ feature, effect }))
        .sort((a, b) => Math.abs(b.effect) - Math.abs(a.effect))
        .slice(0, top),
    );
  }
  return out;
}
