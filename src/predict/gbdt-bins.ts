import type { Frame } from "./frame.js";
import { Random } from "./random.js";

/**
 * The binning behind the gradient-boosted trees (gbdt.ts): every feature is cut into at most 255 bins once —
 * quantiles of numeric values, categories by frequency with rare ones pooled — and every row becomes one
 * byte per feature. Bin 0 is always "missing".
 */

/** Histogram slots per feature: a bin is a byte. */
export const B = 256;

export type FeatureBins =
  | { name: string; kind: "numeric"; thresholds: number[] }
  | { name: string; kind: "categorical"; levels: string[]; other: boolean };

/** Cuts a numeric column into at most `maxBins − 2` thresholds of roughly equal counts (bin 0 is missing). */
function numericThresholds(values: Float64Array, maxBins: number, rng: Random): number[] {
  let sample: number[] = [];
  for (const v of values) if (!Number.isNaN(v)) sample.push(v);
  if (sample.length > 200_000) {
    const picked: number[] = [];
    for (let i = 0; i < 200_000; i++) picked.push(sample[rng.int(sample.length)] as number);
    sample = picked;
  }
  if (sample.length === 0) return [];
  sample.sort((a, b) => a - b);
  const distinct: number[] = [];
  const counts: number[] = [];
  for (const v of sample) {
    if (distinct.length > 0 && distinct[distinct.length - 1] === v)
      counts[counts.length - 1] = (counts[counts.length - 1] as number) + 1;
    else {
      distinct.push(v);
      counts.push(1);
    }
  }
  const maxThresholds = maxBins - 2;
  const mid = (i: number) => ((distinct[i] as number) + (distinct[i + 1] as number)) / 2;
  if (distinct.length - 1 <= maxThresholds) return distinct.slice(0, -1).map((_, i) => mid(i));
  // Equal-frequency cuts; a value with a large mass (a spike at 0) gets a bin of its own.
  const thresholds: number[] = [];
  const perBin = sample.length / (maxThresholds + 1);
  let inBin = 0;
  let remaining = sample.length;
  for (let i = 0; i < distinct.length - 1 && thresholds.length < maxThresholds; i++) {
    const c = counts[i] as number;
    inBin += c;
    remaining -= c;
    const target = Math.max(perBin, remaining / (maxThresholds + 1 - thresholds.length));
    if (inBin >= Math.min(perBin, target) || (counts[i + 1] as number) >= perBin) {
      thresholds.push(mid(i));
      inBin = 0;
    }
  }
  return thresholds;
}

export function fitBins(frame: Frame, maxBins = 255, seed = 1): FeatureBins[] {
  const rng = new Random(seed);
  return frame.columns.map((c) => {
    if (c.kind === "numeric")
      return { name: c.name, kind: "numeric", thresholds: numericThresholds(c.values, maxBins, rng) };
    const counts = new Array<number>(c.levels.length).fill(0);
    for (const code of c.codes) if (code >= 0) counts[code] = (counts[code] as number) + 1;
    const order = c.levels.map((_, i) => i).filter((i) => (counts[i] as number) > 0);
    order.sort((a, b) => (counts[b] as number) - (counts[a] as number) || a - b);
    const keep = order.slice(0, maxBins - 2);
    return {
      name: c.name,
      kind: "categorical",
      levels: keep.map((i) => c.levels[i] as string),
      other: order.length > keep.length,
    };
  });
}

/** The bin of every row, one array per feature. */
export function binFrame(bins: FeatureBins[], frame: Frame): Uint8Array[] {
  const byName = new Map(frame.columns.map((c) => [c.name, c]));
  return bins.map((fb) => {
    const col = byName.get(fb.name);
    if (!col) throw new RangeError(`the data have no column "${fb.name}", which the model was trained on`);
    const out = new Uint8Array(frame.rows);
    if (fb.kind === "numeric") {
      if (col.kind !== "numeric") throw new RangeError(`column "${fb.name}" is not numeric here`);
      const t = fb.thresholds;
      for (let i = 0; i < frame.rows; i++) {
        const v = col.values[i] as number;
        if (Number.isNaN(v)) continue;
        let lo = 0;
        let hi = t.length;
        while (lo < hi) {
          const m = (lo + hi) >> 1;
          if ((t[m] as number) < v) lo = m + 1;
          else hi = m;
        }
        out[i] = 1 + lo;
      }
      return out;
    }
    if (col.kind !== "categorical") throw new RangeError(`column "${fb.name}" is not categorical here`);
    const binOf = new Map(fb.levels.map((l, i) => [l, i + 1]));
    const otherBin = fb.other ? fb.levels.length + 1 : 0;
    const codeToBin = col.levels.map((l) => binOf.get(l) ?? otherBin);
    for (let i = 0; i < frame.rows; i++) {
      const code = col.codes[i] as number;
      out[i] = code < 0 ? 0 : (codeToBin[code] as number);
    }
    return out;
  });
}

export function binCount(fb: FeatureBins): number {
  return fb.kind === "numeric" ? fb.thresholds.length + 2 : fb.levels.length + (fb.other ? 2 : 1);
}
