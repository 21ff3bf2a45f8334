/**
 * The records of one resolution run, as columns of encoded features: computed once, compared many times.
 * Text features are interned (equal strings share a code), so an exact comparison is one integer test
 * and a term frequency is one array read; fuzzy comparisons read the dictionary string of each code.
 * Nothing here allocates per pair.
 */

/** One text value per record. */
export interface TextFeature {
  kind: "text";
  /** Record → code into `dictionary`, or -1 when the record has no value. */
  codes: Int32Array;
  dictionary: string[];
  /** Code → share of the records with a value that hold this one (its term frequency). */
  frequency: Float64Array;
}

/** Several text values per record (every email, every phone). */
export interface ListFeature {
  kind: "list";
  /** Record r's codes are `codes[offsets[r] .. offsets[r + 1])`. */
  offsets: Int32Array;
  codes: Int32Array;
  dictionary: string[];
  frequency: Float64Array;
}

/** A calendar date per record; 0 marks a missing part (a year alone has month = day = 0). */
export interface DateFeature {
  kind: "date";
  year: Int16Array;
  month: Int8Array;
  day: Int8Array;
}

/** A number per record; NaN when missing. */
export interface NumberFeature {
  kind: "number";
  values: Float64Array;
}

export type Feature = TextFeature | ListFeature | DateFeature | NumberFeature;

export interface RecordTable {
  size: number;
  /** Record → its key, `source/sourceRecordId`. */
  keys: string[];
  /** Record → index into `sources`; linking compares only records of different sources. */
  source: Uint16Array;
  sources: string[];
  features: Map<string, Feature>;
}

/** Interns strings into codes while a text or list feature is being built. */
export class Dictionary {
  readonly values: string[] = [];
  readonly counts: number[] = [];
  private readonly index = new Map<string, number>();

  code(value: string): number {
    let c = this.index.get(value);
    if (c === undefined) {
      c = this.values.length;
      this.index.set(value, c);
      this.values.push(value);
      this.counts.push(0);
    }
    this.counts[c] = (this.counts[c] as number) + 1;
    return c;
  }

  frequencies(): Float64Array {
    const total = this.counts.reduce((a, b) => a + b, 0);
    return Float64Array.from(this.counts, (c) => (total === 0 ? 0 : c / total));
  }
}

export function textFeature(values: (string | null)[]): TextFeature {
  const dictionary = new Dictionary();
  const codes = new Int32Array(values.length);
  values.forEach((v, r) => {
    codes[r] = v === null || v === "" ? -1 : dictionary.code(v);
  });
  return { kind: "text", codes, dictionary: dictionary.values, frequency: dictionary.frequencies() };
}

export function listFeature(values: string[][]): ListFeature {
  const dictionary = new Dictionary();
  const offsets = new Int32Array(values.length + 1);
  const all: number[] = [];
  values.forEach((list, r) => {
    offsets[r] = all.length;
    const seen = new Set<string>();
    for (const v of list) {
      if (v === "" || seen.has(v)) continue;
      seen.add(v);
      all.push(dictionary.code(v));
    }
  });
  offsets[values.length] = all.length;
  return {
    kind: "list",
    offsets,
    codes: Int32Array.from(all),
    dictionary: dictionary.values,
    frequency: dictionary.frequencies(),
  };
}

export function dateFeature(
  values: ({ year: number | null; month: number | null; day: number | null } | null)[],
): DateFeature {
  const year = new Int16Array(values.length);
  const month = new Int8Array(values.length);
  const day = new Int8Array(values.length);
  values.forEach((d, r) => {
    year[r] = d?.year ?? 0;
    month[r] = d?.month ?? 0;
    day[r] = d?.day ?? 0;
  });
  return { kind: "date", year, month, day };
}

export function numberFeature(values: (number | null)[]): NumberFeature {
  return { kind: "number", values: Float64Array.from(values, (v) => (v === null ? Number.NaN : v)) };
}

export function textValue(f: TextFeature, r: number): string | null {
  const c = f.codes[r] as number;
  return c < 0 ? null : (f.dictionary[c] as string);
}
