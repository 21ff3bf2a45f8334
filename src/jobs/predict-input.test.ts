import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { Random } from "../predict/random.js";
import { datasetFile, missingDataset } from "../predict/testing.js";
import { clvFromActivity, clvFromSummary } from "./predict-clv.js";
import { activityFromTable, parseDate, readInputTable } from "./predict-input.js";
import { lookalikeFromTable } from "./predict-lookalike.js";
import { propensityFromTable, propensityFromTransactions } from "./predict-propensity.js";

const dir = mkdtempSync(join(tmpdir(), "tessera-predict-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A shop's transaction log: 400 customers with their own buying rates over two years. */
function transactionLog(): string {
  const rng = new Random(3);
  const lines = ["customer_id,order_date,amount,currency"];
  for (let c = 0; c < 400; c++) {
    const rate = rng.gamma(0.8, 60);
    const life = rng.exponential(1 / 400);
    const spend = 20 + rng.gamma(2, 0.05);
    for (let t = rng.next() * 300; t < Math.min(730, life + 300); t += rng.exponential(rate)) {
      const day = new Date(Date.UTC(2023, 0, 1) + Math.floor(t) * 86_400_000).toISOString().slice(0, 10);
      lines.push(`C${c},${day},${(spend * (0.5 + rng.next())).toFixed(2)},USD`);
    }
  }
  return `${lines.join("\n")}\n`;
}

describe("plain files as input", () => {
  it("read dates as ISO or YYYYMMDD, nothing else", () => {
    expect(parseDate("1997-01-01")).toBe(Date.UTC(1997, 0, 1));
    expect(parseDate("19970101")).toBe(Date.UTC(1997, 0, 1));
    expect(parseDate("2025-08-01T21:02:15Z")).toBe(Date.UTC(2025, 7, 1, 21, 2, 15));
    expect(parseDate("01/02/1997")).toBeNull();
  });

  it("a transaction log gives lifetime values with a holdout evaluation", async () => {
    const path = join(dir, "orders.csv");
    writeFileSync(path, transactionLog());
    const table = await readInputTable(path);
    const { customers, columns } = activityFromTable(table);
    expect(columns).toMatchObject({ customer: "customer_id", date: "order_date", amount: "amount" });
    expect(customers).toHaveLength(400);
    const { report, values } = clvFromActivity(customers, { holdoutDays: 120 });
    expect(report.holdout?.customers).toBeGreaterThan(300);
    expect(report.holdout?.purchases.auc).toBeGreaterThan(0.7);
    expect(values).toHaveLength(report.customers);
    for (const v of values) {
      expect(v.pAlive).toBeGreaterThanOrEqual(0);
      expect(v.pAlive).toBeLessThanOrEqual(1);
      expect(v.clv).toBeGreaterThanOrEqual(0);
    }
    expect(report.currencies).toEqual({ USD: expect.any(Number) });
  });

  it("buy propensity from a transaction log, tested on the latest moment", async () => {
    const table = await readInputTable(join(dir, "orders.csv"));
    const { report, scores } = propensityFromTransactions(table, {
      target: "buy",
      horizonDays: 60,
      snapshots: 4,
    });
    expect(report.split).toMatch(/^time/);
    expect(report.models.every((m) => m.test.auc > 0.7)).toBe(true);
    expect(scores.length).toBeGreaterThan(300);
  });

  it("names the row of a bad date or amount", async () => {
    const path = join(dir, "bad.csv");
    writeFileSync(path, "customer,date,amount\nA,2024-01-01,10\nB,yesterday,5\n");
    expect(() => activityFromTable(readSync(path))).toThrow(/row 2: "yesterday" in date is not a date/);
    writeFileSync(path, "customer,date,amount\nA,2024-01-01,ten\n");
    expect(() => activityFromTable(readSync(path))).toThrow(/row 1: "ten" in amount is not an amount/);
  });

  it("a feature table: propensity of a target column and a lookalike of a seed column", async () => {
    const rng = new Random(9);
    const lines = ["id,visits,country,tenure,answer,leak"];
    for (let i = 0; i < 1500; i++) {
      const visits = Math.floor(rng.exponential(0.3));
      const country = ["US", "GB", "DE"][rng.int(3)];
      const yes = rng.next() < 1 / (1 + Math.exp(3 - 0.5 * visits - (country === "GB" ? 1 : 0)));
      lines.push(
        `U${i},${visits},${country},${Math.round(rng.next() * 900)},${yes ? "yes" : "no"},${yes ? 1 : 0}`,
      );
    }
    const path = join(dir, "features.csv");
    writeFileSync(path, `${lines.join("\n")}\n`);
    const table = await readInputTable(path);
    const { report, scores } = propensityFromTable(table, { target: "answer", drop: ["leak"], id: "id" });
    expect(report.features).toEqual(["visits", "country", "tenure"]);
    expect(report.models.every((m) => m.test.auc > 0.7 && m.test.auc < 0.99)).toBe(true);
    expect(scores[0]?.id).toBe("U0");
    expect(() => propensityFromTable(table, { target: "nope" })).toThrow(/no column "nope"/);

    const look = lookalikeFromTable(table, {
      name: "answered",
      seedColumn: "answer",
      seedValue: "yes",
      drop: ["leak"],
      top: 50,
    });
    expect(look.report.features).toEqual(["visits", "country", "tenure"]);
    expect(look.report.evaluation?.recall.top20.blend).toBeGreaterThan(0.3);
    expect(look.report.explanation[0]?.feature).toBe("visits");
    expect(look.report.top).toHaveLength(50);
  });
});

function readSync(path: string) {
  // The tiny files above: the same shape readInputTable gives, read without the async reader.
  const [header, ...rows] = readFileSync(path, "utf8").trim().split("\n");
  const columns = (header as string).split(",");
  return {
    path,
    columns,
    rows: rows.map((r) => Object.fromEntries(r.split(",").map((v, i) => [columns[i] as string, v]))),
    unreadable: 0,
    problems: [],
  };
}

const summary = datasetFile("cdnow", "cdnow_customers_summary_with_transactions.csv");

describe.skipIf(!summary)(
  `a CDNOW summary file (${summary ? "present" : missingDataset("cdnow", "cdnow_customers_summary_with_transactions.csv")})`,
  () => {
    it("fits the published BG/NBD and Gamma-Gamma parameters straight from the file", async () => {
      const { report } = clvFromSummary(await readInputTable(summary as string));
      expect(report.customers).toBe(2357);
      expect(report.fit.parameters.r).toBeCloseTo(0.243, 3);
      expect(report.fit.parameters.b).toBeCloseTo(2.426, 2);
      expect(report.fit.spend?.parameters.p).toBeCloseTo(6.25, 1);
    });
  },
);
