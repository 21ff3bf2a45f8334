import { type Kysely, sql } from "kysely";
import type { DialectName } from "../dialect.js";
import { columnTypes } from "./column-types.js";

/**
 * Quality profiles, enrichment and households (issue 6).
 *
 * - `household`: one row per household id ever allocated (`H-n` from `id_sequence` under "household", never
 *   reused): its golden address and aggregates, active or dissolved.
 * - `household_member`: who belongs to which household and when — a row per membership, `until` set when the
 *   person moved out (or the household dissolved); at most one open row per entity.
 * - `profile_quality`: the quality and fake-risk traits of each golden profile (one row per entity), with
 *   `excluded` set when the risk is high enough to keep the profile out of audiences and insights.
 * - `entity_enrichment`: values derived offline (coordinates, time zone, age band, tenure, preferred channel…),
 *   each with how and from what it was derived.
 * - `quality_run`: the figures of each quality run, which the report draws.
 */
export function households(dialect: DialectName) {
  const { json, time, bigint, serial, id } = columnTypes(dialect);
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable("household")
        .addColumn("id", "text", (c) => c.primaryKey())
        .addColumn("seq", bigint, (c) => c.notNull().unique())
        .addColumn("status", "text", (c) => c.notNull())
        .addColumn("address", json)
        .addColumn("size", "integer", (c) => c.notNull())
        .addColumn("aggregates", json, (c) => c.notNull())
        .addColumn("created_at", time, (c) => c.notNull())
        .addColumn("updated_at", time, (c) => c.notNull())
        .execute();

      await db.schema
        .createTable("household_member")
        .addColumn("id", serial, id)
        .addColumn("household_id", "text", (c) => c.notNull())
        .addColumn("entity_id", "text", (c) => c.notNull())
        .addColumn("since", time, (c) => c.notNull())
        .addColumn("until", time)
        .addColumn("evidence", json)
        .execute();
      await db.schema
        .createIndex("household_member_household_idx")
        .on("household_member")
        .column("household_id")
        .execute();
      await db.schema
        .createIndex("household_member_entity_idx")
        .on("household_member")
        .column("entity_id")
        .execute();
      // A person is in at most one current household.
      await db.schema
        .createIndex("household_member_current_idx")
        .on("household_member")
        .column("entity_id")
        .unique()
        .where(sql.ref("until"), "is", null)
        .execute();

      await db.schema
        .createTable("profile_quality")
        .addColumn("entity_id", "text", (c) => c.primaryKey())
        .addColumn("completeness", "real", (c) => c.notNull())
        .addColumn("validity", "real", (c) => c.notNull())
        .addColumn("conflicts", "integer", (c) => c.notNull())
        .addColumn("freshness_days", "integer")
        .addColumn("fake_score", "real", (c) => c.notNull())
        .addColumn("fake_reasons", json, (c) => c.notNull())
        .addColumn("excluded", "integer", (c) => c.notNull())
        .addColumn("details", json, (c) => c.notNull())
        .addColumn("updated_at", time, (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex("profile_quality_excluded_idx")
        .on("profile_quality")
        .column("excluded")
        .execute();

      await db.schema
        .createTable("entity_enrichment")
        .addColumn("entity_id", "text", (c) => c.notNull())
        .addColumn("field", "text", (c) => c.notNull())
        .addColumn("value", json, (c) => c.notNull())
        .addColumn("derivation", json, (c) => c.notNull())
        .addColumn("updated_at", time, (c) => c.notNull())
        .addPrimaryKeyConstraint("entity_enrichment_pk", ["entity_id", "field"])
        .execute();

      await db.schema
        .createTable("quality_run")
        .addColumn("id", serial, id)
        .addColumn("at", time, (c) => c.notNull())
        .addColumn("summary", json, (c) => c.notNull())
        .execute();
    },
    async down(db: Kysely<unknown>): Promise<void> {
      for (const table of [
        "quality_run",
        "entity_enrichment",
        "profile_quality",
        "household_member",
        "household",
      ])
        await db.schema.dropTable(table).ifExists().execute();
    },
  };
}
