import { createHash } from "node:crypto";
import { type Kysely, sql, type Transaction } from "kysely";
import type { IdentifierState } from "../master/identity-graph.js";
import type { EventIdentifier } from "../model/event.js";
import { entityOfRecords } from "./entities.js";
import type { Database } from "./schema.js";

/**
 * The live identity graph: each identifier points at the actor record that brought it, and that record's
 * entity link says which profile holds it — so merges, splits and batch runs never leave the graph stale.
 */

type Db = Kysely<Database> | Transaction<Database>;

const chunk = 500;

export interface KnownIdentifier extends IdentifierState {
  recordKey: string;
}

function byKind(ids: EventIdentifier[]): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const i of ids) {
    const list = out.get(i.kind);
    if (list) list.push(i.value);
    else out.set(i.kind, [i.value]);
  }
  return out;
}

/**
 * What the graph knows of these identifiers, keyed `kind:value`. Two indexed reads (identifiers, then their
 * records' links) rather than a join, which PostgreSQL may plan as a scan of every link.
 */
export async function loadIdentities(db: Db, ids: EventIdentifier[]): Promise<Map<string, KnownIdentifier>> {
  const rows: { kind: string; value: string; record_key: string; generic: number; shared: number }[] = [];
  for (const [kind, values] of byKind(ids)) {
    const unique = [...new Set(values)];
    for (let i = 0; i < unique.length; i += chunk)
      rows.push(
        ...(await db
          .selectFrom("identity")
          .select(["kind", "value", "record_key", "generic", "shared"])
          .where("kind", "=", kind)
          .where("value", "in", unique.slice(i, i + chunk))
          .execute()),
      );
  }
  const links = await entityOfRecords(
    db,
    rows.map((r) => r.record_key),
  );
  const out = new Map<string, KnownIdentifier>();
  for (const r of rows)
    out.set(`${r.kind}:${r.value}`, {
      recordKey: r.record_key,
      entityId: links.get(r.record_key) ?? null,
      generic: Number(r.generic) === 1,
      shared: Number(r.shared),
    });
  return out;
}

/** Every identifier each of these profiles holds. */
export async function identifiersOfEntities(
  db: Db,
  entityIds: string[],
): Promise<Map<string, EventIdentifier[]>> {
  const out = new Map<string, EventIdentifier[]>(entityIds.map((e) => [e, []]));
  const unique = [...new Set(entityIds)];
  const entityOf = new Map<string, string>();
  for (let i = 0; i < unique.length; i += chunk) {
    const links = await db
      .selectFrom("entity_link")
      .select(["record_key", "entity_id"])
      .where("entity_id", "in", unique.slice(i, i + chunk))
      .execute();
    for (const l of links) entityOf.set(l.record_key, l.entity_id);
  }
  const keys = [...entityOf.keys()];
  for (let i = 0; i < keys.length; i += chunk) {
    const rows = await db
      .selectFrom("identity")
      .select(["kind", "value", "record_key"])
      .where("record_key", "in", keys.slice(i, i + chunk))
      .execute();
    for (const r of rows)
      out.get(entityOf.get(r.record_key) as string)?.push({ kind: r.kind, value: r.value });
  }
  return out;
}

export async function insertIdentities(
  trx: Db,
  rows: { kind: string; value: string; recordKey: string; at: string }[],
): Promise<void> {
  for (let i = 0; i < rows.length; i += chunk) {
    await trx
      .insertInto("identity")
      .values(
        rows.slice(i, i + chunk).map((r) => ({
          kind: r.kind,
          value: r.value,
          record_key: r.recordKey,
          first_seen: r.at,
          last_seen: r.at,
        })),
      )
      .onConflict((oc) => oc.columns(["kind", "value"]).doNothing())
      .execute();
  }
}

/** Notes when identifiers were last seen. */
export async function touchIdentities(trx: Db, ids: EventIdentifier[], at: string): Promise<void> {
  for (const [kind, values] of byKind(ids)) {
    const unique = [...new Set(values)];
    for (let i = 0; i < unique.length; i += chunk)
      await trx
        .updateTable("identity")
        .set({ last_seen: at })
        .where("kind", "=", kind)
        .where("value", "in", unique.slice(i, i + chunk))
        .execute();
  }
}

/**
 * Counts one more profile that could not be merged with these identifiers' holders; at `maxProfiles` the
 * value becomes generic and links nobody from then on. Returns the identifiers that just became generic.
 */
export async function markShared(
  trx: Db,
  ids: EventIdentifier[],
  maxProfiles: number,
): Promise<EventIdentifier[]> {
  const known = await loadIdentities(trx, ids);
  const generic: EventIdentifier[] = [];
  for (const i of ids) {
    const k = known.get(`${i.kind}:${i.value}`);
    if (!k || k.generic) continue;
    const shared = k.shared + 1;
    const becomes = shared + 1 >= maxProfiles;
    if (becomes) generic.push(i);
    await trx
      .updateTable("identity")
      .set({ shared, generic: becomes ? 1 : 0 })
      .where("kind", "=", i.kind)
      .where("value", "=", i.value)
      .execute();
  }
  return generic;
}

/** Identity links (two records joined by an identifier they share): batch runs honour them as must-links. */
export async function insertIdentityLinks(
  trx: Db,
  links: { left: string; right: string; kind: string; value: string; at: string }[],
): Promise<void> {
  for (let i = 0; i < links.length; i += chunk)
    await trx
      .insertInto("identity_link")
      .values(
        links.slice(i, i + chunk).map((l) => ({
          left_key: l.left,
          right_key: l.right,
          kind: l.kind,
          value: l.value,
          at: l.at,
        })),
      )
      .execute();
}

export async function loadIdentityLinks(db: Db): Promise<[string, string][]> {
  const rows = await db.selectFrom("identity_link").select(["left_key", "right_key"]).execute();
  return rows.map((r) => [r.left_key, r.right_key]);
}

/**
 * Emails and phones the graph has not seen may still be known to mastered (batch) profiles: those count as held
 * by that profile, through one of its records, so that a live event finds the customer the CRM already knows
 * instead of starting a duplicate. Adds them to `known`.
 */
export async function knownThroughGoldenLookups(
  db: Db,
  ids: EventIdentifier[],
  known: Map<string, KnownIdentifier>,
): Promise<void> {
  for (const kind of ["email", "phone"] as const) {
    const values = [
      ...new Set(ids.filter((i) => i.kind === kind && !known.has(`${kind}:${i.value}`)).map((i) => i.value)),
    ];
    for (let i = 0; i < values.length; i += chunk) {
      const rows = await db
        .selectFrom("golden_lookup")
        .select(["value", "entity_id"])
        .where("kind", "=", kind)
        .where("value", "in", values.slice(i, i + chunk))
        .orderBy("entity_id")
        .execute();
      const entityOf = new Map<string, string>();
      for (const r of rows) if (!entityOf.has(r.value)) entityOf.set(r.value, r.entity_id);
      if (entityOf.size === 0) continue;
      const links = await db
        .selectFrom("entity_link")
        .select(["entity_id", "record_key"])
        .where("entity_id", "in", [...new Set(entityOf.values())])
        .orderBy("record_key")
        .execute();
      const recordOf = new Map<string, string>();
      for (const l of links) if (!recordOf.has(l.entity_id)) recordOf.set(l.entity_id, l.record_key);
      for (const [value, entityId] of entityOf) {
        const recordKey = recordOf.get(entityId);
        if (recordKey) known.set(`${kind}:${value}`, { recordKey, entityId, generic: false, shared: 0 });
      }
    }
  }
}

/** A lock key: 64 bits of SHA-1 of a name (`id:email:…`, `rec:…`, `ent:T-…`), as PostgreSQL's bigint. */
function lockKey(name: string): bigint {
  return createHash("sha1").update(name).digest().readBigInt64BE(0);
}

/**
 * Takes transaction-scoped advisory locks on these names (PostgreSQL; SQLite has one writer and needs none),
 * in ascending key order so that two transactions taking overlapping sets at once cannot deadlock on them. The
 * locks are held until the transaction ends. Two names hashing alike only serialise a little more.
 */
export async function lockNames(trx: Transaction<Database>, dialect: string, names: string[]): Promise<void> {
  if (dialect !== "postgres" || names.length === 0) return;
  const keys = [...new Set(names.map(lockKey))].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  // unnest yields the array in order and the locks are taken row by row in that order.
  await sql`select count(pg_advisory_xact_lock(k)) from unnest(${keys.map(String)}::bigint[]) as k`.execute(
    trx,
  );
}

/**
 * Tries to take these locks without waiting (PostgreSQL); returns the names it holds now. On SQLite every
 * name is granted. Taking locks without waiting cannot deadlock, so the order does not matter.
 */
export async function tryLockNames(
  trx: Transaction<Database>,
  dialect: string,
  names: string[],
): Promise<Set<string>> {
  const unique = [...new Set(names)];
  if (dialect !== "postgres" || unique.length === 0) return new Set(unique);
  const keyOf = new Map(unique.map((n) => [n, lockKey(n)]));
  const keys = [...new Set(keyOf.values())];
  const { rows } = await sql<{ k: string; ok: boolean }>`
    select k::text as k, pg_try_advisory_xact_lock(k) as ok from unnest(${keys.map(String)}::bigint[]) as k
  `.execute(trx);
  const held = new Set(rows.filter((r) => r.ok).map((r) => r.k));
  return new Set(unique.filter((n) => held.has(String(keyOf.get(n)))));
}

/** The lock names of identifiers, actor records and entities, in one namespace each. */
export const lockName = {
  identifier: (i: EventIdentifier) => `id:${i.kind}:${i.value}`,
  record: (key: string) => `rec:${key}`,
  entity: (id: string) => `ent:${id}`,
};
