import { randomUUID } from "node:crypto";
import { type Kysely, sql, type Transaction } from "kysely";
import { findEntityId } from "../jobs/profile-api.js";
import type { EventIdentifier } from "../model/event.js";
import type { StandardizedRecord } from "../model/standardized.js";
import { standardizeEmail } from "../standardize/email.js";
import { standardizePhone } from "../standardize/phone.js";
import { keysBySource } from "../store/entities.js";
import type { Store } from "../store/open-store.js";
import { type Database, fromJson } from "../store/schema.js";
import { audit } from "./audit.js";
import { erasureSalt } from "./secrets.js";
import { asText, containsToken, likeEscape, listTables, rowHandle } from "./tables.js";
import { identifierHash } from "./tombstones.js";

/**
 * The right to erasure: one call deletes a person everywhere and keeps only salted hashes of their identifiers.
 *
 * 1. The person: the profile asked for, every id merged into it, every record linked to them (all versions),
 *    every identifier those records and their events carried.
 * 2. Identifiers another profile also holds (a shared family phone) are that person's too: they are neither
 *    hashed nor searched for, and the receipt says how many were kept for that reason.
 * 3. In one transaction, by rule: source records and match views of the records; events; the identity graph
 *    and its links; links, golden profiles, lookups, entities and their change log; review items, decisions
 *    and pairs naming the records; consent; and in every table — also those added later, such as audiences'
 *    — the rows whose `entity_id` is one of the person's ids or whose `record_key` is one of their records.
 * 4. A sweep of every text and JSON column of every table for the person's identifiers and record keys (as
 *    whole tokens: u-1 is not in u-10): rows found are deleted (quarantined rows, findings, webhook
 *    deliveries, other actors' events that named them…), except in the tables that hold configuration or
 *    privacy records, where what is found is reported as residue instead.
 * 5. The salted hashes are kept (so replayed events are dropped), a "deleted" change is written for the golden
 *    id (so webhooks and the change feed tell downstream systems to delete too), and the receipt — counts
 *    per table, hashed identifiers, time, who asked — is stored and returned.
 *
 * Not reached: copies outside the store (exports already sent, backups, NATS streams beyond their retention)
 * and a live matcher's in-memory table until the server restarts. A CSV file imported again would bring the
 * records back: drop the person from the file, as with any source.
 */

type Trx = Transaction<Database>;

export interface ErasureReceipt {
  id: string;
  at: string;
  requestedBy: string;
  reason: string | null;
  /** The golden ids erased (pseudonymous; kept so that downstream systems can be told). */
  profiles: string[];
  records: number;
  /** Salted hashes of the identifiers, by kind. */
  identifiers: { kind: string; hash: string }[];
  /** Identifiers left alone because another profile holds them too. */
  sharedWithOthers: number;
  /** Rows deleted, by table. */
  deleted: Record<string, number>;
  /** Where an identifier of the person was still found in a table that is not erased by rule. */
  residue: { table: string; column: string; rows: number }[];
}

export class ErasureError extends Error {
  override name = "ErasureError";
}

/** Tables whose rows are never deleted by the sweep; what it finds there is reported as residue. */
const keptTables = new Set([
  "source",
  "import_run",
  "master_state",
  "id_sequence",
  "api_key",
  "webhook",
  "erasure",
  "erased_identifier",
  "audit_log",
  "privacy_budget",
  "privacy_release",
  "privacy_setting",
  "household",
]);

const chunk = 400;

function chunks<T>(list: readonly T[], size = chunk): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < list.length; i += size) out.push(list.slice(i, i + size));
  return out;
}

interface Person {
  entities: string[];
  records: string[];
  identifiers: EventIdentifier[];
  /** Raw forms as sources and events wrote them (an email as typed, a phone with spaces). */
  raw: Set<string>;
}

async function collectPerson(store: Store, entityId: string): Promise<Person> {
  const db = store.db;
  const entities = [entityId];
  for (let i = 0; i < entities.length; i++) {
    const rows = await db
      .selectFrom("entity")
      .select("id")
      .where("merged_into", "=", entities[i] as string)
      .execute();
    for (const r of rows) if (!entities.includes(r.id)) entities.push(r.id);
  }
  const records = new Set<string>();
  for (const part of chunks(entities)) {
    const links = await db
      .selectFrom("entity_link")
      .select("record_key")
      .where("entity_id", "in", part)
      .execute();
    for (const l of links) records.add(l.record_key);
  }
  const ids = new Map<string, EventIdentifier>();
  const raw = new Set<string>();
  const add = (kind: string, value: string | null | undefined) => {
    if (!value) return;
    ids.set(`${kind}:${value}`, { kind, value });
  };
  const keys = [...records];
  for (const part of chunks(keys)) {
    for (const r of await db
      .selectFrom("identity")
      .select(["kind", "value"])
      .where("record_key", "in", part)
      .execute())
      add(r.kind, r.value);
    for (const r of await db
      .selectFrom("event")
      .select(["user_id", "anonymous_id"])
      .where("record_key", "in", part)
      .execute()) {
      add("user_id", r.user_id);
      add("anonymous_id", r.anonymous_id);
    }
  }
  for (const [source, sourceIds] of keysBySource(keys))
    for (const part of chunks(sourceIds)) {
      const rows = await db
        .selectFrom("source_record")
        .select(["attributes", "standardized"])
        .where("source", "=", source)
        .where("source_record_id", "in", part)
        .execute();
      for (const r of rows) {
        const s = fromJson<StandardizedRecord>(r.standardized);
        for (const e of s.emails ?? []) {
          if (e.valid) add("email", e.canonical);
          raw.add(e.original);
          raw.add(e.normalized);
        }
        for (const p of s.phones ?? []) {
          if (p.e164) add("phone", p.e164);
          raw.add(p.original);
        }
        for (const x of s.identifiers ?? []) {
          add(x.type === "customer_id" ? "user_id" : x.type, x.value);
          raw.add(x.value);
        }
      }
    }
  for (const part of chunks(entities)) {
    const rows = await db
      .selectFrom("golden_lookup")
      .select(["kind", "value"])
      .where("entity_id", "in", part)
      .where("kind", "in", ["email", "phone"])
      .execute();
    for (const r of rows) add(r.kind, r.value);
  }
  for (const id of ids.values()) raw.add(id.value);
  // Emails as typed elsewhere: the normalised forms catch most; add the lower-case of each raw one.
  for (const v of [...raw]) {
    const e = standardizeEmail({ address: v }).value;
    if (e?.valid) raw.add(e.normalized);
    const p = /\d{6,}/.test(v.replace(/\D/g, "")) ? standardizePhone({ number: v }).value : null;
    if (p?.e164) raw.add(p.e164);
  }
  return { entities, records: keys, identifiers: [...ids.values()], raw };
}

/** Identifiers some other profile also holds. */
async function sharedIdentifiers(store: Store, person: Person): Promise<Set<string>> {
  const db = store.db;
  const mine = new Set(person.entities);
  const myRecords = new Set(person.records);
  const shared = new Set<string>();
  const byKind = new Map<string, string[]>();
  for (const i of person.identifiers) {
    const l = byKind.get(i.kind) ?? [];
    l.push(i.value);
    byKind.set(i.kind, l);
  }
  for (const [kind, values] of byKind)
    for (const part of chunks(values)) {
      const idRows = await db
        .selectFrom("identity")
        .select(["value", "record_key"])
        .where("kind", "=", kind)
        .where("value", "in", part)
        .execute();
      for (const r of idRows) if (!myRecords.has(r.record_key)) shared.add(`${kind}:${r.value}`);
      if (kind === "email" || kind === "phone") {
        const g = await db
          .selectFrom("golden_lookup")
          .select(["value", "entity_id"])
          .where("kind", "=", kind)
          .where("value", "in", part)
          .execute();
        for (const r of g) if (!mine.has(r.entity_id)) shared.add(`${kind}:${r.value}`);
      }
    }
  return shared;
}

async function deleteWhereIn(
  trx: Trx,
  table: string,
  column: string,
  values: readonly string[],
  deleted: Record<string, number>,
): Promise<void> {
  const db = trx as unknown as Kysely<Record<string, Record<string, unknown>>>;
  for (const part of chunks(values)) {
    const r = await db.deleteFrom(table).where(column, "in", part).executeTakeFirst();
    const n = Number(r.numDeletedRows);
    if (n > 0) deleted[table] = (deleted[table] ?? 0) + n;
  }
}

/** Rows whose text columns hold one of the strings as a whole token: table → column → row handles. */
async function sweep(
  store: Store,
  trx: Trx,
  tables: Map<string, { name: string; textual: boolean }[]>,
  strings: readonly string[],
): Promise<Map<string, Map<string, string[]>>> {
  const db = trx as unknown as Kysely<Record<string, Record<string, unknown>>>;
  const found = new Map<string, Map<string, string[]>>();
  if (strings.length === 0) return found;
  for (const [table, columns] of tables)
    for (const c of columns) {
      if (!c.textual) continue;
      for (const part of chunks(strings, 50)) {
        const text = asText(store, c.name);
        const rows = await db
          .selectFrom(table)
          .select([rowHandle(store).as("h"), text.as("t")])
          .where((eb) =>
            eb.or(part.map((s) => eb(text, "like", sql<string>`${`%${likeEscape(s)}%`} escape '\\'`))),
          )
          .execute();
        for (const r of rows as unknown as { h: string | number; t: string | null }[]) {
          if (r.t === null || !part.some((s) => containsToken(r.t as string, s))) continue;
          let byColumn = found.get(table);
          if (!byColumn) {
            byColumn = new Map();
            found.set(table, byColumn);
          }
          const l = byColumn.get(c.name) ?? [];
          l.push(String(r.h));
          byColumn.set(c.name, l);
        }
      }
    }
  return found;
}

async function deleteHandles(store: Store, trx: Trx, table: string, handles: string[]): Promise<number> {
  let n = 0;
  for (const part of chunks([...new Set(handles)])) {
    const r =
      store.dialect === "postgres"
        ? await sql`delete from ${sql.table(table)} where ctid = any(${part}::tid[])`.execute(trx)
        : await sql`delete from ${sql.table(table)} where rowid in (${sql.join(part.map(Number))})`.execute(
            trx,
          );
    n += Number(r.numAffectedRows ?? 0);
  }
  return n;
}

/** Erases the person a reference names (golden id, alias, email:…, user_id:…, record:…). */
export async function erasePerson(
  store: Store,
  ref: string,
  o: { by: string; reason?: string; now?: Date },
): Promise<ErasureReceipt> {
  const found = await findEntityId(store, ref);
  if (!found) throw new ErasureError(`no profile ${ref}`);
  const at = (o.now ?? new Date()).toISOString();
  const person = await collectPerson(store, found.id);
  const shared = await sharedIdentifiers(store, person);
  const own = person.identifiers.filter((i) => !shared.has(`${i.kind}:${i.value}`));
  const sharedValues = new Set(
    person.identifiers.filter((i) => shared.has(`${i.kind}:${i.value}`)).map((i) => i.value),
  );
  const salt = await erasureSalt(store.db);
  const hashes = own.map((i) => ({ kind: i.kind, hash: identifierHash(salt, i) }));
  // What the sweep looks for: the person's own identifiers in every form seen, and their record keys. Short
  // values (a user id "7") would match too much to be evidence of anything: at least 4 characters.
  const strings = [...new Set([...person.raw, ...person.records])].filter(
    (s) => s.length >= 4 && !sharedValues.has(s),
  );
  const tables = await listTables(store);
  const receipt: ErasureReceipt = {
    id: `erasure-${randomUUID()}`,
    at,
    requestedBy: o.by,
    reason: o.reason ?? null,
    profiles: person.entities,
    records: person.records.length,
    identifiers: hashes,
    sharedWithOthers: shared.size,
    deleted: {},
    residue: [],
  };
  const d = receipt.deleted;
  const subjects = [...person.records.map((k) => `record:${k}`), ...own.map((i) => `${i.kind}:${i.value}`)];
  await store.db.transaction().execute(async (trx) => {
    const db = trx as unknown as Kysely<Record<string, Record<string, unknown>>>;
    for (const [source, ids] of keysBySource(person.records))
      for (const table of ["source_record", "match_view"])
        for (const part of chunks(ids)) {
          const r = await db
            .deleteFrom(table)
            .where("source", "=", source)
            .where("source_record_id", "in", part)
            .executeTakeFirst();
          const n = Number(r.numDeletedRows);
          if (n > 0) d[table] = (d[table] ?? 0) + n;
        }
    await deleteWhereIn(trx, "identity_link", "left_key", person.records, d);
    await deleteWhereIn(trx, "identity_link", "right_key", person.records, d);
    await deleteWhereIn(trx, "decision_pair", "left_key", person.records, d);
    await deleteWhereIn(trx, "decision_pair", "right_key", person.records, d);
    await deleteWhereIn(trx, "review_item", "left_key", person.records, d);
    await deleteWhereIn(trx, "review_item", "right_key", person.records, d);
    await deleteWhereIn(trx, "review_item", "left_entity", person.entities, d);
    await deleteWhereIn(trx, "review_item", "right_entity", person.entities, d);
    await deleteWhereIn(trx, "quality_finding", "subject", [...person.records, ...person.entities], d);
    await deleteWhereIn(trx, "consent", "subject", subjects, d);
    for (const id of own) {
      const r = await db
        .deleteFrom("identity")
        .where("kind", "=", id.kind)
        .where("value", "=", id.value)
        .executeTakeFirst();
      if (Number(r.numDeletedRows) > 0) d.identity = (d.identity ?? 0) + Number(r.numDeletedRows);
    }
    await deleteWhereIn(trx, "identity", "record_key", person.records, d);
    await deleteWhereIn(trx, "entity", "id", person.entities, d);
    await deleteWhereIn(trx, "household_member", "entity_id", person.entities, d);
    // Every table keyed by profile or record, whoever made it (scores, enrichment, audiences' tables…).
    for (const [table, columns] of tables) {
      if (keptTables.has(table)) continue;
      if (columns.some((c) => c.name === "entity_id"))
        await deleteWhereIn(trx, table, "entity_id", person.entities, d);
      if (columns.some((c) => c.name === "record_key"))
        await deleteWhereIn(trx, table, "record_key", person.records, d);
    }
    // The sweep: whatever still names the person.
    const left = await sweep(store, trx, tables, strings);
    for (const [table, byColumn] of left) {
      if (keptTables.has(table)) {
        for (const [column, handles] of byColumn)
          receipt.residue.push({ table, column, rows: handles.length });
        continue;
      }
      const n = await deleteHandles(store, trx, table, [...byColumn.values()].flat());
      if (n > 0) d[table] = (d[table] ?? 0) + n;
    }
    // Households left without members are dissolved.
    const empty = await sql<{
      id: string;
    }>`select h.id from household h where h.status = 'active' and not exists (select 1 from household_member m where m.household_id = h.id and m.until is null)`.execute(
      trx,
    );
    if (empty.rows.length > 0)
      await trx
        .updateTable("household")
        .set({ status: "dissolved" as never, address: null, updated_at: at })
        .where(
          "id",
          "in",
          empty.rows.map((r) => r.id),
        )
        .execute();

    const tombstones = hashes.map((h) => ({
      hash: h.hash,
      kind: h.kind,
      erasure_id: receipt.id,
      erased_at: at,
    }));
    for (const part of chunks(tombstones, 200))
      await trx
        .insertInto("erased_identifier")
        .values(part)
        .onConflict((oc) => oc.column("hash").doNothing())
        .execute();
    await trx
      .insertInto("entity_change")
      .values({
        entity_id: found.id,
        kind: "deleted",
        before: null,
        after: null,
        cause: `erasure ${receipt.id}`,
        at,
      })
      .execute();
    await trx
      .insertInto("erasure")
      .values({
        id: receipt.id,
        at,
        requested_by: o.by,
        reason: o.reason ?? null,
        receipt: JSON.stringify(receipt),
      })
      .execute();
  });
  await audit(store.db, {
    actor: o.by,
    action: "profile.erase",
    subject: found.id,
    details: { erasure: receipt.id, records: receipt.records, deleted: receipt.deleted },
    at,
  });
  return receipt;
}

export async function getErasure(db: Kysely<Database>, id: string): Promise<ErasureReceipt | null> {
  const r = await db.selectFrom("erasure").select("receipt").where("id", "=", id).executeTakeFirst();
  return r ? fromJson<ErasureReceipt>(r.receipt) : null;
}
