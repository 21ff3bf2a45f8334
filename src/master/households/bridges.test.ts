import { describe, expect, it } from "vitest";
import { splitAtBridges } from "./bridges.js";

function links(pairs: [number, number, number?][]) {
  return {
    left: pairs.map((p) => p[0]),
    right: pairs.map((p) => p[1]),
    probability: pairs.map((p) => p[2] ?? 0.99),
    count: pairs.length,
  };
}

describe("splitting households at a single link", () => {
  // Rows 0–2 and 3–5: two triangles, joined by the one link 2–3; row 6 hangs on 5 by one link; all one cluster.
  const pairs: [number, number, number?][] = [
    [0, 1],
    [1, 2],
    [0, 2],
    [2, 3],
    [3, 4],
    [4, 5],
    [3, 5],
    [5, 6],
    [0, 4, 0.2], // below the threshold: not a link
  ];
  const one = new Int32Array(7).fill(0);

  it("splits two groups joined by one link, and keeps a person hanging on by one", () => {
    const out = splitAtBridges(one, links(pairs), 0.5, () => false);
    expect([...out.slice(0, 3)]).toEqual([out[0], out[0], out[0]]);
    expect(out[3]).not.toBe(out[0]);
    expect([...out.slice(3)]).toEqual([out[3], out[3], out[3], out[3]]);
    // The larger part (3–6) keeps the cluster's number.
    expect(out[3]).toBe(0);
  });

  it("leaves a link a deterministic rule made, and groups joined twice", () => {
    const kept = splitAtBridges(one, links(pairs), 0.5, (p) => p === 3);
    expect(new Set(kept)).toEqual(new Set([0]));
    const twice = splitAtBridges(one, links([...pairs, [1, 4]]), 0.5, () => false);
    expect(new Set(twice)).toEqual(new Set([0]));
  });

  it("cuts again until no such link is left, cluster by cluster", () => {
    // Three triangles in a row (0–2, 3–5, 6–8) joined by 2–3 and 5–6; another cluster (rows 9, 10) untouched.
    const triangle = (a: number): [number, number][] => [
      [a, a + 1],
      [a + 1, a + 2],
      [a, a + 2],
    ];
    const chain = links([...triangle(0), ...triangle(3), ...triangle(6), [2, 3], [5, 6], [9, 10]]);
    const clusters = Int32Array.from([0, 0, 0, 0, 0, 0, 0, 0, 0, 9, 9]);
    const out = splitAtBridges(clusters, chain, 0.5, () => false);
    expect(new Set([out[0], out[3], out[6]]).size).toBe(3);
    for (const a of [0, 3, 6]) expect([out[a + 1], out[a + 2]]).toEqual([out[a], out[a]]);
    expect([out[9], out[10]]).toEqual([9, 9]);
  });
});
