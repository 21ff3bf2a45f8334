import type { Kysely } from "kysely";
import type { DialectName } from "../dialect.js";
import { columnTypes } from "./column-types.js";

/**
 * Audiences (issue 8).
 *
 * - `computed_trait` (definitions as JSON) and `computed_trait_value` (per profile and trait: the value as of
 *   `updated_at`, and the fold state it is derived from, so that new events update it without a rescan).
 * - `event_rollup`: events counted per actor record, event name and UTC day — what segment rules over events
 *   read instead of the event table (keyed by record, not profile, so that merges and splits need no rewrite).
 * - `segment` and `segment_member` (members now, with since when).
 * - `message` (the ledger: what was sent to whom on which channel and campaign) and `message_response`
 *   (opened, clicked, converted, unsubscribed, complained). Attribution reads `message` as touchpoints.
 */
export function audiences(dialect: DialectName) {
  const { json, time, serial, id } = columnTypes(dialect);
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable("computed_trait")
        .addColumn("name", "text", (c) => c.primaryKey())
        .addColumn("definition", json, (c) => c.notNull())
        .addColumn("created_at", time, (c) => c.notNull())
        .addColumn("updated_at", time, (c) => c.notNull())
        .addColumn("computed_at", time)
        .addColumn("model", json)
        .execute();
      await db.schema
        .createTable("computed_trait_value")
        .addColumn("name", "text", (c) => c.notNull())
        .addColumn("entity_id", "text", (c) => c.notNull())
        .addColumn("value", json, (c) => c.notNull())
        .addColumn("state", json)
        .addColumn("updated_at", time, (c) => c.notNull())
        .addPrimaryKeyConstraint("computed_trait_value_pk", ["name", "entity_id"])
        .execute();
      await db.schema
        .createIndex("computed_trait_value_entity_idx")
        .on("computed_trait_value")
        .column("entity_id")
        .execute();

      await db.schema
        .createTable("event_rollup")
        .addColumn("name", "text", (c) => c.notNull())
        .addColumn("day", "integer", (c) => c.notNull())
        .addColumn("record_key", "text", (c) => c.notNull())
        .addColumn("n", "integer", (c) => c.notNull())
        .addPrimaryKeyConstraint("event_rollup_pk", ["name", "day", "record_key"])
        .execute();
      await db.schema
        .createIndex("event_rollup_record_idx")
        .on("event_rollup")
        .column("record_key")
        .execute();

      await db.schema
        .createTable("segment")
        .addColumn("id", "text", (c) => c.primaryKey())
        .addColumn("name", "text", (c) => c.notNull().unique())
        .addColumn("description", "text")
        .addColumn("rule", json, (c) => c.notNull())
        .addColumn("size", "integer", (c) => c.notNull().defaultTo(0))
        .addColumn("created_at", time, (c) => c.notNull())
        .addColumn("updated_at", time, (c) => c.notNull())
        .addColumn("evaluated_at", time)
        .execute();
      await db.schema
        .createTable("segment_member")
        .addColumn("segment_id", "text", (c) => c.notNull())
        .addColumn("entity_id", "text", (c) => c.notNull())
        .addColumn("since", time, (c) => c.notNull())
        .addPrimaryKeyConstraint("segment_member_pk", ["segment_id", "entity_id"])
        .execute();
      await db.schema
        .createIndex("segment_member_entity_idx")
        .on("segment_member")
        .column("entity_id")
        .execute();

      await db.schema
        .createTable("message")
        .addColumn("id", serial, id)
        .addColumn("message_key", "text", (c) => c.unique())
        .addColumn("entity_id", "text", (c) => c.notNull())
        .addColumn("channel", "text", (c) => c.notNull())
        .addColumn("campaign", "text")
        .addColumn("template", "text")
        .addColumn("sent_at", time, (c) => c.notNull())
        .addColumn("properties", json)
        .addColumn("recorded_at", time, (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex("message_entity_idx")
        .on("message")
        .columns(["entity_id", "sent_at"])
        .execute();
      await db.schema
        .createIndex("message_campaign_idx")
        .on("message")
        .columns(["campaign", "sent_at"])
        .execute();
      await db.schema
        .createTable("message_response")
        .addColumn("id", serial, id)
        .addColumn("message_id", "bigint", (c) => c.notNull())
        .addColumn("entity_id", "text", (c) => c.notNull())
        .addColumn("channel", "text", (c) => c.notNull())
        .addColumn("kind", "text", (c) => c.notNull())
        .addColumn("at", time, (c) => c.notNull())
        .addColumn("properties", json)
        .addColumn("recorded_at", time, (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex("message_response_message_idx")
        .on("message_response")
        .column("message_id")
        .execute();
      await db.schema
        .createIndex("message_response_entity_idx")
        .on("message_response")
        .columns(["entity_id", "kind"])
        .execute();
    },
    async down(db: Kysely<unknown>): Promise<void> {
      for (const t of [
        "message_response",
        "message",
        "segment_member",
        "segment",
        "event_rollup",
        "computed_trait_value",
        "computed_trait",
      ])
        await db.schema.dropTable(t).execute();
    },
  };
}
