import { describe, expect, it } from "vitest";
import { type FeatureRow, frameFromRows, labelsFrom } from "./frame.js";
import { explainRows, predictPropensity, trainPropensity } from "./propensity.js";
import { Random } from "./random.js";
import { datasetFile, missingDataset, readSimpleTable } from "./testing.js";

const shoppers = datasetFile("online-shoppers", "online_shoppers_intention.csv");
const bank = datasetFile("bank-marketing", "bank-full.csv");

describe.skipIf(!shoppers)(
  `online shoppers (${shoppers ? "present" : missingDataset("online-shoppers", "online_shoppers_intention.csv")})`,
  () => {
    it("boosted trees beat logistic regression, with AUC ≥ 0.92 on held-out sessions", () => {
      const rows = readSimpleTable(shoppers as string);
      const y = labelsFrom(rows, "Revenue");
      const frame = frameFromRows(rows, {
        exclude: ["Revenue"],
        categorical: ["OperatingSystems", "Browser", "Region", "TrafficType"],
      });
      const result = trainPropensity(frame, y, {
        split: { kind: "random", testFraction: 0.25, seed: 1 },
        gbdt: { numLeaves: 15, featureFraction: 0.8, baggingFraction: 0.8 },
      });
      const [logistic, gbdt] = result.reports;
      expect(logistic?.kind).toBe("logistic");
      expect(gbdt?.kind).toBe("gbdt");
      expect(gbdt?.test.auc).toBeGreaterThan(logistic?.test.auc ?? 1);
      expect(gbdt?.test.auc).toBeGreaterThanOrEqual(0.92);
      expect(gbdt?.test.prAuc).toBeGreaterThan(logistic?.test.prAuc ?? 1);
      expect(result.chosen).toBe("gbdt");
      // PageValues is what every published model finds first.
      expect(gbdt?.drivers[0]?.feature).toBe("PageValues");
      expect(gbdt?.test.liftAt10).toBeGreaterThan(4);
    });
  },
);

describe.skipIf(!bank)(
  `bank marketing (${bank ? "present" : missingDataset("bank-marketing", "bank-full.csv")})`,
  () => {
    it("without the leaking call duration, boosted trees beat logistic regression on a random split", () => {
      // Every third row keeps this test quick; the benchmark runs on all 45,211.
      const rows = readSimpleTable(bank as string, ";").filter((_, i) => i % 3 === 0);
      const y = labelsFrom(rows, "y");
      const frame = frameFromRows(rows, { exclude: ["y", "duration"] });
      const result = trainPropensity(frame, y, {
        split: { kind: "random", testFraction: 0.3, seed: 1 },
        gbdt: { numLeaves: 15, featureFraction: 0.8, baggingFraction: 0.8 },
      });
      const [logistic, gbdt] = result.reports;
      expect(gbdt?.test.auc).toBeGreaterThan(logistic?.test.auc ?? 1);
      expect(gbdt?.test.auc).toBeGreaterThan(0.75);
      expect(frame.columns.some((c) => c.name === "duration")).toBe(false);
    });
  },
);

describe("propensity on a time-aware split", () => {
  /** Customers whose chance to buy rises with recent visits; later rows come from a later period. */
  function customers(n: number, seed: number) {
    const rng = new Random(seed);
    const rows: FeatureRow[] = [];
    const y: number[] = [];
    const times: number[] = [];
    for (let i = 0; i < n; i++) {
      const visits = Math.floor(rng.exponential(0.3));
      const country = ["US", "GB", "DE"][rng.int(3)] as string;
      const logit = -3 + 0.4 * visits + (country === "GB" ? 0.8 : 0);
      y.push(rng.next() < 1 / (1 + Math.exp(-logit)) ? 1 : 0);
      rows.push({ visits, country, tenure: rng.next() * 100 });
      times.push(Math.floor(i / 50));
    }
    return { rows, y, times };
  }

  it("tests on the latest rows only, chooses on validation, and explains each score", () => {
    const { rows, y, times } = customers(3000, 1);
    const frame = frameFromRows(rows);
    const stages: string[] = [];
    const result = trainPropensity(frame, y, {
      split: { kind: "time", times, testFraction: 0.25 },
      gbdt: { numLeaves: 4 },
      progress: (stage) => stages.push(stage),
    });
    expect(result.split).toMatch(/^time/);
    expect(result.testRows).toBe(750);
    expect(stages).toEqual(expect.arrayContaining(["split", "logistic", "gbdt", "refit"]));
    for (const r of result.reports) expect(r.test.auc).toBeGreaterThan(0.7);
    const scores = predictPropensity(result.model, frame);
    expect(scores).toHaveLength(3000);
    const reasons = explainRows(result.model, frame, 2);
    // A heavy visitor's score is driven by visits.
    const heavy = rows.findIndex((r) => (r.visits as number) > 12);
    expect(reasons[heavy]?.[0]?.feature).toBe("visits");
    expect(reasons[heavy]?.[0]?.effect).toBeGreaterThan(0);
  });

  it("refuses a split that leaves one side with a single class", () => {
    const frame = frameFromRows([{ a: 1 }, { a: 2 }, { a: 3 }, { a: 4 }]);
    expect(() =>
      trainPropensity(frame, [0, 0, 1, 1], {
        split: { kind: "time", times: [1, 2, 3, 4], testFraction: 0.5 },
      }),
    ).toThrow(/training rows are all negative/);
  });
});
