import type { Kysely } from "kysely";
import { type Database, fromCount, fromJson, fromTime } from "./schema.js";

/** Webhooks on the change feed and their deliveries: pending, delivered, or dead (the dead-letter list). */

type Db = Kysely<Database>;

export interface Webhook {
  id: number;
  url: string;
  secret: string;
  /** Change kinds delivered (created, updated, merged, split, deleted); empty means all. */
  kinds: string[];
  active: boolean;
  cursor: number;
  createdAt: string;
}

export interface Delivery {
  id: number;
  webhookId: number;
  changeSeq: number;
  payload: unknown;
  status: "pending" | "delivered" | "dead";
  attempts: number;
  nextAttemptAt: string;
  lastError: string | null;
  deliveredAt: string | null;
}

export async function addWebhook(
  db: Db,
  w: { url: string; secret: string; kinds?: string[]; from?: number; at?: string },
): Promise<Webhook> {
  let url: URL;
  try {
    url = new URL(w.url);
  } catch {
    throw new Error(`"${w.url}" is not a URL`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:")
    throw new Error(`"${w.url}" is not an http(s) URL`);
  if (w.secret.length < 16) throw new Error("a webhook secret needs at least 16 characters");
  const at = w.at ?? new Date().toISOString();
  // A new webhook starts at the end of the feed unless told where to start.
  const last = await db
    .selectFrom("entity_change")
    .select((eb) => eb.fn.max("seq").as("m"))
    .executeTakeFirst();
  const cursor = w.from ?? fromCount((last?.m ?? 0) as number);
  const r = await db
    .insertInto("webhook")
    .values({
      url: url.toString(),
      secret: w.secret,
      kinds: JSON.stringify(w.kinds ?? []),
      cursor,
      created_at: at,
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  return {
    id: Number(r.id),
    url: url.toString(),
    secret: w.secret,
    kinds: w.kinds ?? [],
    active: true,
    cursor,
    createdAt: at,
  };
}

function toWebhook(r: {
  id: number | string | bigint;
  url: string;
  secret: string;
  kinds: unknown;
  active: number;
  cursor: number | string | bigint;
  created_at: string | Date;
}): Webhook {
  return {
    id: Number(r.id),
    url: r.url,
    secret: r.secret,
    kinds: fromJson<string[]>(r.kinds),
    active: Number(r.active) === 1,
    cursor: fromCount(r.cursor),
    createdAt: fromTime(r.created_at),
  };
}

export async function listWebhooks(db: Db, activeOnly = false): Promise<Webhook[]> {
  let q = db.selectFrom("webhook").selectAll().orderBy("id");
  if (activeOnly) q = q.where("active", "=", 1);
  return (await q.execute()).map(toWebhook);
}

export async function deactivateWebhook(db: Db, id: number): Promise<boolean> {
  const r = await db.updateTable("webhook").set({ active: 0 }).where("id", "=", id).executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}

function toDelivery(r: {
  id: number | string | bigint;
  webhook_id: number | string | bigint;
  change_seq: number | string | bigint;
  payload: unknown;
  status: "pending" | "delivered" | "dead";
  attempts: number;
  next_attempt_at: string | Date;
  last_error: string | null;
  delivered_at: string | Date | null;
}): Delivery {
  return {
    id: Number(r.id),
    webhookId: Number(r.webhook_id),
    changeSeq: fromCount(r.change_seq),
    payload: fromJson(r.payload),
    status: r.status,
    attempts: r.attempts,
    nextAttemptAt: fromTime(r.next_attempt_at),
    lastError: r.last_error,
    deliveredAt: r.delivered_at ? fromTime(r.delivered_at) : null,
  };
}

export async function listDeliveries(
  db: Db,
  webhookId: number,
  status?: Delivery["status"],
  limit = 100,
): Promise<Delivery[]> {
  let q = db.selectFrom("webhook_delivery").selectAll().where("webhook_id", "=", webhookId);
  if (status) q = q.where("status", "=", status);
  return (await q.orderBy("id").limit(limit).execute()).map(toDelivery);
}

export async function dueDeliveries(db: Db, now: string, limit = 100): Promise<Delivery[]> {
  const rows = await db
    .selectFrom("webhook_delivery")
    .selectAll()
    .where("status", "=", "pending")
    .where("next_attempt_at", "<=", now)
    .orderBy("id")
    .limit(limit)
    .execute();
  return rows.map(toDelivery);
}

/** Puts dead deliveries of a webhook back in line. */
export async function redeliverDead(db: Db, webhookId: number, now: string): Promise<number> {
  const r = await db
    .updateTable("webhook_delivery")
    .set({ status: "pending", attempts: 0, next_attempt_at: now })
    .where("webhook_id", "=", webhookId)
    .where("status", "=", "dead")
    .executeTakeFirst();
  return Number(r.numUpdatedRows);
}
