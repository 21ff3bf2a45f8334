import type { StandardDate, StandardizedRecord } from "../../model/standardized.js";
import type { GoldenProfile } from "../golden-profile.js";
import type { QualitySettings } from "./settings.js";
import type { QualityEntity, QualityRecord } from "./types.js";

/**
 * Completeness, validity, consistency and freshness of one source record or one golden profile. Pure: the
 * figures of a record depend on the record alone (and "now"), those of a profile on its linked records.
 */

/** The contact and demographic fields whose presence completeness counts. */
export const completenessFields = [
  "name",
  "email",
  "phone",
  "address",
  "postcode",
  "dateOfBirth",
  "gender",
] as const;
export type CompletenessField = (typeof completenessFields)[number];

/** The kinds of value validity judges. */
export const validityFields = ["email", "phone", "address", "dateOfBirth"] as const;
export type ValidityField = (typeof validityFields)[number];

export interface ValidityCounts {
  /** Values present of this kind. */
  present: number;
  /** Of which valid. */
  valid: number;
  /** Why the others are not, by reason code. */
  problems: Record<string, number>;
}

export interface RecordQuality {
  /** Field → present. */
  present: Record<CompletenessField, boolean>;
  /** Phone numbers by type (mobile, fixed_line, voip…; unknown when not valid). */
  phoneTypes: Record<string, number>;
  completeness: number;
  validity: Record<ValidityField, ValidityCounts>;
  /** Share of present values that are valid (1 when nothing is present). */
  validityScore: number;
}

function emptyValidity(): Record<ValidityField, ValidityCounts> {
  return {
    email: { present: 0, valid: 0, problems: {} },
    phone: { present: 0, valid: 0, problems: {} },
    address: { present: 0, valid: 0, problems: {} },
    dateOfBirth: { present: 0, valid: 0, problems: {} },
  };
}

function count(v: ValidityCounts, problem: string | null): void {
  v.present++;
  if (problem === null) v.valid++;
  else v.problems[problem] = (v.problems[problem] ?? 0) + 1;
}

const dayMs = 86_400_000;

/** Age in whole years on `now`, or null when the year is unknown. */
export function ageOn(d: Pick<StandardDate, "year" | "month" | "day">, now: Date): number | null {
  if (!d.year) return null;
  const y = now.getUTCFullYear();
  const m = now.getUTCMonth() + 1;
  const day = now.getUTCDate();
  let age = y - d.year;
  if (d.month && (d.month > m || (d.month === m && (d.day ?? 1) > day))) age--;
  return age;
}

/** Why a date of birth is not plausible for a customer, or null when it is. */
export function birthDateProblem(
  d: Pick<StandardDate, "year" | "month" | "day" | "iso">,
  now: Date,
  settings: Pick<QualitySettings, "age">,
): string | null {
  const age = ageOn(d, now);
  if (age === null) return null;
  if (age < 0) return "future";
  if (age > settings.age.max) return "too_old";
  if (age < settings.age.min) return "too_young";
  if (d.iso && PLACEHOLDER_BIRTH_DATES.has(d.iso)) return "placeholder";
  return null;
}

/** Dates systems write when they know nothing. */
export const PLACEHOLDER_BIRTH_DATES = new Set(["1900-01-01", "1901-01-01", "1899-12-31", "1800-01-01"]);

const ADDRESS_PROBLEMS = new Set([
  "address_unparsed",
  "address_postcode_invalid",
  "address_postcode_placeholder",
]);
const DATE_PROBLEMS = new Set(["date_unreadable", "date_invalid", "date_implausible", "date_future"]);

export function recordQuality(
  r: QualityRecord,
  now: Date,
  settings: Pick<QualitySettings, "age">,
): RecordQuality {
  const s = r.standardized;
  const present: Record<CompletenessField, boolean> = {
    name: !!(s.name?.given && s.name?.family),
    email: s.emails.length > 0,
    phone: s.phones.length > 0,
    address: s.addresses.some((a) => !!a.street),
    postcode: s.addresses.some((a) => !!a.postcode),
    dateOfBirth: !!s.dateOfBirth?.year,
    gender: !!s.gender,
  };
  const validity = emptyValidity();
  for (const e of s.emails) {
    count(validity.email, !e.valid ? "invalid_syntax" : e.disposable ? "disposable" : e.role ? "role" : null);
  }
  for (const p of s.phones)
    count(validity.phone, p.valid ? null : p.e164 ? "invalid_for_country" : "unreadable");
  const fieldProblems = (prefix: string, codes: Set<string>) =>
    r.issues.filter((i) => codes.has(i.code) && (i.field ?? "").startsWith(prefix));
  // Numbers refused outright (a fake 555 number, letters) leave only an issue: they count as present and invalid.
  for (const i of r.issues) {
    if (!(i.field ?? "").startsWith("phones")) continue;
    if (i.code === "phone_fake") count(validity.phone, "fake");
    else if (i.code === "phone_invalid" && i.severity === "error") count(validity.phone, "unreadable");
  }
  for (let k = 0; k < s.addresses.length; k++) {
    const problem = fieldProblems(`addresses[${k}]`, ADDRESS_PROBLEMS)[0];
    count(validity.address, problem ? problem.code.replace("address_", "") : null);
  }
  const dateIssue = fieldProblems("dateOfBirth", DATE_PROBLEMS)[0];
  if (s.dateOfBirth?.year) count(validity.dateOfBirth, birthDateProblem(s.dateOfBirth, now, settings));
  else if (dateIssue) count(validity.dateOfBirth, dateIssue.code.replace("date_", ""));
  const phoneTypes: Record<string, number> = {};
  for (const p of s.phones)
    phoneTypes[p.valid ? p.type : "unknown"] = (phoneTypes[p.valid ? p.type : "unknown"] ?? 0) + 1;
  return { ...summarise(present, validity), phoneTypes };
}

function summarise(
  present: Record<CompletenessField, boolean>,
  validity: Record<ValidityField, ValidityCounts>,
) {
  const filled = completenessFields.filter((f) => present[f]).length;
  let all = 0;
  let valid = 0;
  for (const f of validityFields) {
    all += validity[f].present;
    valid += validity[f].valid;
  }
  return {
    present,
    completeness: filled / completenessFields.length,
    validity,
    validityScore: all === 0 ? 1 : valid / all,
  };
}

/** A field on which an entity's records disagree, with each value and the records holding it. */
export interface Conflict {
  field: "given" | "family" | "dateOfBirth" | "gender";
  values: { value: string; records: string[] }[];
}

const nameKey = (s: StandardizedRecord, part: "given" | "family") => {
  const n = s.name;
  if (!n) return null;
  return part === "given" ? (n.givenCanonical ?? n.given) : n.family;
};

/**
 * Fields with more than one value across an entity's records. Nicknames of one formal name agree; a date
 * that is only a year agrees with a full date of that year; several addresses are a history, not a conflict.
 */
export function conflictsOf(records: QualityRecord[]): Conflict[] {
  const out: Conflict[] = [];
  const gather = (field: Conflict["field"], of: (r: QualityRecord) => string | null) => {
    const byValue = new Map<string, string[]>();
    for (const r of records) {
      const v = of(r);
      if (!v) continue;
      const list = byValue.get(v);
      if (list) list.push(r.key);
      else byValue.set(v, [r.key]);
    }
    if (byValue.size > 1)
      out.push({
        field,
        values: [...byValue]
          .map(([value, keys]) => ({ value, records: keys.sort() }))
          .sort((a, b) => b.records.length - a.records.length || (a.value < b.value ? -1 : 1)),
      });
  };
  gather("given", (r) => nameKey(r.standardized, "given"));
  gather("family", (r) => nameKey(r.standardized, "family"));
  gather("dateOfBirth", (r) => r.standardized.dateOfBirth?.iso ?? null);
  gather("gender", (r) => r.standardized.gender);
  return out;
}

export interface ProfileQuality {
  present: Record<CompletenessField, boolean>;
  completeness: number;
  validity: Record<ValidityField, ValidityCounts>;
  validityScore: number;
  conflicts: Conflict[];
  /** Days from the newest linked record to `now`. */
  freshnessDays: number | null;
  stale: boolean;
  newestRecord: string | null;
}

/** The quality of an entity's golden profile: what it has, whether it is valid, where its records disagree. */
export function profileQuality(e: QualityEntity, now: Date, settings: QualitySettings): ProfileQuality {
  const p: GoldenProfile | null = e.profile;
  const present: Record<CompletenessField, boolean> = {
    name: !!(p?.name?.value.given && p.name.value.family),
    email: (p?.emails.length ?? 0) > 0,
    phone: (p?.phones.length ?? 0) > 0,
    address: !!p?.address?.value.street,
    postcode: !!p?.address?.value.postcode,
    dateOfBirth: !!p?.dateOfBirth,
    gender: !!p?.gender,
  };
  const validity = emptyValidity();
  for (const email of p?.emails ?? []) count(validity.email, email.valid ? null : "invalid_or_disposable");
  for (const phone of p?.phones ?? []) count(validity.phone, phone.valid ? null : "invalid");
  if (p?.address) {
    const winner = e.records.find((r) => r.key === p.address?.lineage.record);
    const k = winner?.standardized.addresses.findIndex((a) => a.line === p.address?.value.line) ?? -1;
    const problem = winner?.issues.find(
      (i) => ADDRESS_PROBLEMS.has(i.code) && (i.field ?? "").startsWith(`addresses[${k}]`),
    );
    count(validity.address, problem ? problem.code.replace("address_", "") : null);
  }
  if (p?.dateOfBirth) {
    const [y, m, d] = p.dateOfBirth.value.split("-").map(Number);
    count(
      validity.dateOfBirth,
      birthDateProblem(
        {
          year: y ?? null,
          month: m ?? null,
          day: d ?? null,
          iso: p.dateOfBirth.value.length === 10 ? p.dateOfBirth.value : null,
        },
        now,
        settings,
      ),
    );
  }
  let newest = Number.NEGATIVE_INFINITY;
  let newestRecord: string | null = null;
  for (const r of e.records) {
    const t = Date.parse(r.observedAt);
    if (t > newest) {
      newest = t;
      newestRecord = r.key;
    }
  }
  const freshnessDays = Number.isFinite(newest)
    ? Math.max(0, Math.floor((now.getTime() - newest) / dayMs))
    : null;
  return {
    ...summarise(present, validity),
    conflicts: conflictsOf(e.records),
    freshnessDays,
    stale: freshnessDays !== null && freshnessDays > settings.staleAfterDays,
    newestRecord,
  };
}
