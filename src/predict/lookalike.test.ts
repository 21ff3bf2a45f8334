import { describe, expect, it } from "vitest";
import { type FeatureRow, frameFromRows } from "./frame.js";
import { evaluateLookalike, lookalike } from "./lookalike.js";
import { Random } from "./random.js";

/**
 * 3,000 profiles; "enthusiasts" (12 %) order often and mostly live in GB — the seed is 200 of them. The rest
 * of the enthusiasts are the lookalikes to find. Age is noise.
 */
function population(seed = 1) {
  const rng = new Random(seed);
  const rows: FeatureRow[] = [];
  const enthusiast = new Uint8Array(3000);
  for (let i = 0; i < 3000; i++) {
    const fan = rng.next() < 0.12;
    enthusiast[i] = fan ? 1 : 0;
    rows.push({
      orders: Math.floor(rng.exponential(fan ? 0.15 : 0.8)),
      country: fan ? (rng.next() < 0.7 ? "GB" : "US") : (["GB", "US", "DE", "FR"][rng.int(4)] as string),
      age: 18 + rng.int(60),
    });
  }
  const members = [...enthusiast.keys()].filter((i) => enthusiast[i]);
  const isSeed = new Uint8Array(3000);
  for (const i of members.slice(0, 200)) isSeed[i] = 1;
  return { frame: frameFromRows(rows), enthusiast, isSeed };
}

describe("lookalike", () => {
  it("ranks the other enthusiasts first, leaves the seed out, and explains what drives it", () => {
    const { frame, enthusiast, isSeed } = population();
    const result = lookalike(frame, isSeed, { gbdt: { numLeaves: 4 } });
    expect(result.seedSize).toBe(200);
    expect(result.ranking).toHaveLength(2800);
    expect(result.ranking.some((r) => isSeed[r.row])).toBe(false);
    const others = result.ranking.filter((r) => enthusiast[r.row]).length;
    const top = result.ranking.slice(0, 280).filter((r) => enthusiast[r.row]).length;
    // A random ranking finds 10 % of them in its top 10 %.
    expect(top / others).toBeGreaterThan(0.4);
    expect(result.explanation[0]?.feature).toBe("orders");
    const orders = result.explanation[0];
    expect(orders?.kind === "numeric" && orders.effectSize).toBeGreaterThan(1);
    const country = result.explanation.find((e) => e.feature === "country");
    expect(country?.kind === "categorical" && country.levels[0]?.level).toBe("GB");
    expect(result.explanation[result.explanation.length - 1]?.feature).toBe("age");
    for (const r of result.ranking) {
      expect(r.score).toBeGreaterThanOrEqual(0);
      expect(r.score).toBeLessThanOrEqual(1);
    }
  });

  it("finds hidden seed members far above chance, by both views", () => {
    const { frame, isSeed } = population(2);
    const evaluation = evaluateLookalike(frame, isSeed, { gbdt: { numLeaves: 4 } });
    expect(evaluation.hidden).toBe(100);
    expect(evaluation.candidates).toBe(2900);
    // Chance is 0.05, 0.10, 0.20.
    expect(evaluation.recall.top10.blend).toBeGreaterThan(0.3);
    expect(evaluation.recall.top20.classifier).toBeGreaterThan(0.45);
    expect(evaluation.recall.top20.neighbours).toBeGreaterThan(0.35);
    expect(evaluation.recall.top5.blend).toBeLessThanOrEqual(evaluation.recall.top10.blend);
    // The weight chosen is the best of those tried at the top 10 %, and its recall is the one reported.
    const chosen = evaluation.blends.find((b) => b.weight === evaluation.blend);
    expect(chosen?.top10).toBe(Math.max(...evaluation.blends.map((b) => b.top10)));
    expect(chosen?.top10).toBe(evaluation.recall.top10.blend);
    // Weight 0 is the classifier alone, weight 1 the neighbour view alone.
    expect(evaluation.blends[0]?.top20).toBeCloseTo(evaluation.recall.top20.classifier, 10);
    expect(evaluation.blends[evaluation.blends.length - 1]?.top20).toBeCloseTo(
      evaluation.recall.top20.neighbours,
      10,
    );
  });

  it("refuses a seed too small to learn from", () => {
    const { frame } = population();
    const tiny = new Uint8Array(3000);
    tiny[0] = 1;
    expect(() => lookalike(frame, tiny)).toThrow(/seed of 1 profiles is too small/);
  });
});
