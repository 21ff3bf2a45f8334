import { createHmac, randomUUID } from "node:crypto";
import { hostname } from "node:os";
import { sql } from "kysely";
import { type ChangeRow, changesSince } from "../store/entities.js";
import type { Store } from "../store/open-store.js";
import { fromCount, fromJson, fromTime } from "../store/schema.js";
import { type Delivery, listWebhooks, type Webhook } from "../store/webhooks.js";

/**
 * The change feed to webhooks: each active webhook's cursor walks the entity change log; every change it
 * subscribes to becomes a delivery, POSTed as JSON and signed with HMAC-SHA256 over `timestamp.body`
 * (`X-Tessera-Signature: sha256=<hex>`, `X-Tessera-Timestamp`), retried with exponential backoff, and after
 * `maxAttempts` failures moved to the dead-letter list (status `dead`), from where it can be sent again.
 *
 * Every `tessera serve` process runs a dispatcher; several on one store share the work and send each delivery
 * once: a webhook's cursor moves only if no other dispatcher moved it first (compare and set, in the same
 * transaction as the deliveries it queues), and a due delivery is claimed before it is sent — one UPDATE that
 * pushes its `next_attempt_at` past the send's timeout and names the claim (`FOR UPDATE SKIP LOCKED` on
 * PostgreSQL). Its outcome is written only under that claim. A dispatcher that dies mid-send leaves the claim to
 * expire, and the delivery is sent again then: at least once, each with its `X-Tessera-Delivery` id.
 */

export interface DispatcherOptions {
  maxAttempts?: number;
  /** First retry delay; doubled each attempt, at most an hour. Default 1 s. */
  backoffMs?: number;
  timeoutMs?: number;
  now?: () => Date;
  /** Also publish each change here (the NATS change stream), before webhooks see it. */
  publish?: (change: ChangeRow) => Promise<void>;
  onError?: (error: unknown) => void;
  /** Deliveries claimed per tick (default 100). */
  batch?: number;
}

export function signature(secret: string, timestamp: string, body: string): string {
  return `sha256=${createHmac("sha256", secret).update(`${timestamp}.${body}`).digest("hex")}`;
}

export interface ChangePayload {
  seq: number;
  entityId: string;
  kind: string;
  cause: string;
  at: string;
  before: unknown;
  after: unknown;
}

function payloadOf(c: ChangeRow): ChangePayload {
  return {
    seq: c.seq,
    entityId: c.entityId,
    kind: c.kind,
    cause: c.cause,
    at: c.at,
    before: c.before,
    after: c.after,
  };
}

export class WebhookDispatcher {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private readonly maxAttempts: number;
  private readonly backoffMs: number;
  private readonly now: () => Date;
  private readonly id = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  private claims = 0;

  constructor(
    private readonly store: Store,
    private readonly options: DispatcherOptions = {},
  ) {
    this.maxAttempts = options.maxAttempts ?? 8;
    this.backoffMs = options.backoffMs ?? 1000;
    this.now = options.now ?? (() => new Date());
  }

  /** Queues new changes for each webhook, then sends what is due. Returns how many were sent successfully. */
  async tick(): Promise<number> {
    const all = await this.queueChanges();
    const due = await this.claimDue();
    const hooks = new Map(all.map((w) => [w.id, w]));
    const results = await Promise.all(
      due.map((d) => {
        const w = hooks.get(d.webhookId);
        return w ? this.deliver(w, d) : Promise.resolve(false);
      }),
    );
    return results.filter(Boolean).length;
  }

  /** Queues each active webhook's new changes as deliveries; returns every webhook. */
  async queueChanges(): Promise<Webhook[]> {
    const all = await listWebhooks(this.store.db);
    for (const w of all) if (w.active) await this.enqueue(w);
    return all;
  }

  private async enqueue(w: Webhook): Promise<void> {
    const changes = await changesSince(this.store.db, w.cursor, 500);
    if (changes.length === 0) return;
    const at = this.now().toISOString();
    const wanted = changes.filter((c) => w.kinds.length === 0 || w.kinds.includes(c.kind));
    await this.store.db.transaction().execute(async (trx) => {
      // Another dispatcher may have queued these changes meanwhile: then its cursor moved and ours does not.
      const moved = await trx
        .updateTable("webhook")
        .set({ cursor: (changes[changes.length - 1] as ChangeRow).seq })
        .where("id", "=", w.id)
        .where("cursor", "=", w.cursor)
        .executeTakeFirst();
      if (Number(moved.numUpdatedRows) === 0) return;
      if (wanted.length > 0)
        await trx
          .insertInto("webhook_delivery")
          .values(
            wanted.map((c) => ({
              webhook_id: w.id,
              change_seq: c.seq,
              payload: JSON.stringify(payloadOf(c)),
              status: "pending" as const,
              next_attempt_at: at,
              last_error: null,
              created_at: at,
              delivered_at: null,
            })),
          )
          .execute();
    });
  }

  /**
   * Claims the due deliveries: pending ones whose time has come get `next_attempt_at` moved past this send's
   * timeout and this claim's name, in one statement, so no other dispatcher picks them until then.
   */
  async claimDue(): Promise<(Delivery & { claim: string })[]> {
    const now = this.now();
    const claim = `${this.id}:${++this.claims}`;
    const until = new Date(now.getTime() + (this.options.timeoutMs ?? 10_000) + 30_000).toISOString();
    const lock = this.store.dialect === "postgres" ? sql`for update skip locked` : sql``;
    const r = await sql<{
      id: number | string;
      webhook_id: number | string;
      change_seq: number | string;
      payload: unknown;
      status: Delivery["status"];
      attempts: number;
      next_attempt_at: string | Date;
      last_error: string | null;
      delivered_at: string | Date | null;
    }>`update webhook_delivery set next_attempt_at = ${until}, claimed_by = ${claim}
      where id in (
        select id from webhook_delivery
        where status = 'pending' and next_attempt_at <= ${now.toISOString()}
        order by id limit ${this.options.batch ?? 100} ${lock})
      and status = 'pending' and next_attempt_at <= ${now.toISOString()}
      returning id, webhook_id, change_seq, payload, status, attempts, next_attempt_at, last_error, delivered_at`.execute(
      this.store.db,
    );
    return r.rows
      .map((d) => ({
        id: Number(d.id),
        webhookId: Number(d.webhook_id),
        changeSeq: fromCount(d.change_seq),
        payload: fromJson(d.payload),
        status: d.status,
        attempts: Number(d.attempts),
        nextAttemptAt: fromTime(d.next_attempt_at),
        lastError: d.last_error,
        deliveredAt: d.delivered_at ? fromTime(d.delivered_at) : null,
        claim,
      }))
      .sort((a, b) => a.id - b.id);
  }

  private async deliver(w: Webhook, d: Delivery & { claim: string }): Promise<boolean> {
    const body = JSON.stringify(d.payload);
    const timestamp = String(Math.floor(this.now().getTime() / 1000));
    let error: string | null = null;
    try {
      const response = await fetch(w.url, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          "user-agent": "tessera-webhooks/1",
          "x-tessera-delivery": String(d.id),
          "x-tessera-timestamp": timestamp,
          "x-tessera-signature": signature(w.secret, timestamp, body),
        },
        body,
        signal: AbortSignal.timeout(this.options.timeoutMs ?? 10_000),
      });
      if (!response.ok) error = `HTTP ${response.status}`;
      await response.body?.cancel();
    } catch (e) {
      error = (e as Error).message;
    }
    const db = this.store.db;
    if (error === null) {
      await db
        .updateTable("webhook_delivery")
        .set({
          status: "delivered",
          attempts: d.attempts + 1,
          delivered_at: this.now().toISOString(),
          last_error: null,
        })
        .where("id", "=", d.id)
        .where(sql.ref("claimed_by"), "=", d.claim)
        .execute();
      return true;
    }
    const attempts = d.attempts + 1;
    const delay = Math.min(this.backoffMs * 2 ** (attempts - 1), 3_600_000);
    await db
      .updateTable("webhook_delivery")
      .set({
        status: attempts >= this.maxAttempts ? "dead" : "pending",
        attempts,
        last_error: error,
        next_attempt_at: new Date(this.now().getTime() + delay).toISOString(),
      })
      .where("id", "=", d.id)
      .where(sql.ref("claimed_by"), "=", d.claim)
      .execute();
    return false;
  }

  /** Runs `tick` every `intervalMs` until stopped. */
  start(intervalMs = 500): void {
    const loop = async () => {
      try {
        await this.tick();
      } catch (e) {
        this.options.onError?.(e);
      }
      if (this.timer !== null) this.timer = setTimeout(() => (this.running = loop()), intervalMs);
    };
    this.timer = setTimeout(() => (this.running = loop()), 0);
  }

  async stop(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.running;
  }
}
