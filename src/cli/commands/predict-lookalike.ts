import type { Command } from "commander";
import {
  type LookalikeJobOptions,
  type LookalikeReport,
  lookalikeFromTable,
  predictLookalikeOnStore,
} from "../../jobs/predict-lookalike.js";
import { lookalikeReportHtml } from "../../predict/report.js";
import { table } from "../table.js";
import { type Common, f3, parse, reporting, runPredict, withInput, withOutput } from "./predict-options.js";

/** A mean as people read it: whole numbers from 100 up, three significant digits below. */
const readable = (x: number) =>
  !Number.isFinite(x) ? "–" : Math.abs(x) >= 100 ? Math.round(x).toLocaleString("en-US") : x.toPrecision(3);

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

/** `predict lookalike`: profiles like a seed audience, from the store or a file. */
export function registerPredictLookalike(predict: Command, program: Command): void {
  const command = predict
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
    );
  withInput(command, "a feature table instead of the store")
    .option("--seed-column <column>", "feature table: the column marking the seed")
    .option(
      "--seed-value <value>",
      "feature table: the value of --seed-column that marks the seed (default 1/yes/true)",
    )
    .option("--id <column>", "feature table: the id column")
    .option("--drop <columns>", "feature table: columns to leave out")
    .option("--categorical <columns>", "feature table: numeric columns that are really categories");
  withOutput(
    command,
    "write the ranked candidates as CSV",
    "print the explanation and evaluation as JSON",
  ).action(
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
          : parse.number(flags.blend, "--blend", 0.3, (n) => n >= 0 && n <= 1);
      const drop = parse.list(flags.drop);
      const categorical = parse.list(flags.categorical);
      const options: LookalikeJobOptions = {
        name: flags.name,
        top: parse.number(flags.top, "--top", 1000, (n) => Number.isInteger(n) && n > 0),
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
        ...reporting(flags.json),
      };
      await runPredict(program, flags, {
        fromFile: (input) => {
          const { report, ranked } = lookalikeFromTable(input, options);
          return { report, rows: ranked };
        },
        onStore: (store) => predictLookalikeOnStore(store, options),
        score: (r) => `lookalike:${r.name}`,
        stored: (t) => ({
          id: t.entityId,
          score: t.value,
          classifier: Number(t.details?.classifier),
          neighbours: Number(t.details?.neighbours),
        }),
        csv: {
          headers: ["rank", "id", "score", "classifier", "neighbours"],
          cells: (r, i) => [i + 1, r.id, r.score, r.classifier, r.neighbours],
        },
        html: lookalikeReportHtml,
        print: printLookalike,
      });
    },
  );
}
