import { describe, expect, it } from "vitest";
import { evaluateBinary } from "./metrics.js";
import { Random } from "./random.js";
import { clvReportHtml, lookalikeReportHtml, propensityReportHtml } from "./report.js";

describe("reports", () => {
  const rng = new Random(2);
  const p = Array.from({ length: 500 }, () => rng.next());
  const y = p.map((q) => (rng.next() < q ? 1 : 0));
  const test = evaluateBinary(p, y);

  it("propensity: gains and calibration charts, every model's measures, names escaped", () => {
    const html = propensityReportHtml({
      target: "event:<Checkout>",
      split: "time",
      rows: 500,
      positives: y.reduce<number>((n, v) => n + v, 0),
      chosen: "gbdt",
      models: [
        { kind: "logistic", validationAuc: 0.7, test, drivers: [{ feature: "visits", value: 0.5 }] },
        { kind: "gbdt", validationAuc: 0.8, test, drivers: [{ feature: "a<b", value: 0.9 }] },
      ],
    });
    expect(html.match(/<svg/g)).toHaveLength(2);
    expect(html).toContain("event:&lt;Checkout&gt;");
    expect(html).toContain("a&lt;b");
    expect(html).not.toContain("<script");
    expect(html).toContain(test.auc.toFixed(3));
  });

  it("lifetime value: parameters, and predicted against actual holdout purchases", () => {
    const html = clvReportHtml({
      model: "bg-nbd",
      unitDays: 7,
      horizonDays: 365,
      customers: 2357,
      fit: {
        parameters: { r: 0.243, alpha: 4.414 },
        standardErrors: { r: 0.013, alpha: 0.378 },
        logLikelihood: -9582.4,
        spend: null,
      },
      holdout: {
        calibrationEnd: "1997-09-30T00:00:00.000Z",
        holdoutLength: 39,
        purchases: {
          actual: 1882,
          predicted: 1653,
          mae: 0.78,
          correlation: 0.63,
          auc: 0.77,
          byFrequency: [
            { x: "0", customers: 1411, predicted: 0.23, actual: 0.24 },
            { x: "1", customers: 439, predicted: 0.52, actual: 0.7 },
          ],
        },
        revenue: null,
      },
      summary: { totalClv: 1000, meanClv: 30, medianClv: 10, top10Share: 0.5, meanPAlive: 0.8 },
      warnings: ["amounts in 2 currencies"],
    });
    expect(html).toContain("0.243");
    expect(html).toContain("1,411");
    expect(html).toContain("amounts in 2 currencies");
    expect(html.match(/<rect/g)?.length).toBeGreaterThanOrEqual(4);
  });

  it("lookalike: recall against chance for every weight tried, and what sets the seed apart", () => {
    const html = lookalikeReportHtml({
      name: "vip",
      blend: 0.3,
      seed: { size: 100, from: "score clv>=200" },
      candidates: 5000,
      explanation: [
        { feature: "orders", importance: 0.6, kind: "numeric", seedMean: 4, restMean: 0.2, effectSize: 3.1 },
        {
          feature: "country",
          importance: 0.2,
          kind: "categorical",
          levels: [{ level: "GB", seedShare: 0.7, restShare: 0.25, ratio: 2.8 }],
        },
      ],
      evaluation: {
        hidden: 50,
        candidates: 4950,
        recall: {
          top5: { blend: 0.4, classifier: 0.41, neighbours: 0.3 },
          top10: { blend: 0.6, classifier: 0.6, neighbours: 0.5 },
          top20: { blend: 0.8, classifier: 0.8, neighbours: 0.7 },
        },
        blends: [{ weight: 0, top5: 0.41, top10: 0.6, top20: 0.8 }],
        blend: 0.3,
      },
    });
    expect(html).toContain("effect size +3.10");
    expect(html).toContain("GB: 70 % of the seed vs 25 % (×2.8)");
    expect(html).toContain("score clv&gt;=200");
  });
});
