import type { Kysely } from "kysely";
import type { DialectName } from "../dialect.js";
import { columnTypes } from "./column-types.js";

/**
 * Attribution and channel decisions (issue 10): each attribution run kept with its options and its credit
 * tables (the API and the console read the latest), and each channel decision with the evidence it was
 * drawn from.
 */
export function attribution(dialect: DialectName) {
  const { json, time, serial, id } = columnTypes(dialect);
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable("attribution_run")
        .addColumn("id", serial, id)
        .addColumn("input", "text", (c) => c.notNull())
        .addColumn("by", "text", (c) => c.notNull())
        .addColumn("options", json, (c) => c.notNull())
        .addColumn("report", json, (c) => c.notNull())
        .addColumn("created_at", time, (c) => c.notNull())
        .execute();
      await db.schema
        .createTable("channel_decision")
        .addColumn("id", serial, id)
        .addColumn("entity_id", "text")
        .addColumn("channel", "text", (c) => c.notNull())
        .addColumn("message", "text")
        .addColumn("evidence", json, (c) => c.notNull())
        .addColumn("decided_at", time, (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex("channel_decision_entity_idx")
        .on("channel_decision")
        .columns(["entity_id", "decided_at"])
        .execute();
    },
  };
}
