import type { StandardizedRecord } from "../model/standardized.js";
import type { RuleName } from "./survivorship-settings.js";

/**
 * The golden profile of an entity: what Tessera believes about one real person, derived from the source
 * records linked to it. Derived, never edited: recomputing it from the same records gives the same profile.
 */

/** A linked source record as survivorship sees it: its standardised data and where and when it came from. */
export interface MemberRecord {
  /** `source/sourceRecordId`. */
  key: string;
  source: string;
  version: number;
  /** When the source observed it (ISO-8601). */
  observedAt: string;
  /** The source's trust, 0..1. */
  trust: number;
  standardized: StandardizedRecord;
}

/** Where a golden value came from and why it won. */
export interface Lineage {
  rule: RuleName;
  /** Why it won, in a sentence. */
  reason: string;
  /** The record whose value was taken. */
  record: string;
  source: string;
  observedAt: string;
  /** Every linked record that holds the same value (the winner first). */
  records: string[];
  /** The sources of those records, sorted. */
  sources: string[];
}

export interface GoldenValue<T> {
  value: T;
  lineage: Lineage;
}

export interface GoldenName {
  title: string | null;
  given: string | null;
  middle: string | null;
  family: string | null;
  suffix: string | null;
  full: string;
}

export interface GoldenAddress {
  line: string;
  streetNumber: string | null;
  street: string | null;
  unit: string | null;
  city: string | null;
  region: string | null;
  postcode: string | null;
  country: string | null;
}

/** One sighting of a multi-valued attribute's value. */
export interface Sighting {
  record: string;
  source: string;
  observedAt: string;
}

/** One email, phone or identifier of the union, with every record it was seen in. */
export interface GoldenItem {
  value: string;
  valid: boolean;
  /** Phone type, identifier type, or null. */
  type: string | null;
  /** Oldest first. */
  seen: Sighting[];
}

export interface GoldenProfile {
  name: GoldenValue<GoldenName> | null;
  dateOfBirth: GoldenValue<string> | null;
  gender: GoldenValue<string> | null;
  address: GoldenValue<GoldenAddress> | null;
  /** Valid first, then most often seen, then most recently seen; the first valid one is the primary. */
  emails: GoldenItem[];
  phones: GoldenItem[];
  identifiers: GoldenItem[];
  /** How many records are linked, and from which sources. */
  records: number;
  sources: string[];
}
