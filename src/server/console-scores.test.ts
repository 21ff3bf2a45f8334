import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApiKey } from "../store/api-keys.js";
import { finishModelRun, startModelRun, writeScores } from "../store/scores.js";
import { type TestStore, testEngines } from "../store/testing.js";
import { type RunningServer, runServer } from "./run.js";
import { niceStep } from "./scores.js";

/**
 * The score distributions the lifetime-value page draws, on both stores: every profile counted once (in a bin,
 * or in the tail above the last), the top profiles in order with their other scores, and the refusals.
 */

describe.each(await testEngines())("score distributions on $name", (engine) => {
  let t: TestStore;
  let server: RunningServer;
  let read: string;
  let write: string;
  // A long tail: 990 values spread over 0–99, ten far above.
  const clv = Array.from({ length: 1000 }, (_, i) => ({
    entityId: `T-${i + 1}`,
    value: i < 990 ? (i % 100) + 0.5 : 5000 + i,
    details: null,
  }));

  beforeAll(async () => {
    t = await engine.open();
    read = (await createApiKey(t.store.db, { kind: "read", name: "analyst" })).key;
    write = (await createApiKey(t.store.db, { kind: "write", name: "site", source: "site" })).key;
    const run = await startModelRun(t.store.db, { kind: "clv", name: "clv", inputs: {} });
    await writeScores(t.store.db, "clv", run, clv);
    await writeScores(
      t.store.db,
      "p_alive",
      run,
      clv.map((c, i) => ({ entityId: c.entityId, value: i === 0 ? 1 : (i % 10) / 10 })),
    );
    await finishModelRun(t.store.db, run, { parameters: { r: 1 }, evaluation: null, scored: 1000 });
    server = await runServer(t.store, { port: 0, webhooks: false });
  }, 60_000);
  afterAll(async () => {
    await server?.close();
    await t?.dispose();
  });

  const get = async (path: string, key = read) => {
    const r = await fetch(`${server.url}${path}`, { headers: { authorization: `Bearer ${key}` } });
    // biome-ignore lint/suspicious/noExplicitAny: the answers' shapes are what the assertions check
    return { status: r.status, body: (await r.json()) as Record<string, any> };
  };

  it("lists the scores with their ranges", async () => {
    const r = await get("/v1/scores");
    expect(r.status).toBe(200);
    expect(r.body.scores.map((s: { name: string }) => s.name)).toEqual(["clv", "p_alive"]);
    expect(r.body.scores[0]).toMatchObject({ profiles: 1000, min: 0.5, max: 5999 });
  });

  it("draws the distribution with the tail apart and the top profiles in order", async () => {
    const r = await get("/v1/scores/clv?bins=10&top=5");
    expect(r.status).toBe(200);
    const d = r.body;
    expect(d.profiles).toBe(1000);
    expect(d.bins.length).toBe(10);
    expect(d.bins[0].from).toBe(0);
    // Every profile once: in a bin or above the last.
    const inBins = d.bins.reduce((s: number, b: { count: number }) => s + b.count, 0);
    expect(inBins + d.above.count).toBe(1000);
    expect(d.above.count).toBeGreaterThanOrEqual(10);
    expect(d.above.count).toBeLessThanOrEqual(20);
    expect(d.top.map((x: { id: string }) => x.id)).toEqual(["T-1000", "T-999", "T-998", "T-997", "T-996"]);
    expect(d.top[0].others.p_alive).toBeCloseTo(0.9, 9);
    expect(d.sum).toBeCloseTo(
      clv.reduce((s, c) => s + c.value, 0),
      6,
    );
    expect(d.run).toMatchObject({ kind: "clv", status: "completed", scored: 1000 });

    // A fixed range: P(alive) from 0 to 1 in tenths; 1 itself falls in the last bin.
    const alive = (await get("/v1/scores/p_alive?bins=10&from=0&to=1&top=0")).body;
    expect(alive.bins.map((b: { count: number }) => b.count)).toEqual([
      99, 100, 100, 100, 100, 100, 100, 100, 100, 101,
    ]);
    expect(alive.above.count).toBe(0);
    expect(alive.top).toEqual([]);
  });

  it("refuses what it cannot answer", async () => {
    expect((await get("/v1/scores/nothing")).status).toBe(404);
    const range = await get("/v1/scores/clv?from=5&to=1");
    expect(range.status).toBe(400);
    expect(range.body.message).toMatch(/to .* from/);
    expect((await get("/v1/scores/clv?bins=0")).status).toBe(400);
    expect((await get("/v1/scores", write)).status).toBe(403);
  });
});

describe("nice bin widths", () => {
  it("rounds a step up to 1, 2, 2.5 or 5 times a power of ten", () => {
    expect(niceStep(0.7)).toBe(1);
    expect(niceStep(13)).toBe(20);
    expect(niceStep(2.2)).toBe(2.5);
    expect(niceStep(420)).toBe(500);
    expect(niceStep(1000)).toBe(1000);
  });
});
