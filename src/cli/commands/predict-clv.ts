import type { Command } from "commander";
import {
  type ClvOptions,
  type ClvReport,
  clvFromActivity,
  clvFromSummary,
  predictClvOnStore,
} from "../../jobs/predict-clv.js";
import { activityFromTable, findColumn } from "../../jobs/predict-input.js";
import { clvReportHtml } from "../../predict/report.js";
import { table } from "../table.js";
import { type Common, f3, parse, reporting, runPredict, withInput, withOutput } from "./predict-options.js";

/** Four significant digits, for estimates and their standard errors. */
const sig = (x: number | null | undefined) =>
  x === null || x === undefined || !Number.isFinite(x)
    ? "–"
    : Math.abs(x) >= 1e4
      ? x.toExponential(3)
      : x.toPrecision(4);
const money = (x: number) =>
  x.toLocaleString("en-US", { maximumFractionDigits: 2, minimumFractionDigits: 2 });

function rates(value: string | undefined): Record<string, number> | undefined {
  if (!value) return undefined;
  const out: Record<string, number> = {};
  for (const part of value.split(",")) {
    const [code, rate] = part.split("=").map((s) => s.trim());
    const n = Number(rate);
    if (!code || !/^[A-Z]{3}$/.test(code) || !(n > 0))
      throw new Error(`--rates wants CODE=factor pairs such as EUR=1.08,GBP=1.27, not "${part}"`);
    out[code] = n;
  }
  return out;
}

function printClv(report: ClvReport): void {
  const fit = report.fit;
  console.log(
    table(
      ["parameter", "estimate", "std. error"],
      [
        ...Object.entries(fit.parameters).map(([k, v]) => [
          `${fit.model} ${k}`,
          v.toPrecision(4),
          f3(fit.standardErrors?.[k]),
        ]),
        ...Object.entries(fit.spend?.parameters ?? {}).map(([k, v]) => [
          `gamma-gamma ${k}`,
          sig(v),
          sig(fit.spend?.standardErrors?.[k]),
        ]),
      ],
    ),
  );
  console.log(
    `\nlog-likelihood ${fit.logLikelihood.toFixed(1)} over ${fit.customers.toLocaleString("en-US")} customers${fit.spend ? `; spend fitted on ${fit.spend.customers.toLocaleString("en-US")} repeat buyers` : ""}`,
  );
  const h = report.holdout;
  if (h) {
    console.log(
      `\nholdout (${Math.round(h.holdoutLength * report.unitDays)} days after ${h.calibrationEnd.slice(0, 10)}): ${h.purchases.predicted.toFixed(0)} repeat purchases predicted, ${h.purchases.actual} made; MAE ${f3(h.purchases.mae)}, correlation ${f3(h.purchases.correlation)}, AUC ${f3(h.purchases.auc)}`,
    );
    console.log(
      table(
        ["purchases before", "customers", "predicted after", "actual after"],
        h.purchases.byFrequency.map((g) => [g.x, g.customers, f3(g.predicted), f3(g.actual)]),
      ),
    );
  }
  const s = report.summary;
  console.log(
    `\n${report.customers.toLocaleString("en-US")} customers: CLV over ${report.horizonDays} days ${money(s.totalClv)} in all, mean ${money(s.meanClv)}, median ${money(s.medianClv)}; the top 10 % hold ${(100 * s.top10Share).toFixed(1)} %; mean P(alive) ${f3(s.meanPAlive)}`,
  );
  for (const w of report.warnings) console.log(`note: ${w}`);
}

/** `predict clv`: lifetime value from the store's orders or from a file. */
export function registerPredictClv(predict: Command, program: Command): void {
  const command = predict
    .command("clv")
    .description(
      "fit BG/NBD (or Pareto/NBD) and Gamma-Gamma on the stored orders, judge them on a holdout, and write clv, p_alive, expected_purchases and expected_spend on every buyer's profile",
    )
    .option("--model <name>", "bg-nbd or pareto-nbd", "bg-nbd")
    .option("--horizon <days>", "horizon of expected purchases and value", "365")
    .option(
      "--holdout <days>",
      "the last days held out to judge the models (default 180, less for a short history)",
    )
    .option("--unit-days <n>", "days per time unit of the model (7: weeks, as the papers)", "7")
    .option("--discount <rate>", "yearly discount rate", "0.1")
    .option("--rates <pairs>", "currency conversion into one currency, e.g. EUR=1.08,GBP=1.27")
    .option("--as-of <date>", "now, for the models (default: the day of the last purchase)");
  withInput(
    command,
    "a transaction log (customer, date, amount) or a summary (frequency, recency, T, monetary_value) instead of the store",
  )
    .option("--customer-column <name>", "input: the customer column")
    .option("--date-column <name>", "input: the date column")
    .option("--amount-column <name>", "input: the amount column");
  withOutput(
    command,
    "write each customer's values as CSV",
    "print the fitted parameters and evaluation as JSON",
  ).action(
    async (
      flags: Common & {
        model: string;
        horizon: string;
        holdout?: string;
        unitDays: string;
        discount: string;
        rates?: string;
        asOf?: string;
        customerColumn?: string;
        dateColumn?: string;
        amountColumn?: string;
      },
    ) => {
      if (flags.model !== "bg-nbd" && flags.model !== "pareto-nbd")
        throw new Error(`--model must be bg-nbd or pareto-nbd, not ${flags.model}`);
      const conversion = rates(flags.rates);
      const asOf = parse.date(flags.asOf, "--as-of");
      const options: ClvOptions = {
        model: flags.model,
        horizonDays: parse.number(flags.horizon, "--horizon", 365),
        unitDays: parse.number(flags.unitDays, "--unit-days", 7),
        annualDiscount: parse.number(flags.discount, "--discount", 0.1, (n) => n >= 0),
        ...(flags.holdout !== undefined
          ? { holdoutDays: parse.number(flags.holdout, "--holdout", 180, (n) => n >= 0) }
          : {}),
        ...(conversion ? { rates: conversion } : {}),
        ...(asOf !== undefined ? { asOf } : {}),
        ...reporting(flags.json),
      };
      await runPredict(program, flags, {
        fromFile: (input) => {
          const summary = findColumn(input.columns, ["frequency", "x"]) && findColumn(input.columns, ["T"]);
          const result = summary
            ? clvFromSummary(input, options)
            : clvFromActivity(
                activityFromTable(input, {
                  ...(flags.customerColumn ? { customer: flags.customerColumn } : {}),
                  ...(flags.dateColumn ? { date: flags.dateColumn } : {}),
                  ...(flags.amountColumn ? { amount: flags.amountColumn } : {}),
                }).customers,
                options,
              );
          const report: ClvReport = { ...result.report, runId: null, scored: 0 };
          if (input.unreadable > 0)
            report.warnings.push(`${input.unreadable} unreadable rows skipped: ${input.problems.join("; ")}`);
          return { report, rows: result.values };
        },
        onStore: async (store) => (await predictClvOnStore(store, options)).report,
        score: () => "clv",
        stored: (t) => ({
          id: t.entityId,
          clv: t.value,
          pAlive: Number(t.details?.pAlive),
          expectedPurchases: Number(t.details?.expectedPurchases),
          expectedSpend: Number(t.details?.expectedSpend),
        }),
        csv: {
          headers: ["id", "clv", "p_alive", "expected_purchases", "expected_spend"],
          cells: (v) => [v.id, v.clv, v.pAlive, v.expectedPurchases, v.expectedSpend],
        },
        html: clvReportHtml,
        print: (r) => {
          printClv(r);
          if (r.runId)
            console.log(
              `\nrun ${r.runId}: ${r.scored.toLocaleString("en-US")} profiles scored (clv, p_alive, expected_purchases, expected_spend)`,
            );
        },
      });
    },
  );
}
