import type { Kysely, Transaction } from "kysely";
import { type Database, fromCount, fromJson, fromTime } from "./schema.js";

/**
 * Audiences in the store: computed-trait definitions and values, the event rollup segment rules read,
 * segments and their members, and the segment entries and exits written to the change feed.
 */

type Db = Kysely<Database> | Transaction<Database>;

export interface SegmentMembership {
  segmentId: string;
  name: string;
  since: string;
}

const chunk = 500;

async function inChunks<T>(
  items: readonly T[],
  size: number,
  f: (batch: T[]) => Promise<unknown>,
): Promise<void> {
  for (let i = 0; i < items.length; i += size) await f(items.slice(i, i + size));
}

// ── computed traits ─────────────────────────────────────────────────────────────────────────────────────

export interface StoredTraitDefinition {
  name: string;
  definition: unknown;
  createdAt: string;
  updatedAt: string;
  computedAt: string | null;
  model: unknown;
}

function toTraitDef(r: {
  name: string;
  definition: unknown;
  created_at: string | Date;
  updated_at: string | Date;
  computed_at: string | Date | null;
  model: unknown;
}): StoredTraitDefinition {
  return {
    name: r.name,
    definition: fromJson(r.definition),
    createdAt: fromTime(r.created_at),
    updatedAt: fromTime(r.updated_at),
    computedAt: r.computed_at === null ? null : fromTime(r.computed_at),
    model: r.model === null ? null : fromJson(r.model),
  };
}

export async function listTraitDefinitions(db: Db): Promise<StoredTraitDefinition[]> {
  return (await db.selectFrom("computed_trait").selectAll().orderBy("name").execute()).map(toTraitDef);
}

export async function getTraitDefinition(db: Db, name: string): Promise<StoredTraitDefinition | null> {
  const r = await db.selectFrom("computed_trait").selectAll().where("name", "=", name).executeTakeFirst();
  return r ? toTraitDef(r) : null;
}

/** Creates or replaces a definition; a changed definition drops the values computed under the old one. */
export async function putTraitDefinition(
  db: Db,
  name: string,
  definition: unknown,
  at: string,
): Promise<void> {
  const text = JSON.stringify(definition);
  const old = await getTraitDefinition(db, name);
  if (old && JSON.stringify(old.definition) === text) return;
  await db
    .insertInto("computed_trait")
    .values({ name, definition: text, created_at: at, updated_at: at, computed_at: null, model: null })
    .onConflict((oc) =>
      oc.column("name").doUpdateSet({ definition: text, updated_at: at, computed_at: null, model: null }),
    )
    .execute();
  if (old) await db.deleteFrom("computed_trait_value").where("name", "=", name).execute();
}

export async function deleteTraitDefinition(db: Db, name: string): Promise<boolean> {
  await db.deleteFrom("computed_trait_value").where("name", "=", name).execute();
  const r = await db.deleteFrom("computed_trait").where("name", "=", name).executeTakeFirst();
  return Number(r.numDeletedRows) > 0;
}

export async function markTraitComputed(db: Db, name: string, at: string, model: unknown): Promise<void> {
  await db
    .updateTable("computed_trait")
    .set({ computed_at: at, model: model === undefined || model === null ? null : JSON.stringify(model) })
    .where("name", "=", name)
    .execute();
}

export interface TraitValueRow {
  name: string;
  entityId: string;
  value: unknown;
  state: unknown;
}

/** Stored values and states of some traits for some profiles: entity → trait → row. */
export async function readTraitValues(
  db: Db,
  names: readonly string[],
  entityIds: readonly string[],
): Promise<Map<string, Map<string, TraitValueRow>>> {
  const out = new Map<string, Map<string, TraitValueRow>>();
  if (names.length === 0) return out;
  await inChunks(entityIds, chunk, async (ids) => {
    const rows = await db
      .selectFrom("computed_trait_value")
      .select(["name", "entity_id", "value", "state"])
      .where("name", "in", names as string[])
      .where("entity_id", "in", ids)
      .execute();
    for (const r of rows) {
      let m = out.get(r.entity_id);
      if (!m) {
        m = new Map();
        out.set(r.entity_id, m);
      }
      m.set(r.name, {
        name: r.name,
        entityId: r.entity_id,
        value: fromJson<{ v: unknown }>(r.value).v,
        state: r.state === null ? null : fromJson(r.state),
      });
    }
  });
  return out;
}

/** Upserts values (with their fold state). */
export async function writeTraitValues(db: Db, rows: readonly TraitValueRow[], at: string): Promise<void> {
  await inChunks(rows, chunk, (batch) =>
    db
      .insertInto("computed_trait_value")
      .values(
        batch.map((r) => ({
          name: r.name,
          entity_id: r.entityId,
          value: JSON.stringify({ v: r.value ?? null }),
          state: r.state === null || r.state === undefined ? null : JSON.stringify(r.state),
          updated_at: at,
        })),
      )
      .onConflict((oc) =>
        oc.columns(["name", "entity_id"]).doUpdateSet((eb) => ({
          value: eb.ref("excluded.value"),
          state: eb.ref("excluded.state"),
          updated_at: eb.ref("excluded.updated_at"),
        })),
      )
      .execute(),
  );
}

export async function deleteTraitValues(db: Db, entityIds: readonly string[]): Promise<void> {
  await inChunks(entityIds, chunk, (ids) =>
    db.deleteFrom("computed_trait_value").where("entity_id", "in", ids).execute(),
  );
}

/** A profile's computed traits by name (what the profile document shows). */
export async function computedTraitsOf(
  db: Kysely<Database>,
  entityId: string,
): Promise<Record<string, unknown>> {
  const rows = await db
    .selectFrom("computed_trait_value")
    .select(["name", "value"])
    .where("entity_id", "=", entityId)
    .orderBy("name")
    .execute();
  const out: Record<string, unknown> = {};
  for (const r of rows) out[r.name] = fromJson<{ v: unknown }>(r.value).v;
  return out;
}

// ── event rollup ────────────────────────────────────────────────────────────────────────────────────────

export interface RollupRow {
  name: string;
  day: number;
  recordKey: string;
  n: number;
}

/** Adds counts to the rollup (upsert n = n + added). */
export async function addToRollup(db: Db, rows: readonly RollupRow[]): Promise<void> {
  await inChunks(rows, chunk, (batch) =>
    db
      .insertInto("event_rollup")
      .values(batch.map((r) => ({ name: r.name, day: r.day, record_key: r.recordKey, n: r.n })))
      .onConflict((oc) =>
        oc.columns(["name", "day", "record_key"]).doUpdateSet((eb) => ({
          n: eb(eb.ref("event_rollup.n"), "+", eb.ref("excluded.n")),
        })),
      )
      .execute(),
  );
}

// ── segments ────────────────────────────────────────────────────────────────────────────────────────────

export interface SegmentRow {
  id: string;
  name: string;
  description: string | null;
  rule: unknown;
  size: number;
  createdAt: string;
  updatedAt: string;
  evaluatedAt: string | null;
}

function toSegment(r: {
  id: string;
  name: string;
  description: string | null;
  rule: unknown;
  size: number;
  created_at: string | Date;
  updated_at: string | Date;
  evaluated_at: string | Date | null;
}): SegmentRow {
  return {
    id: r.id,
    name: r.name,
    description: r.description,
    rule: fromJson(r.rule),
    size: Number(r.size),
    createdAt: fromTime(r.created_at),
    updatedAt: fromTime(r.updated_at),
    evaluatedAt: r.evaluated_at === null ? null : fromTime(r.evaluated_at),
  };
}

export async function listSegments(db: Db): Promise<SegmentRow[]> {
  return (await db.selectFrom("segment").selectAll().orderBy("created_at").orderBy("id").execute()).map(
    toSegment,
  );
}

export async function getSegment(db: Db, id: string): Promise<SegmentRow | null> {
  const r = await db.selectFrom("segment").selectAll().where("id", "=", id).executeTakeFirst();
  return r ? toSegment(r) : null;
}

export async function getSegmentByName(db: Db, name: string): Promise<SegmentRow | null> {
  const r = await db.selectFrom("segment").selectAll().where("name", "=", name).executeTakeFirst();
  return r ? toSegment(r) : null;
}

export async function insertSegment(
  db: Db,
  s: { id: string; name: string; description: string | null; rule: unknown; at: string },
): Promise<void> {
  await db
    .insertInto("segment")
    .values({
      id: s.id,
      name: s.name,
      description: s.description,
      rule: JSON.stringify(s.rule),
      size: 0,
      created_at: s.at,
      updated_at: s.at,
      evaluated_at: null,
    })
    .execute();
}

export async function updateSegmentRow(
  db: Db,
  id: string,
  s: { name?: string; description?: string | null; rule?: unknown; at: string },
): Promise<void> {
  await db
    .updateTable("segment")
    .set({
      ...(s.name !== undefined ? { name: s.name } : {}),
      ...(s.description !== undefined ? { description: s.description } : {}),
      ...(s.rule !== undefined ? { rule: JSON.stringify(s.rule) } : {}),
      updated_at: s.at,
    })
    .where("id", "=", id)
    .execute();
}

export async function deleteSegmentRow(db: Db, id: string): Promise<boolean> {
  await db.deleteFrom("segment_member").where("segment_id", "=", id).execute();
  const r = await db.deleteFrom("segment").where("id", "=", id).executeTakeFirst();
  return Number(r.numDeletedRows) > 0;
}

/** The members of a segment now, optionally only among some profiles. */
export async function segmentMembers(
  db: Db,
  segmentId: string,
  among?: readonly string[],
): Promise<Set<string>> {
  const out = new Set<string>();
  if (among === undefined) {
    const rows = await db
      .selectFrom("segment_member")
      .select("entity_id")
      .where("segment_id", "=", segmentId)
      .execute();
    for (const r of rows) out.add(r.entity_id);
    return out;
  }
  await inChunks(among, chunk, async (ids) => {
    const rows = await db
      .selectFrom("segment_member")
      .select("entity_id")
      .where("segment_id", "=", segmentId)
      .where("entity_id", "in", ids)
      .execute();
    for (const r of rows) out.add(r.entity_id);
  });
  return out;
}

/** A page of members in id order (golden ids sort by their number), after a cursor. */
export async function segmentMemberPage(
  db: Db,
  segmentId: string,
  options: { limit?: number; after?: string | null } = {},
): Promise<{ members: { entityId: string; since: string }[]; next: string | null }> {
  const limit = Math.max(1, Math.min(options.limit ?? 100, 10_000));
  let q = db
    .selectFrom("segment_member as m")
    .innerJoin("entity as e", "e.id", "m.entity_id")
    .select(["m.entity_id", "m.since", "e.seq"])
    .where("m.segment_id", "=", segmentId);
  if (options.after) {
    const seq = Number(/^T-(\d+)$/.exec(options.after)?.[1]);
    if (!Number.isInteger(seq)) throw new Error(`"${options.after}" is not a member cursor (a golden id)`);
    q = q.where("e.seq", ">", seq);
  }
  const rows = await q
    .orderBy("e.seq")
    .limit(limit + 1)
    .execute();
  const members = rows.slice(0, limit).map((r) => ({ entityId: r.entity_id, since: fromTime(r.since) }));
  return { members, next: rows.length > limit ? (members[members.length - 1]?.entityId ?? null) : null };
}

export interface SegmentChange {
  segment: { id: string; name: string };
  entityId: string;
  kind: "segment.entered" | "segment.left";
  cause: string;
}

/**
 * Applies entries and exits to a segment's members and writes each to the change feed (`entity_change`, kind
 * `segment.entered` / `segment.left`, the segment in `after`), so that `/v1/changes` and webhooks carry them.
 */
export async function applySegmentChanges(
  db: Db,
  changes: readonly SegmentChange[],
  at: string,
): Promise<void> {
  if (changes.length === 0) return;
  const bySegment = new Map<string, { entered: string[]; left: string[] }>();
  for (const c of changes) {
    let s = bySegment.get(c.segment.id);
    if (!s) {
      s = { entered: [], left: [] };
      bySegment.set(c.segment.id, s);
    }
    (c.kind === "segment.entered" ? s.entered : s.left).push(c.entityId);
  }
  for (const [segmentId, s] of bySegment) {
    await inChunks(s.left, chunk, (ids) =>
      db
        .deleteFrom("segment_member")
        .where("segment_id", "=", segmentId)
        .where("entity_id", "in", ids)
        .execute(),
    );
    await inChunks(s.entered, chunk, (ids) =>
      db
        .insertInto("segment_member")
        .values(ids.map((entity_id) => ({ segment_id: segmentId, entity_id, since: at })))
        .onConflict((oc) => oc.columns(["segment_id", "entity_id"]).doNothing())
        .execute(),
    );
  }
  await inChunks(changes, chunk, (batch) =>
    db
      .insertInto("entity_change")
      .values(
        batch.map((c) => ({
          entity_id: c.entityId,
          // The change log's kinds are profile changes; a segment entry or exit is one more kind of change.
          kind: c.kind as "updated",
          before: null,
          // Shaped like an entity state (records, golden) so readers of the log that expect one still work.
          after: JSON.stringify({ records: [], golden: null, segment: c.segment }),
          cause: c.cause,
          at,
        })),
      )
      .execute(),
  );
}

export async function setSegmentSize(db: Db, id: string, at: string, evaluated: boolean): Promise<number> {
  const r = await db
    .selectFrom("segment_member")
    .select((eb) => eb.fn.countAll().as("n"))
    .where("segment_id", "=", id)
    .executeTakeFirst();
  const size = fromCount((r?.n ?? 0) as number);
  await db
    .updateTable("segment")
    .set({ size, ...(evaluated ? { evaluated_at: at } : {}) })
    .where("id", "=", id)
    .execute();
  return size;
}

/** The segments a profile is in now. */
export async function segmentsOf(db: Kysely<Database>, entityId: string): Promise<SegmentMembership[]> {
  const rows = await db
    .selectFrom("segment_member as m")
    .innerJoin("segment as s", "s.id", "m.segment_id")
    .select(["m.segment_id", "s.name", "m.since"])
    .where("m.entity_id", "=", entityId)
    .orderBy("s.name")
    .execute();
  return rows.map((r) => ({ segmentId: r.segment_id, name: r.name, since: fromTime(r.since) }));
}
