import type { Kysely } from "kysely";
import { type Database, fromJson, fromTime } from "../store/schema.js";

/**
 * The audit log: every read of a full profile (the profile document, the access export) and every change
 * (merge, split, erasure, consent, keys, budgets), with who did it — a key id, never a key; `cli:<user>` from
 * the command line — and when. Subjects are golden ids, key ids or recipients, never an email or a phone, so
 * that the log itself holds nothing an erasure would have to remove.
 */

export interface AuditEntry {
  id: number;
  at: string;
  actor: string;
  action: string;
  subject: string | null;
  details: Record<string, unknown> | null;
}

export type AuditAction =
  | "profile.read"
  | "profile.access-export"
  | "profile.erase"
  | "profile.merge"
  | "profile.split"
  | "consent.record"
  | "key.create"
  | "key.revoke"
  | "encryption.rotate"
  | "insights.release"
  | "insights.refused"
  | "budget.set"
  | "consent.policy"
  | (string & {});

export async function audit(
  db: Kysely<Database>,
  e: { actor: string; action: AuditAction; subject?: string | null; details?: unknown; at?: string },
): Promise<void> {
  await db
    .insertInto("audit_log")
    .values({
      at: e.at ?? new Date().toISOString(),
      actor: e.actor,
      action: e.action,
      subject: e.subject ?? null,
      details: e.details === undefined ? null : JSON.stringify(e.details),
    })
    .execute();
}

/** Who is acting from the command line. */
export function cliActor(): string {
  return `cli:${process.env.USER ?? process.env.USERNAME ?? "unknown"}`;
}

export async function listAudit(
  db: Kysely<Database>,
  q: {
    subject?: string;
    action?: string;
    actor?: string;
    after?: number;
    limit?: number;
    since?: string;
  } = {},
): Promise<AuditEntry[]> {
  let query = db.selectFrom("audit_log").selectAll();
  if (q.subject) query = query.where("subject", "=", q.subject);
  if (q.action) query = query.where("action", "=", q.action);
  if (q.actor) query = query.where("actor", "=", q.actor);
  if (q.after !== undefined) query = query.where("id", ">", q.after);
  if (q.since) query = query.where("at", ">=", q.since);
  const rows = await query
    .orderBy("id")
    .limit(Math.max(1, Math.min(q.limit ?? 100, 1000)))
    .execute();
  return rows.map((r) => ({
    id: Number(r.id),
    at: fromTime(r.at),
    actor: r.actor,
    action: r.action,
    subject: r.subject,
    details: r.details === null ? null : fromJson<Record<string, unknown>>(r.details),
  }));
}
