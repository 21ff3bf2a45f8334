import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { AcceptedEvent } from "../model/event.js";
import { openStore, type Store } from "../store/open-store.js";
import { type TestStore, testEngines } from "../store/testing.js";
import { addWebhook, listDeliveries, redeliverDead } from "../store/webhooks.js";
import { LiveIngest } from "./ingest-events.js";
import { signature, WebhookDispatcher } from "./webhooks.js";

/** The change feed to webhooks: signed, retried with backoff, dead-lettered, and sent again on request. */

interface Received {
  body: string;
  headers: Record<string, string | string[] | undefined>;
}

function identify(n: number): AcceptedEvent {
  const at = "2026-01-02T00:00:00.000Z";
  return {
    source: "app",
    messageId: `w-${n}`,
    type: "identify",
    userId: `hook-user-${n}`,
    anonymousId: null,
    timestamp: at,
    receivedAt: at,
    sentAt: null,
    body: {
      type: "identify",
      messageId: `w-${n}`,
      userId: `hook-user-${n}`,
      traits: { email: `hook${n}@mail.shop` },
    },
  };
}

describe.each(await testEngines())("webhooks on $name", (engine) => {
  let t: TestStore;
  let server: Server;
  let url: string;
  let received: Received[];
  let status: number;
  let clock: number;
  let delayMs: number;

  beforeEach(async () => {
    t = await engine.open();
    received = [];
    status = 200;
    delayMs = 0;
    clock = Date.parse("2026-01-02T00:00:00Z");
    server = createServer((req, res) => {
      let body = "";
      req.on("data", (c) => {
        body += c;
      });
      req.on("end", () => {
        received.push({ body, headers: req.headers });
        res.statusCode = status;
        setTimeout(() => res.end(), delayMs);
      });
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  });
  afterEach(async () => {
    await new Promise((r) => server.close(r));
    await t.dispose();
  });

  it("posts each profile change once, signed with the secret", async () => {
    const secret = "s3cret-s3cret-s3cret";
    const hook = await addWebhook(t.store.db, { url, secret });
    await new LiveIngest(t.store).apply([identify(1), identify(2)]);
    const dispatcher = new WebhookDispatcher(t.store, { now: () => new Date(clock) });
    expect(await dispatcher.tick()).toBe(2);
    expect(await dispatcher.tick()).toBe(0);
    expect(received).toHaveLength(2);
    for (const r of received) {
      const ts = r.headers["x-tessera-timestamp"] as string;
      expect(r.headers["x-tessera-signature"]).toBe(signature(secret, ts, r.body));
      expect(JSON.parse(r.body)).toMatchObject({
        kind: "created",
        entityId: expect.stringMatching(/^T-\d+$/),
      });
    }
    expect((await listDeliveries(t.store.db, hook.id, "delivered")).length).toBe(2);
  });

  it("retries with backoff, keeps what keeps failing as dead letters, and sends them again on request", async () => {
    const hook = await addWebhook(t.store.db, { url, secret: "another-secret-000", kinds: ["created"] });
    await new LiveIngest(t.store).apply([identify(3)]);
    status = 500;
    const dispatcher = new WebhookDispatcher(t.store, {
      now: () => new Date(clock),
      maxAttempts: 3,
      backoffMs: 1000,
    });
    expect(await dispatcher.tick()).toBe(0);
    // Not due again until the backoff has passed.
    clock += 500;
    await dispatcher.tick();
    expect(received).toHaveLength(1);
    clock += 1000;
    await dispatcher.tick();
    clock += 2000;
    await dispatcher.tick();
    expect(received).toHaveLength(3);
    const dead = await listDeliveries(t.store.db, hook.id, "dead");
    expect(dead).toHaveLength(1);
    expect(dead[0]).toMatchObject({ attempts: 3, lastError: "HTTP 500" });

    status = 200;
    expect(await redeliverDead(t.store.db, hook.id, new Date(clock).toISOString())).toBe(1);
    expect(await dispatcher.tick()).toBe(1);
    expect(await listDeliveries(t.store.db, hook.id, "dead")).toHaveLength(0);
  });

  it("two dispatchers on one store (two processes on PostgreSQL) queue and send each change once", {
    timeout: 30_000,
  }, async () => {
    const hook = await addWebhook(t.store.db, { url, secret: "shared-secret-0000" });
    // On PostgreSQL the second dispatcher has a pool of its own, as another `tessera serve` process would.
    const other: Store =
      engine.name === "postgres"
        ? await openStore({
            url: process.env.DATABASE_URL || "postgres://postgres@127.0.0.1:5432/test",
            ...(t.store.schema ? { schema: t.store.schema } : {}),
          })
        : t.store;
    try {
      const ingest = new LiveIngest(t.store);
      const dispatchers = [t.store, other].map(
        (s) => new WebhookDispatcher(s, { now: () => new Date(clock), batch: 7 }),
      );
      // A slow receiver keeps sends in flight while the other dispatcher ticks.
      delayMs = 20;
      let sent = 0;
      for (let round = 0; round < 6; round++) {
        await ingest.apply(Array.from({ length: 10 }, (_, i) => identify(100 + round * 10 + i)));
        const counts = await Promise.all(dispatchers.flatMap((d) => [d.tick(), d.tick()]));
        sent += counts.reduce((a, b) => a + b, 0);
      }
      while (true) {
        const counts = await Promise.all(dispatchers.map((d) => d.tick()));
        if (counts.every((c) => c === 0)) break;
        sent += counts.reduce((a, b) => a + b, 0);
      }
      const seqs = received.map((r) => (JSON.parse(r.body) as { seq: number }).seq);
      expect(seqs).toHaveLength(60);
      expect(new Set(seqs).size).toBe(60);
      expect(new Set(received.map((r) => r.headers["x-tessera-delivery"])).size).toBe(60);
      expect(sent).toBe(60);
      const rows = await listDeliveries(t.store.db, hook.id, undefined, 1000);
      expect(rows).toHaveLength(60);
      expect(rows.every((r) => r.status === "delivered" && r.attempts === 1)).toBe(true);
    } finally {
      if (other !== t.store) await other.close();
    }
  });

  it("a delivery claimed by a dispatcher that died is sent again once its claim expires, and only then", async () => {
    await addWebhook(t.store.db, { url, secret: "shared-secret-0000" });
    await new LiveIngest(t.store).apply([identify(7)]);
    const dispatcher = new WebhookDispatcher(t.store, { now: () => new Date(clock), timeoutMs: 1000 });
    // Another dispatcher queues and claims the delivery, then dies before sending it.
    const dead = new WebhookDispatcher(t.store, { now: () => new Date(clock), timeoutMs: 1000 });
    await dead.queueChanges();
    expect(await dead.claimDue()).toHaveLength(1);
    expect(await dispatcher.tick()).toBe(0);
    // The claim lasts the send's timeout and 30 s more.
    clock += 30_999;
    expect(await dispatcher.tick()).toBe(0);
    clock += 1;
    expect(await dispatcher.tick()).toBe(1);
    expect(received).toHaveLength(1);
    expect(await dispatcher.tick()).toBe(0);
  });
});
