/**
 * How good a score is at telling positives from negatives, measured on held-out data: ROC AUC, PR AUC
 * (average precision), lift and cumulative gains by score band, calibration (predicted against observed by
 * band, Brier score, expected calibration error) and log loss. Labels are 0/1; ties in the score share ranks.
 */

export type Labels = ArrayLike<number>;
export type Scores = ArrayLike<number>;

function check(scores: Scores, labels: Labels): void {
  if (scores.length !== labels.length)
    throw new RangeError(`${scores.length} scores but ${labels.length} labels`);
}

/** Indices ordered by score, highest first (stable). */
function byScoreDescending(scores: Scores): Uint32Array {
  const order = new Uint32Array(scores.length);
  for (let i = 0; i < order.length; i++) order[i] = i;
  return order.sort((a, b) => (scores[b] as number) - (scores[a] as number) || a - b);
}

/** Area under the ROC curve (Mann–Whitney U with mid-ranks for ties); NaN with only one class. */
export function rocAuc(scores: Scores, labels: Labels): number {
  check(scores, labels);
  const n = scores.length;
  const order = new Uint32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  order.sort((a, b) => (scores[a] as number) - (scores[b] as number));
  let positives = 0;
  let rankSum = 0;
  for (let i = 0; i < n; ) {
    let j = i;
    const s = scores[order[i] as number] as number;
    while (j < n && scores[order[j] as number] === s) j++;
    const midRank = (i + 1 + j) / 2;
    for (let k = i; k < j; k++) {
      if (labels[order[k] as number] === 1) {
        positives++;
        rankSum += midRank;
      }
    }
    i = j;
  }
  const negatives = n - positives;
  if (positives === 0 || negatives === 0) return Number.NaN;
  return (rankSum - (positives * (positives + 1)) / 2) / (positives * negatives);
}

/** Average precision: Σ (recall_k − recall_{k−1}) · precision_k over distinct score thresholds. */
export function averagePrecision(scores: Scores, labels: Labels): number {
  check(scores, labels);
  const order = byScoreDescending(scores);
  let total = 0;
  for (let i = 0; i < labels.length; i++) total += labels[i] === 1 ? 1 : 0;
  if (total === 0) return Number.NaN;
  let tp = 0;
  let seen = 0;
  let ap = 0;
  let lastRecall = 0;
  for (let i = 0; i < order.length; ) {
    const s = scores[order[i] as number];
    while (i < order.length && scores[order[i] as number] === s) {
      if (labels[order[i] as number] === 1) tp++;
      seen++;
      i++;
    }
    const recall = tp / total;
    ap += (recall - lastRecall) * (tp / seen);
    lastRecall = recall;
  }
  return ap;
}

export function logLoss(probabilities: Scores, labels: Labels): number {
  check(probabilities, labels);
  let sum = 0;
  for (let i = 0; i < labels.length; i++) {
    const p = Math.min(1 - 1e-15, Math.max(1e-15, probabilities[i] as number));
    sum -= labels[i] === 1 ? Math.log(p) : Math.log(1 - p);
  }
  return sum / labels.length;
}

export function brierScore(probabilities: Scores, labels: Labels): number {
  check(probabilities, labels);
  let sum = 0;
  for (let i = 0; i < labels.length; i++) sum += ((probabilities[i] as number) - (labels[i] as number)) ** 2;
  return sum / labels.length;
}

export interface LiftBand {
  /** 1 is the highest-scored band. */
  band: number;
  /** The top fraction of the population this band ends at (0.1, 0.2, …). */
  upTo: number;
  count: number;
  positives: number;
  rate: number;
  /** The band's positive rate over the base rate. */
  lift: number;
  /** Share of all positives in this band and those above it (the gains curve). */
  cumulativeRecall: number;
  cumulativeLift: number;
}

/** Lift and gains by equal-sized bands of the population, highest scores first. */
export function liftTable(scores: Scores, labels: Labels, bands = 10): LiftBand[] {
  check(scores, labels);
  const n = scores.length;
  const order = byScoreDescending(scores);
  let total = 0;
  for (let i = 0; i < n; i++) total += labels[i] === 1 ? 1 : 0;
  const base = total / Math.max(1, n);
  const out: LiftBand[] = [];
  let cumulative = 0;
  let cumulativeCount = 0;
  for (let b = 0; b < bands; b++) {
    const from = Math.round((b * n) / bands);
    const to = Math.round(((b + 1) * n) / bands);
    let positives = 0;
    for (let k = from; k < to; k++) positives += labels[order[k] as number] === 1 ? 1 : 0;
    cumulative += positives;
    cumulativeCount += to - from;
    const rate = to > from ? positives / (to - from) : 0;
    out.push({
      band: b + 1,
      upTo: (b + 1) / bands,
      count: to - from,
      positives,
      rate,
      lift: base > 0 ? rate / base : Number.NaN,
      cumulativeRecall: total > 0 ? cumulative / total : Number.NaN,
      cumulativeLift: base > 0 && cumulativeCount > 0 ? cumulative / cumulativeCount / base : Number.NaN,
    });
  }
  return out;
}

/** Share of all positives among the top `fraction` of scores (ties broken by position). */
export function recallAt(scores: Scores, labels: Labels, fraction: number): number {
  check(scores, labels);
  const order = byScoreDescending(scores);
  const k = Math.round(fraction * scores.length);
  let total = 0;
  let found = 0;
  for (let i = 0; i < labels.length; i++) total += labels[i] === 1 ? 1 : 0;
  for (let i = 0; i < k; i++) found += labels[order[i] as number] === 1 ? 1 : 0;
  return total > 0 ? found / total : Number.NaN;
}

/** The positive rate among the top `fraction`, over the base rate. */
export function liftAt(scores: Scores, labels: Labels, fraction: number): number {
  const n = scores.length;
  const k = Math.max(1, Math.round(fraction * n));
  return recallAt(scores, labels, fraction) * (n / k) || 0;
}

export interface CalibrationBin {
  count: number;
  meanPredicted: number;
  observedRate: number;
}

export interface Calibration {
  bins: CalibrationBin[];
  /** Σ |predicted − observed| weighted by bin size. */
  expectedCalibrationError: number;
  brier: number;
}

/** Predicted against observed in equal-count bins of the predicted probability. */
export function calibration(probabilities: Scores, labels: Labels, bins = 10): Calibration {
  check(probabilities, labels);
  const n = probabilities.length;
  const order = byScoreDescending(probabilities).reverse();
  const out: CalibrationBin[] = [];
  let ece = 0;
  for (let b = 0; b < bins; b++) {
    const from = Math.round((b * n) / bins);
    const to = Math.round(((b + 1) * n) / bins);
    if (to <= from) continue;
    let p = 0;
    let y = 0;
    for (let k = from; k < to; k++) {
      p += probabilities[order[k] as number] as number;
      y += labels[order[k] as number] as number;
    }
    const bin = { count: to - from, meanPredicted: p / (to - from), observedRate: y / (to - from) };
    ece += (bin.count / n) * Math.abs(bin.meanPredicted - bin.observedRate);
    out.push(bin);
  }
  return { bins: out, expectedCalibrationError: ece, brier: brierScore(probabilities, labels) };
}

/** Points of the ROC curve (false-positive rate, true-positive rate), at most `points` of them, for drawing. */
export function rocCurve(scores: Scores, labels: Labels, points = 200): { fpr: number; tpr: number }[] {
  check(scores, labels);
  const order = byScoreDescending(scores);
  let positives = 0;
  for (let i = 0; i < labels.length; i++) positives += labels[i] === 1 ? 1 : 0;
  const negatives = labels.length - positives;
  const curve = [{ fpr: 0, tpr: 0 }];
  const every = Math.max(1, Math.floor(order.length / points));
  let tp = 0;
  let fp = 0;
  for (let i = 0; i < order.length; i++) {
    if (labels[order[i] as number] === 1) tp++;
    else fp++;
    const last = i === order.length - 1;
    const boundary = last || scores[order[i + 1] as number] !== scores[order[i] as number];
    if (boundary && (i % every === 0 || last))
      curve.push({ fpr: negatives > 0 ? fp / negatives : 0, tpr: positives > 0 ? tp / positives : 0 });
  }
  return curve;
}

export interface BinaryEvaluation {
  rows: number;
  positives: number;
  baseRate: number;
  auc: number;
  prAuc: number;
  logLoss: number;
  brier: number;
  /** Positive rate in the top 10 % over the base rate. */
  liftAt10: number;
  lift: LiftBand[];
  calibration: Calibration;
}

/** Every measure at once, for a probability score on held-out rows. */
export function evaluateBinary(probabilities: Scores, labels: Labels): BinaryEvaluation {
  check(probabilities, labels);
  let positives = 0;
  for (let i = 0; i < labels.length; i++) {
    const y = labels[i];
    if (y !== 0 && y !== 1) throw new RangeError(`label ${i} is ${y}, not 0 or 1`);
    positives += y;
  }
  const cal = calibration(probabilities, labels);
  return {
    rows: labels.length,
    positives,
    baseRate: positives / Math.max(1, labels.length),
    auc: rocAuc(probabilities, labels),
    prAuc: averagePrecision(probabilities, labels),
    logLoss: logLoss(probabilities, labels),
    brier: cal.brier,
    liftAt10: liftAt(probabilities, labels, 0.1),
    lift: liftTable(probabilities, labels),
    calibration: cal,
  };
}
