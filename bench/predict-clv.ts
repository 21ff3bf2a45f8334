/**
 * Lifetime-value models on CDNOW: the published fits reproduced from the papers' summary files (BG/NBD,
 * Pareto/NBD, Gamma-Gamma), and the 39-week calibration / 39-week holdout test of Fader, Hardie & Lee
 * (2005) from the raw transactions — on the 1/10 sample (2,357 customers) and on the whole cohort
 * (23,570) — for both purchase models: repeat purchases predicted against made, per-customer error, and
 * how well the expectation ranks who buys again.
 *
 *   npx tsx bench/predict-clv.ts [--datasets ../shared/datasets] [--json]
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { Command } from "commander";
import { fitBgNbd } from "../src/predict/bg-nbd.js";
import { evaluateHoldout, fitClvModels, type PurchaseModelKind } from "../src/predict/clv.js";
import { fitGammaGamma } from "../src/predict/gamma-gamma.js";
import { fitParetoNbd } from "../src/predict/pareto-nbd.js";
import { rfmData, rfmSummary, type Transaction } from "../src/predict/rfm.js";
import { readSimpleTable } from "../src/predict/testing.js";

const opts = new Command()
  .option(
    "--datasets <dir>",
    "where the public data sets are",
    join(import.meta.dirname, "../../shared/datasets"),
  )
  .option("--json", "print one JSON object")
  .parse()
  .opts<{ datasets: string; json?: boolean }>();

const cdnow = join(opts.datasets, "cdnow");
const log = (line: string) => {
  if (!opts.json) console.log(line);
};
const time = <T>(work: () => T): [T, number] => {
  const t = performance.now();
  const out = work();
  return [out, (performance.now() - t) / 1000];
};

// 1. The published fits, from the summary files.
const summary = readSimpleTable(join(cdnow, "cdnow_customers_summary.csv")).map((r) => ({
  x: Number(r.frequency),
  tx: Number(r.recency),
  T: Number(r.T),
}));
const spend = readSimpleTable(join(cdnow, "cdnow_customers_summary_with_transactions.csv")).map((r) => ({
  x: Number(r.x),
  monetary: Number(r.zbar),
}));
const [bg, bgSeconds] = time(() => fitBgNbd(rfmData(summary)));
const [pareto, paretoSeconds] = time(() => fitParetoNbd(rfmData(summary)));
const [gg, ggSeconds] = time(() => fitGammaGamma(spend));
const reproduction = [
  {
    model: "BG/NBD",
    published: "r 0.243, α 4.414, a 0.793, b 2.426, LL −9582.4",
    fit: bg,
    seconds: bgSeconds,
  },
  {
    model: "Pareto/NBD",
    published: "r 0.55, α 10.58, s 0.61, β 11.67, LL −9595.0",
    fit: pareto,
    seconds: paretoSeconds,
  },
  { model: "Gamma-Gamma", published: "p 6.25, q 3.74, γ 15.44", fit: gg, seconds: ggSeconds },
];
log("| model | published | ours | log-likelihood | seconds |");
log("|---|---|---|---|---|");
for (const r of reproduction)
  log(
    `| ${r.model} | ${r.published} | ${Object.entries(r.fit.params)
      .map(([k, v]) => `${k} ${v.toFixed(4)}`)
      .join(", ")} | ${r.fit.logLikelihood.toFixed(2)} | ${r.seconds.toFixed(2)} |`,
  );

// 2. Calibration 1997-01-01 … 1997-09-30 (39 weeks), holdout to 1998-06-30 (39 weeks).
function transactions(file: string, idColumn: number, dateColumn: number, dollarColumn: number) {
  const byId = new Map<string, Transaction[]>();
  for (const line of readFileSync(file, "utf8").trim().split("\n")) {
    const cells = line.trim().split(/\s+/);
    const id = cells[idColumn] as string;
    const d = cells[dateColumn] as string;
    if (!/^\d{8}$/.test(d)) continue; // the header
    const at = Date.UTC(Number(d.slice(0, 4)), Number(d.slice(4, 6)) - 1, Number(d.slice(6, 8)));
    const list = byId.get(id) ?? [];
    list.push({ at, amount: Number(cells[dollarColumn]) });
    byId.set(id, list);
  }
  return [...byId].map(([id, t]) => ({ id, transactions: t }));
}

const holdouts: Record<string, unknown>[] = [];
for (const [name, file, cols] of [
  ["CDNOW sample (1/10)", "CDNOW_sample.txt", [1, 2, 4]],
  ["CDNOW master (whole cohort)", "CDNOW_master.txt", [0, 1, 3]],
] as const) {
  const customers = transactions(join(cdnow, file), cols[0], cols[1], cols[2]);
  const rows = rfmSummary(customers, {
    calibrationEnd: Date.UTC(1997, 8, 30),
    observationEnd: Date.UTC(1998, 5, 30),
    unitDays: 7,
  });
  for (const kind of ["bg-nbd", "pareto-nbd"] as PurchaseModelKind[]) {
    const [models, seconds] = time(() => fitClvModels(kind, rows));
    const e = evaluateHoldout(models, rows, 39);
    holdouts.push({
      data: name,
      model: kind,
      customers: e.customers,
      actual: e.purchases.actual,
      predicted: e.purchases.predicted,
      mae: e.purchases.mae,
      rmse: e.purchases.rmse,
      correlation: e.purchases.correlation,
      auc: e.purchases.auc,
      revenueActual: e.revenue?.actual,
      revenuePredicted: e.revenue?.predicted,
      byFrequency: e.purchases.byFrequency,
      parameters: models.purchases.params,
      seconds,
    });
  }
}
log(
  "\n| data | model | customers | repeat purchases in weeks 40–78: predicted / made | MAE | RMSE | correlation | AUC (buys again) | revenue predicted / spent | fit s |",
);
log("|---|---|---|---|---|---|---|---|---|---|");
for (const h of holdouts as {
  data: string;
  model: string;
  customers: number;
  actual: number;
  predicted: number;
  mae: number;
  rmse: number;
  correlation: number;
  auc: number;
  revenueActual: number;
  revenuePredicted: number;
  seconds: number;
}[])
  log(
    `| ${h.data} | ${h.model} | ${h.customers.toLocaleString("en-US")} | ${Math.round(h.predicted).toLocaleString("en-US")} / ${h.actual.toLocaleString("en-US")} | ${h.mae.toFixed(3)} | ${h.rmse.toFixed(3)} | ${h.correlation.toFixed(3)} | ${h.auc.toFixed(3)} | ${Math.round(h.revenuePredicted).toLocaleString("en-US")} / ${Math.round(h.revenueActual).toLocaleString("en-US")} | ${h.seconds.toFixed(2)} |`,
  );
if (opts.json) console.log(JSON.stringify({ reproduction, holdouts }, null, 2));
