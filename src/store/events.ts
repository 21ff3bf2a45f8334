import type { Kysely, Transaction } from "kysely";
import type { AcceptedEvent } from "../model/event.js";
import { type Database, fromCount, fromJson, fromTime } from "./schema.js";
import { storableJson } from "./storable-text.js";

type Db = Kysely<Database> | Transaction<Database>;

/** Rows per INSERT: 11 parameters each keeps a statement under both engines' parameter limits. */
const insertChunk = 400;

export interface StoredEvent {
  id: number;
  source: string;
  messageId: string;
  type: string;
  name: string | null;
  userId: string | null;
  anonymousId: string | null;
  recordKey: string;
  timestamp: string;
  receivedAt: string;
  body: unknown;
}

/** The record of the actor an event belongs to: its user id, or else its anonymous id. */
export function actorRecordKey(e: Pick<AcceptedEvent, "source" | "userId" | "anonymousId">): string {
  return e.userId !== null ? `${e.source}/user:${e.userId}` : `${e.source}/anon:${e.anonymousId}`;
}

function nameOf(e: AcceptedEvent): string | null {
  const b = e.body;
  return (e.type === "track" ? b.event : b.name) ?? null;
}

/**
 * Inserts events, skipping those already stored (same source and message id, or twice in the batch), and
 * returns the events that were new, in the order given.
 */
export async function insertNewEvents(
  trx: Db,
  events: AcceptedEvent[],
  recordKeyOf: (e: AcceptedEvent) => string = actorRecordKey,
): Promise<AcceptedEvent[]> {
  const fresh = new Set<string>();
  const seen = new Set<string>();
  const rows = [];
  for (const e of events) {
    const k = `${e.source}\u0000${e.messageId}`;
    if (seen.has(k)) continue;
    seen.add(k);
    rows.push({
      source: e.source,
      message_id: e.messageId,
      type: e.type,
      name: nameOf(e),
      user_id: e.userId,
      anonymous_id: e.anonymousId,
      record_key: recordKeyOf(e),
      timestamp: e.timestamp,
      received_at: e.receivedAt,
      sent_at: e.sentAt,
      body: storableJson(JSON.stringify(e.body)),
    });
  }
  for (let i = 0; i < rows.length; i += insertChunk) {
    const inserted = await trx
      .insertInto("event")
      .values(rows.slice(i, i + insertChunk))
      .onConflict((oc) => oc.columns(["source", "message_id"]).doNothing())
      .returning(["source", "message_id"])
      .execute();
    for (const r of inserted) fresh.add(`${r.source}\u0000${r.message_id}`);
  }
  const out: AcceptedEvent[] = [];
  for (const e of events) {
    const k = `${e.source}\u0000${e.messageId}`;
    if (fresh.delete(k)) out.push(e);
  }
  return out;
}

function toEvent(r: {
  id: number | string | bigint;
  source: string;
  message_id: string;
  type: string;
  name: string | null;
  user_id: string | null;
  anonymous_id: string | null;
  record_key: string;
  timestamp: string | Date;
  received_at: string | Date;
  body: unknown;
}): StoredEvent {
  return {
    id: fromCount(r.id),
    source: r.source,
    messageId: r.message_id,
    type: r.type,
    name: r.name,
    userId: r.user_id,
    anonymousId: r.anonymous_id,
    recordKey: r.record_key,
    timestamp: fromTime(r.timestamp),
    receivedAt: fromTime(r.received_at),
    body: fromJson(r.body),
  };
}

export interface EventPage {
  events: StoredEvent[];
  /** Pass as `before` for the next (older) page; null at the end. */
  next: string | null;
}

/**
 * The events of an entity's records, newest first, a page at a time. `before` is the cursor of the previous
 * page (`timestamp|id`); `types` and `name` narrow the timeline.
 */
export async function eventsOfEntity(
  db: Db,
  entityId: string,
  options: { limit?: number; before?: string | null; types?: string[]; name?: string } = {},
): Promise<EventPage> {
  const limit = Math.max(1, Math.min(options.limit ?? 50, 1000));
  // The entity's records first: a subquery may be planned as a scan of the event table by time.
  const keys = (
    await db.selectFrom("entity_link").select("record_key").where("entity_id", "=", entityId).execute()
  ).map((r) => r.record_key);
  if (keys.length === 0) return { events: [], next: null };
  let q = db.selectFrom("event").selectAll().where("record_key", "in", keys);
  if (options.types && options.types.length > 0) q = q.where("type", "in", options.types);
  if (options.name) q = q.where("name", "=", options.name);
  if (options.before) {
    const bar = options.before.lastIndexOf("|");
    const ts = options.before.slice(0, bar);
    const id = Number(options.before.slice(bar + 1));
    if (bar <= 0 || !Number.isInteger(id)) throw new Error(`"${options.before}" is not a timeline cursor`);
    q = q.where((eb) =>
      eb.or([eb("timestamp", "<", ts), eb.and([eb("timestamp", "=", ts), eb("id", "<", id)])]),
    );
  }
  const rows = await q
    .orderBy("timestamp", "desc")
    .orderBy("id", "desc")
    .limit(limit + 1)
    .execute();
  const events = rows.slice(0, limit).map(toEvent);
  const last = events[events.length - 1];
  return { events, next: rows.length > limit && last ? `${last.timestamp}|${last.id}` : null };
}

export async function countEvents(db: Db): Promise<number> {
  const r = await db
    .selectFrom("event")
    .select((eb) => eb.fn.countAll().as("n"))
    .executeTakeFirst();
  return fromCount((r?.n ?? 0) as number);
}

export async function getEventByMessageId(
  db: Db,
  source: string,
  messageId: string,
): Promise<StoredEvent | null> {
  const r = await db
    .selectFrom("event")
    .selectAll()
    .where("source", "=", source)
    .where("message_id", "=", messageId)
    .executeTakeFirst();
  return r ? toEvent(r) : null;
}

const acceptedColumns = [
  "record_key",
  "source",
  "message_id",
  "type",
  "user_id",
  "anonymous_id",
  "timestamp",
  "received_at",
  "sent_at",
  "body",
] as const;

function asAccepted(r: {
  source: string;
  message_id: string;
  type: string;
  user_id: string | null;
  anonymous_id: string | null;
  timestamp: string | Date;
  received_at: string | Date;
  sent_at: string | Date | null;
  body: unknown;
}): AcceptedEvent {
  return {
    source: r.source,
    messageId: r.message_id,
    type: r.type as AcceptedEvent["type"],
    userId: r.user_id,
    anonymousId: r.anonymous_id,
    timestamp: fromTime(r.timestamp),
    receivedAt: fromTime(r.received_at),
    sentAt: r.sent_at === null ? null : fromTime(r.sent_at),
    body: fromJson(r.body),
  };
}

/** Stored events as they were accepted, in event time then message id order, a page at a time (replays, tests). */
export async function storedEvents(db: Db, offset = 0, limit = 10_000): Promise<AcceptedEvent[]> {
  const rows = await db
    .selectFrom("event")
    .select(acceptedColumns)
    .orderBy("timestamp")
    .orderBy("message_id")
    .orderBy("source")
    .offset(offset)
    .limit(limit)
    .execute();
  return rows.map(asAccepted);
}

/**
 * The identify calls of these actor records, each record's in event time then message id order: the live path
 * folds an actor's traits from them, so that the order workers applied them in does not matter.
 */
export async function identifyHistory(db: Db, recordKeys: string[]): Promise<Map<string, AcceptedEvent[]>> {
  const out = new Map<string, AcceptedEvent[]>();
  for (let i = 0; i < recordKeys.length; i += 500) {
    const rows = await db
      .selectFrom("event")
      .select(acceptedColumns)
      .where("record_key", "in", recordKeys.slice(i, i + 500))
      .where("type", "=", "identify")
      .execute();
    for (const r of rows) {
      const e = asAccepted(r);
      const list = out.get(r.record_key);
      if (list) list.push(e);
      else out.set(r.record_key, [e]);
    }
  }
  for (const list of out.values())
    list.sort((a, b) =>
      a.timestamp !== b.timestamp
        ? a.timestamp < b.timestamp
          ? -1
          : 1
        : a.messageId < b.messageId
          ? -1
          : a.messageId > b.messageId
            ? 1
            : 0,
    );
  return out;
}
