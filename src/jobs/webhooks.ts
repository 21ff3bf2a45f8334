import { createHmac } from "node:crypto";
import { type ChangeRow, changesSince } from "../store/entities.js";
import type { Store } from "../store/open-store.js";
import { type Delivery, dueDeliveries, listWebhooks, type Webhook } from "../store/webhooks.js";

/**
 * The change feed to webhooks: each active webhook's cursor walks the entity change log; every change it
 * subscribes to becomes a delivery, POSTed as JSON and signed with HMAC-SHA256 over `timestamp.body`
 * (`X-Tessera-Signature: sha256=<hex>`, `X-Tessera-Timestamp`), retried with exponential backoff, and after
 * `maxAttempts` failures moved to the dead-letter list (status `dead`), from where it can be sent again.
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
    const db = this.store.db;
    const all = await listWebhooks(db);
    for (const w of all) if (w.active) await this.enqueue(w);
    const due = await dueDeliveries(db, this.now().toISOString());
    const hooks = new Map(all.map((w) => [w.id, w]));
    const results = await Promise.all(
      due.map((d) => {
        const w = hooks.get(d.webhookId);
        return w ? this.deliver(w, d) : Promise.resolve(false);
      }),
    );
    return results.filter(Boolean).length;
  }

  private async enqueue(w: Webhook): Promise<void> {
    const changes = await changesSince(this.store.db, w.cursor, 500);
    if (changes.length === 0) return;
    const at = this.now().toISOString();
    const wanted = changes.filter((c) => w.kinds.length === 0 || w.kinds.includes(c.kind));
    await this.store.db.transaction().execute(async (trx) => {
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
      await trx
        .updateTable("webhook")
        .set({ cursor: (changes[changes.length - 1] as ChangeRow).seq })
        .where("id", "=", w.id)
        .execute();
    });
  }

  private async deliver(w: Webhook, d: Delivery): Promise<boolean> {
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
