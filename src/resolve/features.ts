import type { StandardizedRecord } from "../model/standardized.js";
import { nicknameRoots } from "../standardize/nicknames.js";
import {
  dateFeature,
  type Feature,
  listFeature,
  numberFeature,
  type RecordTable,
  textFeature,
} from "./record-table.js";

/**
 * The features identity resolution can compare, each derived from the standardised record. A
 * configuration names the ones it uses; only those are built. Identifiers are features too:
 * `id:user_id`, `id:loyalty_number`, `id:national_id`…
 */

export interface RecordToResolve {
  /** `source/sourceRecordId`, unique within a run. */
  key: string;
  source: string;
  standardized: StandardizedRecord;
}

type TextOf = (s: StandardizedRecord) => string | null;
type ListOf = (s: StandardizedRecord) => string[];

const firstAddress = (s: StandardizedRecord) => s.addresses[0];

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

function buildFeature(name: string, records: StandardizedRecord[]): Feature {
  const text = textFeatures[name];
  if (text) return textFeature(records.map(text));
  const list = listFeatures[name];
  if (list) return listFeature(records.map(list));
  if (name === "dateOfBirth") return dateFeature(records.map((s) => s.dateOfBirth));
  if (name === "birthYear") return numberFeature(records.map((s) => s.dateOfBirth?.year ?? null));
  if (name.startsWith("id:")) {
    const type = name.slice(3);
    return listFeature(records.map((s) => s.identifiers.filter((i) => i.type === type).map((i) => i.value)));
  }
  throw new Error(`unknown feature "${name}"; known: ${featureNames().join(", ")}`);
}

/** Builds the columns a run needs, once; records keep their order (record i is row i). */
export function buildRecordTable(records: RecordToResolve[], features: Iterable<string>): RecordTable {
  const sources: string[] = [];
  const sourceIndex = new Map<string, number>();
  const source = new Uint16Array(records.length);
  records.forEach((r, i) => {
    let s = sourceIndex.get(r.source);
    if (s === undefined) {
      s = sources.length;
      sourceIndex.set(r.source, s);
      sources.push(r.source);
    }
    source[i] = s;
  });
  const standardized = records.map((r) => r.standardized);
  const built = new Map<string, Feature>();
  for (const name of features) if (!built.has(name)) built.set(name, buildFeature(name, standardized));
  return { size: records.length, keys: records.map((r) => r.key), source, sources, features: built };
}
