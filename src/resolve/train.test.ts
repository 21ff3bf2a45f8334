import { describe, expect, it } from "vitest";
import { compileComparison } from "./comparison.js";
import { explainPair, type MatchModel, pairScorer, probabilityOf } from "./model.js";
import { textFeature } from "./record-table.js";
import { comparisonModels, estimateU, expectationMaximisation, seededRandom } from "./train.js";

/** Simulates comparison levels of pairs from known m and u, so EM's estimates can be checked. */
function simulate(pairs: number, matchRate: number, m: number[][], u: number[][], seed = 7) {
  const random = seededRandom(seed);
  const levels = new Int8Array(pairs * m.length);
  const draw = (probabilities: number[]) => {
    let x = random();
    for (let l = 0; l < probabilities.length; l++) {
      x -= probabilities[l] as number;
      if (x < 0) return l;
    }
    return probabilities.length - 1;
  };
  for (let p = 0; p < pairs; p++) {
    const match = random() < matchRate;
    m.forEach((mc, c) => {
      levels[p * m.length + c] = random() < 0.05 ? -1 : draw(match ? mc : (u[c] as number[]));
    });
  }
  return { pairs, comparisons: m.length, levels };
}

describe("expectation-maximisation", () => {
  const m = [
    [0.85, 0.1, 0.05],
    [0.9, 0.1],
    [0.7, 0.2, 0.1],
    [0.95, 0.05],
  ];
  const u = [
    [0.02, 0.08, 0.9],
    [0.1, 0.9],
    [0.01, 0.1, 0.89],
    [0.05, 0.95],
  ];

  it("recovers m and the match rate from unlabelled pairs, given u", () => {
    const matrix = simulate(40_000, 0.25, m, u);
    const result = expectationMaximisation(matrix, u);
    expect(result.converged).toBe(true);
    expect(result.matchRate).toBeCloseTo(0.25, 1);
    result.m.forEach((mc, c) => {
      for (const [l, value] of (mc ?? []).entries()) {
        expect(Math.abs(value - ((m[c] as number[])[l] as number))).toBeLessThan(0.03);
      }
    });
  });

  it("leaves excluded comparisons out and returns null for them", () => {
    const matrix = simulate(20_000, 0.3, m, u, 9);
    const result = expectationMaximisation(matrix, u, { exclude: new Set([1]) });
    expect(result.m[1]).toBeNull();
    expect(Math.abs((result.m[0]?.[0] ?? 0) - 0.85)).toBeLessThan(0.03);
  });
});

describe("u from random pairs and the scored model", () => {
  const names = Array.from(
    { length: 2000 },
    (_, i) => ["smith", "jones", "brown", `rare${i}`][i % 4] as string,
  );
  const table = {
    size: names.length,
    keys: names.map((_, i) => String(i)),
    source: new Uint16Array(names.length),
    sources: ["s"],
    features: new Map([["family", textFeature(names)]]),
  };
  const compiled = [
    compileComparison(
      { name: "family", levels: [{ kind: "exact", feature: "family" }], termFrequency: true },
      table,
    ),
  ];

  it("estimates u as the share of random pairs that agree", () => {
    const u = estimateU(table, compiled, { samples: 200_000 });
    // Three common names each a quarter of records, the rest unique: P(agree) ≈ 3 × (1/4)² = 0.1875.
    expect(u[0]?.[0]).toBeCloseTo(0.1875, 2);
  });

  it("weighs a rare shared value more than a common one, and explains the sum", () => {
    const u = estimateU(table, compiled, { samples: 100_000 });
    const model: MatchModel = {
      format: "tessera-match-model",
      version: 1,
      prior: 0.001,
      comparisons: comparisonModels(compiled, [[0.95, 0.05]], u, [true]),
      specs: [],
      training: {},
    };
    const scorer = pairScorer(model, compiled);
    const common = scorer.weight(0, 4); // smith & smith
    const rare = scorer.weight(3, 3); // rare3 with itself: the rarest value
    expect(rare).toBeGreaterThan(common);
    const explanation = explainPair(model, compiled, 0, 4);
    const sum = explanation.priorWeight + explanation.comparisons.reduce((a, c) => a + c.weight, 0);
    expect(explanation.weight).toBeCloseTo(sum, 10);
    expect(explanation.weight).toBeCloseTo(common, 10);
    expect(explanation.probability).toBeCloseTo(probabilityOf(common), 12);
    expect(explanation.comparisons[0]?.level).toBe("family exact");
  });
});
