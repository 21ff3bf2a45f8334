import { describe, expect, it } from "vitest";
import { ScrambledSequence, TakenFilter } from "./ids.js";

describe("ScrambledSequence", () => {
  it("gives distinct, scattered, fixed-width numbers", () => {
    const seq = new ScrambledSequence(1, "customer", 50_000);
    const seen = new Set<number>();
    const first: number[] = [];
    for (let i = 0; i < 50_000; i++) {
      const n = seq.next();
      expect(n).toBeLessThan(seq.limit);
      seen.add(n);
      if (i < 10) first.push(n);
    }
    expect(seen.size).toBe(50_000);
    const sorted = [...first].sort((a, b) => a - b);
    expect(first).not.toEqual(sorted);
    expect(new ScrambledSequence(1, "customer", 10).nextPadded()).toHaveLength(
      new ScrambledSequence(1, "x", 10).width,
    );
  });
});

describe("TakenFilter", () => {
  it("never forgets a value and rarely claims one falsely", () => {
    const filter = new TakenFilter(20);
    let refused = 0;
    for (let i = 0; i < 10_000; i++) if (!filter.claim(`user${i}@gmail.com`)) refused++;
    expect(refused).toBeLessThan(200);
    for (let i = 0; i < 10_000; i++) filter.add(`user${i}@gmail.com`);
    for (let i = 0; i < 10_000; i++) expect(filter.has(`user${i}@gmail.com`)).toBe(true);
    for (let i = 0; i < 10_000; i++) expect(filter.claim(`user${i}@gmail.com`)).toBe(false);
    let falsePositives = 0;
    for (let i = 0; i < 10_000; i++) if (filter.has(`other${i}@gmail.com`)) falsePositives++;
    expect(falsePositives).toBeLessThan(300);
  });
});
