import { z } from "zod";
import { nicknameRoots } from "../standardize/nicknames.js";
import { damerauLevenshtein, levenshtein } from "./edit-distance.js";
import { jaroWinkler } from "./jaro-winkler.js";
import type {
  DateFeature,
  Feature,
  ListFeature,
  NumberFeature,
  RecordTable,
  TextFeature,
} from "./record-table.js";

/**
 * A comparison maps a pair of records to one of a few levels, tried in order: the first level that holds
 * is the pair's level; none holding is the "else" level; a value missing on either side is the null
 * level, which carries no evidence. Levels read precomputed features, so comparing allocates nothing.
 */

export const levelSpec = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("exact"), feature: z.string(), label: z.string().optional() }),
  z.object({
    kind: z.literal("jaroWinkler"),
    feature: z.string(),
    threshold: z.number().min(0).max(1),
    label: z.string().optional(),
  }),
  z.object({
    kind: z.literal("levenshtein"),
    feature: z.string(),
    maxDistance: z.number().int().min(0),
    label: z.string().optional(),
  }),
  z.object({
    kind: z.literal("damerauLevenshtein"),
    feature: z.string(),
    maxDistance: z.number().int().min(0),
    label: z.string().optional(),
  }),
  z.object({
    kind: z.literal("jaccard"),
    feature: z.string(),
    threshold: z.number().min(0).max(1),
    tokens: z.enum(["words", "bigrams"]).default("words"),
    label: z.string().optional(),
  }),
  z.object({ kind: z.literal("dateTransposed"), feature: z.string(), label: z.string().optional() }),
  z.object({
    kind: z.literal("dateWithinYears"),
    feature: z.string(),
    years: z.number().min(0),
    label: z.string().optional(),
  }),
  z.object({
    kind: z.literal("numberWithin"),
    feature: z.string(),
    tolerance: z.number().min(0),
    label: z.string().optional(),
  }),
  /** Nicknames of one formal name, or a nickname and its formal name ("kate", "katherine", "cathy"). */
  z.object({ kind: z.literal("nickname"), feature: z.string(), label: z.string().optional() }),
  /** One value is a single letter, the other starts with it ("j" and "john"). */
  z.object({ kind: z.literal("initial"), feature: z.string(), label: z.string().optional() }),
  /** The two features hold each other's values (first and last name swapped). */
  z.object({
    kind: z.literal("swapped"),
    feature: z.string(),
    other: z.string(),
    /** Enough that one record's feature is the other's `other` ("emily williams" and "williams e"). */
    oneWay: z.boolean().default(false),
    label: z.string().optional(),
  }),
]);
export type LevelSpec = z.infer<typeof levelSpec>;

export const comparisonSpec = z.object({
  name: z.string().min(1),
  levels: z.array(levelSpec).min(1),
  /** Weigh an exact first level by how common the shared value is (a rare surname counts more). */
  termFrequency: z.boolean().default(false),
  /**
   * Levels (by label, or "else") at which the two records are never the same person whatever the rest
   * says: different given names at one address are two people of a household, not one.
   */
  neverLinkAt: z.array(z.string()).default([]),
});
export type ComparisonSpec = z.infer<typeof comparisonSpec>;
export type ComparisonSpecInput = z.input<typeof comparisonSpec>;

export const nullLevel = -1;

export interface CompiledComparison {
  name: string;
  /** Level labels in order; the "else" level is `labels.length`. */
  labels: string[];
  /** The pair's level: 0..labels.length-1, labels.length for else, -1 when a value is missing. */
  compare(i: number, j: number): number;
  /** With term frequencies: the share of records holding the value both records share at level 0. */
  termFrequency: ((i: number, j: number) => number) | null;
  features: string[];
  /** Level → 1 when a pair at that level must never link (`neverLinkAt`); indexed like the levels, else last. */
  veto: Uint8Array;
  /** The first level's feature when that level is exact agreement on text: its u can be computed, not sampled. */
  exactFirst: TextFeature | ListFeature | null;
}

type Holds = (i: number, j: number) => boolean;
type Present = (r: number) => boolean;

export class ComparisonError extends Error {
  override readonly name = "ComparisonError";
}

function feature(table: RecordTable, name: string, comparison: string): Feature {
  const f = table.features.get(name);
  if (!f)
    throw new ComparisonError(
      `comparison "${comparison}" reads feature "${name}", which the table does not have`,
    );
  return f;
}

function present(f: Feature): Present {
  switch (f.kind) {
    case "text":
      return (r) => (f.codes[r] as number) >= 0;
    case "list":
      return (r) => (f.offsets[r + 1] as number) > (f.offsets[r] as number);
    case "date":
      return (r) => (f.year[r] as number) !== 0;
    case "number":
      return (r) => !Number.isNaN(f.values[r] as number);
  }
}

/** True when some value of i and some value of j satisfy `test` (codes compared first: equal codes hold). */
function anyPair(f: TextFeature | ListFeature, test: (a: string, b: string) => boolean): Holds {
  if (f.kind === "text") {
    const { codes, dictionary } = f;
    return (i, j) => {
      const a = codes[i] as number;
      const b = codes[j] as number;
      return a === b || test(dictionary[a] as string, dictionary[b] as string);
    };
  }
  const { offsets, codes, dictionary } = f;
  return (i, j) => {
    for (let x = offsets[i] as number; x < (offsets[i + 1] as number); x++) {
      const a = codes[x] as number;
      for (let y = offsets[j] as number; y < (offsets[j + 1] as number); y++) {
        const b = codes[y] as number;
        if (a === b || test(dictionary[a] as string, dictionary[b] as string)) return true;
      }
    }
    return false;
  };
}

function exact(f: Feature): Holds {
  switch (f.kind) {
    case "text":
      return (i, j) => f.codes[i] === f.codes[j];
    case "list":
      return anyPair(f, () => false);
    case "date":
      return (i, j) =>
        f.year[i] === f.year[j] && f.month[i] === f.month[j] && f.day[i] === f.day[j] && f.day[i] !== 0;
    case "number":
      return (i, j) => f.values[i] === f.values[j];
  }
}

function textual(f: Feature, kind: string, comparison: string): TextFeature | ListFeature {
  if (f.kind !== "text" && f.kind !== "list") {
    throw new ComparisonError(
      `comparison "${comparison}": level ${kind} needs a text feature, not ${f.kind}`,
    );
  }
  return f;
}

function dates(f: Feature, kind: string, comparison: string): DateFeature {
  if (f.kind !== "date")
    throw new ComparisonError(`comparison "${comparison}": level ${kind} needs a date feature`);
  return f;
}

function numbers(f: Feature, kind: string, comparison: string): NumberFeature {
  if (f.kind !== "number")
    throw new ComparisonError(`comparison "${comparison}": level ${kind} needs a number feature`);
  return f;
}

function tokens(s: string, kind: "words" | "bigrams"): string[] {
  if (kind === "words") return s.split(" ").filter(Boolean);
  const out: string[] = [];
  for (let k = 0; k + 1 < s.length; k++) out.push(s.slice(k, k + 2));
  return out;
}

/** Token sets per dictionary entry, computed once, for Jaccard levels. */
function jaccardOn(f: TextFeature | ListFeature, threshold: number, kind: "words" | "bigrams"): Holds {
  const sets = f.dictionary.map((s) => new Set(tokens(s, kind)));
  // A text feature is a list of exactly one code per record: record r's code sits at index r.
  const codesOf = (r: number): [number, number] =>
    f.kind === "text" ? [r, r + 1] : [f.offsets[r] as number, f.offsets[r + 1] as number];
  const codeAt = (x: number) => f.codes[x] as number;
  return (i, j) => {
    const [ai, aj] = codesOf(i);
    const [bi, bj] = codesOf(j);
    for (let x = ai; x < aj; x++) {
      const a = sets[codeAt(x)] as Set<string>;
      for (let y = bi; y < bj; y++) {
        const b = sets[codeAt(y)] as Set<string>;
        let common = 0;
        for (const t of a) if (b.has(t)) common++;
        const union = a.size + b.size - common;
        if (union > 0 && common / union >= threshold) return true;
      }
    }
    return false;
  };
}

/** Letter counts of a string in 32 buckets (a–z and six shared buckets for the rest). */
function histogram(value: string): Uint8Array {
  const h = new Uint8Array(32);
  for (let k = 0; k < value.length; k++) {
    const c = value.charCodeAt(k);
    const bucket = c >= 97 && c <= 122 ? c - 97 : 26 + (c % 6);
    h[bucket] = Math.min(255, (h[bucket] as number) + 1);
  }
  return h;
}

/**
 * An upper bound of Jaro-Winkler from letter counts alone: Jaro's matched characters can be no more than
 * the letters the two strings share, and transpositions only lower it. When the bound is below every
 * threshold the comparison asks about, the exact similarity need not be computed.
 */
function jaroWinklerBound(ha: Uint8Array, hb: Uint8Array, la: number, lb: number): number {
  let common = 0;
  for (let k = 0; k < 32; k++) common += Math.min(ha[k] as number, hb[k] as number);
  if (common === 0) return 0;
  const jaro = (common / la + common / lb + 1) / 3;
  return Math.min(1, jaro + 0.4 * (1 - jaro));
}

/**
 * The best Jaro-Winkler similarity of a pair's values, remembered for the last pair asked: a comparison
 * with levels at 0.92 and at 0.8 on one feature computes it once per pair, not once per level. Below
 * `floor` (the lowest threshold asked) the value returned is only an upper bound, which is enough to say
 * "below every threshold" — and is most of what random pairs need.
 */
function bestJaroWinkler(f: TextFeature | ListFeature, floor: number): (i: number, j: number) => number {
  let lastI = -1;
  let lastJ = -1;
  let last = 0;
  const { dictionary } = f;
  const histograms = dictionary.map(histogram);
  const of = (a: number, b: number): number => {
    if (a === b) return 1;
    const sa = dictionary[a] as string;
    const sb = dictionary[b] as string;
    const bound = jaroWinklerBound(
      histograms[a] as Uint8Array,
      histograms[b] as Uint8Array,
      sa.length,
      sb.length,
    );
    return bound < floor ? bound : jaroWinkler(sa, sb);
  };
  const similarity =
    f.kind === "text"
      ? (i: number, j: number) => of(f.codes[i] as number, f.codes[j] as number)
      : (i: number, j: number) => {
          let best = 0;
          for (let x = f.offsets[i] as number; x < (f.offsets[i + 1] as number); x++) {
            for (let y = f.offsets[j] as number; y < (f.offsets[j + 1] as number); y++) {
              const s = of(f.codes[x] as number, f.codes[y] as number);
              if (s > best) best = s;
            }
          }
          return best;
        };
  return (i, j) => {
    if (i !== lastI || j !== lastJ) {
      lastI = i;
      lastJ = j;
      last = similarity(i, j);
    }
    return last;
  };
}

function level(
  spec: LevelSpec,
  table: RecordTable,
  comparison: string,
  similarities: Map<string, (i: number, j: number) => number>,
  floors: Map<string, number>,
): Holds {
  const f = feature(table, spec.feature, comparison);
  switch (spec.kind) {
    case "exact":
      return exact(f);
    case "jaroWinkler": {
      const t = spec.threshold;
      let similarity = similarities.get(spec.feature);
      if (!similarity) {
        similarity = bestJaroWinkler(textual(f, spec.kind, comparison), floors.get(spec.feature) ?? t);
        similarities.set(spec.feature, similarity);
      }
      const sim = similarity;
      return (i, j) => sim(i, j) >= t;
    }
    case "levenshtein": {
      const d = spec.maxDistance;
      return anyPair(textual(f, spec.kind, comparison), (a, b) => levenshtein(a, b, d) <= d);
    }
    case "damerauLevenshtein": {
      const d = spec.maxDistance;
      return anyPair(
        textual(f, spec.kind, comparison),
        (a, b) => Math.abs(a.length - b.length) <= d && damerauLevenshtein(a, b, d) <= d,
      );
    }
    case "jaccard":
      return jaccardOn(textual(f, spec.kind, comparison), spec.threshold, spec.tokens);
    case "nickname": {
      const f2 = textual(f, spec.kind, comparison);
      // Each value's formal names (itself included), as small sorted integer sets, computed once.
      const names = new Map<string, number>();
      const roots = f2.dictionary.map((v) =>
        Int32Array.from(
          new Set([v, ...nicknameRoots(v)].map((n) => names.get(n) ?? names.set(n, names.size).get(n) ?? 0)),
        ).sort(),
      );
      const share = (a: number, b: number) => {
        const x = roots[a] as Int32Array;
        const y = roots[b] as Int32Array;
        for (let p = 0, q = 0; p < x.length && q < y.length; ) {
          const u = x[p] as number;
          const w = y[q] as number;
          if (u === w) return true;
          if (u < w) p++;
          else q++;
        }
        return false;
      };
      if (f2.kind === "text") return (i, j) => share(f2.codes[i] as number, f2.codes[j] as number);
      return (i, j) => {
        for (let x = f2.offsets[i] as number; x < (f2.offsets[i + 1] as number); x++)
          for (let y = f2.offsets[j] as number; y < (f2.offsets[j + 1] as number); y++)
            if (share(f2.codes[x] as number, f2.codes[y] as number)) return true;
        return false;
      };
    }
    case "initial":
      return anyPair(
        textual(f, spec.kind, comparison),
        (a, b) => (a.length === 1 || b.length === 1) && a.charCodeAt(0) === b.charCodeAt(0),
      );
    case "dateTransposed": {
      const d = dates(f, spec.kind, comparison);
      return (i, j) =>
        d.year[i] === d.year[j] && d.month[i] === d.day[j] && d.day[i] === d.month[j] && d.day[i] !== 0;
    }
    case "dateWithinYears": {
      const d = dates(f, spec.kind, comparison);
      const days = spec.years * 365.25;
      return (i, j) => {
        const a =
          (d.year[i] as number) * 365.25 +
          ((d.month[i] as number) || 6) * 30.44 +
          ((d.day[i] as number) || 15);
        const b =
          (d.year[j] as number) * 365.25 +
          ((d.month[j] as number) || 6) * 30.44 +
          ((d.day[j] as number) || 15);
        return Math.abs(a - b) <= days;
      };
    }
    case "numberWithin": {
      const n = numbers(f, spec.kind, comparison);
      const tol = spec.tolerance;
      return (i, j) => Math.abs((n.values[i] as number) - (n.values[j] as number)) <= tol;
    }
    case "swapped": {
      const a = feature(table, spec.feature, comparison);
      const b = feature(table, spec.other, comparison);
      if (a.kind !== "text" || b.kind !== "text") {
        throw new ComparisonError(`comparison "${comparison}": swapped needs two text features`);
      }
      // Codes of two features are not comparable: compare their strings.
      const crossed = (x: number, y: number) =>
        a.codes[x] !== -1 &&
        b.codes[y] !== -1 &&
        a.dictionary[a.codes[x] as number] === b.dictionary[b.codes[y] as number];
      if (spec.oneWay) return (i, j) => crossed(i, j) || crossed(j, i);
      return (i, j) =>
        a.codes[i] !== -1 &&
        b.codes[j] !== -1 &&
        a.dictionary[a.codes[i] as number] === b.dictionary[b.codes[j] as number] &&
        b.codes[i] !== -1 &&
        a.codes[j] !== -1 &&
        b.dictionary[b.codes[i] as number] === a.dictionary[a.codes[j] as number];
    }
  }
}

function defaultLabel(spec: LevelSpec): string {
  switch (spec.kind) {
    case "exact":
      return `${spec.feature} exact`;
    case "jaroWinkler":
      return `${spec.feature} Jaro-Winkler ≥ ${spec.threshold}`;
    case "levenshtein":
    case "damerauLevenshtein":
      return `${spec.feature} ${spec.kind} ≤ ${spec.maxDistance}`;
    case "jaccard":
      return `${spec.feature} Jaccard ≥ ${spec.threshold}`;
    case "dateTransposed":
      return `${spec.feature} day and month swapped`;
    case "dateWithinYears":
      return `${spec.feature} within ${spec.years} years`;
    case "numberWithin":
      return `${spec.feature} within ${spec.tolerance}`;
    case "swapped":
      return `${spec.feature} and ${spec.other} swapped${spec.oneWay ? " (one way)" : ""}`;
    case "initial":
      return `${spec.feature} initial`;
    case "nickname":
      return `${spec.feature} nickname`;
  }
}

export function compileComparison(input: ComparisonSpecInput, table: RecordTable): CompiledComparison {
  const spec = comparisonSpec.parse(input);
  const first = spec.levels[0] as LevelSpec;
  const firstFeature = feature(table, first.feature, spec.name);
  const has = present(firstFeature);
  const similarities = new Map<string, (i: number, j: number) => number>();
  // The lowest Jaro-Winkler threshold asked of each feature: below it an upper bound is as good as the value.
  const floors = new Map<string, number>();
  for (const l of spec.levels) {
    if (l.kind === "jaroWinkler") floors.set(l.feature, Math.min(floors.get(l.feature) ?? 1, l.threshold));
  }
  // A level on another feature than the first holds only where both records have that feature too.
  const holds = spec.levels.map((l): Holds => {
    const h = level(l, table, spec.name, similarities, floors);
    if (l.feature === first.feature || l.kind === "swapped") return h;
    const there = present(feature(table, l.feature, spec.name));
    return (i, j) => there(i) && there(j) && h(i, j);
  });
  const count = holds.length;
  // Levels that read only the first feature, a text one, depend on the two values alone: their answer for a
  // pair of values is remembered, since the same pairs of given names or streets come back again and again.
  let prefix = 0;
  if (firstFeature.kind === "text") {
    while (
      prefix < count &&
      spec.levels[prefix]?.feature === first.feature &&
      spec.levels[prefix]?.kind !== "swapped"
    )
      prefix++;
  }
  if (prefix >= 2 && firstFeature.kind === "text") {
    const codes = firstFeature.codes;
    const width = firstFeature.dictionary.length;
    let memo = new Map<number, number>();
    const compare = (i: number, j: number): number => {
      if (!has(i) || !has(j)) return nullLevel;
      const a = codes[i] as number;
      const b = codes[j] as number;
      if (a === b && first.kind === "exact") return 0;
      const key = a < b ? a * width + b : b * width + a;
      let level = memo.get(key);
      if (level === undefined) {
        level = prefix;
        for (let k = 0; k < prefix; k++) {
          if ((holds[k] as Holds)(i, j)) {
            level = k;
            break;
          }
        }
        if (memo.size >= 4_000_000) memo = new Map();
        memo.set(key, level);
      }
      if (level < prefix) return level;
      for (let k = prefix; k < count; k++) if ((holds[k] as Holds)(i, j)) return k;
      return count;
    };
    return finish(compare);
  }
  const compare = (i: number, j: number): number => {
    if (!has(i) || !has(j)) return nullLevel;
    for (let k = 0; k < count; k++) if ((holds[k] as Holds)(i, j)) return k;
    return count;
  };
  return finish(compare);

  function finish(compare: (i: number, j: number) => number): CompiledComparison {
    let termFrequency: CompiledComparison["termFrequency"] = null;
    if (spec.termFrequency) {
      if (first.kind !== "exact" || (firstFeature.kind !== "text" && firstFeature.kind !== "list")) {
        throw new ComparisonError(
          `comparison "${spec.name}": term frequencies need an exact first level on a text feature`,
        );
      }
      const f = firstFeature;
      termFrequency =
        f.kind === "text"
          ? (i) => f.frequency[f.codes[i] as number] as number
          : (i, j) => {
              // The rarest value the two records share.
              let best = 1;
              for (let x = f.offsets[i] as number; x < (f.offsets[i + 1] as number); x++) {
                for (let y = f.offsets[j] as number; y < (f.offsets[j + 1] as number); y++) {
                  if (f.codes[x] === f.codes[y])
                    best = Math.min(best, f.frequency[f.codes[x] as number] as number);
                }
              }
              return best;
            };
    }
    const labels = spec.levels.map((l) => l.label ?? defaultLabel(l));
    const veto = new Uint8Array(labels.length + 1);
    for (const label of spec.neverLinkAt) {
      const at = label === "else" ? labels.length : labels.indexOf(label);
      if (at < 0) {
        throw new ComparisonError(
          `comparison "${spec.name}": neverLinkAt names "${label}", which is none of its levels (${[...labels, "else"].join(", ")})`,
        );
      }
      veto[at] = 1;
    }
    return {
      name: spec.name,
      labels,
      veto,
      exactFirst:
        first.kind === "exact" && (firstFeature.kind === "text" || firstFeature.kind === "list")
          ? firstFeature
          : null,
      compare,
      termFrequency,
      features: [
        ...new Set(spec.levels.flatMap((l) => (l.kind === "swapped" ? [l.feature, l.other] : [l.feature]))),
      ],
    };
  }
}
