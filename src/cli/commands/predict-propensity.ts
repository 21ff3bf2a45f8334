import type { Command } from "commander";
import {
  type PropensityJobOptions,
  type PropensityReport,
  predictPropensityOnStore,
  propensityFromTable,
  propensityFromTransactions,
  type ScoredRow,
} from "../../jobs/predict-propensity.js";
import type { ModelKind } from "../../predict/propensity.js";
import { propensityReportHtml } from "../../predict/report.js";
import { table } from "../table.js";
import { type Common, f3, parse, reporting, runPredict, withInput, withOutput } from "./predict-options.js";

function models(value: string | undefined): ModelKind[] | undefined {
  const names = parse.list(value);
  if (!names) return undefined;
  for (const n of names)
    if (n !== "logistic" && n !== "gbdt") throw new Error(`--models: "${n}" is not logistic or gbdt`);
  return names as ModelKind[];
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

/** `predict propensity`: who will buy, churn or respond, from the store or a file. */
export function registerPredictPropensity(predict: Command, program: Command): void {
  const command = predict
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
    .option("--models <list>", "logistic,gbdt (default both; the better on validation rows is used)");
  withInput(command, "a feature table with the target column, or a transaction log, instead of the store")
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
    .option("--seed <n>", "random seed of the split", "1");
  withOutput(
    command,
    "write each row's score and its reasons as CSV",
    "print the models and their evaluation as JSON",
  ).action(
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
      const asOf = parse.date(flags.asOf, "--as-of");
      const kinds = models(flags.models);
      const drop = parse.list(flags.drop);
      const categorical = parse.list(flags.categorical);
      const options: PropensityJobOptions = {
        target: flags.target,
        horizonDays: parse.number(flags.horizon, "--horizon", 90),
        snapshots: parse.number(flags.snapshots, "--snapshots", 3, (n) => Number.isInteger(n) && n >= 2),
        split: flags.split,
        seed: parse.number(flags.seed, "--seed", 1, Number.isInteger),
        ...(asOf !== undefined ? { asOf } : {}),
        ...(kinds ? { models: kinds } : {}),
        ...(flags.positive !== undefined ? { positive: flags.positive } : {}),
        ...(drop ? { drop } : {}),
        ...(categorical ? { categorical } : {}),
        ...(flags.id ? { id: flags.id } : {}),
        ...(flags.time ? { time: flags.time } : {}),
        ...reporting(flags.json),
      };
      await runPredict(program, flags, {
        fromFile: (input) => {
          const activityTarget =
            /^(buy|churn|event:.+)$/.test(flags.target) && !input.columns.includes(flags.target);
          const result = activityTarget
            ? propensityFromTransactions(input, options)
            : propensityFromTable(input, options);
          return { report: { ...result.report, runId: null }, rows: result.scores };
        },
        onStore: (store) => predictPropensityOnStore(store, options),
        score: (r) => `propensity:${r.target}`,
        stored: (t): ScoredRow => ({
          id: t.entityId,
          score: t.value,
          reasons: (t.details?.reasons as ScoredRow["reasons"] | undefined) ?? [],
        }),
        csv: {
          headers: ["id", "score", "reasons"],
          cells: (r) => [
            r.id,
            r.score,
            r.reasons.map((x) => `${x.feature} ${x.effect >= 0 ? "+" : ""}${x.effect.toFixed(2)}`).join("; "),
          ],
        },
        html: propensityReportHtml,
        print: (r) => {
          printPropensity(r);
          if (r.runId) console.log(`run ${r.runId}: wrote propensity:${r.target}`);
        },
      });
    },
  );
}
