import type { Kysely } from "kysely";
import { findEntityId, getProfileDocument, type ProfileDocument } from "../jobs/profile-api.js";
import { entityHistory, splitRecordKey } from "../store/entities.js";
import type { Store } from "../store/open-store.js";
import { type Database, fromJson, fromTime } from "../store/schema.js";
import { listVersions } from "../store/source-records.js";
import { type AuditEntry, audit, listAudit } from "./audit.js";
import { type ConsentRecord, consentHistory } from "./consent.js";
import { listTables } from "./tables.js";

/**
 * The right of access: everything held on a person as one JSON document — the profile (golden values with
 * lineage, identities, household, scores, segments), every version of every source record, every event,
 * the consent history, the change history, review items and decisions naming their records, the rows of
 * every other table keyed by their profile or records (enrichment, quality, audiences…), and who read the
 * profile (the audit log's reads and changes of it). The export is itself audited.
 */

export interface AccessDocument {
  generatedAt: string;
  profile: ProfileDocument;
  records: { key: string; versions: unknown[] }[];
  events: unknown[];
  consent: (ConsentRecord & { subject: string })[];
  changes: unknown[];
  /** Rows of other tables keyed by the person's profile ids or records, by table. */
  related: Record<string, unknown[]>;
  /** Who read or changed the profile, from the audit log. */
  accessLog: AuditEntry[];
}

const covered = new Set([
  "entity",
  "entity_link",
  "golden_profile",
  "golden_lookup",
  "entity_change",
  "source_record",
  "match_view",
  "event",
  "identity",
  "consent",
  "audit_log",
]);

function decode(row: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(row)) {
    if (v instanceof Date) out[k] = v.toISOString();
    else if (typeof v === "string" && (v.startsWith("{") || v.startsWith("["))) {
      try {
        out[k] = JSON.parse(v);
      } catch {
        out[k] = v;
      }
    } else out[k] = typeof v === "bigint" ? Number(v) : v;
  }
  return out;
}

export async function accessExport(
  store: Store,
  ref: string,
  o: { by: string },
): Promise<AccessDocument | null> {
  const found = await findEntityId(store, ref);
  if (!found) return null;
  const profile = await getProfileDocument(store, found.id, { events: 0 });
  if (!profile) return null;
  const db = store.db as unknown as Kysely<Record<string, Record<string, unknown>>>;
  const ids = [profile.id, ...profile.aliases];
  const keys = profile.records.map((r) => r.recordKey);
  const records = [];
  for (const key of keys) {
    const { source, sourceRecordId } = splitRecordKey(key);
    records.push({ key, versions: await listVersions(store, source, sourceRecordId) });
  }
  const events: unknown[] = [];
  for (let i = 0; i < keys.length; i += 400) {
    const rows = await store.db
      .selectFrom("event")
      .selectAll()
      .where("record_key", "in", keys.slice(i, i + 400))
      .orderBy("timestamp")
      .orderBy("id")
      .execute();
    for (const r of rows)
      events.push({
        id: Number(r.id),
        source: r.source,
        messageId: r.message_id,
        type: r.type,
        name: r.name,
        timestamp: fromTime(r.timestamp),
        receivedAt: fromTime(r.received_at),
        body: fromJson(r.body),
      });
  }
  const related: Record<string, unknown[]> = {};
  for (const [table, columns] of await listTables(store)) {
    if (covered.has(table)) continue;
    const names = columns.map((c) => c.name);
    const conds: [string, string[]][] = [];
    for (const c of ["entity_id", "left_entity", "right_entity", "household_id"])
      if (names.includes(c)) conds.push([c, ids]);
    for (const c of ["record_key", "left_key", "right_key"]) if (names.includes(c)) conds.push([c, keys]);
    if (table === "quality_finding") conds.push(["subject", [...ids, ...keys]]);
    if (conds.length === 0) continue;
    const rows = await db
      .selectFrom(table)
      .selectAll()
      .where((eb) => eb.or(conds.filter(([, v]) => v.length > 0).map(([c, v]) => eb(c, "in", v))))
      .limit(10_000)
      .execute();
    if (rows.length > 0) related[table] = rows.map(decode);
  }
  const accessLog: AuditEntry[] = [];
  for (const id of ids)
    accessLog.push(...(await listAudit(store.db as Kysely<Database>, { subject: id, limit: 1000 })));
  await audit(store.db, { actor: o.by, action: "profile.access-export", subject: profile.id });
  return {
    generatedAt: new Date().toISOString(),
    profile,
    records,
    events,
    consent: await consentHistory(store.db, profile.id),
    changes: await entityHistory(store.db, ids),
    related,
    accessLog,
  };
}
