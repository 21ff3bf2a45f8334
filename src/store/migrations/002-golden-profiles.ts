import type { Kysely } from "kysely";
import type { DialectName } from "../dialect.js";
import { columnTypes } from "./column-types.js";

/**
 * Entities, their links to source records, golden profiles, the change log, steward decisions and the
 * review queue (issue 4).
 */
export function goldenProfiles(dialect: DialectName) {
  const { json, time, bigint, serial, id } = columnTypes(dialect);
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      // One row per id ever allocated: active, merged (an alias of `merged_into`) or deleted. Never reused.
      await db.schema
        .createTable("entity")
        .addColumn("id", "text", (c) => c.primaryKey())
        .addColumn("seq", bigint, (c) => c.notNull().unique())
        .addColumn("status", "text", (c) => c.notNull())
        .addColumn("merged_into", "text")
        .addColumn("absorbed_records", json)
        .addColumn("records", "integer", (c) => c.notNull())
        .addColumn("created_at", time, (c) => c.notNull())
        .addColumn("updated_at", time, (c) => c.notNull())
        .execute();
      await db.schema.createIndex("entity_merged_into_idx").on("entity").column("merged_into").execute();

      await db.schema
        .createTable("id_sequence")
        .addColumn("name", "text", (c) => c.primaryKey())
        .addColumn("next_value", bigint, (c) => c.notNull())
        .execute();

      await db.schema
        .createTable("entity_link")
        .addColumn("record_key", "text", (c) => c.primaryKey())
        .addColumn("entity_id", "text", (c) => c.notNull())
        .addColumn("source", "text", (c) => c.notNull())
        .addColumn("evidence", json, (c) => c.notNull())
        .addColumn("linked_at", time, (c) => c.notNull())
        .execute();
      await db.schema.createIndex("entity_link_entity_idx").on("entity_link").column("entity_id").execute();

      await db.schema
        .createTable("golden_profile")
        .addColumn("entity_id", "text", (c) => c.primaryKey())
        .addColumn("profile", json, (c) => c.notNull())
        .addColumn("hash", "text", (c) => c.notNull())
        .addColumn("updated_at", time, (c) => c.notNull())
        .execute();

      await db.schema
        .createTable("golden_lookup")
        .addColumn("kind", "text", (c) => c.notNull())
        .addColumn("value", "text", (c) => c.notNull())
        .addColumn("entity_id", "text", (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex("golden_lookup_value_idx")
        .on("golden_lookup")
        .columns(["kind", "value"])
        .execute();
      await db.schema
        .createIndex("golden_lookup_entity_idx")
        .on("golden_lookup")
        .column("entity_id")
        .execute();

      await db.schema
        .createTable("entity_change")
        .addColumn("seq", serial, id)
        .addColumn("entity_id", "text", (c) => c.notNull())
        .addColumn("kind", "text", (c) => c.notNull())
        .addColumn("before", json)
        .addColumn("after", json)
        .addColumn("cause", "text", (c) => c.notNull())
        .addColumn("at", time, (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex("entity_change_entity_idx")
        .on("entity_change")
        .column("entity_id")
        .execute();

      await db.schema
        .createTable("steward_decision")
        .addColumn("id", serial, id)
        .addColumn("kind", "text", (c) => c.notNull())
        .addColumn("entities", json, (c) => c.notNull())
        .addColumn("records", json, (c) => c.notNull())
        .addColumn("decided_by", "text", (c) => c.notNull())
        .addColumn("reason", "text")
        .addColumn("decided_at", time, (c) => c.notNull())
        .execute();

      // The record pairs a decision comes down to, in decision order: the constraints later runs honour.
      await db.schema
        .createTable("decision_pair")
        .addColumn("id", serial, id)
        .addColumn("decision_id", bigint, (c) => c.notNull())
        .addColumn("kind", "text", (c) => c.notNull())
        .addColumn("left_key", "text", (c) => c.notNull())
        .addColumn("right_key", "text", (c) => c.notNull())
        .execute();

      await db.schema
        .createTable("review_item")
        .addColumn("id", serial, id)
        .addColumn("left_key", "text", (c) => c.notNull())
        .addColumn("right_key", "text", (c) => c.notNull())
        .addColumn("left_entity", "text", (c) => c.notNull())
        .addColumn("right_entity", "text", (c) => c.notNull())
        .addColumn("probability", "real", (c) => c.notNull())
        .addColumn("impact", "integer", (c) => c.notNull())
        .addColumn("explanation", json)
        .addColumn("status", "text", (c) => c.notNull())
        .addColumn("created_at", time, (c) => c.notNull())
        .addColumn("decided_at", time)
        .addColumn("decision_id", bigint)
        .execute();
      await db.schema
        .createIndex("review_item_status_idx")
        .on("review_item")
        .columns(["status", "impact"])
        .execute();

      await db.schema
        .createTable("master_state")
        .addColumn("key", "text", (c) => c.primaryKey())
        .addColumn("value", json, (c) => c.notNull())
        .addColumn("updated_at", time, (c) => c.notNull())
        .execute();
    },
  };
}
