import type { Kysely } from "kysely";
import type { DialectName } from "../dialect.js";
import { columnTypes } from "./column-types.js";

/**
 * The real-time path (issue 5): API keys, events as received (deduplicated on source and message id), the
 * live identity graph (identifier → the actor record that brought it, whose link names the profile; generic
 * values marked), the identity links that batch runs
 * honour as must-links, and webhooks with their deliveries (retries and a dead-letter list).
 */
export function realtime(dialect: DialectName) {
  const { json, time, serial, id } = columnTypes(dialect);
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable("api_key")
        .addColumn("key", "text", (c) => c.primaryKey())
        .addColumn("kind", "text", (c) => c.notNull())
        .addColumn("name", "text", (c) => c.notNull())
        .addColumn("source", "text")
        .addColumn("created_at", time, (c) => c.notNull())
        .addColumn("revoked_at", time)
        .execute();

      await db.schema
        .createTable("event")
        .addColumn("id", serial, id)
        .addColumn("source", "text", (c) => c.notNull())
        .addColumn("message_id", "text", (c) => c.notNull())
        .addColumn("type", "text", (c) => c.notNull())
        .addColumn("name", "text")
        .addColumn("user_id", "text")
        .addColumn("anonymous_id", "text")
        .addColumn("record_key", "text", (c) => c.notNull())
        .addColumn("timestamp", time, (c) => c.notNull())
        .addColumn("received_at", time, (c) => c.notNull())
        .addColumn("sent_at", time)
        .addColumn("body", json, (c) => c.notNull())
        .addUniqueConstraint("event_message_unique", ["source", "message_id"])
        .execute();
      await db.schema
        .createIndex("event_record_idx")
        .on("event")
        .columns(["record_key", "timestamp"])
        .execute();

      await db.schema
        .createTable("identity")
        .addColumn("kind", "text", (c) => c.notNull())
        .addColumn("value", "text", (c) => c.notNull())
        .addColumn("record_key", "text", (c) => c.notNull())
        .addColumn("generic", "integer", (c) => c.notNull().defaultTo(0))
        .addColumn("shared", "integer", (c) => c.notNull().defaultTo(0))
        .addColumn("first_seen", time, (c) => c.notNull())
        .addColumn("last_seen", time, (c) => c.notNull())
        .addPrimaryKeyConstraint("identity_pkey", ["kind", "value"])
        .execute();
      await db.schema.createIndex("identity_record_idx").on("identity").column("record_key").execute();

      await db.schema
        .createTable("identity_link")
        .addColumn("id", serial, id)
        .addColumn("left_key", "text", (c) => c.notNull())
        .addColumn("right_key", "text", (c) => c.notNull())
        .addColumn("kind", "text", (c) => c.notNull())
        .addColumn("value", "text", (c) => c.notNull())
        .addColumn("at", time, (c) => c.notNull())
        .execute();

      await db.schema
        .createTable("webhook")
        .addColumn("id", serial, id)
        .addColumn("url", "text", (c) => c.notNull())
        .addColumn("secret", "text", (c) => c.notNull())
        .addColumn("kinds", json, (c) => c.notNull())
        .addColumn("active", "integer", (c) => c.notNull().defaultTo(1))
        .addColumn("cursor", "bigint", (c) => c.notNull().defaultTo(0))
        .addColumn("created_at", time, (c) => c.notNull())
        .execute();

      await db.schema
        .createTable("webhook_delivery")
        .addColumn("id", serial, id)
        .addColumn("webhook_id", "bigint", (c) => c.notNull())
        .addColumn("change_seq", "bigint", (c) => c.notNull())
        .addColumn("payload", json, (c) => c.notNull())
        .addColumn("status", "text", (c) => c.notNull())
        .addColumn("attempts", "integer", (c) => c.notNull().defaultTo(0))
        .addColumn("next_attempt_at", time, (c) => c.notNull())
        .addColumn("last_error", "text")
        .addColumn("created_at", time, (c) => c.notNull())
        .addColumn("delivered_at", time)
        .execute();
      await db.schema
        .createIndex("webhook_delivery_due_idx")
        .on("webhook_delivery")
        .columns(["status", "next_attempt_at"])
        .execute();
    },
    async down(db: Kysely<unknown>): Promise<void> {
      for (const t of ["webhook_delivery", "webhook", "identity_link", "identity", "event", "api_key"])
        await db.schema.dropTable(t).execute();
    },
  };
}
