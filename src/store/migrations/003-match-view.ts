import type { Kysely } from "kysely";
import type { DialectName } from "../dialect.js";

/**
 * The match view: for the latest version of every source record, the part identity resolution reads
 * (src/resolve/match-record.ts), as compact JSON text. Written with each new version; a resolution run
 * reads this narrow table instead of every stored version in full. Stores from before it are filled
 * in by the first run that needs it.
 */
export function matchView(_dialect: DialectName) {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable("match_view")
        .addColumn("source", "text", (c) => c.notNull())
        .addColumn("source_record_id", "text", (c) => c.notNull())
        .addColumn("view", "text", (c) => c.notNull())
        .addPrimaryKeyConstraint("match_view_pkey", ["source", "source_record_id"])
        .execute();
    },
    async down(db: Kysely<unknown>): Promise<void> {
      await db.schema.dropTable("match_view").execute();
    },
  };
}
