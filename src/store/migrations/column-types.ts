import { type ColumnDefinitionBuilder, sql } from "kysely";
import type { DialectName } from "../dialect.js";

/**
 * The column types every migration writes in its dialect: JSON is jsonb in PostgreSQL and text in SQLite, times
 * timestamptz and ISO-8601 text, 64-bit integers bigint and integer, floats double precision and real; `serial`
 * with `id` makes an auto-numbered primary key.
 */
export function columnTypes(dialect: DialectName) {
  const pg = dialect === "postgres";
  return {
    json: pg ? sql`jsonb` : sql`text`,
    time: pg ? sql`timestamptz` : sql`text`,
    bigint: pg ? sql`bigint` : sql`integer`,
    real: pg ? sql`double precision` : sql`real`,
    serial: pg ? "bigserial" : "integer",
    id: (c: ColumnDefinitionBuilder) => (pg ? c.primaryKey() : c.primaryKey().autoIncrement()),
  } as const;
}
