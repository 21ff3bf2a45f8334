import type { Kysely, Transaction } from "kysely";
import { type Database, fromCount, fromJson, fromTime } from "./schema.js";

/**
 * The message ledger: what was sent to whom, on which channel and campaign, and how people responded. Sending
 * systems record through the API; frequency caps and suppression read it; attribution reads `message` as
 * touchpoints. A message given with the sender's own key is recorded once however often it is posted.
 */

type Db = Kysely<Database> | Transaction<Database>;

export const responseKinds = [
  "delivered",
  "bounced",
  "opened",
  "clicked",
  "converted",
  "unsubscribed",
  "complained",
] as const;
export type ResponseKind = (typeof responseKinds)[number];

export interface Message {
  id: number;
  messageKey: string | null;
  entityId: string;
  channel: string;
  campaign: string | null;
  template: string | null;
  sentAt: string;
  properties: Record<string, unknown> | null;
  responses: { kind: string; at: string }[];
}

export interface NewMessage {
  entityId: string;
  channel: string;
  campaign?: string | null;
  template?: string | null;
  messageKey?: string | null;
  sentAt: string;
  properties?: Record<string, unknown> | null;
}

function toMessage(r: {
  id: number | string | bigint;
  message_key: string | null;
  entity_id: string;
  channel: string;
  campaign: string | null;
  template: string | null;
  sent_at: string | Date;
  properties: unknown;
}): Message {
  return {
    id: Number(r.id),
    messageKey: r.message_key,
    entityId: r.entity_id,
    channel: r.channel,
    campaign: r.campaign,
    template: r.template,
    sentAt: fromTime(r.sent_at),
    properties: r.properties === null ? null : fromJson(r.properties),
    responses: [],
  };
}

/** Records a sent message; with a message key already recorded, returns that one (`created` false). */
export async function recordMessage(
  db: Db,
  m: NewMessage,
  at: string,
): Promise<{ message: Message; created: boolean }> {
  if (m.messageKey) {
    const old = await getMessageByKey(db, m.messageKey);
    if (old) return { message: old, created: false };
  }
  const r = await db
    .insertInto("message")
    .values({
      message_key: m.messageKey ?? null,
      entity_id: m.entityId,
      channel: m.channel,
      campaign: m.campaign ?? null,
      template: m.template ?? null,
      sent_at: m.sentAt,
      properties: m.properties ? JSON.stringify(m.properties) : null,
      recorded_at: at,
    })
    .onConflict((oc) => oc.column("message_key").doNothing())
    .returning("id")
    .executeTakeFirst();
  if (!r) {
    // Another request recorded the same key in between.
    const old = await getMessageByKey(db, m.messageKey as string);
    if (old) return { message: old, created: false };
    throw new Error(`message ${m.messageKey} could not be recorded`);
  }
  return { message: (await getMessage(db, Number(r.id))) as Message, created: true };
}

async function withResponses(db: Db, messages: Message[]): Promise<Message[]> {
  if (messages.length === 0) return messages;
  const rows = await db
    .selectFrom("message_response")
    .select(["message_id", "kind", "at"])
    .where(
      "message_id",
      "in",
      messages.map((m) => m.id),
    )
    .orderBy("at")
    .execute();
  const byId = new Map(messages.map((m) => [m.id, m]));
  for (const r of rows)
    byId.get(fromCount(r.message_id))?.responses.push({ kind: r.kind, at: fromTime(r.at) });
  return messages;
}

export async function getMessage(db: Db, id: number): Promise<Message | null> {
  const r = await db.selectFrom("message").selectAll().where("id", "=", id).executeTakeFirst();
  return r ? ((await withResponses(db, [toMessage(r)]))[0] ?? null) : null;
}

export async function getMessageByKey(db: Db, key: string): Promise<Message | null> {
  const r = await db.selectFrom("message").selectAll().where("message_key", "=", key).executeTakeFirst();
  return r ? ((await withResponses(db, [toMessage(r)]))[0] ?? null) : null;
}

export async function recordResponse(
  db: Db,
  message: Message,
  r: { kind: ResponseKind; at: string; properties?: Record<string, unknown> | null },
  recordedAt: string,
): Promise<number> {
  const row = await db
    .insertInto("message_response")
    .values({
      message_id: message.id,
      entity_id: message.entityId,
      channel: message.channel,
      kind: r.kind,
      at: r.at,
      properties: r.properties ? JSON.stringify(r.properties) : null,
      recorded_at: recordedAt,
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  return Number(row.id);
}

/** A profile's messages, newest first, with their responses. */
export async function messagesOf(
  db: Db,
  entityIds: readonly string[],
  options: { since?: string; limit?: number } = {},
): Promise<Message[]> {
  if (entityIds.length === 0) return [];
  let q = db
    .selectFrom("message")
    .selectAll()
    .where("entity_id", "in", entityIds as string[]);
  if (options.since) q = q.where("sent_at", ">", options.since);
  const rows = await q
    .orderBy("sent_at", "desc")
    .orderBy("id", "desc")
    .limit(options.limit ?? 1000)
    .execute();
  return withResponses(db, rows.map(toMessage));
}

/** Responses of some kinds a profile ever gave (unsubscribes, complaints), newest first. */
export async function responsesOf(
  db: Db,
  entityIds: readonly string[],
  kinds: readonly string[],
): Promise<{ channel: string; kind: string; at: string }[]> {
  if (entityIds.length === 0 || kinds.length === 0) return [];
  const rows = await db
    .selectFrom("message_response")
    .select(["channel", "kind", "at"])
    .where("entity_id", "in", entityIds as string[])
    .where("kind", "in", kinds as string[])
    .orderBy("at", "desc")
    .execute();
  return rows.map((r) => ({ channel: r.channel, kind: r.kind, at: fromTime(r.at) }));
}

/** Sent and response counts per campaign and channel (the ledger's report). */
export async function ledgerSummary(
  db: Db,
  since?: string,
): Promise<{ campaign: string | null; channel: string; sent: number; responses: Record<string, number> }[]> {
  let sent = db
    .selectFrom("message")
    .select(["campaign", "channel", (eb) => eb.fn.countAll().as("n")])
    .groupBy(["campaign", "channel"]);
  if (since) sent = sent.where("sent_at", ">=", since);
  let resp = db
    .selectFrom("message_response as r")
    .innerJoin("message as m", "m.id", "r.message_id")
    .select(["m.campaign", "m.channel", "r.kind", (eb) => eb.fn.count("r.message_id").distinct().as("n")])
    .groupBy(["m.campaign", "m.channel", "r.kind"]);
  if (since) resp = resp.where("m.sent_at", ">=", since);
  const out = new Map<
    string,
    { campaign: string | null; channel: string; sent: number; responses: Record<string, number> }
  >();
  for (const r of await sent.execute())
    out.set(`${r.campaign}\u0000${r.channel}`, {
      campaign: r.campaign,
      channel: r.channel,
      sent: fromCount(r.n as number),
      responses: {},
    });
  for (const r of await resp.execute()) {
    const row = out.get(`${r.campaign}\u0000${r.channel}`);
    if (row) row.responses[r.kind] = fromCount(r.n as number);
  }
  return [...out.values()].sort((a, b) => b.sent - a.sent);
}
