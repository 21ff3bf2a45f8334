import { describe, expect, it } from "vitest";
import { chooseK, describeClusters, seededRandom, standardise } from "./kmeans.js";

describe("k-means micro-segments", () => {
  it("finds three separated groups, chooses k = 3 by silhouette and describes them", () => {
    const random = seededRandom(3);
    const centres = [
      [1, 100],
      [20, 100],
      [10, 900],
    ];
    const n = 600;
    const rows = new Float64Array(n * 2);
    const truth: number[] = [];
    for (let i = 0; i < n; i++) {
      const c = i % 3;
      truth.push(c);
      rows[i * 2] = (centres[c]?.[0] ?? 0) + (random() - 0.5) * 2;
      rows[i * 2 + 1] = (centres[c]?.[1] ?? 0) + (random() - 0.5) * 40;
    }
    const x = standardise(rows, n, 2);
    const { best, tried } = chooseK(x, [2, 6], { seed: 1 });
    expect(best.k).toBe(3);
    expect(tried.map((t) => t.k)).toEqual([2, 3, 4, 5, 6]);
    // Each found cluster holds exactly one true group.
    for (let c = 0; c < 3; c++) {
      const members = truth.filter((_, i) => best.assignment[i] === c);
      expect(new Set(members).size).toBe(1);
    }
    const described = describeClusters(x, best, ["orders", "spend"]);
    const big = described.find((d) => d.distinctive[0]?.feature === "spend" && d.distinctive[0].z > 0);
    expect(big?.label).toMatch(/^high spend/);
    expect(big?.distinctive[0]?.mean).toBeCloseTo(900, -1);
    // Seeded: the same run twice gives the same clusters.
    expect(chooseK(x, [2, 6], { seed: 1 }).best.assignment).toEqual(best.assignment);
  });
});
