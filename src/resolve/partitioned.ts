/**
 * The pure parts of a resolution run over more records than fit in memory (the job that streams them
 * from and to the store is `src/jobs/resolve-partitioned.ts`).
 *
 * Every blocking key is hashed from its value (not from a table's dense numbering), so that the records of
 * any subset agree on it: a key belongs to partition `hash % P`, a record goes to every partition one of
 * its keys belongs to, and each partition therefore holds every block it owns whole. A candidate pair is
 * scored only in the partition owning the smallest hash among the keys it shares under the first rule that
 * pairs it — both records are there, and no other partition scores it. Term frequencies are counted over
 * all records once and replace the partition's own, so a pair weighs in a partition what it weighs in a
 * run over everything.
 */

import type { BlockingRule } from "./blocking.js";
import { type BlockKeys, computeBlockKeys, parseBlockingKey } from "./blocking-key.js";
import type { BatchColumn, FeatureBatch } from "./features.js";
import { probabilityOf } from "./model.js";
import type { Feature, RecordTable } from "./record-table.js";

/** A 53-bit hash of a string (two 32-bit FNV-1a lanes with different seeds), exact as a double. */
export function hash53(text: string): number {
  let a = 0x811c9dc5;
  let b = 0x9747b28c;
  for (let k = 0; k < text.length; k++) {
    const c = text.charCodeAt(k);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x5bd1e995);
    b ^= b >>> 15;
  }
  a ^= a >>> 16;
  a = Math.imul(a, 0x85ebca6b);
  a ^= a >>> 13;
  return (a >>> 0) * 2 ** 21 + ((b >>> 0) >>> 11);
}

/** The partition of a key hash, out of `count`. */
export function partitionOfHash(hash: number, count: number): number {
  return hash % count;
}

/** One rule's keys over a table, with each key's value hash. */
export interface RuleKeys {
  keys: BlockKeys;
  /** Key → hash53 of its readable value (`familyPhonetic=SM0 & dateOfBirth=1980-01-02`). */
  hash: Float64Array;
}

export function ruleKeys(table: RecordTable, rule: BlockingRule): RuleKeys {
  const keys = computeBlockKeys(table, parseBlockingKey(rule.expression, rule.name), { rule: rule.name });
  const hash = new Float64Array(keys.keyCount).fill(-1);
  for (let e = 0; e < keys.key.length; e++) {
    const k = keys.key[e] as number;
    if (k >= 0 && (hash[k] as number) < 0) hash[k] = hash53(keys.describe(e));
  }
  return { keys, hash };
}

/** The partitions record r belongs to under all rules, written into `out`; returns how many. */
export function recordPartitions(rules: RuleKeys[], r: number, count: number, out: Int32Array): number {
  let n = 0;
  const add = (p: number) => {
    for (let q = 0; q < n; q++) if (out[q] === p) return;
    out[n++] = p;
  };
  for (const { keys, hash } of rules) {
    if (keys.offsets === null) {
      const k = keys.key[r] as number;
      if (k >= 0) add(partitionOfHash(hash[k] as number, count));
      continue;
    }
    for (let e = keys.offsets[r] as number; e < (keys.offsets[r + 1] as number); e++)
      add(partitionOfHash(hash[keys.key[e] as number] as number, count));
  }
  return n;
}

/**
 * The partition that scores the pair i–j, which `rule` pairs: the one owning the smallest hash among the
 * keys they share under it (-1 if they share none, which the caller's blocking never asks about).
 */
export function pairOwner(rule: RuleKeys, i: number, j: number, count: number): number {
  const { keys, hash } = rule;
  if (keys.offsets === null) {
    const k = keys.key[i] as number;
    return k >= 0 && k === keys.key[j] ? partitionOfHash(hash[k] as number, count) : -1;
  }
  let best = Number.POSITIVE_INFINITY;
  let a = keys.offsets[i] as number;
  const aEnd = keys.offsets[i + 1] as number;
  let b = keys.offsets[j] as number;
  const bEnd = keys.offsets[j + 1] as number;
  while (a < aEnd && b < bEnd) {
    const ka = keys.key[a] as number;
    const kb = keys.key[b] as number;
    if (ka < kb) a++;
    else if (kb < ka) b++;
    else {
      const h = hash[ka] as number;
      if (h < best) best = h;
      a++;
      b++;
    }
  }
  return best === Number.POSITIVE_INFINITY ? -1 : partitionOfHash(best, count);
}

/** The hash a term-frequency value is counted under: the feature's name and the value. */
export function termHash(feature: string, value: string): number {
  return hash53(`${feature}\u0000${value}`);
}

/**
 * Every record's term-frequency values, as hashes, passed to `emit` (text: the value; list: each distinct
 * value, as the table's dictionary counts them). Returns the values emitted per feature.
 */
export function forEachTermValue(
  table: RecordTable,
  features: readonly string[],
  emit: (hash: number) => void,
): Map<string, number> {
  const totals = new Map<string, number>();
  for (const name of features) {
    const f = table.features.get(name);
    if (!f || (f.kind !== "text" && f.kind !== "list")) continue;
    const hashes = new Float64Array(f.dictionary.length).fill(-1);
    const hashOf = (c: number) => {
      let h = hashes[c] as number;
      if (h < 0) {
        h = termHash(name, f.dictionary[c] as string);
        hashes[c] = h;
      }
      return h;
    };
    let total = 0;
    if (f.kind === "text") {
      for (let r = 0; r < table.size; r++) {
        const c = f.codes[r] as number;
        if (c < 0) continue;
        emit(hashOf(c));
        total++;
      }
    } else {
      for (let x = 0; x < f.codes.length; x++) {
        emit(hashOf(f.codes[x] as number));
        total++;
      }
    }
    totals.set(name, total);
  }
  return totals;
}

/** Term counts over all records: the values seen twice or more (sorted by hash), and totals per feature. */
export interface TermCounts {
  hashes: Float64Array;
  counts: Int32Array;
  totals: Map<string, number>;
}

function countOf(counts: TermCounts, hash: number): number {
  let lo = 0;
  let hi = counts.hashes.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const h = counts.hashes[mid] as number;
    if (h < hash) lo = mid + 1;
    else if (h > hash) hi = mid - 1;
    else return counts.counts[mid] as number;
  }
  return 1;
}

/** The table with the term frequencies of all records in place of its own (features not counted kept). */
export function withGlobalFrequencies(
  table: RecordTable,
  features: readonly string[],
  counts: TermCounts,
): RecordTable {
  const next = new Map<string, Feature>(table.features);
  for (const name of features) {
    const f = table.features.get(name);
    const total = counts.totals.get(name) ?? 0;
    if (!f || (f.kind !== "text" && f.kind !== "list")) continue;
    const frequency = new Float64Array(f.dictionary.length);
    for (let c = 0; c < frequency.length; c++)
      frequency[c] = total === 0 ? 0 : countOf(counts, termHash(name, f.dictionary[c] as string)) / total;
    next.set(name, { ...f, frequency });
  }
  return { ...table, features: next };
}

/** Sorted hashes → the runs of two or more, appended to the growing lists. */
export function countRuns(sorted: Float64Array, hashes: number[], counts: number[]): void {
  let k = 0;
  while (k < sorted.length) {
    const h = sorted[k] as number;
    let e = k + 1;
    while (e < sorted.length && sorted[e] === h) e++;
    if (e - k >= 2) {
      hashes.push(h);
      counts.push(e - k);
    }
    k = e;
  }
}

// Records cross the spill as lines: `gid \t source \t value \t value…`, lists joined by \x1f, dates y,m,d.
const LIST = "\u001f";
const clean = (s: string) =>
  s.includes("\t") || s.includes("\n") || s.includes(LIST)
    ? s.replaceAll("\t", " ").replaceAll("\n", " ").replaceAll(LIST, " ")
    : s;

/** The kinds of a table's features, in the given order: what a spilled line holds. */
export type FeatureKinds = [string, Feature["kind"]][];

export function featureKinds(table: RecordTable, features: readonly string[]): FeatureKinds {
  return features.map((name) => {
    const f = table.features.get(name);
    if (!f) throw new Error(`the table has no feature "${name}"`);
    return [name, f.kind];
  });
}

/** Record r of a table as one spill line (without the newline). */
export function recordLine(table: RecordTable, kinds: FeatureKinds, r: number, gid: number): string {
  let line = `${gid}\t${table.sources[table.source[r] as number]}`;
  for (const [name] of kinds) {
    const f = table.features.get(name) as Feature;
    let v = "";
    if (f.kind === "text") {
      const c = f.codes[r] as number;
      if (c >= 0) v = clean(f.dictionary[c] as string);
    } else if (f.kind === "list") {
      const parts: string[] = [];
      for (let x = f.offsets[r] as number; x < (f.offsets[r + 1] as number); x++)
        parts.push(clean(f.dictionary[f.codes[x] as number] as string));
      v = parts.join(LIST);
    } else if (f.kind === "date") {
      v = `${f.year[r]},${f.month[r]},${f.day[r]}`;
    } else {
      v = String(f.values[r]);
    }
    line += `\t${v}`;
  }
  return line;
}

/** Spill lines back into a batch of features (keys left empty: a partition knows records by gid). */
export function linesToBatch(
  lines: string[],
  kinds: FeatureKinds,
): { batch: FeatureBatch; gids: Int32Array } {
  const n = lines.length;
  const gids = new Int32Array(n);
  const sources: string[] = new Array(n);
  const keys: string[] = new Array(n).fill("");
  const columns: Record<string, BatchColumn> = {};
  const cols: BatchColumn[] = kinds.map(([name, kind]) => {
    const c: BatchColumn =
      kind === "text"
        ? { kind, values: new Array<string | null>(n) }
        : kind === "list"
          ? { kind, counts: new Int32Array(n), values: [] }
          : kind === "date"
            ? { kind, year: new Int16Array(n), month: new Int8Array(n), day: new Int8Array(n) }
            : { kind, values: new Float64Array(n) };
    columns[name] = c;
    return c;
  });
  for (let r = 0; r < n; r++) {
    const parts = (lines[r] as string).split("\t");
    if (parts.length !== kinds.length + 2) throw new Error(`spill line ${r} has ${parts.length} fields`);
    gids[r] = Number(parts[0]);
    sources[r] = parts[1] as string;
    for (let k = 0; k < cols.length; k++) {
      const v = parts[k + 2] as string;
      const c = cols[k] as BatchColumn;
      if (c.kind === "text") c.values[r] = v === "" ? null : v;
      else if (c.kind === "list") {
        if (v === "") continue;
        const items = v.split(LIST);
        c.counts[r] = items.length;
        for (const item of items) c.values.push(item);
      } else if (c.kind === "date") {
        const [y, m, d] = v.split(",");
        c.year[r] = Number(y);
        c.month[r] = Number(m);
        c.day[r] = Number(d);
      } else c.values[r] = Number(v);
    }
  }
  return { batch: { size: n, keys, sources, columns }, gids };
}

/**
 * The pairs' match weights (without prior), kept to estimate the prior after scoring: every weight while
 * they are few, a histogram of 1/1000-bit bins beyond that (the prior then differs in its sixth digit).
 */
export class WeightTally {
  private exact: Float64Array | null;
  private histogram: Float64Array | null = null;
  count = 0;
  private static readonly low = -256;
  private static readonly bins = 512_000;

  constructor(private readonly exactLimit = 4_000_000) {
    this.exact = new Float64Array(Math.min(1 << 16, exactLimit));
  }

  add(weight: number): void {
    if (this.exact !== null) {
      if (this.count < this.exactLimit) {
        if (this.count === this.exact.length) {
          const grown = new Float64Array(Math.min(this.exactLimit, this.exact.length * 2));
          grown.set(this.exact);
          this.exact = grown;
        }
        this.exact[this.count++] = weight;
        return;
      }
      this.histogram = new Float64Array(WeightTally.bins);
      for (let p = 0; p < this.count; p++) this.bin(this.exact[p] as number);
      this.exact = null;
    }
    this.bin(weight);
    this.count++;
  }

  private bin(weight: number): void {
    const h = this.histogram as Float64Array;
    const b = Math.floor((weight - WeightTally.low) * 1000);
    const at = b < 0 ? 0 : b >= WeightTally.bins ? WeightTally.bins - 1 : b;
    h[at] = (h[at] as number) + 1;
  }

  /** Merges another tally (a worker's) into this one. */
  merge(other: WeightTally): void {
    const o = other.snapshot();
    if (o.exact) for (let p = 0; p < o.count; p++) this.add(o.exact[p] as number);
    else if (o.histogram) {
      if (this.exact !== null) {
        this.histogram = new Float64Array(WeightTally.bins);
        for (let p = 0; p < this.count; p++) this.bin(this.exact[p] as number);
        this.exact = null;
      }
      const h = this.histogram as Float64Array;
      for (let b = 0; b < WeightTally.bins; b++) h[b] = (h[b] as number) + (o.histogram[b] as number);
      this.count += o.count;
    }
  }

  snapshot(): { exact: Float64Array | null; histogram: Float64Array | null; count: number } {
    return {
      exact: this.exact ? this.exact.subarray(0, this.count) : null,
      histogram: this.histogram,
      count: this.count,
    };
  }

  static from(s: { exact: Float64Array | null; histogram: Float64Array | null; count: number }): WeightTally {
    const t = new WeightTally();
    t.exact = s.exact;
    t.histogram = s.histogram;
    t.count = s.count;
    return t;
  }

  /** The match rate among the pairs by EM on the rate alone (as `resolveTable` estimates it). */
  matchRate(): number {
    let rate = 0.1;
    for (let iteration = 0; iteration < 200; iteration++) {
      const base = Math.log2(rate) - Math.log2(1 - rate);
      let sum = 0;
      if (this.exact !== null) {
        for (let p = 0; p < this.count; p++) sum += probabilityOf(base + (this.exact[p] as number));
      } else {
        const h = this.histogram as Float64Array;
        for (let b = 0; b < WeightTally.bins; b++) {
          const n = h[b] as number;
          if (n > 0) sum += n * probabilityOf(base + WeightTally.low + (b + 0.5) / 1000);
        }
      }
      const next = Math.min(1 - 1e-9, Math.max(1e-12, sum / Math.max(1, this.count)));
      if (Math.abs(next - rate) < 1e-9) return next;
      rate = next;
    }
    return rate;
  }
}

/** The prior from the match rate among candidates, scaled to all possible pairs (as `resolveTable`). */
export function priorFromRate(rate: number, candidates: number, possible: number): number {
  return Math.min(0.5, Math.max(1e-12, (rate * candidates) / Math.max(1, possible)));
}
