import { type Kysely, sql } from "kysely";
import type { PairDecision } from "../master/decisions.js";
import { type Database, fromCount, fromJson, fromTime } from "./schema.js";

/**
 * The steward's side of the store: decisions (the audit log: who, when, why, and the record pairs each comes
 * down to), the review queue, and the settings the last master run used.
 */

type Db = Kysely<Database>;

export type DecisionKind = "not-a-match" | "match" | "merge" | "split";

export interface Decision {
  id: number;
  kind: DecisionKind;
  entities: string[];
  records: string[];
  by: string;
  reason: string | null;
  at: string;
}

export interface NewDecision {
  kind: DecisionKind;
  entities: string[];
  records: string[];
  by: string;
  reason: string | null;
  at: string;
  /** The record pairs the decision comes down to. */
  pairs: PairDecision[];
}

export async function recordDecision(trx: Db, d: NewDecision): Promise<number> {
  const row = await trx
    .insertInto("steward_decision")
    .values({
      kind: d.kind,
      entities: JSON.stringify(d.entities),
      records: JSON.stringify(d.records),
      decided_by: d.by,
      reason: d.reason,
      decided_at: d.at,
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  const id = Number(row.id);
  for (let i = 0; i < d.pairs.length; i += 1000) {
    await trx
      .insertInto("decision_pair")
      .values(
        d.pairs.slice(i, i + 1000).map((p) => ({
          decision_id: id,
          kind: p.kind,
          left_key: p.left,
          right_key: p.right,
        })),
      )
      .execute();
  }
  return id;
}

/** Every decided record pair, in the order decided. */
export async function loadDecisionPairs(db: Db): Promise<PairDecision[]> {
  const rows = await db
    .selectFrom("decision_pair")
    .select(["kind", "left_key", "right_key"])
    .orderBy("id")
    .execute();
  return rows.map((r) => ({ kind: r.kind, left: r.left_key, right: r.right_key }));
}

export async function listDecisions(
  db: Db,
  options: { entity?: string; limit?: number } = {},
): Promise<Decision[]> {
  let q = db.selectFrom("steward_decision").selectAll().orderBy("id");
  if (options.entity) {
    // Entities are a JSON array of ids; a text match on the quoted id is exact.
    const pattern = `%"${options.entity}"%`;
    q = q.where(sql<string>`cast(entities as text)`, "like", pattern);
  }
  const rows = await q.limit(options.limit ?? 1000).execute();
  return rows.map((r) => ({
    id: Number(r.id),
    kind: r.kind,
    entities: fromJson<string[]>(r.entities),
    records: fromJson<string[]>(r.records),
    by: r.decided_by,
    reason: r.reason,
    at: fromTime(r.decided_at),
  }));
}

export interface ReviewItem {
  id: number;
  leftKey: string;
  rightKey: string;
  leftEntity: string;
  rightEntity: string;
  probability: number;
  impact: number;
  explanation: unknown;
  status: "open" | "accepted" | "rejected" | "stale";
  createdAt: string;
  decidedAt: string | null;
  decisionId: number | null;
}

export type NewReviewItem = Pick<
  ReviewItem,
  "leftKey" | "rightKey" | "leftEntity" | "rightEntity" | "probability" | "impact" | "explanation"
>;

/** Replaces the open items with a run's queue; decided items stay as they were, for the audit. */
export async function replaceReviewQueue(trx: Db, items: NewReviewItem[], at: string): Promise<void> {
  await trx.deleteFrom("review_item").where("status", "=", "open").execute();
  for (let i = 0; i < items.length; i += 500) {
    await trx
      .insertInto("review_item")
      .values(
        items.slice(i, i + 500).map((r) => ({
          left_key: r.leftKey,
          right_key: r.rightKey,
          left_entity: r.leftEntity,
          right_entity: r.rightEntity,
          probability: r.probability,
          impact: r.impact,
          explanation: r.explanation === undefined ? null : JSON.stringify(r.explanation),
          status: "open" as const,
          created_at: at,
          decided_at: null,
          decision_id: null,
        })),
      )
      .execute();
  }
}

function toItem(r: {
  id: number | string;
  left_key: string;
  right_key: string;
  left_entity: string;
  right_entity: string;
  probability: number;
  impact: number;
  explanation: unknown;
  status: ReviewItem["status"];
  created_at: string | Date;
  decided_at: string | Date | null;
  decision_id: number | string | bigint | null;
}): ReviewItem {
  return {
    id: Number(r.id),
    leftKey: r.left_key,
    rightKey: r.right_key,
    leftEntity: r.left_entity,
    rightEntity: r.right_entity,
    probability: Number(r.probability),
    impact: r.impact,
    explanation: r.explanation === null ? null : fromJson<unknown>(r.explanation),
    status: r.status,
    createdAt: fromTime(r.created_at),
    decidedAt: r.decided_at === null ? null : fromTime(r.decided_at),
    decisionId: r.decision_id === null ? null : fromCount(r.decision_id),
  };
}

/** Open items, the ones whose decision changes most first. */
export async function listReviewItems(db: Db, limit = 50): Promise<ReviewItem[]> {
  const rows = await db
    .selectFrom("review_item")
    .selectAll()
    .where("status", "=", "open")
    .orderBy("impact", "desc")
    .orderBy(sql`abs(probability - 0.5)`)
    .orderBy("id")
    .limit(limit)
    .execute();
  return rows.map(toItem);
}

export async function countOpenReviewItems(db: Db): Promise<number> {
  const row = await db
    .selectFrom("review_item")
    .select((eb) => eb.fn.countAll<number>().as("n"))
    .where("status", "=", "open")
    .executeTakeFirst();
  return Number(row?.n ?? 0);
}

export async function getReviewItem(db: Db, id: number): Promise<ReviewItem | null> {
  const row = await db.selectFrom("review_item").selectAll().where("id", "=", id).executeTakeFirst();
  return row ? toItem(row) : null;
}

export async function closeReviewItem(
  trx: Db,
  id: number,
  status: "accepted" | "rejected" | "stale",
  decisionId: number | null,
  at: string,
): Promise<void> {
  await trx
    .updateTable("review_item")
    .set({ status, decision_id: decisionId, decided_at: at })
    .where("id", "=", id)
    .execute();
}

export async function getState<T>(db: Db, key: string): Promise<T | null> {
  const row = await db.selectFrom("master_state").select("value").where("key", "=", key).executeTakeFirst();
  return row ? fromJson<T>(row.value) : null;
}

export async function putState(trx: Db, key: string, value: unknown, at: string): Promise<void> {
  const text = JSON.stringify(value);
  await trx
    .insertInto("master_state")
    .values({ key, value: text, updated_at: at })
    .onConflict((oc) => oc.column("key").doUpdateSet({ value: text, updated_at: at }))
    .execute();
}
