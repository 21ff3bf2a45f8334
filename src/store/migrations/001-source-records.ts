import type { Kysely } from "kysely";
import type { DialectName } from "../dialect.js";
import { columnTypes } from "./column-types.js";

export function sourceRecords(dialect: DialectName) {
  const { json, time, bigint, serial, id } = columnTypes(dialect);
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable("source")
        .addColumn("name", "text", (c) => c.primaryKey())
        .addColumn("format", "text")
        .addColumn("trust", "real", (c) => c.notNull())
        .addColumn("default_country", "text")
        .addColumn("mapping", json, (c) => c.notNull())
        .addColumn("created_at", time, (c) => c.notNull())
        .addColumn("updated_at", time, (c) => c.notNull())
        .execute();

      await db.schema
        .createTable("import_run")
        .addColumn("id", "text", (c) => c.primaryKey())
        .addColumn("source", "text", (c) => c.notNull())
        .addColumn("path", "text", (c) => c.notNull())
        .addColumn("format", "text")
        .addColumn("status", "text", (c) => c.notNull())
        .addColumn("started_at", time, (c) => c.notNull())
        .addColumn("finished_at", time)
        .addColumn("rows_read", bigint, (c) => c.notNull().defaultTo(0))
        .addColumn("accepted", bigint, (c) => c.notNull().defaultTo(0))
        .addColumn("new_records", bigint, (c) => c.notNull().defaultTo(0))
        .addColumn("new_versions", bigint, (c) => c.notNull().defaultTo(0))
        .addColumn("unchanged", bigint, (c) => c.notNull().defaultTo(0))
        .addColumn("quarantined", bigint, (c) => c.notNull().defaultTo(0))
        .addColumn("issue_counts", json, (c) => c.notNull())
        .addColumn("error", "text")
        .execute();

      await db.schema
        .createTable("source_record")
        .addColumn("id", serial, id)
        .addColumn("source", "text", (c) => c.notNull())
        .addColumn("source_record_id", "text", (c) => c.notNull())
        .addColumn("version", "integer", (c) => c.notNull())
        .addColumn("content_hash", "text", (c) => c.notNull())
        .addColumn("observed_at", time, (c) => c.notNull())
        .addColumn("imported_at", time, (c) => c.notNull())
        .addColumn("import_run_id", "text", (c) => c.notNull())
        .addColumn("row_number", "integer", (c) => c.notNull())
        .addColumn("attributes", json, (c) => c.notNull())
        .addColumn("standardized", json, (c) => c.notNull())
        .addColumn("issues", json, (c) => c.notNull())
        .addUniqueConstraint("source_record_version_key", ["source", "source_record_id", "version"])
        .execute();
      await db.schema
        .createIndex("source_record_run_idx")
        .on("source_record")
        .column("import_run_id")
        .execute();

      await db.schema
        .createTable("quarantine")
        .addColumn("id", serial, id)
        .addColumn("import_run_id", "text", (c) => c.notNull())
        .addColumn("source", "text", (c) => c.notNull())
        .addColumn("row_number", "integer", (c) => c.notNull())
        .addColumn("code", "text", (c) => c.notNull())
        .addColumn("field", "text")
        .addColumn("reason", "text", (c) => c.notNull())
        .addColumn("raw", "text", (c) => c.notNull())
        .addColumn("created_at", time, (c) => c.notNull())
        .execute();
      await db.schema.createIndex("quarantine_run_idx").on("quarantine").column("import_run_id").execute();
    },
  };
}
