import type { Generated } from "kysely";
import type { Count, Json, Time } from "./schema.js";

/** Tables of quality profiles, enrichment and households (issue 6), as Kysely sees them. */

export interface HouseholdTable {
  id: string;
  seq: Count;
  status: "active" | "dissolved";
  /** The golden address (`HouseholdAddress`), or null when no member has one. */
  address: Json | null;
  size: number;
  /** `HouseholdAggregates`: size, spend per currency, sources, evidence. */
  aggregates: Json;
  created_at: Time;
  updated_at: Time;
}

export interface HouseholdMemberTable {
  id: Generated<number>;
  household_id: string;
  entity_id: string;
  since: Time;
  /** When the person left (moved out, or the household dissolved); null while a member. */
  until: Time | null;
  /** Why the person belongs: the strongest household link and what it agreed on. */
  evidence: Json | null;
}

export interface ProfileQualityTable {
  entity_id: string;
  /** Share of the contact and demographic fields the golden profile has, 0..1. */
  completeness: number;
  /** Share of the profile's values that are valid, 0..1. */
  validity: number;
  /** Fields on which the linked records disagree. */
  conflicts: number;
  /** Days since the newest linked record was observed. */
  freshness_days: number | null;
  /** Fake-profile risk, 0..1, and its reasons. */
  fake_score: number;
  fake_reasons: Json;
  /** 1 when the risk keeps the profile out of audiences and insights. */
  excluded: number;
  details: Json;
  updated_at: Time;
}

export interface EntityEnrichmentTable {
  entity_id: string;
  field: string;
  value: Json;
  /** How it was derived and from what: method, data package, the records or fields read. */
  derivation: Json;
  updated_at: Time;
}

export interface QualityRunTable {
  id: Generated<number>;
  at: Time;
  summary: Json;
}

export interface HouseholdTables {
  household: HouseholdTable;
  household_member: HouseholdMemberTable;
  profile_quality: ProfileQualityTable;
  entity_enrichment: EntityEnrichmentTable;
  quality_run: QualityRunTable;
}
