import { describe, expect, it } from "vitest";
import { datasetFile, missingDataset, readSimpleTable } from "../../predict/testing.js";
import { attribute } from "./attribute.js";
import type { ChannelCredit } from "./credit.js";
import { heuristicCredit } from "./heuristics.js";
import { buildChain, markovAttribution } from "./markov.js";
import { type PathTable, PathTableBuilder, splitPath } from "./paths.js";
import { shapleyAttribution, shapleyValues, subsetSums } from "./shapley.js";

function tableOf(rows: [string, number, number, number][]): PathTable {
  const b = new PathTableBuilder();
  for (const [path, conversions, value, nulls] of rows)
    b.add({ touchpoints: splitPath(path), conversions, value, nulls });
  return b.build();
}

const byChannel = (credits: ChannelCredit[]) =>
  Object.fromEntries(credits.map((c) => [c.channel, { conversions: c.conversions, value: c.value }]));

describe("heuristic models on a path set worked by hand", () => {
  const t = tableOf([
    ["a > b > a", 1, 10, 1],
    ["b > c", 2, 20, 0],
    ["c", 0, 0, 3],
    ["c > a", 1, 6, 2],
  ]);

  it("first and last touch", () => {
    const first = byChannel(heuristicCredit(t, "first_touch"));
    expect(first).toEqual({
      a: { conversions: 1, value: 10 },
      b: { conversions: 2, value: 20 },
      c: { conversions: 1, value: 6 },
    });
    const last = byChannel(heuristicCredit(t, "last_touch"));
    expect(last).toEqual({
      a: { conversions: 2, value: 16 },
      b: { conversions: 0, value: 0 },
      c: { conversions: 2, value: 20 },
    });
  });

  it("linear credits every occurrence of a channel", () => {
    const lin = byChannel(heuristicCredit(t, "linear"));
    expect(lin.a?.conversions).toBeCloseTo(2 / 3 + 1 / 2, 12);
    expect(lin.b?.conversions).toBeCloseTo(1 / 3 + 1, 12);
    expect(lin.c?.conversions).toBeCloseTo(1 + 1 / 2, 12);
    expect(lin.a?.value).toBeCloseTo(20 / 3 + 3, 12);
  });

  it("position based: 40/20/40, halves for two touches", () => {
    const pb = byChannel(heuristicCredit(t, "position_based"));
    expect(pb.a?.conversions).toBeCloseTo(0.8 + 0.5, 12);
    expect(pb.b?.conversions).toBeCloseTo(0.2 + 1, 12);
    expect(pb.c?.conversions).toBeCloseTo(1 + 0.5, 12);
  });

  it("time decay by steps halves the credit per half-life", () => {
    const td = byChannel(heuristicCredit(t, "time_decay", { halfLifeSteps: 1 }));
    expect(td.a?.conversions).toBeCloseTo(1.25 / 1.75 + 2 / 3, 12);
    expect(td.b?.conversions).toBeCloseTo(0.5 / 1.75 + 2 / 3, 12);
    expect(td.c?.conversions).toBeCloseTo(4 / 3 + 1 / 3, 12);
  });

  it("time decay by days when journeys carry ages", () => {
    const b = new PathTableBuilder(7);
    b.add({ touchpoints: ["a", "b"], conversions: 1, value: 8, nulls: 0, ages: [14, 0] });
    const td = byChannel(heuristicCredit(b.build(), "time_decay"));
    expect(td.a?.conversions).toBeCloseTo(0.25 / 1.25, 12);
    expect(td.b?.value).toBeCloseTo(8 / 1.25, 12);
  });
});

describe("Markov removal effects on a chain worked by hand", () => {
  // start→a ½, start→b ½; a→b ½, a→null ½; b→conversion ⅔, b→null ⅓. P(conv) = ½.
  // Without a: ⅓ (RE ⅓); without b: 0 (RE 1). Credit a = 2·(⅓)/(4/3) = ½, b = 3/2.
  const t = tableOf([
    ["a > b", 1, 9, 0],
    ["a", 0, 0, 1],
    ["b", 1, 3, 1],
  ]);

  it("solves the absorbing chain exactly", () => {
    for (const solver of ["dense", "iterative"] as const) {
      const m = markovAttribution(t, { order: 1, solver });
      expect(m.chain?.conversionProbability).toBeCloseTo(0.5, 13);
      const re = Object.fromEntries((m.removalEffects ?? []).map((r) => [r.channel, r]));
      expect(re.a?.conversions).toBeCloseTo(1 / 3, 13);
      expect(re.b?.conversions).toBeCloseTo(1, 13);
      expect(re.a?.value).toBeCloseTo(1 / 3, 13);
      const c = byChannel(m.credits);
      expect(c.a?.conversions).toBeCloseTo(0.5, 12);
      expect(c.b?.conversions).toBeCloseTo(1.5, 12);
      expect(c.a?.value).toBeCloseTo(3, 12);
      expect(c.b?.value).toBeCloseTo(9, 12);
    }
  });

  it("merges repeated states and builds k-tuples at higher orders", () => {
    const chain1 = buildChain(tableOf([["a > a > b", 1, 1, 0]]), 1);
    expect(chain1.states).toEqual(["(start)", "a", "b"]);
    const chain2 = buildChain(
      tableOf([
        ["a > b > c > c", 1, 1, 0],
        ["a", 0, 0, 1],
      ]),
      2,
    );
    expect(chain2.states).toEqual(["(start)", "a > b", "b > c", "c > c", "a"]);
    expect(() => buildChain(t, 4)).toThrow(/order/);
  });
});

describe("Shapley values over channel sets worked by hand", () => {
  const t = tableOf([
    ["a", 2, 2, 0],
    ["a > b", 2, 4, 1],
    ["b > c > b", 3, 9, 0],
    ["c", 0, 0, 5],
  ]);

  it("subset coalitions: efficient, and equal to the 2^n definition", () => {
    const s = byChannel(shapleyAttribution(t).credits);
    expect(s.a?.conversions).toBeCloseTo(3, 12);
    expect(s.b?.conversions).toBeCloseTo(2.5, 12);
    expect(s.c?.conversions).toBeCloseTo(1.5, 12);
    expect(s.a?.value).toBeCloseTo(2 + 2, 12);
    // r({a}) = 2, r({a,b}) = 2, r({b,c}) = 3 → v by subset sums → Shapley by the definition.
    const r = new Float64Array(8);
    r[0b001] = 2;
    r[0b011] = 2;
    r[0b110] = 3;
    expect(Array.from(shapleyValues(subsetSums(r, 3), 3)).map((x) => +x.toFixed(12))).toEqual([3, 2.5, 1.5]);
  });

  it("exact coalitions sum to v(N), not to the total", () => {
    const m = shapleyAttribution(t, { coalition: "exact" });
    const s = byChannel(m.credits);
    expect(s.a?.conversions).toBeCloseTo(0, 12);
    expect(m.credits.reduce((x, c) => x + c.conversions, 0)).toBeCloseTo(0, 12);
  });
});

const dataCsv = datasetFile("channelattribution", "Data.csv");

describe.skipIf(!dataCsv)(
  `ChannelAttribution's Data.csv${dataCsv ? "" : ` (skipped: ${missingDataset("channelattribution", "Data.csv")})`}`,
  () => {
    const rows = dataCsv ? readSimpleTable(dataCsv, ";") : [];
    const table = tableOf(
      rows.map((r) => [
        r.path ?? "",
        Number(r.total_conversions),
        Number(r.total_conversion_value),
        Number(r.total_null),
      ]),
    );
    const report = attribute(table);
    const totalValue = rows.reduce((s, r) => s + Number(r.total_conversion_value), 0);
    const model = (name: string) => report.models.find((m) => m.model === name);
    const sum = (credits: ChannelCredit[], k: "conversions" | "value") =>
      credits.reduce((s, c) => s + c[k], 0);

    it("reads the published totals", () => {
      // 10,000 rows, but only 5,408 distinct paths: rows repeat paths, and the builder adds them up.
      expect(table.journeys).toBe(19_785 + 68_602);
      expect(report.paths).toBe(5_408);
      expect(report.channels).toHaveLength(12);
      expect(report.conversions).toBe(19_785);
      expect(report.value).toBeCloseTo(totalValue, 6);
      expect(report.value).toBeCloseTo(74_802.972, 3);
      expect(report.nulls).toBe(68_602);
    });

    it("heuristics follow the package's rules, checked by plain string arithmetic", () => {
      const first = new Map<string, number>();
      const last = new Map<string, number>();
      const linear = new Map<string, number>();
      const add = (m: Map<string, number>, k: string, v: number) => m.set(k, (m.get(k) ?? 0) + v);
      for (const r of rows) {
        const ch = (r.path ?? "").split(" > ");
        const c = Number(r.total_conversions);
        add(first, ch[0] ?? "", c);
        add(last, ch[ch.length - 1] ?? "", c);
        for (const x of ch) add(linear, x, c / ch.length);
      }
      for (const [name, expected] of [
        ["first_touch", first],
        ["last_touch", last],
        ["linear", linear],
      ] as const) {
        const credits = model(name)?.credits ?? [];
        for (const c of credits) expect(c.conversions).toBeCloseTo(expected.get(c.channel) ?? 0, 9);
      }
    });

    it("every model credits all conversions and value (Shapley by efficiency)", () => {
      for (const m of report.models) {
        expect(sum(m.credits, "conversions")).toBeCloseTo(19_785, 6);
        expect(sum(m.credits, "value")).toBeCloseTo(totalValue, 6);
      }
    });

    it("the chain's conversion probability is the observed rate, at every order and with either solver", () => {
      for (const order of [1, 2, 3]) {
        const m = model(`markov_${order}`);
        expect(m?.chain?.conversionProbability).toBeCloseTo(19_785 / (19_785 + 68_602), 12);
      }
      const dense = markovAttribution(table, { order: 2, solver: "dense" });
      const iterative = markovAttribution(table, { order: 2, solver: "iterative" });
      for (let c = 0; c < 12; c++)
        expect(iterative.credits[c]?.conversions).toBeCloseTo(dense.credits[c]?.conversions ?? Number.NaN, 9);
    });
  },
);
