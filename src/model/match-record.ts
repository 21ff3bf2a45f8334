import type {
  StandardAddress,
  StandardDate,
  StandardEmail,
  StandardIdentifier,
  StandardizedRecord,
  StandardName,
  StandardPhone,
} from "./standardized.js";

/**
 * The part of a standardised record that identity resolution reads: every feature is derived from it.
 * A standardised record is one (it has every field); the store keeps this smaller form beside each
 * record's latest version, so that a run over millions of records parses a quarter of the text.
 */
export interface MatchRecord {
  name: Pick<
    StandardName,
    "given" | "middle" | "family" | "givenCanonical" | "givenPhonetic" | "familyPhonetic"
  > | null;
  emails: Pick<StandardEmail, "canonical" | "local" | "domain" | "valid" | "role">[];
  /** `original` only matters when there is no E.164 form; it is left empty otherwise. */
  phones: Pick<StandardPhone, "e164" | "original">[];
  addresses: Pick<
    StandardAddress,
    "streetNumber" | "street" | "unit" | "locality" | "city" | "region" | "postcode" | "country" | "line"
  >[];
  dateOfBirth: Pick<StandardDate, "year" | "month" | "day"> | null;
  gender: StandardizedRecord["gender"];
  identifiers: Pick<StandardIdentifier, "type" | "value">[];
}

export function matchRecordOf(s: StandardizedRecord): MatchRecord {
  const n = s.name;
  return {
    name: n
      ? {
          given: n.given,
          middle: n.middle,
          family: n.family,
          givenCanonical: n.givenCanonical,
          givenPhonetic: n.givenPhonetic,
          familyPhonetic: n.familyPhonetic,
        }
      : null,
    emails: s.emails.map((e) => ({
      canonical: e.canonical,
      local: e.local,
      domain: e.domain,
      valid: e.valid,
      role: e.role,
    })),
    phones: s.phones.map((p) => ({ e164: p.e164, original: p.e164 ? "" : p.original })),
    addresses: s.addresses.map((a) => ({
      streetNumber: a.streetNumber,
      street: a.street,
      unit: a.unit,
      locality: a.locality,
      city: a.city,
      region: a.region,
      postcode: a.postcode,
      country: a.country,
      line: a.line,
    })),
    dateOfBirth: s.dateOfBirth
      ? { year: s.dateOfBirth.year, month: s.dateOfBirth.month, day: s.dateOfBirth.day }
      : null,
    gender: s.gender,
    identifiers: s.identifiers.map((i) => ({ type: i.type, value: i.value })),
  };
}

/** The match view as stored: compact JSON of `matchRecordOf`. */
export function matchViewJson(standardized: StandardizedRecord): string {
  return JSON.stringify(matchRecordOf(standardized));
}
