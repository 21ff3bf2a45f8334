import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { compileMapping } from "../mapping/compile-mapping.js";
import { pairwiseScores, truthFromLabels } from "../resolve/evaluate.js";
import { resolveInMemory } from "../resolve/resolve.js";
import { readRecordsToResolve } from "./read-records.js";

const now = new Date("2026-01-01T00:00:00Z");
const febrl3 = join(import.meta.dirname, "../../../shared/datasets/febrl/dataset3.csv");
describe.skipIf(!existsSync(febrl3))("resolving FEBRL 3 read from its file", () => {
  it("reaches pairwise F1 ≥ 0.995 without labels, with the documented configuration", async () => {
    const root = join(import.meta.dirname, "../..");
    const mapping = compileMapping(
      JSON.parse(readFileSync(join(root, "examples/mappings/febrl.json"), "utf8")),
    );
    const config = JSON.parse(readFileSync(join(root, "bench/configs/febrl.json"), "utf8"));
    const records = await readRecordsToResolve(febrl3, mapping, now);
    const labels = records.map((r) => /^rec-(\d+)-/.exec(r.sourceRecordId)?.[1] ?? "");
    const result = resolveInMemory(records, {
      ...config,
      training: { ...config.training, uSamples: 300_000 },
    });
    const scores = pairwiseScores(truthFromLabels(labels), result.clustering.clusterOf);
    expect(scores.truePairs).toBe(6538);
    expect(scores.f1).toBeGreaterThanOrEqual(0.995);
  });
});
