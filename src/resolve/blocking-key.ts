/**
 * Blocking key expressions: which values two records must share to be compared at all. An expression is a
 * conjunction of terms joined by `&`; a term is a feature (`postcode`, `email`) or a transform of one
 * (`first(given,1)`, `last(phone,7)`, `year(dateOfBirth)`, `month(dateOfBirth)`, `yearMonth(dateOfBirth)`).
 *
 * Keys are computed as integers, never as strings: each term maps a record to a code (a text feature's own
 * interned code when untransformed), the codes of the terms are combined in mixed radix, and the result is
 * numbered densely. Asked for `ordered` keys (a sorted neighbourhood), codes follow the dictionary strings and
 * the calendar, so a key's number is also its place in the sort.
 */

import type { DateFeature, ListFeature, RecordTable, TextFeature } from "./record-table.js";

export type KeyTerm =
  | { kind: "feature"; feature: string; position: number }
  | { kind: "first" | "last"; feature: string; length: number; position: number }
  | { kind: "year" | "month" | "yearMonth"; feature: string; position: number };

export interface BlockingKey {
  expression: string;
  terms: KeyTerm[];
}

export type BlockingKeyErrorCode =
  | "syntax"
  | "unknown-function"
  | "unknown-feature"
  | "wrong-feature-kind"
  | "multi-valued";

/** A blocking key that cannot be parsed or does not fit the table; `position` is a 0-based offset. */
export class BlockingKeyError extends Error {
  override readonly name = "BlockingKeyError";

  constructor(
    readonly code: BlockingKeyErrorCode,
    readonly rule: string,
    readonly expression: string,
    readonly position: number,
    readonly detail: string,
  ) {
    super(`Blocking rule "${rule}": ${detail} at position ${position} of "${expression}"`);
  }
}

// Feature names may carry a colon: identifier features are named `id:<type>` (id:user_id).
const IDENTIFIER = /[A-Za-z_][A-Za-z0-9_]*(?::[A-Za-z0-9_]+)?/y;
const INTEGER = /[0-9]+/y;
const FUNCTIONS = new Set(["first", "last", "year", "month", "yearMonth"]);

/** Parses `familyPhonetic & year(dateOfBirth)`; `rule` names the rule in errors. */
export function parseBlockingKey(expression: string, rule: string = expression): BlockingKey {
  let p = 0;
  const fail = (code: BlockingKeyErrorCode, at: number, detail: string): never => {
    throw new BlockingKeyError(code, rule, expression, at, detail);
  };
  const skipSpace = () => {
    while (p < expression.length && /\s/.test(expression[p] as string)) p++;
  };
  const match = (pattern: RegExp, what: string): string => {
    skipSpace();
    pattern.lastIndex = p;
    const m = pattern.exec(expression);
    if (m === null) {
      const found = p < expression.length ? `"${expression[p]}"` : "the end";
      return fail("syntax", p, `expected ${what} but found ${found}`);
    }
    p += m[0].length;
    return m[0];
  };
  const expect = (char: string) => {
    skipSpace();
    if (expression[p] !== char) {
      const found = p < expression.length ? `"${expression[p]}"` : "the end";
      fail("syntax", p, `expected "${char}" but found ${found}`);
    }
    p++;
  };

  const terms: KeyTerm[] = [];
  for (;;) {
    skipSpace();
    const position = p;
    const name = match(IDENTIFIER, "a feature name");
    skipSpace();
    if (expression[p] === "(") {
      if (!FUNCTIONS.has(name)) {
        fail(
          "unknown-function",
          position,
          `unknown function "${name}" (first, last, year, month, yearMonth)`,
        );
      }
      p++;
      const feature = match(IDENTIFIER, "a feature name");
      if (name === "first" || name === "last") {
        expect(",");
        skipSpace();
        const at = p;
        const length = Number(match(INTEGER, "a length"));
        if (length < 1) fail("syntax", at, `the length of ${name}() must be at least 1`);
        terms.push({ kind: name, feature, length, position });
      } else {
        terms.push({ kind: name as "year" | "month" | "yearMonth", feature, position });
      }
      expect(")");
    } else {
      terms.push({ kind: "feature", feature: name, position });
    }
    skipSpace();
    if (p === expression.length) break;
    if (expression[p] !== "&") fail("syntax", p, `expected "&" or the end but found "${expression[p]}"`);
    p++;
  }
  return { expression, terms };
}

/**
 * The keys of every record under one expression. An entry is one (record, key) pair: a record has one entry
 * per combination of its list values, none when any part is missing. When no term is a list, `offsets` is
 * null and the entry of record r is r itself (key -1 when it has none).
 */
export interface BlockKeys {
  records: number;
  /** Record r's entries are `offsets[r] .. offsets[r + 1]`, sorted by key, no key twice. */
  offsets: Int32Array | null;
  /** Entry → record; null when `offsets` is null. */
  entryRecord: Int32Array | null;
  /** Entry → key in `[0, keyCount)`, -1 for none; numbered in the order the key values sort when `ordered`. */
  key: Int32Array;
  keyCount: number;
  /** The key of an entry, readably: `familyPhonetic=SM0 & year=1980`. */
  describe(entry: number): string;
}

export interface BlockKeyOptions {
  /** The rule named in errors; default the expression. */
  rule?: string;
  /** Number keys in the order of their values (text by string, dates by calendar). Costs a sort. */
  ordered?: boolean;
}

/** One term evaluated over the table: codes in `[0, cardinality)`. */
interface TermColumn {
  label: string;
  /** Set for list features: record r's codes are `codes[offsets[r] .. offsets[r + 1])`. */
  offsets: Int32Array | null;
  /** Per record (-1 missing) or, for lists, per value. */
  codes: Int32Array;
  cardinality: number;
  show(code: number): string;
}

const YEAR_OFFSET = 32768;
const YEARS = 65536;
/** Mixed-radix keys stay exact below 2^53; beyond that the partial key is numbered densely first. */
const EXACT = 2 ** 53;

export function computeBlockKeys(
  table: RecordTable,
  key: BlockingKey,
  options: BlockKeyOptions = {},
): BlockKeys {
  const rule = options.rule ?? key.expression;
  const ordered = options.ordered ?? false;
  const columns = key.terms.map((term) => bindTerm(table, term, rule, key.expression, ordered));
  const n = table.size;
  const describeWith = (codes: Int32Array[]) => (entry: number) =>
    columns.map((c, t) => `${c.label}=${c.show((codes[t] as Int32Array)[entry] as number)}`).join(" & ");

  if (columns.every((c) => c.offsets === null)) {
    const termCodes = columns.map((c) => c.codes);
    const { ranks, count } = combine(columns, termCodes, n, ordered);
    return {
      records: n,
      offsets: null,
      entryRecord: null,
      key: ranks,
      keyCount: count,
      describe: describeWith(termCodes),
    };
  }

  // Lists: one entry per combination of the record's values (a cross product when several terms are lists).
  const offsets = new Int32Array(n + 1);
  for (let r = 0; r < n; r++) {
    let m = 1;
    for (const c of columns) m *= valueCount(c, r);
    offsets[r + 1] = (offsets[r] as number) + m;
  }
  const entries = offsets[n] as number;
  const termCodes = columns.map(() => new Int32Array(entries));
  const entryRecord = new Int32Array(entries);
  for (let r = 0; r < n; r++) {
    const start = offsets[r] as number;
    const m = (offsets[r + 1] as number) - start;
    for (let t = 0; t < m; t++) {
      entryRecord[start + t] = r;
      let rest = t;
      for (let q = columns.length - 1; q >= 0; q--) {
        const c = columns[q] as TermColumn;
        const codes = termCodes[q] as Int32Array;
        if (c.offsets === null) {
          codes[start + t] = c.codes[r] as number;
        } else {
          const len = valueCount(c, r);
          codes[start + t] = c.codes[(c.offsets[r] as number) + (rest % len)] as number;
          rest = Math.floor(rest / len);
        }
      }
    }
  }
  const { ranks, count } = combine(columns, termCodes, entries, ordered);
  const compact = sortAndDedupe(offsets, ranks, entryRecord, termCodes);
  return {
    records: n,
    offsets: compact.offsets,
    entryRecord: compact.entryRecord,
    key: compact.key,
    keyCount: count,
    describe: describeWith(compact.termCodes),
  };
}

function valueCount(c: TermColumn, r: number): number {
  if (c.offsets === null) return (c.codes[r] as number) < 0 ? 0 : 1;
  return (c.offsets[r + 1] as number) - (c.offsets[r] as number);
}

/** Combines the term codes of each entry in mixed radix and numbers the results densely. */
function combine(columns: TermColumn[], termCodes: Int32Array[], entries: number, ordered: boolean) {
  const acc = new Float64Array(entries);
  let cardinality = 1;
  columns.forEach((c, t) => {
    if (cardinality * c.cardinality >= EXACT) {
      const ranked = denseRank(acc, cardinality, ordered);
      for (let e = 0; e < entries; e++) acc[e] = ranked.ranks[e] as number;
      cardinality = Math.max(1, ranked.count);
    }
    const codes = termCodes[t] as Int32Array;
    const radix = c.cardinality;
    for (let e = 0; e < entries; e++) {
      const a = acc[e] as number;
      const code = codes[e] as number;
      acc[e] = a < 0 || code < 0 ? -1 : a * radix + code;
    }
    cardinality *= radix;
  });
  return denseRank(acc, cardinality, ordered);
}

/** Numbers the non-negative integer values densely (in value order when `ordered`); negatives get -1. */
function denseRank(
  values: Float64Array,
  bound: number,
  ordered: boolean,
): { ranks: Int32Array; count: number } {
  const n = values.length;
  const ranks = new Int32Array(n);
  let count = 0;
  if (bound <= Math.max(4 * n, 65536)) {
    const table = new Int32Array(bound).fill(-1);
    for (let e = 0; e < n; e++) {
      const v = values[e] as number;
      if (v >= 0) table[v] = 0;
    }
    for (let v = 0; v < bound; v++) if (table[v] === 0) table[v] = count++;
    for (let e = 0; e < n; e++) {
      const v = values[e] as number;
      ranks[e] = v < 0 ? -1 : (table[v] as number);
    }
    return { ranks, count };
  }
  if (!ordered) {
    // Open addressing over the values themselves: no sort, no Map.
    let capacity = 1024;
    while (capacity < 2 * n) capacity *= 2;
    const mask = capacity - 1;
    const slotValue = new Float64Array(capacity);
    const slotRank = new Int32Array(capacity).fill(-1);
    for (let e = 0; e < n; e++) {
      const v = values[e] as number;
      if (v < 0) {
        ranks[e] = -1;
        continue;
      }
      // murmur3's finaliser over the low word mixed with the high word
      let h = (v >>> 0) ^ Math.imul((v / 4294967296) | 0, 0x9e3779b1);
      h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
      h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
      h = (h ^ (h >>> 16)) & mask;
      while (slotRank[h] !== -1 && slotValue[h] !== v) h = (h + 1) & mask;
      if (slotRank[h] === -1) {
        slotValue[h] = v;
        slotRank[h] = count++;
      }
      ranks[e] = slotRank[h] as number;
    }
    return { ranks, count };
  }
  const sorted = values.slice().sort();
  for (let e = 0; e < n; e++) {
    const v = sorted[e] as number;
    if (v >= 0 && (count === 0 || v !== sorted[count - 1])) sorted[count++] = v;
  }
  for (let e = 0; e < n; e++) {
    const v = values[e] as number;
    if (v < 0) {
      ranks[e] = -1;
      continue;
    }
    let lo = 0;
    let hi = count - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((sorted[mid] as number) < v) lo = mid + 1;
      else hi = mid;
    }
    ranks[e] = lo;
  }
  return { ranks, count };
}

/** Sorts each record's entries by key and drops repeated keys (two emails with the same first letter). */
function sortAndDedupe(
  offsets: Int32Array,
  key: Int32Array,
  entryRecord: Int32Array,
  termCodes: Int32Array[],
) {
  const n = offsets.length - 1;
  const outOffsets = new Int32Array(n + 1);
  const outKey = new Int32Array(key.length);
  const outRecord = new Int32Array(key.length);
  const outCodes = termCodes.map(() => new Int32Array(key.length));
  let order = new Int32Array(16);
  let w = 0;
  for (let r = 0; r < n; r++) {
    const start = offsets[r] as number;
    const m = (offsets[r + 1] as number) - start;
    if (order.length < m) order = new Int32Array(m * 2);
    // insertion sort of the record's few entries by key
    for (let a = 0; a < m; a++) {
      const e = start + a;
      const k = key[e] as number;
      let b = a;
      while (b > 0 && (key[order[b - 1] as number] as number) > k) {
        order[b] = order[b - 1] as number;
        b--;
      }
      order[b] = e;
    }
    let last = -1;
    for (let a = 0; a < m; a++) {
      const e = order[a] as number;
      const k = key[e] as number;
      if (k === last) continue;
      last = k;
      outKey[w] = k;
      outRecord[w] = entryRecord[e] as number;
      for (let t = 0; t < termCodes.length; t++) {
        (outCodes[t] as Int32Array)[w] = (termCodes[t] as Int32Array)[e] as number;
      }
      w++;
    }
    outOffsets[r + 1] = w;
  }
  return {
    offsets: outOffsets,
    key: outKey.subarray(0, w),
    entryRecord: outRecord.subarray(0, w),
    termCodes: outCodes.map((c) => c.subarray(0, w)),
  };
}

function bindTerm(
  table: RecordTable,
  term: KeyTerm,
  rule: string,
  expression: string,
  ordered: boolean,
): TermColumn {
  const feature = table.features.get(term.feature);
  const fail = (code: BlockingKeyErrorCode, detail: string): never => {
    throw new BlockingKeyError(code, rule, expression, term.position, detail);
  };
  if (feature === undefined) {
    const known = [...table.features.keys()].join(", ");
    return fail("unknown-feature", `unknown feature "${term.feature}" (the table has ${known})`);
  }
  switch (term.kind) {
    case "feature":
      if (feature.kind === "text" || feature.kind === "list")
        return textColumn(feature, term.feature, null, ordered);
      if (feature.kind === "date") return dateColumn(feature, "date", term.feature);
      break;
    case "first":
    case "last": {
      const len = term.length;
      const label = `${term.kind}(${term.feature},${len})`;
      // A value shorter than the length is its own prefix (or suffix), as SQL substr does.
      const cut = term.kind === "first" ? (s: string) => s.slice(0, len) : (s: string) => s.slice(-len);
      if (feature.kind === "text" || feature.kind === "list") return textColumn(feature, label, cut, ordered);
      break;
    }
    default:
      if (feature.kind === "date") return dateColumn(feature, term.kind, term.kind);
  }
  const use = term.kind === "feature" ? "as a key" : `in ${term.kind}()`;
  return fail(
    "wrong-feature-kind",
    `feature "${term.feature}" is a ${feature.kind} feature and cannot be used ${use}`,
  );
}

/**
 * Text and list values. Untransformed and unordered, the feature's interned codes are the codes; otherwise
 * each dictionary code is mapped once to the code of its cut string (numbered in string order when ordered).
 */
function textColumn(
  f: TextFeature | ListFeature,
  label: string,
  cut: ((s: string) => string) | null,
  ordered: boolean,
): TermColumn {
  const dictionary = f.dictionary;
  if (cut === null && !ordered) {
    const show = (code: number) => dictionary[code] as string;
    if (f.kind === "text")
      return { label, offsets: null, codes: f.codes, cardinality: dictionary.length, show };
    return { label, offsets: f.offsets, codes: f.codes, cardinality: dictionary.length, show };
  }
  const cutValues = cut === null ? dictionary : dictionary.map(cut);
  const map = new Int32Array(cutValues.length);
  const values: string[] = [];
  if (ordered) {
    const byString = Array.from({ length: cutValues.length }, (_, c) => c);
    byString.sort((a, b) => {
      const x = cutValues[a] as string;
      const y = cutValues[b] as string;
      return x < y ? -1 : x > y ? 1 : 0;
    });
    for (const c of byString) {
      const s = cutValues[c] as string;
      if (s !== "" && values[values.length - 1] !== s) values.push(s);
      map[c] = s === "" ? -1 : values.length - 1;
    }
  } else {
    const index = new Map<string, number>();
    for (let c = 0; c < cutValues.length; c++) {
      const s = cutValues[c] as string;
      let code = index.get(s);
      if (code === undefined) {
        code = values.length;
        index.set(s, code);
        values.push(s);
      }
      map[c] = s === "" ? -1 : code;
    }
  }
  const show = (code: number) => values[code] as string;
  if (f.kind === "text") {
    const codes = new Int32Array(f.codes.length);
    for (let r = 0; r < codes.length; r++) {
      const c = f.codes[r] as number;
      codes[r] = c < 0 ? -1 : (map[c] as number);
    }
    return { label, offsets: null, codes, cardinality: values.length, show };
  }
  const n = f.offsets.length - 1;
  const offsets = new Int32Array(n + 1);
  const codes = new Int32Array(f.codes.length);
  let w = 0;
  for (let r = 0; r < n; r++) {
    for (let v = f.offsets[r] as number; v < (f.offsets[r + 1] as number); v++) {
      const code = map[f.codes[v] as number] as number;
      if (code >= 0) codes[w++] = code;
    }
    offsets[r + 1] = w;
  }
  return { label, offsets, codes: codes.subarray(0, w), cardinality: values.length, show };
}

/** Date parts as codes, in calendar order; a bare date feature needs year, month and day. */
function dateColumn(
  f: DateFeature,
  part: "date" | "year" | "month" | "yearMonth",
  label: string,
): TermColumn {
  const n = f.year.length;
  const codes = new Int32Array(n);
  const { year, month, day } = f;
  const two = (x: number) => String(x).padStart(2, "0");
  switch (part) {
    case "year":
      for (let r = 0; r < n; r++) {
        const y = year[r] as number;
        codes[r] = y === 0 ? -1 : y + YEAR_OFFSET;
      }
      return { label, offsets: null, codes, cardinality: YEARS, show: (c) => String(c - YEAR_OFFSET) };
    case "month":
      for (let r = 0; r < n; r++) {
        const m = month[r] as number;
        codes[r] = m <= 0 ? -1 : m;
      }
      return { label, offsets: null, codes, cardinality: 13, show: (c) => String(c) };
    case "yearMonth":
      for (let r = 0; r < n; r++) {
        const y = year[r] as number;
        const m = month[r] as number;
        codes[r] = y === 0 || m <= 0 ? -1 : (y + YEAR_OFFSET) * 13 + m;
      }
      return {
        label,
        offsets: null,
        codes,
        cardinality: YEARS * 13,
        show: (c) => `${Math.floor(c / 13) - YEAR_OFFSET}-${two(c % 13)}`,
      };
    case "date":
      for (let r = 0; r < n; r++) {
        const y = year[r] as number;
        const m = month[r] as number;
        const d = day[r] as number;
        codes[r] = y === 0 || m <= 0 || d <= 0 ? -1 : ((y + YEAR_OFFSET) * 13 + m) * 32 + d;
      }
      return {
        label,
        offsets: null,
        codes,
        cardinality: YEARS * 13 * 32,
        show: (c) => `${Math.floor(c / 416) - YEAR_OFFSET}-${two(Math.floor(c / 32) % 13)}-${two(c % 32)}`,
      };
  }
}
