import type { Kysely } from "kysely";
import type { DialectName } from "../dialect.js";
import { columnTypes } from "./column-types.js";

/**
 * Predictive scores and model runs (issue 9): `model_run` (one per fit: what was fitted on what, its
 * parameters and its evaluation on held-out data), `profile_score` (the latest value of each score of each
 * profile, with the run that computed it), and `saved_audience` with its members (lookalike audiences; the
 * project has no audience table of its own yet).
 */
export function scores(dialect: DialectName) {
  const { json, time, real } = columnTypes(dialect);
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable("model_run")
        .addColumn("id", "text", (c) => c.primaryKey())
        .addColumn("kind", "text", (c) => c.notNull())
        .addColumn("name", "text", (c) => c.notNull())
        .addColumn("status", "text", (c) => c.notNull())
        .addColumn("inputs", json, (c) => c.notNull())
        .addColumn("parameters", json)
        .addColumn("evaluation", json)
        .addColumn("model", json)
        .addColumn("scored", "integer", (c) => c.notNull().defaultTo(0))
        .addColumn("error", "text")
        .addColumn("started_at", time, (c) => c.notNull())
        .addColumn("finished_at", time)
        .execute();
      await db.schema
        .createIndex("model_run_name_idx")
        .on("model_run")
        .columns(["name", "started_at"])
        .execute();

      await db.schema
        .createTable("profile_score")
        .addColumn("entity_id", "text", (c) => c.notNull())
        .addColumn("name", "text", (c) => c.notNull())
        .addColumn("value", real, (c) => c.notNull())
        .addColumn("details", json)
        .addColumn("model_run_id", "text", (c) => c.notNull())
        .addColumn("computed_at", time, (c) => c.notNull())
        .addPrimaryKeyConstraint("profile_score_pk", ["entity_id", "name"])
        .execute();
      await db.schema
        .createIndex("profile_score_name_idx")
        .on("profile_score")
        .columns(["name", "value"])
        .execute();
      await db.schema
        .createIndex("profile_score_run_idx")
        .on("profile_score")
        .column("model_run_id")
        .execute();

      await db.schema
        .createTable("saved_audience")
        .addColumn("name", "text", (c) => c.primaryKey())
        .addColumn("kind", "text", (c) => c.notNull())
        .addColumn("definition", json, (c) => c.notNull())
        .addColumn("model_run_id", "text")
        .addColumn("size", "integer", (c) => c.notNull())
        .addColumn("created_at", time, (c) => c.notNull())
        .addColumn("updated_at", time, (c) => c.notNull())
        .execute();
      await db.schema
        .createTable("saved_audience_member")
        .addColumn("audience", "text", (c) => c.notNull())
        .addColumn("entity_id", "text", (c) => c.notNull())
        .addColumn("rank", "integer", (c) => c.notNull())
        .addColumn("score", real, (c) => c.notNull())
        .addPrimaryKeyConstraint("saved_audience_member_pk", ["audience", "entity_id"])
        .execute();
      await db.schema
        .createIndex("saved_audience_member_rank_idx")
        .on("saved_audience_member")
        .columns(["audience", "rank"])
        .execute();
    },
    async down(db: Kysely<unknown>): Promise<void> {
      await db.schema.dropTable("saved_audience_member").execute();
      await db.schema.dropTable("saved_audience").execute();
      await db.schema.dropTable("profile_score").execute();
      await db.schema.dropTable("model_run").execute();
    },
  };
}
