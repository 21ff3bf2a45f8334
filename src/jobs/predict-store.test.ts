import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadMapping } from "../mapping/load-mapping.js";
import { loadLinks } from "../store/entities.js";
import { getModelRun, readAudience, readScores, scoresByName, topScores } from "../store/scores.js";
import { type TestStore, testEngines } from "../store/testing.js";
import { generate } from "../synthetic/generate.js";
import { importSource } from "./import-source.js";
import { masterRecords } from "./master-records.js";
import { loadStoreActivity } from "./predict-activity.js";
import { predictClvOnStore } from "./predict-clv.js";
import { predictLookalikeOnStore } from "./predict-lookalike.js";
import { predictPropensityOnStore } from "./predict-propensity.js";
import { refreshScores } from "./predict-refresh.js";

/** A generated shop: 600 people's CRM records, orders and app events, imported and mastered. */
let dir: string;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "tessera-predict-store-"));
  await generate({ people: 600, seed: 11, outDir: dir });
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe.each(await testEngines())("predictive scores on $name", (engine) => {
  let t: TestStore;
  // One store per engine for the whole suite: each test writes scores of its own names.
  beforeAll(async () => {
    t = await engine.open();
    for (const [source, file] of [
      ["crm", "crm.csv"],
      ["orders", "orders.csv"],
      ["app_events", "app_events.jsonl"],
    ] as const)
      await importSource(t.store, {
        path: join(dir, file),
        mapping: loadMapping(join(dir, "mappings", `${source}.json`)),
      });
    await masterRecords(t.store);
  });
  afterAll(async () => {
    await t.dispose();
  });

  it("gathers each profile's orders once, its events and its traits as they were said", async () => {
    const activity = await loadStoreActivity(t.store);
    const links = await loadLinks(t.store.db);
    expect(activity.records).toBe(links.size);
    expect(activity.unlinked).toBe(0);
    // An app's Order Completed repeats a shop order: counted once.
    expect(activity.duplicateOrders).toBeGreaterThan(0);
    const orders = [...links.keys()].filter((k) => k.startsWith("orders/")).length;
    expect(activity.transactions).toBe(orders);
    const buyer = activity.customers.find((c) => c.transactions.length > 2);
    expect(buyer?.events.some((e) => e.name === "orders")).toBe(true);
    expect(buyer?.observedTraits?.some((o) => o.traits.country !== null)).toBe(true);
  });

  it("writes lifetime value on every buyer's profile, with the run's parameters and holdout evaluation", async () => {
    const { report } = await predictClvOnStore(t.store, { holdoutDays: 180 });
    const run = await getModelRun(t.store.db, report.runId as string);
    expect(run?.status).toBe("completed");
    expect(run?.parameters).toMatchObject({ model: "bg-nbd", parameters: { r: expect.any(Number) } });
    expect(run?.evaluation).toMatchObject({ purchases: { auc: expect.any(Number) } });
    const clv = await scoresByName(t.store.db, "clv");
    expect(clv.size).toBe(report.customers);
    const [best] = await topScores(t.store.db, "clv", { limit: 1 });
    const scores = await readScores(t.store.db, best?.entityId as string);
    expect(scores.map((s) => s.name)).toEqual(["clv", "expected_purchases", "expected_spend", "p_alive"]);
    const pAlive = scores.find((s) => s.name === "p_alive")?.value ?? -1;
    expect(pAlive).toBeGreaterThan(0);
    expect(pAlive).toBeLessThanOrEqual(1);
    expect(scores[0]?.details).toMatchObject({ horizonDays: 365, model: "bg-nbd" });
    // A second run replaces the first one's scores.
    const again = await predictClvOnStore(t.store, { horizonDays: 180, holdoutDays: 0 });
    expect((await readScores(t.store.db, best?.entityId as string))[0]?.modelRunId).toBe(again.report.runId);
    expect((await scoresByName(t.store.db, "clv")).size).toBe(clv.size);
  });

  it("writes buy propensity learnt on earlier moments and tested on the latest, with each profile's reasons", async () => {
    const report = await predictPropensityOnStore(t.store, { target: "buy", horizonDays: 120 });
    expect(report.split).toMatch(/^time/);
    for (const m of report.models) expect(m.test.auc).toBeGreaterThan(0.65);
    const scores = await scoresByName(t.store.db, "propensity:buy");
    expect(scores.size).toBe(report.scored);
    const [top] = await topScores(t.store.db, "propensity:buy", { limit: 1 });
    expect(top?.details?.reasons).toEqual(
      expect.arrayContaining([expect.objectContaining({ feature: expect.any(String) })]),
    );
    const run = await getModelRun(t.store.db, report.runId as string);
    expect(run?.evaluation).toMatchObject({ testAuc: expect.any(Number) });
  });

  it("saves the top lookalikes of a seed file as an audience and scores every candidate", async () => {
    const best = await topScores(t.store.db, "clv", { limit: 60 });
    const seedFile = join(dir, `seed-${engine.name}.txt`);
    writeFileSync(seedFile, `id\n${best.map((b) => b.entityId).join("\n")}\nT-999999\n`);
    const report = await predictLookalikeOnStore(t.store, { name: "best-buyers", seedFile, top: 100 });
    expect(report.seed.size).toBe(60);
    expect(report.seed.unknown).toEqual(["T-999999"]);
    expect(report.evaluation?.recall.top10.blend).toBeGreaterThan(0.3);
    const audience = await readAudience(t.store.db, "best-buyers");
    expect(audience?.members).toHaveLength(100);
    expect(audience?.audience.modelRunId).toBe(report.runId);
    const seedIds = new Set(best.map((b) => b.entityId));
    expect(audience?.members.some((m) => seedIds.has(m.entityId))).toBe(false);
    const first = await readScores(t.store.db, audience?.members[0]?.entityId as string);
    expect(first.find((s) => s.name === "lookalike:best-buyers")?.details).toMatchObject({ rank: 1 });
    await expect(predictLookalikeOnStore(t.store, { name: "x", seedWhere: "clv>>3" })).rejects.toThrow(
      /not a condition/,
    );
  });

  it("refreshes every score as it was last run, with the same options", async () => {
    const results = await refreshScores(t.store);
    expect(results.map((r) => r.name).sort()).toEqual(["clv", "lookalike:best-buyers", "propensity:buy"]);
    for (const r of results) {
      expect(r.error).toBeNull();
      expect(r.runId).not.toBe(r.from);
      const run = await getModelRun(t.store.db, r.runId as string);
      const previous = await getModelRun(t.store.db, r.from);
      expect(run?.inputs.options).toEqual(previous?.inputs.options);
    }
    // The propensity run kept its 120-day horizon; the scores now come from the new runs.
    const propensity = await getModelRun(
      t.store.db,
      results.find((r) => r.kind === "propensity")?.runId as string,
    );
    expect(propensity?.inputs).toMatchObject({
      horizonDays: 120,
      options: { target: "buy", horizonDays: 120 },
    });
    const [top] = await topScores(t.store.db, "clv", { limit: 1 });
    const after = await readScores(t.store.db, top?.entityId as string);
    expect(after.find((s) => s.name === "clv")?.modelRunId).toBe(
      results.find((r) => r.kind === "clv")?.runId,
    );
  });
});
