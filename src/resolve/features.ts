import type { MatchRecord } from "../model/match-record.js";
import { nicknameRoots } from "../standardize/nicknames.js";
import { Dictionary, type Feature, type RecordTable } from "./record-table.js";

/**
 * The features identity resolution can compare, each derived from the standardised record. A
 * configuration names the ones it uses; only those are built. Identifiers are features too:
 * `id:user_id`, `id:loyalty_number`, `id:national_id`…
 */

export interface RecordToResolve {
  /** `source/sourceRecordId`, unique within a run. */
  key: string;
  source: string;
  /** The standardised record, or only the part resolution reads (`matchRecordOf`). */
  standardized: MatchRecord;
}

type TextOf = (s: MatchRecord) => string | null;
type ListOf = (s: MatchRecord) => string[];

const firstAddress = (s: MatchRecord) => s.addresses[0];

const textFeatures: Record<string, TextOf> = {
  given: (s) => s.name?.given ?? null,
  middle: (s) => s.name?.middle ?? null,
  family: (s) => s.name?.family ?? null,
  givenCanonical: (s) => s.name?.givenCanonical ?? null,
  givenPhonetic: (s) => s.name?.givenPhonetic?.[0] || null,
  familyPhonetic: (s) => s.name?.familyPhonetic?.[0] || null,
  fullName: (s) => [s.name?.given, s.name?.family].filter(Boolean).join(" ") || null,
  gender: (s) => s.gender,
  streetNumber: (s) => firstAddress(s)?.streetNumber ?? null,
  street: (s) => firstAddress(s)?.street ?? null,
  unit: (s) => firstAddress(s)?.unit ?? null,
  locality: (s) => firstAddress(s)?.locality ?? null,
  city: (s) => firstAddress(s)?.city ?? firstAddress(s)?.locality ?? null,
  region: (s) => firstAddress(s)?.region ?? null,
  postcode: (s) => firstAddress(s)?.postcode ?? null,
  country: (s) => firstAddress(s)?.country ?? null,
  addressLine: (s) => firstAddress(s)?.line || null,
};

const listFeatures: Record<string, ListOf> = {
  /** The given name and every formal name it is a nickname of: "kate" → kate, katherine, catherine… */
  givenRoots: (s) => (s.name?.given ? [s.name.given, ...nicknameRoots(s.name.given)] : []),
  email: (s) => s.emails.filter((e) => e.valid).map((e) => e.canonical),
  emailLocal: (s) => s.emails.filter((e) => e.valid && !e.role).map((e) => e.local),
  emailDomain: (s) => s.emails.filter((e) => e.valid).map((e) => e.domain),
  phone: (s) => s.phones.map((p) => p.e164).filter((p): p is string => p !== null),
  phoneLast7: (s) =>
    s.phones.map((p) => (p.e164 ?? p.original).replace(/\D/g, "").slice(-7)).filter((p) => p.length === 7),
  postcodes: (s) => s.addresses.map((a) => a.postcode).filter((p): p is string => p !== null),
  /**
   * Where a record places the person, postcode and city as one list ("pc:62275", "city:noemichester"): one
   * comparison agrees on either without counting a shared address twice, and term frequencies weigh a
   * postcode (rare) above a big city (common). A profile that names only a city agrees with a CRM record
   * on that city.
   */
  places: (s) => {
    const out = new Set<string>();
    for (const a of s.addresses) {
      if (a.postcode) out.add(`pc:${a.postcode}`);
      const city = a.city ?? a.locality;
      if (city) out.add(`city:${city}`);
    }
    return [...out];
  },
};

export function featureNames(): string[] {
  return [
    ...Object.keys(textFeatures),
    ...Object.keys(listFeatures),
    "dateOfBirth",
    "birthYear",
    "id:<type>",
  ];
}

export function isKnownFeature(name: string): boolean {
  return (
    name in textFeatures ||
    name in listFeatures ||
    name === "dateOfBirth" ||
    name === "birthYear" ||
    name.startsWith("id:")
  );
}

/** One feature's values for a batch of records, before interning: what a loading worker sends back. */
export type BatchColumn =
  | { kind: "text"; values: (string | null)[] }
  | { kind: "list"; counts: Int32Array; values: string[] }
  | { kind: "date"; year: Int16Array; month: Int8Array; day: Int8Array }
  | { kind: "number"; values: Float64Array };

/** The features of a batch of records, as plain columns (structured-clone friendly). */
export interface FeatureBatch {
  size: number;
  keys: string[];
  sources: string[];
  columns: Record<string, BatchColumn>;
}

function listColumn(records: MatchRecord[], of: ListOf): BatchColumn {
  const counts = new Int32Array(records.length);
  const values: string[] = [];
  records.forEach((s, r) => {
    const list = of(s);
    counts[r] = list.length;
    for (const v of list) values.push(v);
  });
  return { kind: "list", counts, values };
}

function extractColumn(name: string, records: MatchRecord[]): BatchColumn {
  const text = textFeatures[name];
  if (text) return { kind: "text", values: records.map(text) };
  const list = listFeatures[name];
  if (list) return listColumn(records, list);
  if (name === "dateOfBirth") {
    const year = new Int16Array(records.length);
    const month = new Int8Array(records.length);
    const day = new Int8Array(records.length);
    records.forEach((s, r) => {
      year[r] = s.dateOfBirth?.year ?? 0;
      month[r] = s.dateOfBirth?.month ?? 0;
      day[r] = s.dateOfBirth?.day ?? 0;
    });
    return { kind: "date", year, month, day };
  }
  if (name === "birthYear")
    return { kind: "number", values: Float64Array.from(records, (s) => s.dateOfBirth?.year ?? Number.NaN) };
  if (name.startsWith("id:")) {
    const type = name.slice(3);
    return listColumn(records, (s) => s.identifiers.filter((i) => i.type === type).map((i) => i.value));
  }
  throw new Error(`unknown feature "${name}"; known: ${featureNames().join(", ")}`);
}

/** Derives the named features of some records: the per-record work of building a table, done anywhere. */
export function extractFeatures(records: RecordToResolve[], features: Iterable<string>): FeatureBatch {
  const standardized = records.map((r) => r.standardized);
  const columns: Record<string, BatchColumn> = {};
  for (const name of new Set(features)) columns[name] = extractColumn(name, standardized);
  return {
    size: records.length,
    keys: records.map((r) => r.key),
    sources: records.map((r) => r.source),
    columns,
  };
}

/** A growable typed array. */
class Grow<T extends Int32Array | Int16Array | Int8Array | Float64Array> {
  length = 0;
  constructor(
    public data: T,
    private readonly make: (n: number) => T,
  ) {}
  push(v: number): void {
    if (this.length === this.data.length) {
      const next = this.make(Math.max(1024, this.data.length * 2));
      next.set(this.data);
      this.data = next;
    }
    this.data[this.length++] = v;
  }
  done(): T {
    return this.data.slice(0, this.length) as T;
  }
}

const int32 = () => new Grow(new Int32Array(1024), (n) => new Int32Array(n));

type Column =
  | { kind: "text"; dictionary: Dictionary; codes: Grow<Int32Array> }
  | { kind: "list"; dictionary: Dictionary; offsets: Grow<Int32Array>; codes: Grow<Int32Array> }
  | { kind: "date"; year: Grow<Int16Array>; month: Grow<Int8Array>; day: Grow<Int8Array> }
  | { kind: "number"; values: Grow<Float64Array> };

/**
 * Builds a record table batch by batch, so that millions of records never exist as objects at once: each
 * batch's values are interned into the table's columns and the batch can be dropped.
 */
export class RecordTableBuilder {
  private readonly keys: string[] = [];
  private readonly sourceNames: string[] = [];
  private readonly sourceIndex = new Map<string, number>();
  private readonly source = int32();
  private readonly columns = new Map<string, Column>();

  constructor(features: Iterable<string>) {
    for (const name of features) {
      if (!isKnownFeature(name))
        throw new Error(`unknown feature "${name}"; known: ${featureNames().join(", ")}`);
    }
    this.features = [...new Set(features)];
  }

  readonly features: string[];

  get size(): number {
    return this.keys.length;
  }

  add(batch: FeatureBatch): void {
    for (let r = 0; r < batch.size; r++) {
      this.keys.push(batch.keys[r] as string);
      const name = batch.sources[r] as string;
      let s = this.sourceIndex.get(name);
      if (s === undefined) {
        s = this.sourceNames.length;
        this.sourceIndex.set(name, s);
        this.sourceNames.push(name);
      }
      this.source.push(s);
    }
    for (const name of this.features) {
      const column = batch.columns[name];
      if (!column) throw new Error(`a batch of records lacks feature "${name}"`);
      this.addColumn(name, column, batch.size);
    }
  }

  private addColumn(name: string, b: BatchColumn, size: number): void {
    let c = this.columns.get(name);
    if (!c) {
      c =
        b.kind === "text"
          ? { kind: "text", dictionary: new Dictionary(), codes: int32() }
          : b.kind === "list"
            ? { kind: "list", dictionary: new Dictionary(), offsets: int32(), codes: int32() }
            : b.kind === "date"
              ? {
                  kind: "date",
                  year: new Grow(new Int16Array(1024), (n) => new Int16Array(n)),
                  month: new Grow(new Int8Array(1024), (n) => new Int8Array(n)),
                  day: new Grow(new Int8Array(1024), (n) => new Int8Array(n)),
                }
              : { kind: "number", values: new Grow(new Float64Array(1024), (n) => new Float64Array(n)) };
      this.columns.set(name, c);
    }
    if (c.kind === "text" && b.kind === "text") {
      for (const v of b.values) c.codes.push(v === null || v === "" ? -1 : c.dictionary.code(v));
    } else if (c.kind === "list" && b.kind === "list") {
      let at = 0;
      for (let r = 0; r < size; r++) {
        c.offsets.push(c.codes.length);
        const begin = at;
        const end = at + (b.counts[r] as number);
        for (; at < end; at++) {
          const v = b.values[at] as string;
          if (v === "") continue;
          // A record's list is short: a repeated value is found by looking back along it.
          let repeated = false;
          for (let k = begin; k < at && !repeated; k++) repeated = b.values[k] === v;
          if (!repeated) c.codes.push(c.dictionary.code(v));
        }
      }
    } else if (c.kind === "date" && b.kind === "date") {
      for (let r = 0; r < size; r++) {
        c.year.push(b.year[r] as number);
        c.month.push(b.month[r] as number);
        c.day.push(b.day[r] as number);
      }
    } else if (c.kind === "number" && b.kind === "number") {
      for (let r = 0; r < size; r++) c.values.push(b.values[r] as number);
    } else {
      throw new Error(`feature "${name}" arrived as ${b.kind}, not ${c.kind}`);
    }
  }

  finish(): RecordTable {
    const features = new Map<string, Feature>();
    for (const [name, c] of this.columns) {
      if (c.kind === "text") {
        features.set(name, {
          kind: "text",
          codes: c.codes.done(),
          dictionary: c.dictionary.values,
          frequency: c.dictionary.frequencies(),
        });
      } else if (c.kind === "list") {
        c.offsets.push(c.codes.length);
        features.set(name, {
          kind: "list",
          offsets: c.offsets.done(),
          codes: c.codes.done(),
          dictionary: c.dictionary.values,
          frequency: c.dictionary.frequencies(),
        });
      } else if (c.kind === "date") {
        features.set(name, { kind: "date", year: c.year.done(), month: c.month.done(), day: c.day.done() });
      } else {
        features.set(name, { kind: "number", values: c.values.done() });
      }
    }
    return {
      size: this.keys.length,
      keys: this.keys,
      source: Uint16Array.from(this.source.done()),
      sources: this.sourceNames,
      features,
    };
  }
}

/** Builds the columns a run needs, once; records keep their order (record i is row i). */
export function buildRecordTable(records: RecordToResolve[], features: Iterable<string>): RecordTable {
  const builder = new RecordTableBuilder(features);
  builder.add(extractFeatures(records, builder.features));
  return builder.finish();
}

/**
 * The table with some values of some features treated as missing: generic values (a call-centre phone, a
 * placeholder email, a shop's address, found by the quality run) must not make two people look alike. A text
 * value becomes null; a list loses the value. Term frequencies are counted again over what remains. Features
 * not named, and names the table does not have, are left as they are; the table given is not changed.
 */
export function withoutValues(
  table: RecordTable,
  excluded: Readonly<Record<string, readonly string[]>>,
): RecordTable {
  let features: Map<string, Feature> | null = null;
  for (const [name, values] of Object.entries(excluded)) {
    const f = table.features.get(name);
    if (!f || values.length === 0 || (f.kind !== "text" && f.kind !== "list")) continue;
    const drop = new Set(values);
    const dropped = new Uint8Array(f.dictionary.length);
    let any = false;
    f.dictionary.forEach((v, c) => {
      if (drop.has(v)) {
        dropped[c] = 1;
        any = true;
      }
    });
    if (!any) continue;
    const counts = new Float64Array(f.dictionary.length);
    let next: Feature;
    if (f.kind === "text") {
      const codes = f.codes.map((c) => (c >= 0 && dropped[c] === 1 ? -1 : c));
      for (const c of codes) if (c >= 0) counts[c] = (counts[c] as number) + 1;
      next = { ...f, codes, frequency: shares(counts) };
    } else {
      const offsets = new Int32Array(f.offsets.length);
      const kept: number[] = [];
      for (let r = 0; r < table.size; r++) {
        offsets[r] = kept.length;
        for (let x = f.offsets[r] as number; x < (f.offsets[r + 1] as number); x++) {
          const c = f.codes[x] as number;
          if (dropped[c] === 1) continue;
          kept.push(c);
          counts[c] = (counts[c] as number) + 1;
        }
      }
      offsets[table.size] = kept.length;
      next = { ...f, offsets, codes: Int32Array.from(kept), frequency: shares(counts) };
    }
    features ??= new Map(table.features);
    features.set(name, next);
  }
  return features ? { ...table, features } : table;
}

function shares(counts: Float64Array): Float64Array {
  let total = 0;
  for (const c of counts) total += c;
  return counts.map((c) => (total === 0 ? 0 : c / total));
}
