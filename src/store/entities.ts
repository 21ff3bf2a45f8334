import { type Kysely, sql } from "kysely";
import type { GoldenProfile } from "../master/golden-profile.js";
import type { AliasEntity } from "../master/stable-ids.js";
import type { Store } from "./open-store.js";
import { type Database, fromCount, fromJson, fromTime } from "./schema.js";

/**
 * Entities (golden ids), their links to source records, golden profiles, lookups by email and phone, and the
 * ordered change log. Ids are `T-` and a sequence number from the store; a number is allocated once and an
 * id never reused: an entity merged away stays as an alias (`merged_into`), a deleted one stays deleted.
 */

type Db = Kysely<Database>;

export type EntityStatus = "active" | "merged" | "deleted";
export type ChangeKind = "created" | "updated" | "merged" | "split" | "deleted";

/** What an entity was or became: its records and its golden profile. */
export interface EntityState {
  records: string[];
  golden: GoldenProfile | null;
  /** For a merge: the entities absorbed; for a split: the parts that left; for an alias: its survivor. */
  entities?: string[];
}

/** Why a record is linked to its entity. */
export interface LinkEvidence {
  kind: "score" | "rule" | "steward" | "alone";
  /** The strongest match probability joining the record to another of its entity. */
  probability?: number;
  /** The deterministic rule or the steward decision. */
  rule?: string;
  decision?: number;
  by: string;
  at: string;
}

export interface EntityRow {
  id: string;
  seq: number;
  status: EntityStatus;
  mergedInto: string | null;
  records: number;
  createdAt: string;
  updatedAt: string;
}

export interface LinkRow {
  recordKey: string;
  entityId: string;
  source: string;
  evidence: LinkEvidence;
  linkedAt: string;
}

export interface ChangeRow {
  seq: number;
  entityId: string;
  kind: ChangeKind;
  before: EntityState | null;
  after: EntityState | null;
  cause: string;
  at: string;
}

export const entityIdPattern = /^T-(\d+)$/;

export function formatEntityId(seq: number): string {
  return `T-${seq}`;
}

/** Splits `source/sourceRecordId` (source names never hold a slash). */
export function splitRecordKey(key: string): { source: string; sourceRecordId: string } {
  const slash = key.indexOf("/");
  if (slash <= 0 || slash === key.length - 1)
    throw new Error(`"${key}" is not a record key: write it as source/id, e.g. crm/C000123`);
  return { source: key.slice(0, slash), sourceRecordId: key.slice(slash + 1) };
}

/** Record keys grouped by source: source → its source record ids. */
export function keysBySource(keys: Iterable<string>): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const key of keys) {
    const { source, sourceRecordId } = splitRecordKey(key);
    const ids = out.get(source);
    if (ids) ids.push(sourceRecordId);
    else out.set(source, [sourceRecordId]);
  }
  return out;
}

/**
 * Allocates `count` new numbers of a sequence (entities' by default). One `UPDATE … RETURNING`: the row lock
 * makes concurrent allocations (several resolver workers on PostgreSQL) hand out disjoint ranges. The live path
 * on PostgreSQL calls it outside its own transaction, so that the sequence row is not held until that commits;
 * a number allocated by a transaction that then rolls back is simply never used.
 */
export async function allocateSeqs(trx: Db, count: number, sequence = "entity"): Promise<number[]> {
  if (count === 0) return [];
  await trx
    .insertInto("id_sequence")
    .values({ name: sequence, next_value: 1 })
    .onConflict((oc) => oc.column("name").doNothing())
    .execute();
  const row = await trx
    .updateTable("id_sequence")
    .set({ next_value: sql<number>`next_value + ${count}` })
    .where("name", "=", sequence)
    .returning("next_value")
    .executeTakeFirstOrThrow();
  const first = fromCount(row.next_value) - count;
  return Array.from({ length: count }, (_, i) => first + i);
}

function toEntity(r: {
  id: string;
  seq: number | string | bigint;
  status: EntityStatus;
  merged_into: string | null;
  records: number;
  created_at: string | Date;
  updated_at: string | Date;
}): EntityRow {
  return {
    id: r.id,
    seq: fromCount(r.seq),
    status: r.status,
    mergedInto: r.merged_into,
    records: r.records,
    createdAt: fromTime(r.created_at),
    updatedAt: fromTime(r.updated_at),
  };
}

const entityColumns = ["id", "seq", "status", "merged_into", "records", "created_at", "updated_at"] as const;

export async function getEntity(db: Db, id: string): Promise<EntityRow | null> {
  const row = await db.selectFrom("entity").select(entityColumns).where("id", "=", id).executeTakeFirst();
  return row ? toEntity(row) : null;
}

/** An id as given, followed to the active entity it means now (an alias resolves to its survivor). */
export async function resolveEntity(
  db: Db,
  id: string,
): Promise<{ entity: EntityRow; via: EntityRow | null } | null> {
  const first = await getEntity(db, id);
  if (!first) return null;
  if (first.status !== "merged" || !first.mergedInto) return { entity: first, via: null };
  const survivor = await getEntity(db, first.mergedInto);
  return survivor ? { entity: survivor, via: first } : null;
}

/** Record key → entity id of every link. */
export async function loadLinks(db: Db): Promise<Map<string, string>> {
  const links = new Map<string, string>();
  let after = "";
  for (;;) {
    const rows = await db
      .selectFrom("entity_link")
      .select(["record_key", "entity_id"])
      .where("record_key", ">", after)
      .orderBy("record_key")
      .limit(50_000)
      .execute();
    for (const r of rows) links.set(r.record_key, r.entity_id);
    if (rows.length < 50_000) return links;
    after = (rows[rows.length - 1] as { record_key: string }).record_key;
  }
}

/** Active entity id → sequence number. */
export async function loadActiveEntities(db: Db): Promise<Map<string, number>> {
  const rows = await db.selectFrom("entity").select(["id", "seq"]).where("status", "=", "active").execute();
  return new Map(rows.map((r) => [r.id, fromCount(r.seq)]));
}

/** Merged-away entities by their survivor, with the records each held when it was merged. */
export async function loadAliases(db: Db): Promise<Map<string, AliasEntity[]>> {
  const rows = await db
    .selectFrom("entity")
    .select(["id", "seq", "merged_into", "absorbed_records"])
    .where("status", "=", "merged")
    .execute();
  const out = new Map<string, AliasEntity[]>();
  for (const r of rows) {
    if (!r.merged_into) continue;
    const alias: AliasEntity = {
      id: r.id,
      seq: fromCount(r.seq),
      survivor: r.merged_into,
      records: r.absorbed_records ? fromJson<string[]>(r.absorbed_records) : [],
    };
    const list = out.get(r.merged_into);
    if (list) list.push(alias);
    else out.set(r.merged_into, [alias]);
  }
  return out;
}

export async function loadProfileHashes(db: Db): Promise<Map<string, string>> {
  const rows = await db.selectFrom("golden_profile").select(["entity_id", "hash"]).execute();
  return new Map(rows.map((r) => [r.entity_id, r.hash]));
}

const chunk = 500;

export async function getProfiles(db: Db, ids: string[]): Promise<Map<string, GoldenProfile>> {
  const out = new Map<string, GoldenProfile>();
  for (let i = 0; i < ids.length; i += chunk) {
    const rows = await db
      .selectFrom("golden_profile")
      .select(["entity_id", "profile"])
      .where("entity_id", "in", ids.slice(i, i + chunk))
      .execute();
    for (const r of rows) out.set(r.entity_id, fromJson<GoldenProfile>(r.profile));
  }
  return out;
}

export async function entityLinks(db: Db, id: string): Promise<LinkRow[]> {
  const rows = await db
    .selectFrom("entity_link")
    .selectAll()
    .where("entity_id", "=", id)
    .orderBy("record_key")
    .execute();
  return rows.map((r) => ({
    recordKey: r.record_key,
    entityId: r.entity_id,
    source: r.source,
    evidence: fromJson<LinkEvidence>(r.evidence),
    linkedAt: fromTime(r.linked_at),
  }));
}

/** Record keys of each of these entities. */
export async function recordsOf(db: Db, ids: string[]): Promise<Map<string, string[]>> {
  const out = new Map<string, string[]>(ids.map((id) => [id, []]));
  for (let i = 0; i < ids.length; i += chunk) {
    const rows = await db
      .selectFrom("entity_link")
      .select(["record_key", "entity_id"])
      .where("entity_id", "in", ids.slice(i, i + chunk))
      .orderBy("record_key")
      .execute();
    for (const r of rows) out.get(r.entity_id)?.push(r.record_key);
  }
  return out;
}

export async function findByLookup(db: Db, kind: "email" | "phone", value: string): Promise<string[]> {
  const rows = await db
    .selectFrom("golden_lookup")
    .select("entity_id")
    .distinct()
    .where("kind", "=", kind)
    .where("value", "=", value)
    .orderBy("entity_id")
    .execute();
  return rows.map((r) => r.entity_id);
}

/** The change log of an entity (and of the ids merged into it), oldest first. */
export async function entityHistory(db: Db, ids: string[]): Promise<ChangeRow[]> {
  const rows = await db
    .selectFrom("entity_change")
    .selectAll()
    .where("entity_id", "in", ids)
    .orderBy("seq")
    .execute();
  return rows.map(toChange);
}

function toChange(r: {
  seq: number | string;
  entity_id: string;
  kind: ChangeKind;
  before: unknown;
  after: unknown;
  cause: string;
  at: string | Date;
}): ChangeRow {
  return {
    seq: Number(r.seq),
    entityId: r.entity_id,
    kind: r.kind,
    before: r.before === null ? null : fromJson<EntityState>(r.before),
    after: r.after === null ? null : fromJson<EntityState>(r.after),
    cause: r.cause,
    at: fromTime(r.at),
  };
}

/** The change log after a position, in order: what webhooks and the event stream read. */
export async function changesSince(db: Db, after: number, limit = 1000): Promise<ChangeRow[]> {
  const rows = await db
    .selectFrom("entity_change")
    .selectAll()
    .where("seq", ">", after)
    .orderBy("seq")
    .limit(limit)
    .execute();
  return rows.map(toChange);
}

/** Aliases pointing at an entity. */
export async function aliasesOf(db: Db, id: string): Promise<string[]> {
  const rows = await db
    .selectFrom("entity")
    .select("id")
    .where("merged_into", "=", id)
    .orderBy("seq")
    .execute();
  return rows.map((r) => r.id);
}

/** Everything one master run or steward action changes, written in batches inside one transaction. */
export interface EntityWrites {
  at: string;
  created: { id: string; seq: number; records: number }[];
  /** Entities that become active again (an alias revived by a split), or change record count. */
  active: { id: string; records: number }[];
  merged: { id: string; into: string; records: string[] }[];
  deleted: string[];
  links: { recordKey: string; entityId: string; source: string; evidence: LinkEvidence }[];
  /** Links removed (records no longer part of any entity). */
  unlinked: string[];
  profiles: {
    entityId: string;
    profile: GoldenProfile;
    hash: string;
    lookups: { kind: string; value: string }[];
  }[];
  changes: {
    entityId: string;
    kind: ChangeKind;
    before: EntityState | null;
    after: EntityState | null;
    cause: string;
  }[];
}

export function emptyWrites(at: string): EntityWrites {
  return {
    at,
    created: [],
    active: [],
    merged: [],
    deleted: [],
    links: [],
    unlinked: [],
    profiles: [],
    changes: [],
  };
}

async function inBatches<T>(
  items: T[],
  size: number,
  write: (batch: T[]) => Promise<unknown>,
): Promise<void> {
  for (let i = 0; i < items.length; i += size) await write(items.slice(i, i + size));
}

export async function writeEntityChanges(trx: Db, w: EntityWrites): Promise<void> {
  const at = w.at;
  await inBatches(w.created, 1000, (batch) =>
    trx
      .insertInto("entity")
      .values(
        batch.map((e) => ({
          id: e.id,
          seq: e.seq,
          status: "active" as const,
          merged_into: null,
          absorbed_records: null,
          records: e.records,
          created_at: at,
          updated_at: at,
        })),
      )
      .execute(),
  );
  // One statement per record count rather than per entity: counts repeat, entities are many.
  const byCount = new Map<number, string[]>();
  for (const e of w.active) {
    const ids = byCount.get(e.records);
    if (ids) ids.push(e.id);
    else byCount.set(e.records, [e.id]);
  }
  for (const [records, ids] of byCount)
    await inBatches(ids, chunk, (batch) =>
      trx
        .updateTable("entity")
        .set({ status: "active", merged_into: null, absorbed_records: null, records, updated_at: at })
        .where("id", "in", batch)
        .execute(),
    );
  for (const m of w.merged) {
    await trx
      .updateTable("entity")
      .set({
        status: "merged",
        merged_into: m.into,
        absorbed_records: JSON.stringify(m.records),
        records: 0,
        updated_at: at,
      })
      .where("id", "=", m.id)
      .execute();
    // Aliases stay one step from their survivor.
    await trx
      .updateTable("entity")
      .set({ merged_into: m.into, updated_at: at })
      .where("merged_into", "=", m.id)
      .execute();
  }
  const gone = [...w.deleted, ...w.merged.map((m) => m.id)];
  await inBatches(w.deleted, chunk, (batch) =>
    trx
      .updateTable("entity")
      .set({ status: "deleted", records: 0, updated_at: at })
      .where("id", "in", batch)
      .execute(),
  );
  await inBatches(gone, chunk, async (batch) => {
    await trx.deleteFrom("golden_profile").where("entity_id", "in", batch).execute();
    await trx.deleteFrom("golden_lookup").where("entity_id", "in", batch).execute();
  });
  await inBatches(w.unlinked, chunk, (batch) =>
    trx.deleteFrom("entity_link").where("record_key", "in", batch).execute(),
  );
  await inBatches(w.links, 1000, (batch) =>
    trx
      .insertInto("entity_link")
      .values(
        batch.map((l) => ({
          record_key: l.recordKey,
          entity_id: l.entityId,
          source: l.source,
          evidence: JSON.stringify(l.evidence),
          linked_at: at,
        })),
      )
      .onConflict((oc) =>
        oc.column("record_key").doUpdateSet((eb) => ({
          entity_id: eb.ref("excluded.entity_id"),
          evidence: eb.ref("excluded.evidence"),
          linked_at: eb.ref("excluded.linked_at"),
        })),
      )
      .execute(),
  );
  const fresh = new Set(w.created.map((e) => e.id));
  await inBatches(w.profiles, 500, async (batch) => {
    await trx
      .insertInto("golden_profile")
      .values(
        batch.map((p) => ({
          entity_id: p.entityId,
          profile: JSON.stringify(p.profile),
          hash: p.hash,
          updated_at: at,
        })),
      )
      .onConflict((oc) =>
        oc.column("entity_id").doUpdateSet((eb) => ({
          profile: eb.ref("excluded.profile"),
          hash: eb.ref("excluded.hash"),
          updated_at: eb.ref("excluded.updated_at"),
        })),
      )
      .execute();
    const replaced = batch.filter((p) => !fresh.has(p.entityId)).map((p) => p.entityId);
    if (replaced.length > 0)
      await trx.deleteFrom("golden_lookup").where("entity_id", "in", replaced).execute();
    const lookups = batch.flatMap((p) =>
      p.lookups.map((l) => ({ kind: l.kind, value: l.value, entity_id: p.entityId })),
    );
    await inBatches(lookups, 2000, (rows) => trx.insertInto("golden_lookup").values(rows).execute());
  });
  // Record counts of entities that kept their id.
  const revived = new Set(w.active.map((a) => a.id));
  for (const p of w.profiles) {
    if (fresh.has(p.entityId) || revived.has(p.entityId)) continue;
    await trx
      .updateTable("entity")
      .set({ records: p.profile.records, updated_at: at })
      .where("id", "=", p.entityId)
      .execute();
  }
  await inBatches(w.changes, 500, (batch) =>
    trx
      .insertInto("entity_change")
      .values(
        batch.map((c) => ({
          entity_id: c.entityId,
          kind: c.kind,
          before: c.before === null ? null : JSON.stringify(c.before),
          after: c.after === null ? null : JSON.stringify(c.after),
          cause: c.cause,
          at,
        })),
      )
      .execute(),
  );
}

/** Every active golden profile, in id order, a page at a time (for exports). */
export async function* goldenProfiles(
  store: Store,
  pageSize = 5000,
): AsyncGenerator<{ id: string; profile: GoldenProfile }[]> {
  let after = -1;
  for (;;) {
    const rows = await store.db
      .selectFrom("entity as e")
      .innerJoin("golden_profile as g", "g.entity_id", "e.id")
      .select(["e.id", "e.seq", "g.profile"])
      .where("e.status", "=", "active")
      .where("e.seq", ">", after)
      .orderBy("e.seq")
      .limit(pageSize)
      .execute();
    if (rows.length === 0) return;
    after = fromCount((rows[rows.length - 1] as { seq: number | string }).seq);
    yield rows.map((r) => ({ id: r.id, profile: fromJson<GoldenProfile>(r.profile) }));
    if (rows.length < pageSize) return;
  }
}

/** The entity each of these records is linked to (records linked to none are left out). */
export async function entityOfRecords(db: Db, recordKeys: readonly string[]): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  const unique = [...new Set(recordKeys)];
  for (let i = 0; i < unique.length; i += chunk) {
    const rows = await db
      .selectFrom("entity_link")
      .select(["record_key", "entity_id"])
      .where("record_key", "in", unique.slice(i, i + chunk))
      .execute();
    for (const r of rows) out.set(r.record_key, r.entity_id);
  }
  return out;
}
