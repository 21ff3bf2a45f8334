import { describe, expect, it } from "vitest";
import { hashString, Rng, WeightedTable } from "./prng.js";

describe("Rng", () => {
  it("repeats a stream for the same seed and streams, and differs otherwise", () => {
    const draw = (rng: Rng) => Array.from({ length: 8 }, () => rng.u32());
    expect(draw(Rng.from(7, 1, 2))).toEqual(draw(Rng.from(7, 1, 2)));
    expect(draw(Rng.from(7, 1, 2))).not.toEqual(draw(Rng.from(7, 1, 3)));
    expect(draw(Rng.from(7))).not.toEqual(draw(Rng.from(8)));
  });

  it("is uniform enough (chi-square over 10 buckets and over the low byte)", () => {
    const rng = Rng.from(12345);
    const n = 200_000;
    const buckets = new Array<number>(10).fill(0);
    for (let i = 0; i < n; i++) buckets[rng.int(10)]!++;
    const expected = n / 10;
    const chi = buckets.reduce((sum, o) => sum + (o - expected) ** 2 / expected, 0);
    expect(chi).toBeLessThan(27.88); // 9 degrees of freedom, p = 0.001

    const bytes = new Array<number>(256).fill(0);
    for (let i = 0; i < n; i++) bytes[rng.u32() & 0xff]!++;
    const e2 = n / 256;
    const chi2 = bytes.reduce((sum, o) => sum + (o - e2) ** 2 / e2, 0);
    expect(chi2).toBeLessThan(330.5); // 255 degrees of freedom, p = 0.001
  });

  it("draws floats in [0, 1), ranges inclusive, and a standard normal", () => {
    const rng = Rng.from(3);
    let sum = 0;
    let squares = 0;
    const n = 50_000;
    let min = 1;
    let max = 0;
    const ranges = new Set<number>();
    for (let i = 0; i < n; i++) {
      const x = rng.next();
      min = Math.min(min, x);
      max = Math.max(max, x);
      ranges.add(rng.range(2, 4));
      const g = rng.gaussian();
      sum += g;
      squares += g * g;
    }
    expect(min).toBeGreaterThanOrEqual(0);
    expect(max).toBeLessThan(1);
    expect([...ranges].sort()).toEqual([2, 3, 4]);
    expect(Math.abs(sum / n)).toBeLessThan(0.03);
    expect(Math.abs(squares / n - 1)).toBeLessThan(0.05);
  });

  it("picks with weights and shuffles without losing items", () => {
    const rng = Rng.from(9);
    const table = new WeightedTable(["a", "b", "c"], [1, 2, 7]);
    const counts = { a: 0, b: 0, c: 0 } as Record<string, number>;
    for (let i = 0; i < 30_000; i++) counts[table.sample(rng)]!++;
    expect(counts.c! / 30_000).toBeCloseTo(0.7, 1);
    expect(counts.a! / 30_000).toBeCloseTo(0.1, 1);
    expect(rng.weighted(["x", "y"], [0, 1])).toBe("y");
    const items = Array.from({ length: 50 }, (_, i) => i);
    expect([...rng.shuffle([...items])].sort((a, b) => a - b)).toEqual(items);
  });

  it("makes well-formed UUIDs and hex", () => {
    const rng = Rng.from(1);
    expect(rng.uuid()).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(rng.hex(5)).toMatch(/^[0-9a-f]{10}$/);
    expect(hashString("abc")).toBe(hashString("abc"));
    expect(hashString("abc")).not.toBe(hashString("abd"));
  });
});
