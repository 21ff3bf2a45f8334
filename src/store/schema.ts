import type { ColumnType, Generated } from "kysely";
import type { AttributionTables } from "./schema-attribution.js";
import type { AudienceTables } from "./schema-audiences.js";
import type { HouseholdTables } from "./schema-households.js";
import type { LeaseTables } from "./schema-leases.js";
import type { PrivacyTables } from "./schema-privacy.js";
import type { RealtimeTables } from "./schema-realtime.js";
import type { ScoreTables } from "./schema-scores.js";

/**
 * The tables as Kysely sees them. JSON columns are text in SQLite and jsonb in PostgreSQL: they are
 * written as JSON text and read back through `fromJson`. Times are ISO-8601 text in SQLite and
 * timestamptz in PostgreSQL, read back through `fromTime`.
 */
export type Json = ColumnType<unknown, string, string>;
export type Time = ColumnType<string | Date, string, string>;
export type Count = ColumnType<number | string | bigint, number, number>;

export interface SourceTable {
  name: string;
  format: string | null;
  trust: number;
  default_country: string | null;
  mapping: Json;
  created_at: Time;
  updated_at: Time;
}

export interface ImportRunTable {
  id: string;
  source: string;
  path: string;
  format: string | null;
  status: "running" | "completed" | "failed";
  started_at: Time;
  finished_at: Time | null;
  rows_read: Count;
  accepted: Count;
  new_records: Count;
  new_versions: Count;
  unchanged: Count;
  quarantined: Count;
  issue_counts: Json;
  error: string | null;
}

export interface SourceRecordTable {
  id: Generated<number>;
  source: string;
  source_record_id: string;
  version: number;
  content_hash: string;
  observed_at: Time;
  imported_at: Time;
  import_run_id: string;
  row_number: number;
  attributes: Json;
  standardized: Json;
  issues: Json;
}

export interface QuarantineTable {
  id: Generated<number>;
  import_run_id: string;
  source: string;
  row_number: number;
  code: string;
  field: string | null;
  reason: string;
  raw: string;
  created_at: Time;
}

export interface EntityTable {
  id: string;
  seq: Count;
  status: "active" | "merged" | "deleted";
  merged_into: string | null;
  absorbed_records: Json | null;
  records: number;
  created_at: Time;
  updated_at: Time;
}

export interface IdSequenceTable {
  name: string;
  next_value: Count;
}

export interface EntityLinkTable {
  record_key: string;
  entity_id: string;
  source: string;
  evidence: Json;
  linked_at: Time;
}

export interface GoldenProfileTable {
  entity_id: string;
  profile: Json;
  hash: string;
  updated_at: Time;
}

export interface GoldenLookupTable {
  kind: string;
  value: string;
  entity_id: string;
}

export interface EntityChangeTable {
  seq: Generated<number>;
  entity_id: string;
  kind: "created" | "updated" | "merged" | "split" | "deleted";
  before: Json | null;
  after: Json | null;
  cause: string;
  at: Time;
}

export interface StewardDecisionTable {
  id: Generated<number>;
  kind: "not-a-match" | "match" | "merge" | "split";
  entities: Json;
  records: Json;
  decided_by: string;
  reason: string | null;
  decided_at: Time;
}

export interface DecisionPairTable {
  id: Generated<number>;
  decision_id: Count;
  kind: "match" | "not-a-match";
  left_key: string;
  right_key: string;
}

export interface ReviewItemTable {
  id: Generated<number>;
  left_key: string;
  right_key: string;
  left_entity: string;
  right_entity: string;
  probability: number;
  impact: number;
  explanation: Json | null;
  status: "open" | "accepted" | "rejected" | "stale";
  created_at: Time;
  decided_at: Time | null;
  decision_id: Count | null;
}

export interface MasterStateTable {
  key: string;
  value: Json;
  updated_at: Time;
}

export interface QualityFindingTable {
  id: Generated<number>;
  kind: string;
  subject_kind: "record" | "entity" | "event" | "identifier" | "household" | "value";
  subject: string;
  field: string | null;
  message: string;
  details: Json | null;
  severity: "info" | "warning" | "error";
  status: Generated<"open" | "resolved">;
  created_at: Time;
}

export interface Database
  extends ScoreTables,
    HouseholdTables,
    RealtimeTables,
    AudienceTables,
    PrivacyTables,
    AttributionTables,
    LeaseTables {
  source: SourceTable;
  import_run: ImportRunTable;
  source_record: SourceRecordTable;
  quarantine: QuarantineTable;
  entity: EntityTable;
  id_sequence: IdSequenceTable;
  entity_link: EntityLinkTable;
  golden_profile: GoldenProfileTable;
  golden_lookup: GoldenLookupTable;
  entity_change: EntityChangeTable;
  steward_decision: StewardDecisionTable;
  decision_pair: DecisionPairTable;
  review_item: ReviewItemTable;
  master_state: MasterStateTable;
  quality_finding: QualityFindingTable;
}

export function fromJson<T>(value: unknown): T {
  return (typeof value === "string" ? JSON.parse(value) : value) as T;
}

export function fromTime(value: string | Date): string {
  return value instanceof Date ? value.toISOString() : value;
}

export function fromCount(value: number | string | bigint): number {
  return Number(value);
}
