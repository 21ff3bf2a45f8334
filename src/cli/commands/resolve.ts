import { once } from "node:events";
import { createWriteStream, readFileSync, writeFileSync } from "node:fs";
import type { Command } from "commander";
import { clusterLines, resolvePartitioned } from "../../jobs/resolve-partitioned.js";
import {
  explainStoredPair,
  loadSettings,
  type ResolveJobOptions,
  resolveStoredRecords,
} from "../../jobs/resolve-records.js";
import type { MatchModel } from "../../resolve/model.js";
import { comparisonPower, modelReportHtml } from "../../resolve/model-report.js";
import type { Store } from "../../store/open-store.js";
import { type GlobalOptions, withStore } from "../context.js";
import { table } from "../table.js";
import { waterfall } from "../waterfall.js";

interface ResolveFlags {
  settings?: string;
  model?: string;
  saveModel?: string;
  source?: string[];
  out?: string;
  truth?: string;
  truthFromId?: string;
  json?: boolean;
  memory?: number;
  partitions?: number;
  spill?: string;
}

/** `tessera resolve --memory`: the partitioned run, for more records than fit in memory. */
async function resolveBeyondMemory(store: Store, flags: ResolveFlags) {
  const model = flags.model ? (JSON.parse(readFileSync(flags.model, "utf8")) as MatchModel) : undefined;
  const run = await resolvePartitioned(store, {
    settings: loadSettings(flags.settings),
    ...(model ? { model } : {}),
    ...(flags.source ? { sources: flags.source } : {}),
    ...(flags.memory ? { memoryMB: flags.memory } : {}),
    ...(flags.partitions ? { partitions: flags.partitions } : {}),
    ...(flags.spill ? { spillDir: flags.spill } : {}),
    progress: (stage, detail) => {
      if (!flags.json) console.error(`${stage}: ${detail ?? ""}`);
    },
  });
  if (flags.saveModel) writeFileSync(flags.saveModel, `${JSON.stringify(run.model, null, 2)}\n`);
  if (flags.out) {
    const out = createWriteStream(flags.out);
    out.write("record,entity\n");
    for await (const chunk of clusterLines(store, run.clustering.clusterOf, flags.source)) {
      if (!out.write(chunk)) await once(out, "drain");
    }
    out.end();
    await once(out, "finish");
  }
  const summary = {
    records: run.records,
    partitions: run.partitions,
    candidatePairs: run.candidatePairs,
    entities: run.clustering.clusters,
    suspiciousClusters: run.clustering.suspicious.length,
    prior: run.model.prior,
    seconds: run.seconds,
    peakMiB: run.peakMiB,
  };
  if (flags.json) {
    console.log(JSON.stringify(summary, null, 2));
    return;
  }
  console.log(
    table(
      ["phase", "seconds", "peak resident MiB"],
      Object.entries(run.seconds).map(([phase, s]) => [
        phase,
        s.toFixed(1),
        String(run.peakMiB[phase] ?? ""),
      ]),
    ),
  );
  console.log(
    `\n${summary.records.toLocaleString("en-US")} records in ${run.partitions} partitions → ${summary.entities.toLocaleString("en-US")} entities`,
  );
  console.log(
    `${summary.candidatePairs.toLocaleString("en-US")} pairs scored; ${summary.suspiciousClusters} suspicious clusters split`,
  );
}

function jobOptions(flags: ResolveFlags): ResolveJobOptions {
  return {
    ...(flags.settings ? { settingsPath: flags.settings } : {}),
    ...(flags.model ? { modelPath: flags.model } : {}),
    ...(flags.source ? { sources: flags.source } : {}),
    ...(flags.truth ? { truth: { field: flags.truth } } : {}),
    ...(flags.truthFromId ? { truth: { idPattern: new RegExp(flags.truthFromId) } } : {}),
    progress: (stage, detail) => {
      if (!flags.json) console.error(`${stage}: ${detail ?? ""}`);
    },
  };
}

export function registerResolve(program: Command): void {
  const common = (c: Command) =>
    c
      .option("--settings <file>", "resolution settings (JSON; default: the person defaults)")
      .option("--model <file>", "score with this saved model instead of training")
      .option("--save-model <file>", "write the trained model there")
      .option("--source <name...>", "only these sources")
      .option("--json", "print the summary as JSON");

  common(
    program
      .command("resolve")
      .description("block, train if needed, score and cluster the stored records")
      .option("-o, --out <file>", "write record → entity as CSV")
      .option(
        "--memory <MiB>",
        "resolve in partitions streamed from and to disk, sized to this memory budget (docs/batch-scale.md)",
        Number,
      )
      .option("--partitions <n>", "with --memory: this many partitions instead of the budget's", Number)
      .option("--spill <dir>", "with --memory: where spill files go (default the temp directory)"),
  ).action(async (flags: ResolveFlags) => {
    await withStore(program.opts<GlobalOptions>(), async (store) => {
      if (flags.memory !== undefined || flags.partitions !== undefined) {
        await resolveBeyondMemory(store, flags);
        return;
      }
      const { result, keys } = await resolveStoredRecords(store, jobOptions(flags));
      if (flags.saveModel) writeFileSync(flags.saveModel, `${JSON.stringify(result.model, null, 2)}\n`);
      if (flags.out) {
        const lines = keys.map((k, r) => `${JSON.stringify(k)},${result.clustering.clusterOf[r]}`);
        writeFileSync(flags.out, `record,entity\n${lines.join("\n")}\n`);
      }
      const summary = {
        records: result.table.size,
        candidatePairs: result.candidatePairs,
        entities: result.clustering.clusters,
        suspiciousClusters: result.clustering.suspicious.length,
        prior: result.model.prior,
        seconds: result.seconds,
      };
      if (flags.json) {
        console.log(JSON.stringify({ ...summary, blocking: result.plan }, null, 2));
        return;
      }
      console.log(
        table(
          ["blocking rule", "pairs", "new pairs", "largest block"],
          result.plan.rules.map((r) => [
            r.name,
            r.pairs,
            r.newPairs,
            r.largestBlocks[0] ? `${r.largestBlocks[0].key} (${r.largestBlocks[0].size})` : "",
          ]),
        ),
      );
      console.log(
        `\n${summary.records.toLocaleString("en-US")} records → ${summary.entities.toLocaleString("en-US")} entities`,
      );
      console.log(
        `${summary.candidatePairs.toLocaleString("en-US")} pairs scored; ${summary.suspiciousClusters} suspicious clusters split`,
      );
    });
  });

  common(
    program
      .command("evaluate")
      .description("resolve, then score the result against ground truth")
      .option("--truth <field>", "the extra field holding the true entity (e.g. true_cluster)")
      .option(
        "--truth-from-id <regex>",
        "a pattern whose first group, over the record id, is the true entity",
      ),
  ).action(async (flags: ResolveFlags) => {
    if (!flags.truth && !flags.truthFromId)
      throw new Error("evaluate needs --truth <field> or --truth-from-id <regex>");
    await withStore(program.opts<GlobalOptions>(), async (store) => {
      const { result, evaluation } = await resolveStoredRecords(store, jobOptions(flags));
      if (flags.saveModel) writeFileSync(flags.saveModel, `${JSON.stringify(result.model, null, 2)}\n`);
      if (!evaluation) return;
      if (flags.json) {
        console.log(
          JSON.stringify(
            { records: result.table.size, candidatePairs: result.candidatePairs, ...evaluation },
            null,
            2,
          ),
        );
        return;
      }
      const f = (x: number) => x.toFixed(4);
      console.log(
        table(
          ["measure", "precision", "recall", "F1"],
          [
            ["pairwise", f(evaluation.precision), f(evaluation.recall), f(evaluation.f1)],
            ["B-cubed", f(evaluation.bcubed.precision), f(evaluation.bcubed.recall), f(evaluation.bcubed.f1)],
          ],
        ),
      );
      console.log(
        `\nreduction ratio ${f(evaluation.reductionRatio)}, ${evaluation.truePairs.toLocaleString("en-US")} true pairs`,
      );
      console.log("\nscored pairs at or above each threshold (before clustering):");
      console.log(
        table(
          ["threshold", "precision", "recall", "F1"],
          evaluation.thresholds.map((r) => [String(r.threshold), f(r.precision), f(r.recall), f(r.f1)]),
        ),
      );
    });
  });
}

export function registerExplain(program: Command): void {
  program
    .command("explain")
    .description("why two records score what they do under a saved model, comparison by comparison")
    .argument("<a>", "a record as source/id")
    .argument("<b>", "another record as source/id")
    .requiredOption("--model <file>", "the saved model (tessera resolve --save-model)")
    .option("--settings <file>", "the settings the model was trained with")
    .option("--source <name...>", "only these sources")
    .option("--json", "print the explanation as JSON")
    .action(
      async (
        a: string,
        b: string,
        flags: { model: string; settings?: string; source?: string[]; json?: boolean },
      ) => {
        await withStore(program.opts<GlobalOptions>(), async (store) => {
          const explanation = await explainStoredPair(store, [a, b], {
            modelPath: flags.model,
            ...(flags.settings ? { settingsPath: flags.settings } : {}),
            ...(flags.source ? { sources: flags.source } : {}),
          });
          console.log(flags.json ? JSON.stringify(explanation, null, 2) : waterfall(explanation));
        });
      },
    );
}

export function registerModelReport(program: Command): void {
  program
    .command("model-report")
    .description(
      "draw a saved model: the match weight of every comparison level, and what identifies people best",
    )
    .argument("<model>", "a saved model (tessera resolve --save-model)")
    .requiredOption("-o, --out <file>", "the HTML report to write")
    .action((modelPath: string, flags: { out: string }) => {
      const model = JSON.parse(readFileSync(modelPath, "utf8")) as MatchModel;
      writeFileSync(flags.out, modelReportHtml(model));
      console.log(
        table(
          ["comparison", "spread (bits)", "strongest level"],
          comparisonPower(model).map((p) => [p.comparison, p.spread.toFixed(1), p.best.level]),
        ),
      );
      console.log(`\nreport written to ${flags.out}`);
    });
}
