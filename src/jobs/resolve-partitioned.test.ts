import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pairwiseScores, truthFromLabels } from "../resolve/evaluate.js";
import { type TestStore, testEngines } from "../store/testing.js";
import { clusterLines, partitionsFor, resolvePartitioned } from "./resolve-partitioned.js";
import { truthPattern, writeSyntheticViews } from "./resolve-partitioned-fixture.js";
import { type ResolveJobResult, resolveStoredRecords } from "./resolve-records.js";

/** Each record → the first record of its cluster: equal for two clusterings that group records alike. */
function canonical(clusterOf: Int32Array): Int32Array {
  const first = new Map<number, number>();
  return clusterOf.map((c, r) => {
    if (!first.has(c)) first.set(c, r);
    return first.get(c) as number;
  });
}

const engines = await testEngines();

describe.each(engines)("partitioned batch resolution ($name)", (engine) => {
  let test: TestStore;
  let inMemory: ResolveJobResult;
  let labels: string[];

  beforeAll(async () => {
    test = await engine.open();
    await writeSyntheticViews(test.store, { records: 4_000, seed: 7 });
    inMemory = await resolveStoredRecords(test.store, {
      threads: 0,
      excludedValues: {},
      truth: { idPattern: truthPattern },
    });
    labels = inMemory.keys.map((k) => truthPattern.exec(k.slice(k.indexOf("/") + 1))?.[1] ?? k);
  }, 60_000);
  afterAll(async () => {
    await test.dispose();
  });

  it("scores every candidate pair once and finds the same entities as the in-memory run, with its model", async () => {
    const stages = new Set<string>();
    const run = await resolvePartitioned(test.store, {
      model: inMemory.result.model,
      partitions: 7,
      threads: 1,
      excludedValues: {},
      progress: (stage) => stages.add(stage),
    });
    expect(run.records).toBe(inMemory.result.table.size);
    expect(run.partitions).toBe(7);
    expect(run.copiesPerRecord).toBeGreaterThan(2);
    expect(run.candidatePairs).toBe(inMemory.result.candidatePairs);
    expect(run.clustering.clusters).toBe(inMemory.result.clustering.clusters);
    expect(canonical(run.clustering.clusterOf)).toEqual(canonical(inMemory.result.clustering.clusterOf));
    expect([...stages]).toEqual(expect.arrayContaining(["plan", "scan", "score", "cluster"]));
  });

  it("trains the same model when the sample is every record, and picks the partitions from the budget", async () => {
    const run = await resolvePartitioned(test.store, {
      memoryMB: 1,
      threads: 2,
      // On SQLite the scan runs in threads too, in chunks of row ids: numbering must not change.
      scanThreadsFrom: 0,
      sampleRecords: 1_000_000,
      excludedValues: {},
    });
    expect(run.partitions).toBe(partitionsFor(run.records, 6, 1, 2));
    expect(run.partitions).toBeGreaterThan(3);
    expect(run.sampleRecords).toBe(run.records);
    expect(run.model.comparisons).toEqual(inMemory.result.model.comparisons);
    expect(run.model.prior).toBeCloseTo(inMemory.result.model.prior, 12);
    expect(canonical(run.clustering.clusterOf)).toEqual(canonical(inMemory.result.clustering.clusterOf));
  });

  it("trained on a quarter of the records, stays as accurate as the in-memory run", async () => {
    const run = await resolvePartitioned(test.store, {
      partitions: 5,
      sampleRecords: 1_000,
      excludedValues: {},
    });
    expect(run.sampleRecords).toBeLessThan(1_400);
    const truth = truthFromLabels(labels);
    const sampled = pairwiseScores(truth, run.clustering.clusterOf);
    const whole = pairwiseScores(truth, inMemory.result.clustering.clusterOf);
    expect(whole.f1).toBeGreaterThan(0.85);
    expect(Math.abs(sampled.f1 - whole.f1)).toBeLessThan(0.03);
  });

  it("writes record → entity lines in the run's order", async () => {
    const run = await resolvePartitioned(test.store, {
      model: inMemory.result.model,
      partitions: 3,
      excludedValues: {},
    });
    let text = "";
    for await (const chunk of clusterLines(test.store, run.clustering.clusterOf)) text += chunk;
    const lines = text.trim().split("\n");
    expect(lines).toHaveLength(run.records);
    const [key, entity] = (lines[10] as string).split(",");
    expect(JSON.parse(key as string)).toBe(inMemory.keys[10]);
    expect(Number(entity)).toBe(run.clustering.clusterOf[10]);
  });

  it("refuses settings it cannot partition, naming them", async () => {
    await expect(
      resolvePartitioned(test.store, {
        settings: {
          comparisons: [{ name: "email", levels: [{ kind: "exact", feature: "email" }] }],
          blocking: [{ name: "email", expression: "email" }],
          deterministic: [{ name: "same email", expression: "email" }],
        },
      }),
    ).rejects.toThrow(/deterministic rules/);
  });
});
