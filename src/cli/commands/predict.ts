import { writeFileSync } from "node:fs";
import type { Command } from "commander";
import {
  type ClvOptions,
  type ClvReport,
  clvFromActivity,
  clvFromSummary,
  predictClvOnStore,
} from "../../jobs/predict-clv.js";
import { activityFromTable, findColumn, parseDate, readInputTable } from "../../jobs/predict-input.js";
import {
  type LookalikeJobOptions,
  type LookalikeReport,
  lookalikeFromTable,
  predictLookalikeOnStore,
} from "../../jobs/predict-lookalike.js";
import {
  type PropensityJobOptions,
  type PropensityReport,
  predictPropensityOnStore,
  propensityFromTable,
  propensityFromTransactions,
  type ScoredRow,
} from "../../jobs/predict-propensity.js";
import { refreshScores } from "../../jobs/predict-refresh.js";
import { silentProgress } from "../../jobs/progress.js";
import type { ModelKind } from "../../predict/propensity.js";
import { clvReportHtml, lookalikeReportHtml, propensityReportHtml } from "../../predict/report.js";
import { listModelRuns, topScores } from "../../store/scores.js";
import { type GlobalOptions, withStore } from "../context.js";
import { terminalProgress } from "../progress-bar.js";
import { table } from "../table.js";

const f3 = (x: number | null | undefined) =>
  x === null || x === undefined || !Number.isFinite(x) ? "–" : x.toFixed(3);
/** Four significant digits, for estimates and their standard errors. */
const sig = (x: number | null | undefined) =>
  x === null || x === undefined || !Number.isFinite(x)
    ? "–"
    : Math.abs(x) >= 1e4
      ? x.toExponential(3)
      : x.toPrecision(4);
/** A mean as people read it: whole numbers from 100 up, three significant digits below. */
const readable = (x: number) =>
  !Number.isFinite(x) ? "–" : Math.abs(x) >= 100 ? Math.round(x).toLocaleString("en-US") : x.toPrecision(3);
const money = (x: number) =>
  x.toLocaleString("en-US", { maximumFractionDigits: 2, minimumFractionDigits: 2 });

function number(
  value: string | undefined,
  flag: string,
  fallback: number,
  check: (n: number) => boolean = (n) => n > 0,
): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isFinite(n) || !check(n)) throw new Error(`${flag} must be a positive number, not ${value}`);
  return n;
}

function list(value: string | undefined): string[] | undefined {
  return value
    ? value
        .split(",")
        .map((s) => s.trim())
        .filter(Boolean)
    : undefined;
}

function date(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  const t = parseDate(value);
  if (t === null) throw new Error(`${flag} must be a date (YYYY-MM-DD), not ${value}`);
  // The whole day counts as the past.
  return value.trim().length === 10 ? t + 86_400_000 - 1 : t;
}

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

function models(value: string | undefined): ModelKind[] | undefined {
  const names = list(value);
  if (!names) return undefined;
  for (const n of names)
    if (n !== "logistic" && n !== "gbdt") throw new Error(`--models: "${n}" is not logistic or gbdt`);
  return names as ModelKind[];
}

function csvCell(v: string | number): string {
  const s = String(v);
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

function writeCsv(path: string, headers: string[], rows: (string | number)[][]): void {
  writeFileSync(path, `${[headers, ...rows].map((r) => r.map(csvCell).join(",")).join("\n")}\n`);
}

interface Common {
  input?: string;
  delimiter?: string;
  out?: string;
  report?: string;
  json?: boolean;
}

function logger(json?: boolean) {
  return (line: string) => {
    if (!json) console.error(line);
  };
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

function printPropensity(report: PropensityReport): void {
  console.log(
    `${report.target}: ${report.rows.toLocaleString("en-US")} rows, ${report.positives.toLocaleString("en-US")} positive; ${report.split}\n`,
  );
  console.log(
    table(
      ["model", "test AUC", "PR AUC", "lift@10%", "Brier", "calib. error", "validation AUC", "tuned"],
      report.models.map((m) => [
        m.kind + (m.kind === report.chosen ? " (chosen)" : ""),
        f3(m.test.auc),
        f3(m.test.prAuc),
        m.test.liftAt10.toFixed(2),
        f3(m.test.brier),
        f3(m.test.calibration.expectedCalibrationError),
        f3(m.validationAuc),
        m.tuned.lambda !== undefined ? `λ ${m.tuned.lambda}` : `${m.tuned.rounds} trees`,
      ]),
    ),
  );
  const chosen = report.models.find((m) => m.kind === report.chosen);
  console.log(`\nwhat drives it (${report.chosen}):`);
  console.log(
    table(
      ["feature", report.chosen === "gbdt" ? "share of gain" : "weight"],
      (chosen?.drivers ?? []).slice(0, 10).map((d) => [d.feature, f3(d.value)]),
    ),
  );
  console.log(`\n${report.scored.toLocaleString("en-US")} scored`);
  for (const w of report.warnings) console.log(`note: ${w}`);
}

function printLookalike(report: LookalikeReport): void {
  console.log(
    `seed: ${report.seed.size.toLocaleString("en-US")} profiles (${report.seed.from}); ${report.candidates.toLocaleString("en-US")} candidates`,
  );
  if (report.seed.unknown.length > 0) console.log(`not found: ${report.seed.unknown.join(", ")}`);
  const e = report.evaluation;
  if (e) {
    console.log(
      `\nhalf the seed hidden (${e.hidden} profiles): share found in the top of the ranking (blend: neighbour view weighted ${report.blend})`,
    );
    console.log(
      table(
        ["", "blend", "classifier", "neighbours", "random"],
        (["top5", "top10", "top20"] as const).map((t, i) => [
          `top ${t.slice(3)} %`,
          f3(e.recall[t].blend),
          f3(e.recall[t].classifier),
          f3(e.recall[t].neighbours),
          f3([0.05, 0.1, 0.2][i]),
        ]),
      ),
    );
  }
  console.log("\nwhat sets the seed apart:");
  console.log(
    table(
      ["feature", "importance", "seed vs rest"],
      report.explanation.slice(0, 8).map((x) => [
        x.feature,
        f3(x.importance),
        x.kind === "numeric"
          ? `${readable(x.seedMean)} vs ${readable(x.restMean)} (d ${x.effectSize.toFixed(2)})`
          : x.levels
              .slice(0, 2)
              .map((l) => `${l.level} ×${l.ratio.toFixed(1)}`)
              .join(", "),
      ]),
    ),
  );
  console.log("\nbest candidates:");
  console.log(
    table(
      ["id", "score", "classifier", "neighbours"],
      report.top.slice(0, 10).map((r) => [r.id, f3(r.score), f3(r.classifier), f3(r.neighbours)]),
    ),
  );
  if (report.saved > 0)
    console.log(`\nsaved the top ${report.saved.toLocaleString("en-US")} as audience "${report.name}"`);
}

function writeScoresCsv(path: string, rows: ScoredRow[]): void {
  writeCsv(
    path,
    ["id", "score", "reasons"],
    rows.map((r) => [
      r.id,
      r.score,
      r.reasons.map((x) => `${x.feature} ${x.effect >= 0 ? "+" : ""}${x.effect.toFixed(2)}`).join("; "),
    ]),
  );
}

export function registerPredict(program: Command): void {
  const predict = program
    .command("predict")
    .description("predictive scores on profiles: lifetime value, propensity, lookalike audiences");

  predict
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
    .option("--as-of <date>", "now, for the models (default: the day of the last purchase)")
    .option(
      "--input <file>",
      "a transaction log (customer, date, amount) or a summary (frequency, recency, T, monetary_value) instead of the store",
    )
    .option("--delimiter <c>", "the input's delimiter (default: detected)")
    .option("--customer-column <name>", "input: the customer column")
    .option("--date-column <name>", "input: the date column")
    .option("--amount-column <name>", "input: the amount column")
    .option("-o, --out <file>", "write each customer's values as CSV")
    .option("--report <file>", "write an HTML report with charts")
    .option("--json", "print the fitted parameters and evaluation as JSON")
    .action(
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
        const asOf = date(flags.asOf, "--as-of");
        const options: ClvOptions = {
          model: flags.model,
          horizonDays: number(flags.horizon, "--horizon", 365),
          unitDays: number(flags.unitDays, "--unit-days", 7),
          annualDiscount: number(flags.discount, "--discount", 0.1, (n) => n >= 0),
          ...(flags.holdout !== undefined
            ? { holdoutDays: number(flags.holdout, "--holdout", 180, (n) => n >= 0) }
            : {}),
          ...(conversion ? { rates: conversion } : {}),
          ...(asOf !== undefined ? { asOf } : {}),
          progress: flags.json ? silentProgress : terminalProgress(),
          log: logger(flags.json),
        };
        let report: ClvReport;
        let values: {
          id: string;
          pAlive: number;
          expectedPurchases: number;
          expectedSpend: number;
          clv: number;
        }[] = [];
        if (flags.input) {
          const input = await readInputTable(flags.input, {
            ...(flags.delimiter ? { delimiter: flags.delimiter } : {}),
            ...(flags.json ? {} : { progress: terminalProgress() }),
          });
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
          report = { ...result.report, runId: null, scored: 0 };
          if (input.unreadable > 0)
            report.warnings.push(`${input.unreadable} unreadable rows skipped: ${input.problems.join("; ")}`);
          values = result.values;
        } else {
          report = await withStore(program.opts<GlobalOptions>(), async (store) => {
            const { report } = await predictClvOnStore(store, options);
            if (flags.out) {
              const top = await topScores(store.db, "clv", { limit: 1_000_000 });
              values = top.map((t) => ({
                id: t.entityId,
                clv: t.value,
                pAlive: Number(t.details?.pAlive),
                expectedPurchases: Number(t.details?.expectedPurchases),
                expectedSpend: Number(t.details?.expectedSpend),
              }));
            }
            return report;
          });
        }
        if (flags.out)
          writeCsv(
            flags.out,
            ["id", "clv", "p_alive", "expected_purchases", "expected_spend"],
            values.map((v) => [v.id, v.clv, v.pAlive, v.expectedPurchases, v.expectedSpend]),
          );
        if (flags.report) writeFileSync(flags.report, clvReportHtml(report));
        if (flags.json) {
          console.log(JSON.stringify(report, null, 2));
          return;
        }
        printClv(report);
        if (report.runId)
          console.log(
            `\nrun ${report.runId}: ${report.scored.toLocaleString("en-US")} profiles scored (clv, p_alive, expected_purchases, expected_spend)`,
          );
        if (flags.report) console.log(`report: ${flags.report}`);
      },
    );

  predict
    .command("propensity")
    .description(
      "learn who will buy, churn or respond from profile and event history (logistic regression and our boosted trees, time-aware test), and write propensity:<target> on every profile",
    )
    .requiredOption(
      "--target <target>",
      "buy, churn or event:<source:event> on the store or a transaction log; a column of a feature table",
    )
    .option("--horizon <days>", "the window after each moment in which the target is looked for", "90")
    .option("--snapshots <n>", "past moments to learn from; the latest is the test", "3")
    .option("--as-of <date>", "now (default: the last time the target was seen)")
    .option("--models <list>", "logistic,gbdt (default both; the better on validation rows is used)")
    .option(
      "--input <file>",
      "a feature table with the target column, or a transaction log, instead of the store",
    )
    .option("--delimiter <c>", "the input's delimiter (default: detected)")
    .option("--positive <value>", "feature table: the target value that is positive (default 1/yes/true)")
    .option("--drop <columns>", "feature table: columns to leave out, e.g. one that leaks the answer")
    .option("--categorical <columns>", "feature table: numeric columns that are really categories (codes)")
    .option("--id <column>", "feature table: the id column")
    .option("--time <column>", "feature table: a time column, for a time-aware split (latest rows test)")
    .option(
      "--split <kind>",
      "feature table without time: random (stratified) or order (file order)",
      "random",
    )
    .option("--seed <n>", "random seed of the split", "1")
    .option("-o, --out <file>", "write each row's score and its reasons as CSV")
    .option("--report <file>", "write an HTML report with charts")
    .option("--json", "print the models and their evaluation as JSON")
    .action(
      async (
        flags: Common & {
          target: string;
          horizon: string;
          snapshots: string;
          asOf?: string;
          models?: string;
          positive?: string;
          drop?: string;
          categorical?: string;
          id?: string;
          time?: string;
          split: string;
          seed: string;
        },
      ) => {
        if (flags.split !== "random" && flags.split !== "order")
          throw new Error(`--split must be random or order, not ${flags.split}`);
        const asOf = date(flags.asOf, "--as-of");
        const kinds = models(flags.models);
        const drop = list(flags.drop);
        const categorical = list(flags.categorical);
        const options: PropensityJobOptions = {
          target: flags.target,
          horizonDays: number(flags.horizon, "--horizon", 90),
          snapshots: number(flags.snapshots, "--snapshots", 3, (n) => Number.isInteger(n) && n >= 2),
          split: flags.split,
          seed: number(flags.seed, "--seed", 1, Number.isInteger),
          ...(asOf !== undefined ? { asOf } : {}),
          ...(kinds ? { models: kinds } : {}),
          ...(flags.positive !== undefined ? { positive: flags.positive } : {}),
          ...(drop ? { drop } : {}),
          ...(categorical ? { categorical } : {}),
          ...(flags.id ? { id: flags.id } : {}),
          ...(flags.time ? { time: flags.time } : {}),
          progress: flags.json ? silentProgress : terminalProgress(),
          log: logger(flags.json),
        };
        let report: PropensityReport;
        let scores: ScoredRow[] = [];
        if (flags.input) {
          const input = await readInputTable(flags.input, {
            ...(flags.delimiter ? { delimiter: flags.delimiter } : {}),
            ...(flags.json ? {} : { progress: terminalProgress() }),
          });
          const activityTarget =
            /^(buy|churn|event:.+)$/.test(flags.target) && !input.columns.includes(flags.target);
          const result = activityTarget
            ? propensityFromTransactions(input, options)
            : propensityFromTable(input, options);
          report = { ...result.report, runId: null };
          scores = result.scores;
        } else {
          report = await withStore(program.opts<GlobalOptions>(), async (store) => {
            const r = await predictPropensityOnStore(store, options);
            if (flags.out) {
              const top = await topScores(store.db, `propensity:${r.target}`, { limit: 1_000_000 });
              scores = top.map((t) => ({
                id: t.entityId,
                score: t.value,
                reasons: (t.details?.reasons as ScoredRow["reasons"] | undefined) ?? [],
              }));
            }
            return r;
          });
        }
        if (flags.out) writeScoresCsv(flags.out, scores);
        if (flags.report) writeFileSync(flags.report, propensityReportHtml(report));
        if (flags.json) {
          console.log(JSON.stringify(report, null, 2));
          return;
        }
        printPropensity(report);
        if (report.runId) console.log(`run ${report.runId}: wrote propensity:${report.target}`);
        if (flags.report) console.log(`report: ${flags.report}`);
      },
    );

  predict
    .command("lookalike")
    .description(
      "rank every profile by likeness to a seed audience (a seed-versus-rest classifier and nearest neighbours), explain it, judge it by hiding half the seed, and save the top N as an audience",
    )
    .requiredOption("--name <audience>", "the audience to save; the score is lookalike:<name>")
    .option(
      "--seed-file <file>",
      "seed ids, one per line (profile ids on the store, the --id column on a file)",
    )
    .option("--seed-audience <name>", "store: a saved audience as the seed")
    .option(
      "--seed-where <condition>",
      "store: profiles whose score passes, e.g. clv>=200 or propensity:buy>0.5",
    )
    .option("--top <n>", "how many of the best candidates to save", "1000")
    .option("--no-evaluate", "skip the hidden-half evaluation")
    .option("--classifier <kind>", "gbdt or logistic", "gbdt")
    .option(
      "--blend <w>",
      "weight of the nearest-neighbour view, 0 to 1 (default: chosen by the evaluation, else 0.3)",
    )
    .option("--input <file>", "a feature table instead of the store")
    .option("--delimiter <c>", "the input's delimiter (default: detected)")
    .option("--seed-column <column>", "feature table: the column marking the seed")
    .option(
      "--seed-value <value>",
      "feature table: the value of --seed-column that marks the seed (default 1/yes/true)",
    )
    .option("--id <column>", "feature table: the id column")
    .option("--drop <columns>", "feature table: columns to leave out")
    .option("--categorical <columns>", "feature table: numeric columns that are really categories")
    .option("-o, --out <file>", "write the ranked candidates as CSV")
    .option("--report <file>", "write an HTML report with charts")
    .option("--json", "print the explanation and evaluation as JSON")
    .action(
      async (
        flags: Common & {
          name: string;
          seedFile?: string;
          seedAudience?: string;
          seedWhere?: string;
          top: string;
          evaluate: boolean;
          classifier: string;
          blend?: string;
          seedColumn?: string;
          seedValue?: string;
          id?: string;
          drop?: string;
          categorical?: string;
        },
      ) => {
        if (flags.classifier !== "gbdt" && flags.classifier !== "logistic")
          throw new Error(`--classifier must be gbdt or logistic, not ${flags.classifier}`);
        const blend =
          flags.blend === undefined
            ? undefined
            : number(flags.blend, "--blend", 0.3, (n) => n >= 0 && n <= 1);
        const drop = list(flags.drop);
        const categorical = list(flags.categorical);
        const options: LookalikeJobOptions = {
          name: flags.name,
          top: number(flags.top, "--top", 1000, (n) => Number.isInteger(n) && n > 0),
          evaluate: flags.evaluate,
          classifier: flags.classifier,
          ...(blend !== undefined ? { blend } : {}),
          ...(flags.seedFile ? { seedFile: flags.seedFile } : {}),
          ...(flags.seedAudience ? { seedAudience: flags.seedAudience } : {}),
          ...(flags.seedWhere ? { seedWhere: flags.seedWhere } : {}),
          ...(flags.seedColumn ? { seedColumn: flags.seedColumn } : {}),
          ...(flags.seedValue !== undefined ? { seedValue: flags.seedValue } : {}),
          ...(flags.id ? { id: flags.id } : {}),
          ...(drop ? { drop } : {}),
          ...(categorical ? { categorical } : {}),
          progress: flags.json ? silentProgress : terminalProgress(),
          log: logger(flags.json),
        };
        let report: LookalikeReport;
        let ranked: { id: string; score: number; classifier: number; neighbours: number }[] = [];
        if (flags.input) {
          const input = await readInputTable(flags.input, {
            ...(flags.delimiter ? { delimiter: flags.delimiter } : {}),
            ...(flags.json ? {} : { progress: terminalProgress() }),
          });
          const result = lookalikeFromTable(input, options);
          report = result.report;
          ranked = result.ranked;
        } else {
          report = await withStore(program.opts<GlobalOptions>(), async (store) => {
            const r = await predictLookalikeOnStore(store, options);
            if (flags.out) {
              const top = await topScores(store.db, `lookalike:${r.name}`, { limit: 1_000_000 });
              ranked = top.map((t) => ({
                id: t.entityId,
                score: t.value,
                classifier: Number(t.details?.classifier),
                neighbours: Number(t.details?.neighbours),
              }));
            }
            return r;
          });
        }
        if (flags.out)
          writeCsv(
            flags.out,
            ["rank", "id", "score", "classifier", "neighbours"],
            ranked.map((r, i) => [i + 1, r.id, r.score, r.classifier, r.neighbours]),
          );
        if (flags.report) writeFileSync(flags.report, lookalikeReportHtml(report));
        if (flags.json) {
          console.log(JSON.stringify(report, null, 2));
          return;
        }
        printLookalike(report);
        if (flags.report) console.log(`report: ${flags.report}`);
      },
    );

  predict
    .command("refresh")
    .description(
      "run every score again as it was last run (same options, the store as it is now): for a schedule (cron) or on demand",
    )
    .option("--name <scores...>", "only these scores (clv, propensity:buy, lookalike:<name>)")
    .option("--json", "print what was refreshed as JSON")
    .action(async (flags: { name?: string[]; json?: boolean }) => {
      await withStore(program.opts<GlobalOptions>(), async (store) => {
        const results = await refreshScores(store, {
          ...(flags.name ? { names: flags.name } : {}),
          progress: flags.json ? silentProgress : terminalProgress(),
          log: logger(flags.json),
        });
        if (flags.json) {
          console.log(JSON.stringify(results, null, 2));
        } else if (results.length === 0)
          console.log("no score has been computed yet: run tessera predict clv|propensity|lookalike first");
        else
          console.log(
            table(
              ["score", "run", "scored", "result"],
              results.map((r) => [
                r.name,
                r.runId ?? "–",
                r.scored,
                r.error ? `failed: ${r.error}` : "refreshed",
              ]),
            ),
          );
        if (results.some((r) => r.error)) process.exitCode = 1;
      });
    });

  predict
    .command("runs")
    .description("the model runs: what was fitted when, on what, and how well it did")
    .option("--name <score>", "only the runs of this score (clv, propensity:buy, lookalike:<name>)")
    .option("--limit <n>", "how many", "20")
    .option("--json", "print them as JSON")
    .action(async (flags: { name?: string; limit: string; json?: boolean }) => {
      await withStore(program.opts<GlobalOptions>(), async (store) => {
        const runs = await listModelRuns(store.db, {
          ...(flags.name ? { name: flags.name } : {}),
          limit: number(flags.limit, "--limit", 20, (n) => Number.isInteger(n) && n > 0),
        });
        if (flags.json) {
          console.log(JSON.stringify(runs, null, 2));
          return;
        }
        console.log(
          table(
            ["run", "score", "status", "started", "scored", "measure"],
            runs.map((r) => {
              const e = r.evaluation as Record<string, unknown> | null;
              const measure =
                r.kind === "propensity"
                  ? `test AUC ${f3(e?.testAuc as number)}`
                  : r.kind === "clv"
                    ? `holdout AUC ${f3((e?.purchases as { auc?: number } | undefined)?.auc)}`
                    : `recall@10% ${f3((e?.recall as { top10?: { blend: number } } | undefined)?.top10?.blend)}`;
              return [
                r.id,
                r.name,
                r.status + (r.error ? `: ${r.error}` : ""),
                r.startedAt.slice(0, 19),
                r.scored,
                measure,
              ];
            }),
          ),
        );
      });
    });
}
