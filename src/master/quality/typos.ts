import { damerauLevenshtein } from "../../resolve/edit-distance.js";
import { areNicknameEquivalent } from "../../standardize/nicknames.js";
import type { QualitySettings } from "./settings.js";
import type { Finding, QualityRecord } from "./types.js";

/**
 * Likely typos: within one entity, a value that most of its records agree on is taken as right, and a record
 * whose value differs from it by a small edit (a swapped or missed letter, a transposed day and month) is
 * flagged with that value as its probable correction. Different nicknames of one name are not typos.
 */

export type TypoField = "given" | "family" | "dateOfBirth" | "postcode" | "email";

const valuesOf: Record<TypoField, (r: QualityRecord) => string[]> = {
  given: (r) => (r.standardized.name?.given ? [r.standardized.name.given] : []),
  family: (r) => (r.standardized.name?.family ? [r.standardized.name.family] : []),
  dateOfBirth: (r) => (r.standardized.dateOfBirth?.iso ? [r.standardized.dateOfBirth.iso] : []),
  postcode: (r) => [...new Set(r.standardized.addresses.flatMap((a) => (a.postcode ? [a.postcode] : [])))],
  email: (r) => [...new Set(r.standardized.emails.filter((e) => e.valid).map((e) => e.canonical))],
};

const labels: Record<TypoField, string> = {
  given: "given name",
  family: "family name",
  dateOfBirth: "date of birth",
  postcode: "postcode",
  email: "email",
};

/** Day and month swapped: 1985-03-12 and 1985-12-03. */
function transposedDate(a: string, b: string): boolean {
  return (
    a.length === 10 &&
    b.length === 10 &&
    a.slice(0, 4) === b.slice(0, 4) &&
    a.slice(5, 7) === b.slice(8, 10) &&
    a.slice(8, 10) === b.slice(5, 7)
  );
}

function close(field: TypoField, value: string, golden: string, settings: QualitySettings["typos"]): boolean {
  if (field === "dateOfBirth")
    return transposedDate(value, golden) || damerauLevenshtein(value, golden, 1) <= 1;
  if (value.length < settings.minLength || golden.length < settings.minLength) return false;
  if (field === "given" && areNicknameEquivalent(value, golden)) return false;
  // Two values of very different length are different values, whatever their distance.
  const limit = Math.min(settings.maxDistance, Math.floor(Math.min(value.length, golden.length) / 3));
  return limit > 0 && damerauLevenshtein(value, golden, limit) <= limit;
}

export interface LikelyTypo {
  record: string;
  field: TypoField;
  value: string;
  correction: string;
  /** Records and sources agreeing on the correction. */
  agreeing: string[];
  sources: string[];
}

export function likelyTypos(records: QualityRecord[], settings: QualitySettings["typos"]): LikelyTypo[] {
  if (records.length < settings.minAgreeing + 1) return [];
  const out: LikelyTypo[] = [];
  for (const field of Object.keys(valuesOf) as TypoField[]) {
    const holders = new Map<string, QualityRecord[]>();
    for (const r of records)
      for (const v of valuesOf[field](r)) {
        const list = holders.get(v);
        if (list) list.push(r);
        else holders.set(v, [r]);
      }
    if (holders.size < 2) continue;
    const ranked = [...holders].sort((a, b) => b[1].length - a[1].length || (a[0] < b[0] ? -1 : 1));
    const [golden, agreeing] = ranked[0] as [string, QualityRecord[]];
    if (agreeing.length < settings.minAgreeing || agreeing.length === ranked[1]?.[1].length) continue;
    for (const [value, list] of ranked.slice(1)) {
      if (!close(field, value, golden, settings)) continue;
      for (const r of list) {
        // A record that also holds the golden value (a second email) has nothing to correct.
        if (agreeing.includes(r)) continue;
        out.push({
          record: r.key,
          field,
          value,
          correction: golden,
          agreeing: agreeing.map((a) => a.key).sort(),
          sources: [...new Set(agreeing.map((a) => a.source))].sort(),
        });
      }
    }
  }
  return out;
}

export function typoFinding(t: LikelyTypo, entity: string): Finding {
  return {
    kind: "likely_typo",
    subjectKind: "record",
    subject: t.record,
    field: t.field,
    message: `${labels[t.field]} "${t.value}" is probably a typo of "${t.correction}", which ${t.agreeing.length} records of ${entity} hold (${t.sources.join(", ")})`,
    details: { entity, value: t.value, correction: t.correction, agreeing: t.agreeing, sources: t.sources },
    severity: "warning",
  };
}
