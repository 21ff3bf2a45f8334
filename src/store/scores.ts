import { randomUUID } from "node:crypto";
import type { Kysely } from "kysely";
import { type Database, fromJson, fromTime } from "./schema.js";
import { storableJson } from "./storable-text.js";

/**
 * Predictive scores on profiles, the model runs that computed them, and saved audiences. A run replaces
 * every score of its name at once (in one transaction), so a profile never shows a mix of two runs' scores
 * and a profile merged away since the last run loses its stale score.
 */

type Db = Kysely<Database>;

export type ModelRunKind = "clv" | "propensity" | "lookalike";

export interface ProfileScore {
  name: string;
  value: number;
  details: Record<string, unknown> | null;
  computedAt: string;
  modelRunId: string;
}

export interface ModelRun {
  id: string;
  kind: ModelRunKind;
  name: string;
  status: "running" | "completed" | "failed";
  inputs: Record<string, unknown>;
  parameters: Record<string, unknown> | null;
  evaluation: Record<string, unknown> | null;
  scored: number;
  error: string | null;
  startedAt: string;
  finishedAt: string | null;
}

export interface NewScore {
  entityId: string;
  value: number;
  details?: Record<string, unknown> | null;
}

const json = (value: unknown) => storableJson(JSON.stringify(value));

export async function startModelRun(
  db: Db,
  run: { kind: ModelRunKind; name: string; inputs: Record<string, unknown>; at?: string },
): Promise<string> {
  const id = `${run.kind}-${randomUUID()}`;
  await db
    .insertInto("model_run")
    .values({
      id,
      kind: run.kind,
      name: run.name,
      status: "running",
      inputs: json(run.inputs),
      parameters: null,
      evaluation: null,
      model: null,
      error: null,
      started_at: run.at ?? new Date().toISOString(),
      finished_at: null,
    })
    .execute();
  return id;
}

export async function finishModelRun(
  db: Db,
  id: string,
  result: {
    parameters: Record<string, unknown>;
    evaluation: Record<string, unknown> | null;
    /** The fitted model itself, to score with again later. */
    model?: unknown;
    scored: number;
  },
): Promise<void> {
  await db
    .updateTable("model_run")
    .set({
      status: "completed",
      parameters: json(result.parameters),
      evaluation: result.evaluation === null ? null : json(result.evaluation),
      model: result.model === undefined ? null : json(result.model),
      scored: result.scored,
      finished_at: new Date().toISOString(),
    })
    .where("id", "=", id)
    .execute();
}

export async function failModelRun(db: Db, id: string, error: string): Promise<void> {
  await db
    .updateTable("model_run")
    .set({ status: "failed", error, finished_at: new Date().toISOString() })
    .where("id", "=", id)
    .execute();
}

type RunRow = {
  id: string;
  kind: ModelRunKind;
  name: string;
  status: ModelRun["status"];
  inputs: unknown;
  parameters: unknown;
  evaluation: unknown;
  scored: number;
  error: string | null;
  started_at: string | Date;
  finished_at: string | Date | null;
};

function toRun(r: RunRow): ModelRun {
  return {
    id: r.id,
    kind: r.kind,
    name: r.name,
    status: r.status,
    inputs: fromJson<Record<string, unknown>>(r.inputs),
    parameters: r.parameters === null ? null : fromJson<Record<string, unknown>>(r.parameters),
    evaluation: r.evaluation === null ? null : fromJson<Record<string, unknown>>(r.evaluation),
    scored: Number(r.scored),
    error: r.error,
    startedAt: fromTime(r.started_at),
    finishedAt: r.finished_at === null ? null : fromTime(r.finished_at),
  };
}

const runColumns = [
  "id",
  "kind",
  "name",
  "status",
  "inputs",
  "parameters",
  "evaluation",
  "scored",
  "error",
  "started_at",
  "finished_at",
] as const;

export async function getModelRun(db: Db, id: string): Promise<ModelRun | null> {
  const row = await db.selectFrom("model_run").select(runColumns).where("id", "=", id).executeTakeFirst();
  return row ? toRun(row) : null;
}

/** The fitted model a run saved (null when it saved none). */
export async function getRunModel<T>(db: Db, id: string): Promise<T | null> {
  const row = await db.selectFrom("model_run").select("model").where("id", "=", id).executeTakeFirst();
  return row?.model ? fromJson<T>(row.model) : null;
}

/** Runs, newest first; optionally of one score name. */
export async function listModelRuns(
  db: Db,
  options: { name?: string; limit?: number } = {},
): Promise<ModelRun[]> {
  let q = db.selectFrom("model_run").select(runColumns);
  if (options.name) q = q.where("name", "=", options.name);
  const rows = await q
    .orderBy("started_at", "desc")
    .orderBy("id")
    .limit(options.limit ?? 50)
    .execute();
  return rows.map(toRun);
}

/**
 * Replaces every score called `name` with these, in one transaction and in batches. A value that is not a
 * finite number is an error naming the profile, and nothing is written.
 */
export async function writeScores(
  db: Db,
  name: string,
  modelRunId: string,
  scores: readonly NewScore[],
  at = new Date().toISOString(),
): Promise<number> {
  for (const s of scores)
    if (!Number.isFinite(s.value))
      throw new RangeError(`score "${name}" of ${s.entityId} is ${s.value}, not a number`);
  await db.transaction().execute(async (trx) => {
    await trx.deleteFrom("profile_score").where("name", "=", name).execute();
    for (let i = 0; i < scores.length; i += 1000) {
      await trx
        .insertInto("profile_score")
        .values(
          scores.slice(i, i + 1000).map((s) => ({
            entity_id: s.entityId,
            name,
            value: s.value,
            details: s.details === undefined || s.details === null ? null : json(s.details),
            model_run_id: modelRunId,
            computed_at: at,
          })),
        )
        .execute();
    }
  });
  return scores.length;
}

/** Every score of one profile, by name: what the profile API shows beside the golden values. */
export async function readScores(db: Db, entityId: string): Promise<ProfileScore[]> {
  const rows = await db
    .selectFrom("profile_score")
    .select(["name", "value", "details", "computed_at", "model_run_id"])
    .where("entity_id", "=", entityId)
    .orderBy("name")
    .execute();
  return rows.map((r) => ({
    name: r.name,
    value: Number(r.value),
    details: r.details === null ? null : fromJson<Record<string, unknown>>(r.details),
    computedAt: fromTime(r.computed_at),
    modelRunId: r.model_run_id,
  }));
}

/** The profiles with the highest (or lowest) values of a score. */
export async function topScores(
  db: Db,
  name: string,
  options: { limit?: number; ascending?: boolean } = {},
): Promise<{ entityId: string; value: number; details: Record<string, unknown> | null }[]> {
  const rows = await db
    .selectFrom("profile_score")
    .select(["entity_id", "value", "details"])
    .where("name", "=", name)
    .orderBy("value", options.ascending ? "asc" : "desc")
    .orderBy("entity_id")
    .limit(options.limit ?? 20)
    .execute();
  return rows.map((r) => ({
    entityId: r.entity_id,
    value: Number(r.value),
    details: r.details === null ? null : fromJson<Record<string, unknown>>(r.details),
  }));
}

/** Entity id → value of one score, for every profile that has it. */
export async function scoresByName(db: Db, name: string): Promise<Map<string, number>> {
  const rows = await db
    .selectFrom("profile_score")
    .select(["entity_id", "value"])
    .where("name", "=", name)
    .execute();
  return new Map(rows.map((r) => [r.entity_id, Number(r.value)]));
}

export interface SavedAudience {
  name: string;
  kind: string;
  definition: Record<string, unknown>;
  modelRunId: string | null;
  size: number;
  createdAt: string;
  updatedAt: string;
}

/** Saves (or replaces) an audience and its ranked members, in one transaction. */
export async function saveAudience(
  db: Db,
  audience: {
    name: string;
    kind: string;
    definition: Record<string, unknown>;
    modelRunId: string | null;
    members: readonly { entityId: string; score: number }[];
  },
): Promise<void> {
  const at = new Date().toISOString();
  await db.transaction().execute(async (trx) => {
    const existing = await trx
      .selectFrom("saved_audience")
      .select("created_at")
      .where("name", "=", audience.name)
      .executeTakeFirst();
    await trx.deleteFrom("saved_audience_member").where("audience", "=", audience.name).execute();
    await trx.deleteFrom("saved_audience").where("name", "=", audience.name).execute();
    await trx
      .insertInto("saved_audience")
      .values({
        name: audience.name,
        kind: audience.kind,
        definition: json(audience.definition),
        model_run_id: audience.modelRunId,
        size: audience.members.length,
        created_at: existing ? fromTime(existing.created_at) : at,
        updated_at: at,
      })
      .execute();
    for (let i = 0; i < audience.members.length; i += 1000) {
      await trx
        .insertInto("saved_audience_member")
        .values(
          audience.members.slice(i, i + 1000).map((m, k) => ({
            audience: audience.name,
            entity_id: m.entityId,
            rank: i + k + 1,
            score: m.score,
          })),
        )
        .execute();
    }
  });
}

export async function readAudience(
  db: Db,
  name: string,
): Promise<{ audience: SavedAudience; members: { entityId: string; rank: number; score: number }[] } | null> {
  const a = await db.selectFrom("saved_audience").selectAll().where("name", "=", name).executeTakeFirst();
  if (!a) return null;
  const members = await db
    .selectFrom("saved_audience_member")
    .select(["entity_id", "rank", "score"])
    .where("audience", "=", name)
    .orderBy("rank")
    .execute();
  return {
    audience: {
      name: a.name,
      kind: a.kind,
      definition: fromJson<Record<string, unknown>>(a.definition),
      modelRunId: a.model_run_id,
      size: a.size,
      createdAt: fromTime(a.created_at),
      updatedAt: fromTime(a.updated_at),
    },
    members: members.map((m) => ({ entityId: m.entity_id, rank: m.rank, score: Number(m.score) })),
  };
}

export async function listAudiences(db: Db): Promise<SavedAudience[]> {
  const rows = await db.selectFrom("saved_audience").selectAll().orderBy("name").execute();
  return rows.map((a) => ({
    name: a.name,
    kind: a.kind,
    definition: fromJson<Record<string, unknown>>(a.definition),
    modelRunId: a.model_run_id,
    size: a.size,
    createdAt: fromTime(a.created_at),
    updatedAt: fromTime(a.updated_at),
  }));
}
