import { describe, expect, it } from "vitest";
import { applySchema, type FeatureRow, frameFromRows, schemaOf } from "./frame.js";
import {
  binFrame,
  fitBins,
  fitGbdt,
  gbdtContributions,
  gbdtImportance,
  gbdtMargins,
  predictGbdt,
} from "./gbdt.js";
import { fitLogistic, predictLogistic } from "./logistic.js";
import { rocAuc } from "./metrics.js";
import { Random } from "./random.js";

/** A label that is an interaction (x and y on the same side of 0) no linear model can express. */
function xor(n: number, seed: number): { rows: FeatureRow[]; y: Uint8Array } {
  const rng = new Random(seed);
  const rows: FeatureRow[] = [];
  const y = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const a = rng.normal();
    const b = rng.normal();
    const noise = rng.normal();
    y[i] = a > 0 === b > 0 ? (rng.next() < 0.9 ? 1 : 0) : rng.next() < 0.1 ? 1 : 0;
    rows.push({ a, b, noise });
  }
  return { rows, y };
}

describe("bins", () => {
  it("give a heavy value its own bin, keep at most 254 cuts, and put missing values in bin 0", () => {
    const values = Array.from({ length: 10_000 }, (_, i) => (i < 6000 ? 0 : i));
    const frame = frameFromRows(values.map((v, i) => ({ v: i % 97 === 0 ? null : v })));
    const [bins] = fitBins(frame);
    expect(bins?.kind === "numeric" && bins.thresholds.length).toBeLessThanOrEqual(253);
    const [binned] = binFrame(fitBins(frame), frame) as [Uint8Array];
    expect(binned[0]).toBe(0); // row 0 is missing
    expect(binned[1]).toBe(1); // the zeros share the first bin
    expect(binned[5999]).toBe(1);
    expect(binned[6001]).toBeGreaterThan(1);
    expect(binned[9999]).toBeLessThanOrEqual(254);
  });
});

describe("boosted trees", () => {
  it("learn an interaction logistic regression cannot", () => {
    const train = xor(4000, 1);
    const test = xor(2000, 2);
    const frame = frameFromRows(train.rows);
    const testFrame = applySchema(schemaOf(frame), test.rows);
    const model = fitGbdt(frame, train.y, { rounds: 100, numLeaves: 8 });
    const trees = rocAuc(predictGbdt(model, testFrame), test.y);
    const linear = rocAuc(predictLogistic(fitLogistic(frame, train.y), testFrame), test.y);
    expect(trees).toBeGreaterThan(0.85);
    expect(linear).toBeLessThan(0.6);
    // The noise column is (nearly) never worth a split.
    const importance = gbdtImportance(model);
    expect(importance[importance.length - 1]?.feature).toBe("noise");
    expect(importance[importance.length - 1]?.share).toBeLessThan(0.05);
  });

  it("split categories by their rate, whatever order their codes are in", () => {
    const rng = new Random(4);
    const rates: Record<string, number> = { a: 0.9, b: 0.1, c: 0.85, d: 0.15, e: 0.8, f: 0.2 };
    const rows: FeatureRow[] = [];
    const y: number[] = [];
    for (let i = 0; i < 3000; i++) {
      const k = "abcdef"[rng.int(6)] as string;
      rows.push({ k });
      y.push(rng.next() < (rates[k] as number) ? 1 : 0);
    }
    const model = fitGbdt(frameFromRows(rows), y, { rounds: 1, numLeaves: 2, learningRate: 1 });
    const left = model.trees[0]?.categories[0] ?? [];
    const bins = model.bins[0];
    const names = new Set(left.map((b) => (bins?.kind === "categorical" ? bins.levels[b - 1] : "")));
    // One side holds exactly the high-rate categories (a, c, e) or exactly the low ones (b, d, f).
    const high = ["a", "c", "e"].every((k) => names.has(k)) && names.size === 3;
    const low = ["b", "d", "f"].every((k) => names.has(k)) && names.size === 3;
    expect(high || low).toBe(true);
  });

  it("send missing values the way that helps", () => {
    const rng = new Random(6);
    const rows: FeatureRow[] = [];
    const y: number[] = [];
    for (let i = 0; i < 2000; i++) {
      const missing = rng.next() < 0.3;
      const v = rng.normal();
      rows.push({ v: missing ? null : v });
      y.push(missing ? (rng.next() < 0.8 ? 1 : 0) : v > 1 ? 1 : 0);
    }
    const frame = frameFromRows(rows);
    const model = fitGbdt(frame, y, { rounds: 50, numLeaves: 4 });
    const p = predictGbdt(model, applySchema(schemaOf(frame), [{ v: null }, { v: 0 }, { v: 2 }]));
    expect(p[0]).toBeGreaterThan(0.6);
    expect(p[1]).toBeLessThan(0.2);
    expect(p[2]).toBeGreaterThan(0.6);
  });

  it("contributions and the bias add up to each row's log-odds; the same seed gives the same model", () => {
    const { rows, y } = xor(1500, 8);
    const frame = frameFromRows(rows);
    const options = { rounds: 30, numLeaves: 6, baggingFraction: 0.7, featureFraction: 0.7, seed: 3 };
    const model = fitGbdt(frame, y, options);
    const margins = gbdtMargins(model, frame);
    const { bias, contributions } = gbdtContributions(model, frame);
    for (let i = 0; i < 50; i++)
      expect(bias + (contributions[i] as Float64Array).reduce((s, v) => s + v, 0)).toBeCloseTo(
        margins[i] as number,
        10,
      );
    expect(JSON.stringify(fitGbdt(frame, y, options).trees)).toBe(JSON.stringify(model.trees));
  });

  it("stop early when the validation rows stop improving, keeping the best number of trees", () => {
    const train = xor(2000, 10);
    const valid = xor(1000, 11);
    const frame = frameFromRows(train.rows);
    const model = fitGbdt(
      frame,
      train.y,
      { rounds: 2000, learningRate: 0.3, numLeaves: 31, minDataInLeaf: 5, earlyStoppingRounds: 20 },
      {
        frame: applySchema(schemaOf(frame), valid.rows),
        labels: valid.y,
      },
    );
    expect(model.validationLoss.length).toBeLessThan(2000);
    expect(model.trees).toHaveLength(model.bestIteration);
    const best = Math.min(...model.validationLoss);
    expect(model.validationLoss[model.bestIteration - 1]).toBe(best);
  });
});
