import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Store } from "../store/open-store.js";
import { type TestStore, testEngines } from "../store/testing.js";
import { BudgetExceededError, getBudget, listReleases, setBudget } from "./budget.js";
import { computeInsights, InsightError } from "./insights.js";
import { marginLines, suppressSmallCells } from "./suppression.js";

/** Insights over a small population: suppression that cannot be undone from the totals, and DP under a budget. */

/** Rank over the rationals (fraction-free elimination on integers): an independent check of recoverability. */
function rank(rows: bigint[][]): number {
  const m = rows.map((r) => [...r]);
  let r = 0;
  const cols = m[0]?.length ?? 0;
  for (let c = 0; c < cols && r < m.length; c++) {
    const p = m.findIndex((row, i) => i >= r && row[c] !== 0n);
    if (p < 0) continue;
    [m[r], m[p]] = [m[p] as bigint[], m[r] as bigint[]];
    const pr = m[r] as bigint[];
    for (let i = 0; i < m.length; i++) {
      if (i === r) continue;
      const row = m[i] as bigint[];
      const f = row[c] as bigint;
      if (f === 0n) continue;
      const pc = pr[c] as bigint;
      for (let j = 0; j < cols; j++) row[j] = (row[j] as bigint) * pc - f * (pr[j] as bigint);
    }
    r++;
  }
  return r;
}

/** Whether a hidden cell's value follows from the published totals (as linear equations over the hidden cells). */
function determined(hidden: number[], lines: number[][], withheld: Set<number>, cell: number): boolean {
  const eqs = lines
    .filter((_, li) => !withheld.has(li))
    .map((line) => hidden.map((h) => (line.includes(h) ? 1n : 0n)))
    .filter((row) => row.some((x) => x !== 0n));
  const unit = hidden.map((h) => (h === cell ? 1n : 0n));
  return eqs.length > 0 && rank(eqs) === rank([...eqs, unit]);
}

describe("complementary suppression", () => {
  it("leaves no hidden cell recoverable from the published totals, on many random tables", () => {
    let seed = 7;
    const rand = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    for (let trial = 0; trial < 200; trial++) {
      const rows = 2 + Math.floor(rand() * 4);
      const cols = 2 + Math.floor(rand() * 4);
      const coords: string[][] = [];
      const counts: number[] = [];
      for (let i = 0; i < rows; i++)
        for (let j = 0; j < cols; j++) {
          coords.push([`r${i}`, `c${j}`]);
          counts.push(
            rand() < 0.3 ? 1 + Math.floor(rand() * 4) : rand() < 0.1 ? 0 : 5 + Math.floor(rand() * 40),
          );
        }
      const lines = marginLines(coords, 2);
      const { hidden, withheldLines } = suppressSmallCells(counts, lines, 5);
      const h = [...hidden.keys()];
      counts.forEach((n, i) => {
        if (n > 0 && n < 5) expect(hidden.get(i)).toBe("primary");
      });
      for (const cell of h)
        expect(determined(h, lines, withheldLines, cell), `trial ${trial} cell ${cell}`).toBe(false);
    }
  });

  it("hides a second cell when one row has a single small cell", () => {
    const coords = [["a"], ["b"], ["c"]];
    const { hidden } = suppressSmallCells([3, 40, 12], marginLines(coords, 1), 5);
    expect([...hidden]).toEqual([
      [0, "primary"],
      [2, "complementary"],
    ]);
  });
});

async function population(store: Store): Promise<void> {
  const cities = ["London", "Leeds", "York"];
  const at = "2026-11-01T00:00:00.000Z";
  const entities = [];
  const profiles = [];
  const scores = [];
  for (let i = 0; i < 240; i++) {
    const id = `T-${i + 1}`;
    // York is small: 4 people.
    const city = i < 4 ? "York" : (cities[i % 2] as string);
    const year = 1950 + (i % 50);
    entities.push({
      id,
      seq: i + 1,
      status: "active" as const,
      merged_into: null,
      absorbed_records: null,
      records: 1,
      created_at: at,
      updated_at: at,
    });
    profiles.push({
      entity_id: id,
      profile: JSON.stringify({
        name: null,
        dateOfBirth: { value: `${year}-06-01`, lineage: {} },
        gender: null,
        address: {
          value: {
            line: "",
            city,
            country: "GB",
            region: null,
            postcode: null,
            street: null,
            streetNumber: null,
            unit: null,
          },
          lineage: {},
        },
        emails: [],
        phones: [],
        identifiers: [],
        records: 1,
        sources: ["crm"],
      }),
      hash: `h${i}`,
      updated_at: at,
    });
    scores.push({
      entity_id: id,
      name: "clv",
      value: (i % 10) * 100,
      details: "{}",
      model_run_id: "r",
      computed_at: at,
    });
  }
  for (let i = 0; i < entities.length; i += 100) {
    await store.db
      .insertInto("entity")
      .values(entities.slice(i, i + 100))
      .execute();
    await store.db
      .insertInto("golden_profile")
      .values(profiles.slice(i, i + 100))
      .execute();
    await store.db
      .insertInto("profile_score")
      .values(scores.slice(i, i + 100))
      .execute();
  }
}

describe.each(await testEngines())("insights on $name", (engine) => {
  let t: TestStore;
  beforeAll(async () => {
    t = await engine.open();
    await population(t.store);
  });
  afterAll(async () => t.dispose());

  it("aggregates by city and spend band with small cells suppressed", async () => {
    const r = await computeInsights(t.store, {
      by: ["city", "band:score:clv:300,700"],
      measures: ["count", "mean:score:clv"],
      protection: { kind: "suppression", minCell: 5 },
    });
    const york = r.cells.filter((c) => c.key.city === "York");
    expect(york.every((c) => c.count === null)).toBe(true);
    const visible = r.cells.filter((c) => c.count !== null);
    expect(visible.length).toBeGreaterThanOrEqual(3);
    for (const c of visible) expect(c.count).toBeGreaterThanOrEqual(5);
    for (const c of visible.filter((x) => x.key["band:score:clv:300,700"] === "≥ 700"))
      expect(c.means?.["score:clv"]).toBeGreaterThanOrEqual(700);
    expect(r.totals[0]?.count).toBe(240);
    const yorkTotal = r.totals.find((x) => x.key.city === "York");
    expect(yorkTotal?.count ?? null).toBeNull();
    // The published cells and totals never let York's cells be worked out.
    const hidden = r.cells.filter((c) => c.count === null);
    expect(hidden.length).toBeGreaterThanOrEqual(2);
  });

  it("releases DP counts under a budget, and refuses a release past it", async () => {
    await setBudget(t.store, "partner-a", 1, 1e-6);
    const q = {
      by: ["age_band"],
      measures: ["count", "sum:score:clv"],
      clip: { "score:clv": [0, 1000] as [number, number] },
      protection: {
        kind: "dp" as const,
        mechanism: "laplace" as const,
        epsilon: 0.6,
        recipient: "partner-a",
      },
    };
    const r = await computeInsights(t.store, q);
    expect(r.cells.map((c) => c.key.age_band)).toContain("75+");
    expect(r.cells.length).toBe(9);
    const total = r.cells.reduce((a, c) => a + (c.count ?? 0), 0);
    // 9 cells, Laplace b = 2/0.6 each: the total is within ~±60 of 240 with overwhelming probability.
    expect(Math.abs(total - 240)).toBeLessThan(80);
    expect(r.budget?.remainingEpsilon).toBeCloseTo(0.4, 9);
    expect(r.protection.noise?.count?.scale).toBeCloseTo(2 / 0.6, 9);

    const refused = computeInsights(t.store, q);
    await expect(refused).rejects.toBeInstanceOf(BudgetExceededError);
    await expect(computeInsights(t.store, q)).rejects.toThrow(/ε 0.4 and δ 1.00e-6 left/);
    expect(await listReleases(t.store.db, "partner-a")).toHaveLength(1);
    const b = await getBudget(t.store, "partner-a");
    expect(b.spentEpsilon).toBeCloseTo(0.6, 9);

    // An open domain (cities) needs δ for its release threshold; York's 4 people never show at ε 0.4.
    const g = await computeInsights(t.store, {
      by: ["city"],
      measures: ["count"],
      protection: { kind: "dp", mechanism: "gaussian", epsilon: 0.4, delta: 5e-7, recipient: "partner-a" },
    });
    expect(g.cells.map((c) => c.key.city).sort()).toEqual(["Leeds", "London"]);
    expect(g.protection.threshold).toBeGreaterThan(4);
  });

  it("refuses bad queries naming the field", async () => {
    await expect(
      computeInsights(t.store, {
        by: ["city'; drop table entity; --"],
        measures: ["count"],
        protection: { kind: "suppression" },
      }),
    ).rejects.toMatchObject({ field: "by[0]" });
    await expect(
      computeInsights(t.store, {
        by: ["city"],
        measures: ["sum:score:clv"],
        protection: { kind: "dp", mechanism: "laplace", epsilon: 0.1, recipient: "x" },
      }),
    ).rejects.toBeInstanceOf(InsightError);
  });
});
