import type { Command } from "commander";
import { refreshScores } from "../../jobs/predict-refresh.js";
import { listModelRuns } from "../../store/scores.js";
import { type GlobalOptions, withStore } from "../context.js";
import { table } from "../table.js";
import { registerPredictClv } from "./predict-clv.js";
import { registerPredictLookalike } from "./predict-lookalike.js";
import { f3, parse, reporting } from "./predict-options.js";
import { registerPredictPropensity } from "./predict-propensity.js";

/** `predict`: the fitting sub-commands live in predict-*.ts; refresh and runs work on what they stored. */
export function registerPredict(program: Command): void {
  const predict = program
    .command("predict")
    .description("predictive scores on profiles: lifetime value, propensity, lookalike audiences");

  registerPredictClv(predict, program);
  registerPredictPropensity(predict, program);
  registerPredictLookalike(predict, program);

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
          ...reporting(flags.json),
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
          limit: parse.number(flags.limit, "--limit", 20, (n) => Number.isInteger(n) && n > 0),
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
