import type { Frame } from "./frame.js";

/**
 * A frame as the dense, scaled design matrix a linear model needs: numeric columns imputed with their
 * training median (plus a 0/1 "was missing" column when any value was missing), log1p-transformed when they
 * are non-negative and strongly skewed, then standardised; categorical columns one-hot, with rare levels
 * pooled into "other" and missing as a level of its own. Fitted on training rows, applied unchanged to others.
 */

export interface NumericEncoding {
  kind: "numeric";
  column: string;
  median: number;
  log: boolean;
  mean: number;
  /** 0 for a column that was constant in training (always encoded as 0). */
  sd: number;
  missingIndicator: boolean;
}

export interface CategoricalEncoding {
  kind: "categorical";
  column: string;
  /** Levels that get a column of their own; the rest are "other". */
  levels: string[];
  other: boolean;
  missing: boolean;
}

export type ColumnEncoding = NumericEncoding | CategoricalEncoding;

export interface Encoder {
  columns: ColumnEncoding[];
  /** Names of the design matrix's columns. */
  features: string[];
}

export interface EncoderOptions {
  /** A level needs this many training rows to get its own column (default 10). */
  minLevelCount?: number;
  /** Skewness above which a non-negative column is log1p-transformed (default 2; Infinity turns it off). */
  skewForLog?: number;
}

function median(values: number[]): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

export function fitEncoder(frame: Frame, options: EncoderOptions = {}): Encoder {
  const minCount = options.minLevelCount ?? 10;
  const skewForLog = options.skewForLog ?? 2;
  const columns: ColumnEncoding[] = [];
  const features: string[] = [];
  for (const c of frame.columns) {
    if (c.kind === "numeric") {
      const present: number[] = [];
      for (const v of c.values) if (!Number.isNaN(v)) present.push(v);
      const med = median(present);
      const n = present.length;
      let mean = 0;
      let min = Number.POSITIVE_INFINITY;
      for (const v of present) {
        mean += v / Math.max(1, n);
        min = Math.min(min, v);
      }
      let m2 = 0;
      let m3 = 0;
      for (const v of present) {
        m2 += (v - mean) ** 2 / n;
        m3 += (v - mean) ** 3 / n;
      }
      const skew = m2 > 0 ? m3 / m2 ** 1.5 : 0;
      const log = min >= 0 && skew > skewForLog;
      const transformed = log ? present.map(Math.log1p) : present;
      let tMean = 0;
      for (const v of transformed) tMean += v / Math.max(1, n);
      let tVar = 0;
      for (const v of transformed) tVar += (v - tMean) ** 2 / Math.max(1, n);
      const missingIndicator = present.length < frame.rows;
      const sd = Math.sqrt(tVar);
      // A column constant in training (up to rounding) carries nothing: it is encoded as 0 whatever it
      // holds later, rather than divided by a standard deviation of 1e-11.
      const constant = !(sd > 1e-9 * (Math.abs(tMean) + 1));
      columns.push({
        kind: "numeric",
        column: c.name,
        median: med,
        log,
        mean: tMean,
        sd: constant ? 0 : sd,
        missingIndicator,
      });
      features.push(log ? `log1p(${c.name})` : c.name);
      if (missingIndicator) features.push(`${c.name} missing`);
      continue;
    }
    const counts = new Array<number>(c.levels.length).fill(0);
    let missing = 0;
    for (const code of c.codes) {
      if (code < 0) missing++;
      else counts[code] = (counts[code] as number) + 1;
    }
    const kept = c.levels.filter((_, i) => (counts[i] as number) >= minCount);
    const other = kept.length < c.levels.length;
    columns.push({ kind: "categorical", column: c.name, levels: kept, other, missing: missing > 0 });
    for (const l of kept) features.push(`${c.name}=${l}`);
    if (other) features.push(`${c.name}=(other)`);
    if (missing > 0) features.push(`${c.name}=(missing)`);
  }
  return { columns, features };
}

/** Row-major n × p design matrix of a frame with the columns the encoder was fitted on. */
export function encode(encoder: Encoder, frame: Frame): Float64Array {
  const p = encoder.features.length;
  const n = frame.rows;
  const X = new Float64Array(n * p);
  const byName = new Map(frame.columns.map((c) => [c.name, c]));
  let offset = 0;
  for (const enc of encoder.columns) {
    const col = byName.get(enc.column);
    if (!col) throw new RangeError(`the data have no column "${enc.column}", which the model was trained on`);
    if (enc.kind === "numeric") {
      if (col.kind !== "numeric") throw new RangeError(`column "${enc.column}" is not numeric here`);
      for (let i = 0; i < n; i++) {
        const raw = col.values[i] as number;
        const missing = Number.isNaN(raw);
        let v = missing ? enc.median : raw;
        if (enc.log) v = Math.log1p(Math.max(0, v));
        X[i * p + offset] = enc.sd > 0 ? (v - enc.mean) / enc.sd : 0;
        if (enc.missingIndicator) X[i * p + offset + 1] = missing ? 1 : 0;
      }
      offset += enc.missingIndicator ? 2 : 1;
      continue;
    }
    if (col.kind !== "categorical") throw new RangeError(`column "${enc.column}" is not categorical here`);
    const position = new Map(enc.levels.map((l, i) => [l, i]));
    const width = enc.levels.length + (enc.other ? 1 : 0) + (enc.missing ? 1 : 0);
    for (let i = 0; i < n; i++) {
      const code = col.codes[i] as number;
      if (code < 0) {
        if (enc.missing) X[i * p + offset + width - 1] = 1;
        continue;
      }
      const at = position.get(col.levels[code] as string);
      if (at !== undefined) X[i * p + offset + at] = 1;
      else if (enc.other) X[i * p + offset + enc.levels.length] = 1;
    }
    offset += width;
  }
  return X;
}
