import type { ColumnType, Generated } from "kysely";

/**
 * The tables as Kysely sees them. JSON columns are text in SQLite and jsonb in PostgreSQL: they are
 * written as JSON text and read back through `fromJson`. Times are ISO-8601 text in SQLite and
 * timestamptz in PostgreSQL, read back through `fromTime`.
 */
type Json = ColumnType<unknown, string, string>;
type Time = ColumnType<string | Date, string, string>;
type Count = ColumnType<number | string | bigint, number, number>;

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

export interface Database {
  source: SourceTable;
  import_run: ImportRunTable;
  source_record: SourceRecordTable;
  quarantine: QuarantineTable;
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
