import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { quintileBoundaries, quintileOf, rfmBoundaries, rfmScore } from "./rfm-scores.js";

describe("RFM quintiles", () => {
  it("gives equal values the same score, that of the rank where their group starts", () => {
    // Ten values; 1 repeated four times: 0 values below it → score 1 for all four; 2 has 4 below → 1+⌊5·4/10⌋ = 3.
    const values = [1, 1, 1, 1, 2, 3, 4, 5, 6, 7];
    const b = quintileBoundaries(values);
    expect(b).toEqual([2, 2, 4, 6]);
    expect(values.map((v) => quintileOf(v, b))).toEqual([1, 1, 1, 1, 3, 3, 4, 4, 5, 5]);
    // New values are placed by the same boundaries.
    expect(quintileOf(0, b)).toBe(1);
    expect(quintileOf(100, b)).toBe(5);
    // All equal: everyone in the lowest bucket, boundaries beyond reach.
    expect(quintileBoundaries([3, 3, 3])).toEqual([
      Number.POSITIVE_INFINITY,
      Number.POSITIVE_INFINITY,
      Number.POSITIVE_INFINITY,
      Number.POSITIVE_INFINITY,
    ]);
  });

  it("scores recency with fewer days as better", () => {
    const rows = [0, 10, 20, 30, 40].map((d) => ({ recencyDays: d, frequency: 1, monetary: 1 }));
    const b = rfmBoundaries(rows);
    expect(rows.map((r) => rfmScore(r, b).r)).toEqual([5, 4, 3, 2, 1]);
  });
});

const cdnow = join(import.meta.dirname, "../../../shared/datasets/cdnow/CDNOW_master.txt");

describe.skipIf(!existsSync(cdnow))("RFM on CDNOW (../shared/datasets/cdnow)", () => {
  it.runIf(existsSync(cdnow))("matches a hand-checked sample", () => {
    // Per customer: recency = days from the last purchase to 1998-07-01 (the day after the data end), frequency =
    // transactions (rows), monetary = total dollars.
    const byCustomer = new Map<string, { last: string; n: number; m: number }>();
    for (const line of readFileSync(cdnow, "utf8").split("\n")) {
      const [id, date, , dollars] = line.trim().split(/\s+/);
      if (!id || !/^\d+$/.test(id) || !date || dollars === undefined) continue;
      const c = byCustomer.get(id) ?? { last: "", n: 0, m: 0 };
      c.n++;
      c.m += Number(dollars);
      if (date > c.last) c.last = date;
      byCustomer.set(id, c);
    }
    const ref = Date.UTC(1998, 6, 1);
    const rows = [...byCustomer].map(([id, c]) => ({
      id,
      recencyDays: Math.round(
        (ref -
          Date.UTC(Number(c.last.slice(0, 4)), Number(c.last.slice(4, 6)) - 1, Number(c.last.slice(6)))) /
          86_400_000,
      ),
      frequency: c.n,
      monetary: Math.round(c.m * 100) / 100,
    }));
    expect(rows).toHaveLength(23_570);
    const b = rfmBoundaries(rows);
    // Hand-derived (sort the 23,570 per-customer values; n·k/5 = 4714, 9428, 14142, 18856; bₖ is the smallest
    // value with at least that many customers strictly below it):
    // - frequency: 11,908 customers bought once, so 1 has 0 below and 2 has 11,908 ≥ 4714 and ≥ 9428 below:
    //   b₁ = b₂ = 2; 3 has 16,000-odd below (≥ 14142) → b₃ = 3; b₄ = 5. Nobody scores F = 2 (the tie rule).
    // - monetary: b = 15.37, 31.37, 59.93, 133.96 dollars.
    // - recency (negated days): b = −512, −485, −432, −141, i.e. 512, 485, 432 and 141 days.
    expect(b.frequency).toEqual([2, 2, 3, 5]);
    expect(b.monetary).toEqual([15.37, 31.37, 59.93, 133.96]);
    expect(b.recency).toEqual([-512, -485, -432, -141]);
    const score = (id: string) => rfmScore(rows.find((r) => r.id === id) as (typeof rows)[number], b);
    // 00001: one row, 1997-01-01, $11.77 → 546 days; R: −546 < −512 → 1; F: 1 < 2 → 1; M: 11.77 < 15.37 → 1.
    expect(score("00001")).toMatchObject({ recencyDays: 546, frequency: 1, monetary: 11.77, score: "111" });
    // 00002: two rows on 1997-01-12 ($12.00 + $77.00) → 535 days, F 2 (≥ b₁, b₂; < b₃ = 3) → 3, M $89 (≥ 59.93,
    // < 133.96) → 4.
    expect(score("00002")).toMatchObject({ recencyDays: 535, frequency: 2, monetary: 89, score: "134" });
    // 00003: six rows, last 1998-05-28 → 34 days (≥ −141 → R 5); F 6 ≥ 5 → 5; $20.76+20.76+19.54+57.45+20.96+16.99
    // = $156.46 ≥ 133.96 → 5.
    expect(score("00003")).toMatchObject({ recencyDays: 34, frequency: 6, monetary: 156.46, score: "555" });
    // 12345: one row 1997-02-14, $15.36 → 502 days (−502 ≥ −512 but < −485 → R 2); M 15.36 < 15.37 → 1.
    expect(score("12345")).toMatchObject({ recencyDays: 502, frequency: 1, monetary: 15.36, score: "211" });
    // 23570: 1997-03-25 $51.12 and 1997-03-26 $42.96 → 462 days (≥ −485, < −432 → R 3), F 2 → 3, M $94.08 → 4.
    expect(score("23570")).toMatchObject({ recencyDays: 462, frequency: 2, monetary: 94.08, score: "334" });
    const fCounts = [1, 2, 3, 4, 5].map((q) => rows.filter((r) => rfmScore(r, b).f === q).length);
    expect(fCounts).toEqual([11_908, 0, 4_079, 3_658, 3_925]);
  });
});
