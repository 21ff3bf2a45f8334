import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import {
  customerValues,
  evaluateHoldout,
  expectedPurchases,
  fitClvModels,
  fitPurchaseModel,
  lifetimeValue,
} from "./clv.js";
import { fitGammaGamma, gammaGammaExpectedSpend } from "./gamma-gamma.js";
import { checkRfm, dayMs, rfmSummary, type Transaction } from "./rfm.js";
import { datasetFile, missingDataset, readSimpleTable } from "./testing.js";

function withinLastDigit(estimate: number, published: string): void {
  const decimals = published.split(".")[1]?.length ?? 0;
  expect(Math.abs(estimate - Number(published))).toBeLessThanOrEqual(10 ** -decimals);
}

const spendSummary = datasetFile("cdnow", "cdnow_customers_summary_with_transactions.csv");
const sample = datasetFile("cdnow", "CDNOW_sample.txt");

/** CDNOW_sample.txt: master id, sample id, YYYYMMDD, CDs, dollars (whitespace separated). */
function readCdnowSample(path: string): Map<string, Transaction[]> {
  const out = new Map<string, Transaction[]>();
  for (const line of readFileSync(path, "utf8").trim().split("\n")) {
    const [, id, date, , dollars] = line.trim().split(/\s+/) as [string, string, string, string, string];
    const at = Date.UTC(Number(date.slice(0, 4)), Number(date.slice(4, 6)) - 1, Number(date.slice(6, 8)));
    const list = out.get(String(Number(id))) ?? [];
    list.push({ at, amount: Number(dollars) });
    out.set(String(Number(id)), list);
  }
  return out;
}

const calibrationEnd = Date.UTC(1997, 8, 30);
const observationEnd = Date.UTC(1998, 5, 30);

describe.skipIf(!spendSummary)(
  `CDNOW spend (${spendSummary ? "present" : missingDataset("cdnow", "cdnow_customers_summary_with_transactions.csv")})`,
  () => {
    it("reproduces the published Gamma-Gamma fit on the 946 repeat buyers: p 6.25, q 3.74, γ 15.44", () => {
      const rows = readSimpleTable(spendSummary as string).map((r) => ({
        x: Number(r.x),
        monetary: Number(r.zbar),
      }));
      const fit = fitGammaGamma(rows);
      expect(fit.customers).toBe(946);
      withinLastDigit(fit.params.p, "6.25");
      withinLastDigit(fit.params.q, "3.74");
      withinLastDigit(fit.params.gamma, "15.44");
      // A buyer's expected spend lies between their own mean and the population's.
      const population = gammaGammaExpectedSpend(fit.params, 0, 0);
      const own = 80;
      const expected = gammaGammaExpectedSpend(fit.params, 3, own);
      expect(expected).toBeGreaterThan(population);
      expect(expected).toBeLessThan(own);
      // More purchases, more weight on the customer's own mean.
      expect(gammaGammaExpectedSpend(fit.params, 10, own)).toBeGreaterThan(expected);
    });
  },
);

describe.skipIf(!sample || !spendSummary)(
  `CDNOW transactions (${sample ? "present" : missingDataset("cdnow", "CDNOW_sample.txt")})`,
  () => {
    it("summarising the raw transactions gives the published calibration summary, customer by customer", () => {
      const byCustomer = readCdnowSample(sample as string);
      const rows = rfmSummary(
        [...byCustomer].map(([id, transactions]) => ({ id, transactions })),
        { calibrationEnd, observationEnd, unitDays: 7 },
      );
      expect(rows).toHaveLength(2357);
      const published = new Map(readSimpleTable(spendSummary as string).map((r) => [r.ID as string, r]));
      for (const row of rows) {
        const p = published.get(row.id);
        expect(p, row.id).toBeDefined();
        expect(row.x).toBe(Number(p?.x));
        expect(row.tx).toBeCloseTo(Number(p?.t_x), 2);
        expect(row.T).toBeCloseTo(Number(p?.T), 2);
        // zbar is printed to the cent.
        expect(Math.abs(row.monetary - Number(p?.zbar))).toBeLessThanOrEqual(0.0051);
      }
    });

    it("predicts the 39-week holdout: total purchases within 15 %, and the ranking separates repeaters", () => {
      const byCustomer = readCdnowSample(sample as string);
      const rows = rfmSummary(
        [...byCustomer].map(([id, transactions]) => ({ id, transactions })),
        { calibrationEnd, observationEnd, unitDays: 7 },
      );
      const models = fitClvModels("bg-nbd", rows);
      const evaluation = evaluateHoldout(models, rows, 39);
      expect(evaluation.customers).toBe(2357);
      expect(Math.abs(evaluation.purchases.predicted / evaluation.purchases.actual - 1)).toBeLessThan(0.15);
      expect(evaluation.purchases.auc).toBeGreaterThan(0.75);
      expect(evaluation.purchases.correlation).toBeGreaterThan(0.5);
      // Conditional expectations rise with calibration frequency, as the actual ones do.
      const byX = evaluation.purchases.byFrequency;
      expect(byX[0]?.x).toBe("0");
      expect((byX[5]?.predicted ?? 0) > (byX[1]?.predicted ?? 0)).toBe(true);
      expect(evaluation.spend?.customers).toBeGreaterThan(300);
    });
  },
);

describe("lifetime value", () => {
  const rows = [
    { id: "a", x: 0, tx: 0, T: 30, monetary: 0, firstSpend: 20, firstDay: 0 },
    { id: "b", x: 6, tx: 29, T: 30, monetary: 40, firstSpend: 35, firstDay: 0 },
    { id: "c", x: 6, tx: 3, T: 30, monetary: 40, firstSpend: 35, firstDay: 0 },
  ];
  const many = Array.from({ length: 60 }, (_, i) => ({
    id: String(i),
    x: i % 5,
    tx: i % 5 === 0 ? 0 : 10 + (i % 17),
    T: 30,
    monetary: i % 5 === 0 ? 0 : 20 + (i % 11) * 3,
    firstSpend: 25,
    firstDay: 0,
  }));

  it("discounting lowers value, a longer horizon raises it, and a recent buyer is worth more than a lapsed one", () => {
    const models = fitClvModels("bg-nbd", many);
    const plain = { periods: 12, periodLength: 30 / 7, discountRate: 0 };
    const discounted = { ...plain, discountRate: 0.02 };
    const b = rows[1] as (typeof rows)[1];
    const value = lifetimeValue(models.purchases, 40, b, plain);
    expect(lifetimeValue(models.purchases, 40, b, discounted)).toBeLessThan(value);
    expect(lifetimeValue(models.purchases, 40, b, { ...plain, periods: 24 })).toBeGreaterThan(value);
    // Without discounting the value is spend × expected purchases over the whole horizon.
    expect(value).toBeCloseTo(40 * expectedPurchases(models.purchases, 12 * (30 / 7), 6, 29, 30), 8);
    const [va, vb, vc] = customerValues(models, rows, { ...discounted, horizon: 52 });
    expect(vb?.clv).toBeGreaterThan(vc?.clv ?? 0);
    expect(vb?.pAlive).toBeGreaterThan(vc?.pAlive ?? 1);
    expect(va?.pAlive).toBe(1);
  });

  it("Pareto/NBD serves the same questions, and says so when the data push a parameter to its bound", () => {
    // Every customer here is seen buying to the end with no silence: no evidence of drop-out at all.
    const model = fitPurchaseModel("pareto-nbd", many);
    expect(model.atBound).toBe(true);
    expect(expectedPurchases(model, 52, 4, 25, 30)).toBeGreaterThan(expectedPurchases(model, 52, 4, 5, 30));
  });

  it("bad summaries are refused with the customer named", () => {
    expect(() => checkRfm({ id: "C-9", x: 2, tx: 40, T: 30 })).toThrow(/C-9/);
    expect(() => checkRfm({ id: "C-8", x: 1.5, tx: 1, T: 30 })).toThrow(/C-8.*whole/);
    expect(() =>
      rfmSummary([{ id: "C-7", transactions: [{ at: 0, amount: Number.NaN }] }], { calibrationEnd: dayMs }),
    ).toThrow(/C-7/);
  });

  it("same-day transactions are one purchase and later customers are left out", () => {
    const day = (d: number) => d * dayMs + 3_600_000;
    const rows = rfmSummary(
      [
        {
          id: "p",
          transactions: [
            { at: day(0), amount: 10 },
            { at: day(0) + 60_000, amount: 5 },
            { at: day(14), amount: 20 },
          ],
        },
        { id: "late", transactions: [{ at: day(40), amount: 10 }] },
      ],
      { calibrationEnd: day(28), unitDays: 7 },
    );
    expect(rows).toEqual([{ id: "p", x: 1, tx: 2, T: 4, monetary: 20, firstSpend: 15, firstDay: 0 }]);
  });
});
