import type { Identifier, IdentifierType } from "./source-record.js";

/**
 * The standardised form of a source record: derived, never edited, recomputable from the record at any
 * time. These are the features identity resolution compares, so every string here is already folded
 * (lower case, accents removed, punctuation collapsed) unless its name says otherwise.
 */

export interface StandardName {
  title: string | null;
  given: string | null;
  middle: string | null;
  family: string | null;
  suffix: string | null;
  /** The given name's formal equivalent when it is a known nickname ("bob" → "robert"), else `given`. */
  givenCanonical: string | null;
  /** Double Metaphone codes, primary then alternate (equal when there is no alternate). */
  givenPhonetic: [string, string] | null;
  familyPhonetic: [string, string] | null;
}

export interface StandardEmail {
  original: string;
  /** Lower-cased and trimmed. */
  normalized: string;
  /** Provider-specific canonical form: gmail dots and plus tags removed, googlemail → gmail, … */
  canonical: string;
  local: string;
  domain: string;
  valid: boolean;
  disposable: boolean;
  role: boolean;
  freeProvider: boolean;
  label: string | null;
}

export type PhoneType =
  | "mobile"
  | "fixed_line"
  | "fixed_line_or_mobile"
  | "toll_free"
  | "premium_rate"
  | "voip"
  | "other"
  | "unknown";

export interface StandardPhone {
  original: string;
  /** E.164, or null when the number could not be parsed. */
  e164: string | null;
  /** ISO 3166-1 alpha-2 of the number's country. */
  country: string | null;
  valid: boolean;
  type: PhoneType;
  label: string | null;
}

export interface StandardAddress {
  label: string | null;
  streetNumber: string | null;
  /** Street name with its type expanded ("main street"), folded. */
  street: string | null;
  unit: string | null;
  locality: string | null;
  city: string | null;
  region: string | null;
  postcode: string | null;
  /** ISO 3166-1 alpha-2. */
  country: string | null;
  /** All the parts above on one folded line, for token comparisons. */
  line: string;
}

export interface StandardDate {
  original: string;
  /** YYYY-MM-DD, or null when no date could be read. */
  iso: string | null;
  year: number | null;
  month: number | null;
  day: number | null;
  /** True when day and month could be read either way round (03/04/1980) and the order was assumed. */
  ambiguous: boolean;
}

export type StandardGender = "female" | "male" | "other" | null;

export interface StandardIdentifier {
  type: IdentifierType;
  value: string;
  namespace: string | null;
}

export interface StandardizedRecord {
  name: StandardName | null;
  emails: StandardEmail[];
  phones: StandardPhone[];
  addresses: StandardAddress[];
  dateOfBirth: StandardDate | null;
  gender: StandardGender;
  identifiers: StandardIdentifier[];
}

export type { Identifier };
