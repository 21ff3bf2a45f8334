import { type Kysely, sql } from "kysely";
import type { DialectName } from "./dialect.js";
import { type Database, fromCount, fromJson, fromTime } from "./schema.js";

/**
 * The store's side of attribution: touchpoint and conversion events grouped by golden entity, the message
 * ledger's sends (when the audiences tables are there), attribution runs and channel decisions.
 */

export interface EventTouchRow {
  id: number;
  type: string;
  name: string | null;
  timestamp: string;
  recordKey: string;
  /** The golden entity the event's record is linked to; null before the record is mastered. */
  entityId: string | null;
  body: Record<string, unknown>;
}

/** Pages through page/screen events and the named track events, in id order, `pageSize` at a time. */
export async function* touchEvents(
  db: Kysely<Database>,
  conversionEvents: readonly string[],
  options: { since?: string; pageSize?: number } = {},
): AsyncGenerator<EventTouchRow[]> {
  const pageSize = options.pageSize ?? 5_000;
  let after = 0;
  for (;;) {
    let q = db
      .selectFrom("event")
      .leftJoin("entity_link", "entity_link.record_key", "event.record_key")
      .select([
        "event.id",
        "event.type",
        "event.name",
        "event.timestamp",
        "event.record_key",
        "event.body",
        "entity_link.entity_id",
      ])
      .where("event.id", ">", after)
      .where((eb) =>
        conversionEvents.length > 0
          ? eb.or([
              eb("event.type", "in", ["page", "screen"]),
              eb.and([eb("event.type", "=", "track"), eb("event.name", "in", [...conversionEvents])]),
            ])
          : eb("event.type", "in", ["page", "screen"]),
      );
    if (options.since) q = q.where("event.timestamp", ">=", options.since);
    const rows = await q.orderBy("event.id").limit(pageSize).execute();
    if (rows.length === 0) return;
    after = fromCount(rows[rows.length - 1]?.id ?? after);
    yield rows.map((r) => ({
      id: fromCount(r.id),
      type: r.type,
      name: r.name,
      timestamp: fromTime(r.timestamp),
      recordKey: r.record_key,
      entityId: r.entity_id ?? null,
      body: fromJson<Record<string, unknown>>(r.body) ?? {},
    }));
    if (rows.length < pageSize) return;
  }
}

export async function tableExists(
  db: Kysely<Database>,
  dialect: DialectName,
  name: string,
): Promise<boolean> {
  if (dialect === "sqlite") {
    const r = await sql<{
      n: number;
    }>`select count(*) as n from sqlite_master where type = 'table' and name = ${name}`.execute(db);
    return Number(r.rows[0]?.n ?? 0) > 0;
  }
  const r = await sql<{ n: number | string }>`select count(*) as n from information_schema.tables
    where table_name = ${name} and table_schema = current_schema()`.execute(db);
  return Number(r.rows[0]?.n ?? 0) > 0;
}

export interface LedgerSend {
  entityId: string;
  channel: string;
  campaign: string | null;
  sentAt: string;
}

/**
 * The message ledger's sends (table `message` of the audiences issue: entity_id, channel, campaign, sent_at),
 * or null when the store has no ledger.
 */
export async function ledgerSends(
  db: Kysely<Database>,
  dialect: DialectName,
  options: { since?: string } = {},
): Promise<LedgerSend[] | null> {
  if (!(await tableExists(db, dialect, "message"))) return null;
  const since = options.since ? sql` where sent_at >= ${options.since}` : sql``;
  const r = await sql<{
    entity_id: string;
    channel: string;
    campaign: string | null;
    sent_at: string | Date;
  }>`select entity_id, channel, campaign, sent_at from message${since}`.execute(db);
  return r.rows
    .filter((m) => m.entity_id && m.channel && m.sent_at)
    .map((m) => ({
      entityId: m.entity_id,
      channel: m.channel,
      campaign: m.campaign ?? null,
      sentAt: fromTime(m.sent_at),
    }));
}

export interface AttributionRunRow {
  id: number;
  input: string;
  by: string;
  options: unknown;
  report: unknown;
  createdAt: string;
}

export async function saveAttributionRun(
  db: Kysely<Database>,
  run: { input: string; by: string; options: unknown; report: unknown; at?: string },
): Promise<number> {
  const r = await db
    .insertInto("attribution_run")
    .values({
      input: run.input,
      by: run.by,
      options: JSON.stringify(run.options),
      report: JSON.stringify(run.report),
      created_at: run.at ?? new Date().toISOString(),
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  return fromCount(r.id);
}

export async function latestAttributionRun(
  db: Kysely<Database>,
  options: { by?: string } = {},
): Promise<AttributionRunRow | null> {
  let q = db.selectFrom("attribution_run").selectAll();
  if (options.by) q = q.where("by", "=", options.by);
  const r = await q.orderBy("id", "desc").limit(1).executeTakeFirst();
  return r
    ? {
        id: fromCount(r.id),
        input: r.input,
        by: r.by,
        options: fromJson(r.options),
        report: fromJson(r.report),
        createdAt: fromTime(r.created_at),
      }
    : null;
}

export async function saveChannelDecisions(
  db: Kysely<Database>,
  decisions: { entityId: string | null; channel: string; message: string | null; evidence: unknown }[],
  at = new Date().toISOString(),
): Promise<void> {
  for (let i = 0; i < decisions.length; i += 500) {
    await db
      .insertInto("channel_decision")
      .values(
        decisions.slice(i, i + 500).map((d) => ({
          entity_id: d.entityId,
          channel: d.channel,
          message: d.message,
          evidence: JSON.stringify(d.evidence),
          decided_at: at,
        })),
      )
      .execute();
  }
}
