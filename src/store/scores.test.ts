import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  failModelRun,
  finishModelRun,
  getModelRun,
  getRunModel,
  listAudiences,
  listModelRuns,
  readAudience,
  readScores,
  saveAudience,
  scoresByName,
  startModelRun,
  topScores,
  writeScores,
} from "./scores.js";
import { type TestStore, testEngines } from "./testing.js";

describe.each(await testEngines())("scores on $name", (engine) => {
  let t: TestStore;
  beforeEach(async () => {
    t = await engine.open();
  });
  afterEach(async () => {
    await t.dispose();
  });

  it("keeps a run's parameters, evaluation and model, and its scores on each profile", async () => {
    const db = t.store.db;
    const run = await startModelRun(db, { kind: "clv", name: "clv", inputs: { horizon: 52 } });
    expect((await getModelRun(db, run))?.status).toBe("running");
    await writeScores(db, "clv", run, [
      { entityId: "T-1", value: 120.5, details: { pAlive: 0.8, currency: "USD" } },
      { entityId: "T-2", value: 3.25 },
    ]);
    await writeScores(db, "p_alive", run, [{ entityId: "T-1", value: 0.8 }]);
    await finishModelRun(db, run, {
      parameters: { r: 0.243, alpha: 4.414 },
      evaluation: { auc: 0.77 },
      model: { kind: "bg-nbd" },
      scored: 2,
    });
    const saved = await getModelRun(db, run);
    expect(saved).toMatchObject({
      kind: "clv",
      status: "completed",
      inputs: { horizon: 52 },
      parameters: { r: 0.243, alpha: 4.414 },
      evaluation: { auc: 0.77 },
      scored: 2,
    });
    expect(await getRunModel(db, run)).toEqual({ kind: "bg-nbd" });
    const scores = await readScores(db, "T-1");
    expect(scores.map((s) => [s.name, s.value, s.modelRunId])).toEqual([
      ["clv", 120.5, run],
      ["p_alive", 0.8, run],
    ]);
    expect(scores[0]?.details).toEqual({ pAlive: 0.8, currency: "USD" });
    expect(Number.isNaN(Date.parse(scores[0]?.computedAt ?? ""))).toBe(false);
    expect(await readScores(db, "T-404")).toEqual([]);
  });

  it("a new run replaces every score of its name, leaving other names alone", async () => {
    const db = t.store.db;
    const first = await startModelRun(db, { kind: "propensity", name: "propensity:buy", inputs: {} });
    await writeScores(db, "propensity:buy", first, [
      { entityId: "T-1", value: 0.1 },
      { entityId: "T-9", value: 0.9 },
    ]);
    await writeScores(db, "clv", first, [{ entityId: "T-9", value: 50 }]);
    const second = await startModelRun(db, { kind: "propensity", name: "propensity:buy", inputs: {} });
    // T-9 was merged away since: it has no score of the new run, and keeps none of the old.
    await writeScores(db, "propensity:buy", second, [{ entityId: "T-1", value: 0.3 }]);
    expect((await readScores(db, "T-9")).map((s) => s.name)).toEqual(["clv"]);
    expect((await readScores(db, "T-1"))[0]).toMatchObject({ value: 0.3, modelRunId: second });
    expect(await scoresByName(db, "propensity:buy")).toEqual(new Map([["T-1", 0.3]]));
    await failModelRun(db, second, "boom");
    const runs = await listModelRuns(db, { name: "propensity:buy" });
    expect(runs).toHaveLength(2);
    expect(runs.find((r) => r.id === second)?.error).toBe("boom");
  });

  it("writes scores in batches and ranks them", async () => {
    const db = t.store.db;
    const run = await startModelRun(db, { kind: "clv", name: "clv", inputs: {} });
    const many = Array.from({ length: 2500 }, (_, i) => ({ entityId: `T-${i + 1}`, value: (i * 37) % 2500 }));
    expect(await writeScores(db, "clv", run, many)).toBe(2500);
    const top = await topScores(db, "clv", { limit: 3 });
    expect(top.map((s) => s.value)).toEqual([2499, 2498, 2497]);
    expect((await topScores(db, "clv", { limit: 1, ascending: true }))[0]?.value).toBe(0);
  });

  it("refuses a value that is not a number, naming the profile, and writes nothing", async () => {
    const db = t.store.db;
    const run = await startModelRun(db, { kind: "clv", name: "clv", inputs: {} });
    await expect(
      writeScores(db, "clv", run, [
        { entityId: "T-1", value: 1 },
        { entityId: "T-2", value: Number.NaN },
      ]),
    ).rejects.toThrow(/T-2 is NaN/);
    expect(await readScores(db, "T-1")).toEqual([]);
  });

  it("saves an audience with ranked members, and replaces it on the next save", async () => {
    const db = t.store.db;
    await saveAudience(db, {
      name: "vip-lookalikes",
      kind: "lookalike",
      definition: { seed: 40 },
      modelRunId: null,
      members: [
        { entityId: "T-7", score: 0.99 },
        { entityId: "T-3", score: 0.9 },
      ],
    });
    const first = await readAudience(db, "vip-lookalikes");
    expect(first?.members).toEqual([
      { entityId: "T-7", rank: 1, score: 0.99 },
      { entityId: "T-3", rank: 2, score: 0.9 },
    ]);
    await saveAudience(db, {
      name: "vip-lookalikes",
      kind: "lookalike",
      definition: { seed: 41 },
      modelRunId: null,
      members: [{ entityId: "T-5", score: 0.95 }],
    });
    const second = await readAudience(db, "vip-lookalikes");
    expect(second?.audience).toMatchObject({
      size: 1,
      definition: { seed: 41 },
      createdAt: first?.audience.createdAt,
    });
    expect(second?.members.map((m) => m.entityId)).toEqual(["T-5"]);
    expect((await listAudiences(db)).map((a) => a.name)).toEqual(["vip-lookalikes"]);
    expect(await readAudience(db, "nobody")).toBeNull();
  });
});
