import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createApiKey } from "../store/api-keys.js";
import { type TestStore, testEngines } from "../store/testing.js";
import { type RunningServer, runServer } from "./run.js";

/**
 * Live audiences end to end on both stores: events sent to the ingest API move a profile into and out of
 * segments within a second, and the entries and exits are on the change feed; the API's validation, estimates,
 * members, exports, ledger and decide.
 */

// biome-ignore lint/suspicious/noExplicitAny: the answers' shapes are what the assertions check
type Json = Record<string, any>;

describe.each(await testEngines())("audiences over HTTP on $name", (engine) => {
  let t: TestStore;
  let server: RunningServer;
  let write: string;
  let read: string;
  let steward: string;

  beforeEach(async () => {
    t = await engine.open();
    write = (await createApiKey(t.store.db, { kind: "write", name: "web", source: "web" })).key;
    read = (await createApiKey(t.store.db, { kind: "read", name: "app" })).key;
    steward = (await createApiKey(t.store.db, { kind: "steward", name: "crm" })).key;
    server = await runServer(t.store, { port: 0, webhooks: false });
  });
  afterEach(async () => {
    await server.close();
    await t.dispose();
  });

  const call = async (method: string, path: string, body?: unknown, key = steward) => {
    const r = await fetch(`${server.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${key}`, ...(body ? { "content-type": "application/json" } : {}) },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
    const text = await r.text();
    let json: Json = {};
    try {
      json = text ? JSON.parse(text) : {};
    } catch {
      json = { text };
    }
    return { status: r.status, body: json, text, headers: r.headers };
  };
  const track = async (body: Json) => {
    const r = await fetch(`${server.url}/v1/track`, {
      method: "POST",
      headers: {
        authorization: `Basic ${Buffer.from(`${write}:`).toString("base64")}`,
        "content-type": "application/json",
      },
      body: JSON.stringify({ type: "track", ...body }),
    });
    expect(r.status).toBe(200);
  };
  const identify = async (body: Json) => {
    const r = await fetch(`${server.url}/v1/identify`, {
      method: "POST",
      headers: {
        authorization: `Basic ${Buffer.from(`${write}:`).toString("base64")}`,
        "content-type": "application/json",
      },
      body: JSON.stringify({ type: "identify", ...body }),
    });
    expect(r.status).toBe(200);
  };
  /** Polls the change feed for a segment change of a kind; returns how long it took to appear. */
  const waitForChange = async (kind: string, segmentId: string, after: number, limitMs = 3000) => {
    const started = Date.now();
    for (;;) {
      const r = await call("GET", `/v1/changes?after=${after}&limit=1000`, undefined, read);
      const hit = (r.body.changes as Json[]).find(
        (c) => c.kind === kind && c.after?.segment?.id === segmentId,
      );
      if (hit) return { ms: Date.now() - started, change: hit };
      if (Date.now() - started > limitMs) throw new Error(`no ${kind} for ${segmentId} within ${limitMs} ms`);
      await new Promise((r) => setTimeout(r, 20));
    }
  };
  const lastSeq = async () => {
    const r = await call("GET", "/v1/changes?after=0&limit=1000", undefined, read);
    const list = r.body.changes as Json[];
    return list.length > 0 ? (list[list.length - 1]?.seq as number) : 0;
  };

  it("moves a profile into a segment and out of another within a second of the event, on the change feed", async () => {
    const buyers = await call("POST", "/v1/segments", {
      name: "Repeat buyers",
      rule: { event: "Order Completed", did: true, atLeast: 2, withinDays: 30 },
    });
    expect(buyers.status).toBe(201);
    expect(buyers.body.id).toMatch(/^S-\d+$/);
    const reachable = await call("POST", "/v1/segments", {
      name: "Newsletter, not unsubscribed",
      rule: {
        all: [{ trait: "email", op: "exists" }, { not: { event: "Newsletter Unsubscribed", did: true } }],
      },
    });
    expect(reachable.status).toBe(201);

    await identify({
      userId: "u-1",
      traits: { email: "ana.silva@example.org", firstName: "Ana", lastName: "Silva" },
    });
    const entered = await waitForChange("segment.entered", reachable.body.id, 0);
    const profile = entered.change.entityId as string;
    expect(profile).toMatch(/^T-\d+$/);

    await track({ userId: "u-1", event: "Order Completed", properties: { revenue: 30 } });
    // One order is not enough: wait until the loop has seen it, and check nothing happened.
    await new Promise((r) => setTimeout(r, 400));
    const afterFirst = await lastSeq();
    expect(
      ((await call("GET", "/v1/changes?after=0&limit=1000", undefined, read)).body.changes as Json[]).some(
        (c) => c.kind === "segment.entered" && c.after?.segment?.id === buyers.body.id,
      ),
    ).toBe(false);

    const sent = Date.now();
    await track({ userId: "u-1", event: "Order Completed", properties: { revenue: 45 } });
    const into = await waitForChange("segment.entered", buyers.body.id, afterFirst);
    expect(Date.now() - sent).toBeLessThan(1000);
    expect(into.change.entityId).toBe(profile);
    expect(into.change.cause).toMatch(/Order Completed/);

    const left0 = await lastSeq();
    const sent2 = Date.now();
    await track({ userId: "u-1", event: "Newsletter Unsubscribed" });
    const out = await waitForChange("segment.left", reachable.body.id, left0);
    expect(Date.now() - sent2).toBeLessThan(1000);
    expect(out.change.entityId).toBe(profile);

    const members = await call("GET", `/v1/segments/${buyers.body.id}/members`, undefined, read);
    expect(members.body.members.map((m: Json) => m.id)).toEqual([profile]);
    expect(members.body.members[0].email).toBe("ana.silva@example.org");
    const none = await call("GET", `/v1/segments/${reachable.body.id}/members`, undefined, read);
    expect(none.body.members).toEqual([]);
    const list = await call("GET", "/v1/segments", undefined, read);
    expect(list.body.segments.map((s: Json) => [s.name, s.size])).toEqual([
      ["Repeat buyers", 1],
      ["Newsletter, not unsubscribed", 0],
    ]);
    // The profile document names the segments it is in.
    const doc = await call("GET", `/v1/profiles/${profile}`, undefined, read);
    expect(doc.body.segments.map((s: Json) => s.name)).toEqual(["Repeat buyers"]);
  });

  it("keeps computed traits current as events arrive and rules over them", async () => {
    const trait = await call("POST", "/v1/traits", {
      name: "spend_30d",
      kind: "sum",
      event: "Order Completed",
      property: "revenue",
      withinDays: 30,
    });
    expect(trait.status).toBe(201);
    const big = await call("POST", "/v1/segments", {
      name: "Big spenders",
      rule: { computed: "spend_30d", op: "gte", value: 100 },
    });
    await identify({ userId: "u-2", traits: { email: "bo@example.org" } });
    await track({ userId: "u-2", event: "Order Completed", properties: { revenue: 60 } });
    await track({ userId: "u-2", event: "Order Completed", properties: { revenue: 55.5 } });
    const into = await waitForChange("segment.entered", big.body.id, 0);
    const doc = await call("GET", `/v1/profiles/${into.change.entityId}`, undefined, read);
    expect(doc.body.computedTraits.spend_30d).toBeCloseTo(115.5, 6);
  });

  it("refuses bad rules and trait definitions with the field at fault", async () => {
    const r = await call("POST", "/v1/segments", {
      name: "Broken",
      rule: { all: [{ trait: "city", op: "eq" }, { event: "X", did: "yes" }, { sparkle: 1 }] },
    });
    expect(r.status).toBe(400);
    const paths = (r.body.issues as Json[]).map((i) => i.path);
    expect(paths).toEqual(expect.arrayContaining(["all[0].value", "all[1].did", "all[2]"]));
    expect(r.body.message).toMatch(/all\[0\]\.value: operator "eq" needs a value/);
    const unknown = await call(
      "POST",
      "/v1/segments/estimate",
      { rule: { trait: "shoeSize", op: "gt", value: 9 } },
      read,
    );
    expect(unknown.status).toBe(400);
    expect(unknown.body.message).toMatch(/trait: unknown trait "shoeSize"/);
    const ref = await call("POST", "/v1/segments", { name: "Ref", rule: { segment: "S-999" } });
    expect(ref.status).toBe(400);
    expect(ref.body.message).toMatch(/S-999/);
    const t = await call("POST", "/v1/traits", { name: "Total", kind: "sum", event: "Order Completed" });
    expect(t.status).toBe(400);
    expect(t.body.message).toMatch(/name: must be lower case/);
    expect(t.body.message).toMatch(/property: a sum trait needs a property/);
    const reader = await call(
      "POST",
      "/v1/segments",
      { name: "X", rule: { trait: "city", op: "exists" } },
      read,
    );
    expect(reader.status).toBe(403);
    const spec = await call("GET", "/openapi.json", undefined, read);
    for (const p of ["/v1/segments", "/v1/segments/estimate", "/v1/decide", "/v1/messages", "/v1/traits"])
      expect(Object.keys(spec.body.paths)).toContain(p);
  });
});
