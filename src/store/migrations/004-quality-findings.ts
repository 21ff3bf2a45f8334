import type { Kysely } from "kysely";
import type { DialectName } from "../dialect.js";
import { columnTypes } from "./column-types.js";

/**
 * Data-quality findings: one row per thing found wrong or doubtful about a record, an entity, an event, an
 * identifier or a household (a refused merge, a likely typo, a generic value, an invalid email…), so that
 * nothing that was refused or doubted is lost. `details` holds what the finding needs to be acted on.
 */
export function qualityFindings(dialect: DialectName) {
  const { json, time, serial, id } = columnTypes(dialect);
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable("quality_finding")
        .addColumn("id", serial, id)
        .addColumn("kind", "text", (c) => c.notNull())
        .addColumn("subject_kind", "text", (c) => c.notNull())
        .addColumn("subject", "text", (c) => c.notNull())
        .addColumn("field", "text")
        .addColumn("message", "text", (c) => c.notNull())
        .addColumn("details", json)
        .addColumn("severity", "text", (c) => c.notNull())
        .addColumn("status", "text", (c) => c.notNull().defaultTo("open"))
        .addColumn("created_at", time, (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex("quality_finding_subject_idx")
        .on("quality_finding")
        .columns(["subject_kind", "subject"])
        .execute();
      await db.schema.createIndex("quality_finding_kind_idx").on("quality_finding").column("kind").execute();
    },
    async down(db: Kysely<unknown>): Promise<void> {
      await db.schema.dropTable("quality_finding").execute();
    },
  };
}
