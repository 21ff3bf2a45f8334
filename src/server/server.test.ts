import { gzipSync } from "node:zlib";
import { Analytics } from "@segment/analytics-node";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createApiKey } from "../store/api-keys.js";
import { countEvents } from "../store/events.js";
import { type TestStore, testEngines } from "../store/testing.js";
import { type RunningServer, runServer } from "./run.js";

/** The server end to end: the real Segment Node client against it, then the profile API, on both stores. */

describe.each(await testEngines())("the ingest and profile API on $name", (engine) => {
  let t: TestStore;
  let server: RunningServer;
  let write: string;
  let read: string;

  beforeEach(async () => {
    t = await engine.open();
    write = (await createApiKey(t.store.db, { kind: "write", name: "web", source: "web" })).key;
    read = (await createApiKey(t.store.db, { kind: "read", name: "app" })).key;
    server = await runServer(t.store, { port: 0, webhooks: false });
  });
  afterEach(async () => {
    await server.close();
    await t.dispose();
  });

  const get = async (path: string, key = read) => {
    const r = await fetch(`${server.url}${path}`, { headers: { authorization: `Bearer ${key}` } });
    // biome-ignore lint/suspicious/noExplicitAny: the answers' shapes are what the assertions check
    return { status: r.status, body: (await r.json()) as Record<string, any> };
  };
  const post = (path: string, body: string | Buffer, headers: Record<string, string> = {}) =>
    fetch(`${server.url}${path}`, {
      method: "POST",
      headers: {
        authorization: `Basic ${Buffer.from(`${write}:`).toString("base64")}`,
        "content-type": "application/json",
        ...headers,
      },
      body,
    });

  it("takes identify, track, page, alias and batch calls from @segment/analytics-node and merges them into one profile", async () => {
    const analytics = new Analytics({ writeKey: write, host: server.url, flushAt: 3, maxRetries: 1 });
    analytics.track({ anonymousId: "anon-1", event: "Product Viewed", properties: { sku: "A-1" } });
    analytics.page({ anonymousId: "anon-1", name: "Home" });
    analytics.identify({
      userId: "u-42",
      anonymousId: "anon-1",
      traits: {
        email: "Maria.Lopez@Mail.Shop",
        firstName: "Maria",
        lastName: "Lopez",
        phone: "+1 650 253 0000",
      },
    });
    analytics.track({ userId: "u-42", event: "Order Completed", properties: { revenue: 42.5 } });
    // A second device: anonymous until the alias call ties it to the user.
    analytics.screen({ anonymousId: "phone-9", name: "Cart" });
    analytics.alias({ previousId: "phone-9", userId: "u-42" });
    await analytics.closeAndFlush();

    expect(await countEvents(t.store.db)).toBe(6);
    const byUser = await get("/v1/profiles/user_id:u-42?events=10");
    expect(byUser.status).toBe(200);
    const id = byUser.body.id as string;
    expect(id).toMatch(/^T-\d+$/);
    expect(byUser.body.traits.name.value.full).toMatch(/maria lopez/i);
    const kinds = (byUser.body.identities as { kind: string; value: string }[]).map(
      (i) => `${i.kind}:${i.value}`,
    );
    expect(kinds).toEqual(
      expect.arrayContaining([
        "anonymous_id:anon-1",
        "user_id:u-42",
        "email:maria.lopez@mail.shop",
        "phone:+16502530000",
      ]),
    );
    expect(byUser.body.events.events).toHaveLength(6);

    for (const ref of ["email:maria.lopez@mail.shop", "anonymous_id:anon-1", "phone:+16502530000", id]) {
      const r = await get(`/v1/profiles/${encodeURIComponent(ref)}`);
      expect(r.status, ref).toBe(200);
      expect(r.body.id, ref).toBe(id);
    }
    const timeline = await get(`/v1/profiles/${id}/events?limit=4&type=track`);
    expect(timeline.body.events.map((e: { name: string }) => e.name).sort()).toEqual([
      "Order Completed",
      "Product Viewed",
    ]);
    const search = await get("/v1/profiles?name=maria%20l");
    expect(search.body.profiles.map((p: { id: string }) => p.id)).toContain(id);
    expect(byUser.body.household).toBeNull();
    await t.store.db
      .insertInto("profile_score")
      .values({
        entity_id: id,
        name: "clv",
        value: 123.5,
        details: "{}",
        model_run_id: "run-1",
        computed_at: new Date().toISOString(),
      })
      .execute();
    const scored = await get(`/v1/profiles/${id}`);
    expect(scored.body.scores).toEqual([expect.objectContaining({ name: "clv", value: 123.5 })]);
    const changes = await get("/v1/changes?after=0");
    expect(changes.body.changes.some((c: { entityId: string }) => c.entityId === id)).toBe(true);
  });

  it("answers bad input with the documented status and accepts nothing from it", async () => {
    expect((await post("/v1/track", "{not json")).status).toBe(400);
    expect((await post("/v1/track", Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x7d]))).status).toBe(400);
    const big = JSON.stringify({ anonymousId: "a", event: "x", properties: { blob: "x".repeat(40_000) } });
    expect((await post("/v1/track", big)).status).toBe(400);
    const huge = JSON.stringify({
      batch: Array.from({ length: 30 }, () => ({
        type: "track",
        anonymousId: "a",
        event: "x",
        properties: { blob: "y".repeat(20_000) },
      })),
    });
    expect((await post("/v1/batch", huge)).status).toBe(400);
    const wrong = await post("/v1/track", JSON.stringify({ anonymousId: "a", event: 12 }));
    expect(wrong.status).toBe(400);
    expect(((await wrong.json()) as { rejected: { field: string }[] }).rejected[0]?.field).toBe("event");
    const unknown = await fetch(`${server.url}/v1/track`, {
      method: "POST",
      headers: { authorization: `Basic ${Buffer.from("nope:").toString("base64")}` },
      body: JSON.stringify({ anonymousId: "a", event: "x" }),
    });
    expect(unknown.status).toBe(401);
    expect((await get("/v1/profiles/T-1", write)).status).toBe(403);
    expect(await countEvents(t.store.db)).toBe(0);
    const quarantined = await t.store.db.selectFrom("quarantine").selectAll().execute();
    expect(quarantined.map((q) => q.field)).toContain("event");
  });

  it("keeps a batch's valid events when some are invalid, takes gzip and text/plain, and dedups on messageId", async () => {
    const batch = {
      batch: [
        { type: "track", anonymousId: "a-1", event: "Viewed", messageId: "m-1" },
        { type: "track", event: "No one" },
        { type: "identify", userId: "u-1", traits: { email: "u1@shop.example" }, messageId: "m-2" },
      ],
    };
    const r = await post("/v1/batch", gzipSync(JSON.stringify(batch)), {
      "content-encoding": "gzip",
      "content-type": "text/plain",
    });
    const body = (await r.json()) as { rejected: { index: number; field: string }[] };
    expect(body).toMatchObject({ success: true });
    expect(r.status).toBe(200);
    expect(body.rejected).toEqual([expect.objectContaining({ index: 1, field: "userId" })]);
    expect((await post("/v1/batch", JSON.stringify(batch))).status).toBe(200);
    expect(await countEvents(t.store.db)).toBe(2);
  });

  it("corrects the timestamp for the sender's clock with sentAt", async () => {
    const now = Date.now();
    // The sender's clock is an hour fast: sent "now + 1h", happened 10 s before sending.
    const sentAt = new Date(now + 3_600_000).toISOString();
    const timestamp = new Date(now + 3_600_000 - 10_000).toISOString();
    await post(
      "/v1/track",
      JSON.stringify({ anonymousId: "clock", event: "Tick", timestamp, sentAt, messageId: "skew" }),
    );
    const row = await t.store.db
      .selectFrom("event")
      .select("timestamp")
      .where("message_id", "=", "skew")
      .executeTakeFirstOrThrow();
    const corrected = new Date(row.timestamp).getTime();
    expect(Math.abs(corrected - (now - 10_000))).toBeLessThan(5_000);
  });

  it("never merges two user ids, and records the refusal as a finding", async () => {
    await post("/v1/identify", JSON.stringify({ userId: "u-a", anonymousId: "shared-tablet" }));
    await post("/v1/identify", JSON.stringify({ userId: "u-b", anonymousId: "shared-tablet" }));
    const a = await get("/v1/profiles/user_id:u-a");
    const b = await get("/v1/profiles/user_id:u-b");
    expect(a.body.id).not.toBe(b.body.id);
    const findings = await t.store.db
      .selectFrom("quality_finding")
      .selectAll()
      .where("kind", "=", "refused-merge")
      .execute();
    expect(findings.length).toBe(1);
    expect(findings[0]?.message).toMatch(/two different user_ids/);
  });

  it("answers 429 with Retry-After when more events wait than the log takes, and accepts nothing of that request", async () => {
    const small = await runServer(t.store, { port: 0, webhooks: false, maxPending: 2 });
    try {
      const batch = {
        batch: [1, 2, 3].map((i) => ({
          type: "track",
          anonymousId: "busy",
          event: "x",
          messageId: `busy-${i}`,
        })),
      };
      const r = await fetch(`${small.url}/v1/batch`, {
        method: "POST",
        headers: { authorization: `Bearer ${write}` },
        body: JSON.stringify(batch),
      });
      expect(r.status).toBe(429);
      expect(r.headers.get("retry-after")).toBe("1");
      expect(await countEvents(t.store.db)).toBe(0);
    } finally {
      await small.close();
    }
  });

  it("serves analytics.js settings for a write key and an OpenAPI document", async () => {
    const s = await fetch(`${server.url}/v1/projects/${write}/settings`);
    expect(s.status).toBe(200);
    expect(
      ((await s.json()) as { integrations: Record<string, { apiKey: string }> }).integrations["Segment.io"]
        ?.apiKey,
    ).toBe(write);
    expect((await fetch(`${server.url}/v1/projects/nope/settings`)).status).toBe(401);
    const doc = (await (await fetch(`${server.url}/openapi.json`)).json()) as {
      paths: Record<string, unknown>;
    };
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining(["/v1/profiles/{id}", "/v1/profiles", "/v1/changes"]),
    );
  });
});
