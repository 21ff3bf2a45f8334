import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runDemoPipeline } from "../jobs/demo.js";
import { createApiKey } from "../store/api-keys.js";
import { entityLinks } from "../store/entities.js";
import { getReviewItem } from "../store/stewardship.js";
import { type TestStore, testEngines } from "../store/testing.js";
import { type RunningServer, runServer } from "./run.js";

/**
 * The stewardship API over HTTP on both stores, on the demo pipeline's own data: the review queue with both
 * records side by side, accept / reject / skip, merge and split, and the refusals a caller can act on.
 */

const dataDir = mkdtempSync(join(tmpdir(), "tessera-steward-"));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

describe.each(await testEngines())("the stewardship API on $name", (engine) => {
  let t: TestStore;
  let server: RunningServer;
  let steward: string;
  let read: string;

  beforeAll(async () => {
    t = await engine.open();
    const r = await runDemoPipeline(t.store, { dataDir, people: 300, seed: 42, enrich: false });
    steward = r.key?.key as string;
    read = (await createApiKey(t.store.db, { kind: "read", name: "dashboard" })).key;
    server = await runServer(t.store, { port: 0, webhooks: false });
  }, 120_000);
  afterAll(async () => {
    await server?.close();
    await t?.dispose();
  });

  const call = async (method: string, path: string, body?: unknown, key = steward) => {
    const r = await fetch(`${server.url}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${key}`,
        ...(body === undefined ? {} : { "content-type": "application/json" }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    // biome-ignore lint/suspicious/noExplicitAny: the answers' shapes are what the assertions check
    return { status: r.status, body: (await r.json()) as Record<string, any> };
  };

  it("lists the queue and shows one pair side by side with its explanation", async () => {
    const list = await call("GET", "/v1/review?limit=5", undefined, read);
    expect(list.status).toBe(200);
    expect(list.body.open).toBeGreaterThanOrEqual(3);
    expect(list.body.items.length).toBe(Math.min(5, list.body.open));
    const first = list.body.items[0];
    expect(first.leftName).toEqual(expect.any(String));

    const one = await call("GET", `/v1/review/${first.id}`, undefined, read);
    expect(one.status).toBe(200);
    expect(one.body.left.key).toBe(first.leftKey);
    expect(one.body.right.key).toBe(first.rightKey);
    const name = one.body.fields.find((f: { field: string }) => f.field === "name");
    expect(name.left.length + name.right.length).toBeGreaterThan(0);
    expect(["same", "partial", "differ", "missing"]).toContain(name.agreement);
    expect(one.body.explanation.comparisons.length).toBeGreaterThan(2);
    expect(one.body.explanation.probability).toBeCloseTo(first.probability, 6);

    // Skipped items are left out when asked.
    const without = await call("GET", `/v1/review?limit=5&exclude=${first.id}`, undefined, read);
    expect(without.body.items.map((i: { id: number }) => i.id)).not.toContain(first.id);
    expect((await call("GET", "/v1/review/999999", undefined, read)).status).toBe(404);
  });

  it("accepts, rejects and skips with a steward key, and refuses a read key or a decided item", async () => {
    const [a, b, c] = (await call("GET", "/v1/review?limit=3")).body.items;
    // A read key may look, not decide (403 once keys carry scopes, 401 before).
    expect([401, 403]).toContain((await call("POST", `/v1/review/${a.id}/accept`, {}, read)).status);
    expect((await getReviewItem(t.store.db, a.id))?.status).toBe("open");

    const skipped = await call("POST", `/v1/review/${c.id}/skip`);
    expect(skipped.body).toMatchObject({ item: c.id, status: "skipped" });
    expect((await getReviewItem(t.store.db, c.id))?.status).toBe("open");

    const accepted = await call("POST", `/v1/review/${a.id}/accept`, { reason: "same order history" });
    expect(accepted.status).toBe(200);
    expect(["accepted", "stale"]).toContain(accepted.body.status);
    const item = await getReviewItem(t.store.db, a.id);
    expect(item?.status).toBe(accepted.body.status);
    if (accepted.body.status === "accepted") {
      // The two records are one profile now.
      const links = await entityLinks(t.store.db, accepted.body.merge.survivor);
      expect(links.map((l) => l.recordKey)).toEqual(expect.arrayContaining([a.leftKey, a.rightKey]));
    }

    const rejected = await call("POST", `/v1/review/${b.id}/reject`, { reason: "different people" });
    expect(rejected.body.status).toBe("rejected");
    expect((await getReviewItem(t.store.db, b.id))?.status).toBe("rejected");

    const again = await call("POST", `/v1/review/${b.id}/reject`);
    expect(again.status).toBe(409);
    expect(again.body.message).toMatch(/already rejected/);
  });

  it("splits records off a profile and merges two profiles", async () => {
    const withMany = await t.store.db
      .selectFrom("entity")
      .select("id")
      .where("status", "=", "active")
      .where("records", ">=", 2)
      .orderBy("seq")
      .executeTakeFirstOrThrow();
    const before = await entityLinks(t.store.db, withMany.id);
    const leaving = before[before.length - 1]?.recordKey as string;

    const wrong = await call("POST", `/v1/profiles/${withMany.id}/split`, { records: ["crm/nobody"] });
    expect(wrong.status).toBe(409);
    expect(wrong.body.message).toContain("crm/nobody");
    expect((await call("POST", `/v1/profiles/${withMany.id}/split`, { records: [] })).status).toBe(400);

    const split = await call("POST", `/v1/profiles/${withMany.id}/split`, {
      records: [leaving],
      reason: "a different person",
    });
    expect(split.status).toBe(200);
    expect(split.body.kept).toBe(withMany.id);
    const other = split.body.other as string;
    expect((await entityLinks(t.store.db, other)).map((l) => l.recordKey)).toEqual([leaving]);

    const merged = await call("POST", `/v1/profiles/${other}/merge`, { with: withMany.id });
    expect(merged.status).toBe(200);
    expect(merged.body.survivor).toBe(withMany.id);
    expect((await entityLinks(t.store.db, withMany.id)).length).toBe(before.length);

    // The decisions are on the profile, by the key's name.
    const s = await call("GET", `/v1/profiles/${withMany.id}/stewardship`, undefined, read);
    expect(s.body.decisions.map((d: { kind: string; by: string }) => `${d.kind} ${d.by}`)).toEqual([
      "split demo steward",
      "merge demo steward",
    ]);
    expect((await call("POST", `/v1/profiles/T-99999999/merge`, { with: withMany.id })).status).toBe(404);
  });

  it("finds profiles by a name prefix: each person once, up to the limit", async () => {
    const hits = (await call("GET", "/v1/profiles?name=ma&limit=5", undefined, read)).body.profiles as {
      id: string;
      name: string;
    }[];
    expect(hits.length).toBe(5);
    expect(new Set(hits.map((h) => h.id)).size).toBe(5);
    for (const h of hits)
      expect(
        h.name
          .toLowerCase()
          .split(/\s+/)
          .some((w) => w.startsWith("ma")),
      ).toBe(true);
  });

  it("documents its routes in OpenAPI and answers JSON 404s for unknown API paths", async () => {
    const doc = (await (await fetch(`${server.url}/openapi.json`)).json()) as {
      paths: Record<string, unknown>;
    };
    for (const p of [
      "/v1/review",
      "/v1/review/{id}",
      "/v1/review/{id}/accept",
      "/v1/review/{id}/reject",
      "/v1/review/{id}/skip",
      "/v1/profiles/{id}/merge",
      "/v1/profiles/{id}/split",
      "/v1/quality",
    ])
      expect(doc.paths).toHaveProperty([p]);
    const missing = await fetch(`${server.url}/v1/nothing`, { headers: { accept: "text/html" } });
    expect(missing.status).toBe(404);
    expect(((await missing.json()) as { message: string }).message).toMatch(/not a route/);
    expect((await call("GET", "/v1/session", undefined, read)).body).toEqual({
      kind: "read",
      name: "dashboard",
    });
  });
});
