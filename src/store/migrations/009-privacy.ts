import { createHash } from "node:crypto";
import { type Kysely, sql } from "kysely";
import type { DialectName } from "../dialect.js";
import { columnTypes } from "./column-types.js";

/**
 * Privacy and governance (issue 11).
 *
 * - `api_key` gains `key_hash` (SHA-256 of the key: the key itself is no longer stored; its `key` column now
 *   holds a short public key id such as `rk_Ab3d.9f2c1e`), `scopes` (JSON list), `rate_limit` (requests per
 *   second; null for the kind's default, 0 for none) and `recipient` (whose privacy budget its insights spend).
 *   Keys made before this migration are hashed in place.
 * - `consent`: consent per subject (an identifier or record the person was known by when they gave it), purpose
 *   and channel, granted / denied / revoked, with when and where from; from the API and from events.
 * - `erased_identifier`: salted hashes of the identifiers of erased people (the only trace kept); `erasure`: the
 *   receipts (counts per table and hashed ids — no identifier in clear).
 * - `audit_log`: every full-profile read and every change, with the key id that did it.
 * - `privacy_budget` and `privacy_release`: the (ε, δ) budget of each recipient of insights and what each
 *   release spent.
 * - `privacy_setting`: the stored salt when none is given by the environment, the consent policy, the cursor of
 *   consent read from events.
 */
export function privacy(dialect: DialectName) {
  const { json, time, bigint, real, serial, id } = columnTypes(dialect);
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema.alterTable("api_key").addColumn("key_hash", "text").execute();
      await db.schema.alterTable("api_key").addColumn("scopes", json).execute();
      await db.schema.alterTable("api_key").addColumn("rate_limit", real).execute();
      await db.schema.alterTable("api_key").addColumn("recipient", "text").execute();
      const old = await sql<{ key: string }>`select key from api_key`.execute(db);
      for (const r of old.rows) {
        const hash = createHash("sha256").update(r.key, "utf8").digest("hex");
        const keyId = `${r.key.slice(0, 7)}.${hash.slice(0, 6)}`;
        await sql`update api_key set key = ${keyId}, key_hash = ${hash} where key = ${r.key}`.execute(db);
      }
      await db.schema.createIndex("api_key_hash_idx").on("api_key").column("key_hash").unique().execute();

      await db.schema
        .createTable("consent")
        .addColumn("id", serial, id)
        .addColumn("subject", "text", (c) => c.notNull())
        .addColumn("purpose", "text", (c) => c.notNull())
        .addColumn("channel", "text", (c) => c.notNull())
        .addColumn("state", "text", (c) => c.notNull())
        .addColumn("at", time, (c) => c.notNull())
        .addColumn("source", "text", (c) => c.notNull())
        .addColumn("event_id", bigint)
        .addColumn("recorded_by", "text")
        .addColumn("recorded_at", time, (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex("consent_subject_idx")
        .on("consent")
        .columns(["subject", "purpose"])
        .execute();
      await db.schema.createIndex("consent_purpose_idx").on("consent").columns(["purpose", "at"]).execute();
      await db.schema
        .createIndex("consent_event_idx")
        .on("consent")
        .columns(["event_id", "purpose", "channel"])
        .unique()
        .execute();

      await db.schema
        .createTable("erased_identifier")
        .addColumn("hash", "text", (c) => c.primaryKey())
        .addColumn("kind", "text", (c) => c.notNull())
        .addColumn("erasure_id", "text", (c) => c.notNull())
        .addColumn("erased_at", time, (c) => c.notNull())
        .execute();
      await db.schema
        .createTable("erasure")
        .addColumn("id", "text", (c) => c.primaryKey())
        .addColumn("at", time, (c) => c.notNull())
        .addColumn("requested_by", "text", (c) => c.notNull())
        .addColumn("reason", "text")
        .addColumn("receipt", json, (c) => c.notNull())
        .execute();

      await db.schema
        .createTable("audit_log")
        .addColumn("id", serial, id)
        .addColumn("at", time, (c) => c.notNull())
        .addColumn("actor", "text", (c) => c.notNull())
        .addColumn("action", "text", (c) => c.notNull())
        .addColumn("subject", "text")
        .addColumn("details", json)
        .execute();
      await db.schema
        .createIndex("audit_log_subject_idx")
        .on("audit_log")
        .columns(["subject", "at"])
        .execute();
      await db.schema.createIndex("audit_log_at_idx").on("audit_log").column("at").execute();

      await db.schema
        .createTable("privacy_budget")
        .addColumn("recipient", "text", (c) => c.primaryKey())
        .addColumn("epsilon", real, (c) => c.notNull())
        .addColumn("delta", real, (c) => c.notNull())
        .addColumn("updated_at", time, (c) => c.notNull())
        .execute();
      await db.schema
        .createTable("privacy_release")
        .addColumn("id", serial, id)
        .addColumn("recipient", "text", (c) => c.notNull())
        .addColumn("at", time, (c) => c.notNull())
        .addColumn("epsilon", real, (c) => c.notNull())
        .addColumn("delta", real, (c) => c.notNull())
        .addColumn("mechanism", "text", (c) => c.notNull())
        .addColumn("query", json, (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex("privacy_release_recipient_idx")
        .on("privacy_release")
        .column("recipient")
        .execute();

      await db.schema
        .createTable("privacy_setting")
        .addColumn("key", "text", (c) => c.primaryKey())
        .addColumn("value", json, (c) => c.notNull())
        .addColumn("updated_at", time, (c) => c.notNull())
        .execute();
    },
  };
}
