/**
 * Lookalike audiences judged by hiding half the seed: the seed is every positive of a public data set
 * (sessions that bought; clients who subscribed), half of it is hidden among the rest, the lookalike is built
 * from the other half, and we count how many hidden members come out in the top 5 %, 10 % and 20 % of the
 * candidates (then the halves swap and the two are averaged). A random ranking finds 5, 10 and 20 %.
 *
 *   npx tsx bench/predict-lookalike.ts [--datasets ../shared/datasets] [--json]
 */
import { join } from "node:path";
import { Command } from "commander";
import { frameFromRows, labelsFrom } from "../src/predict/frame.js";
import { evaluateLookalike } from "../src/predict/lookalike.js";
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

const shoppers = readSimpleTable(join(opts.datasets, "online-shoppers/online_shoppers_intention.csv"));
const bank = readSimpleTable(join(opts.datasets, "bank-marketing/bank-full.csv"), ";");
const cases = [
  {
    name: "online shoppers: seed = sessions that bought",
    frame: frameFromRows(shoppers, {
      exclude: ["Revenue"],
      categorical: ["OperatingSystems", "Browser", "Region", "TrafficType"],
    }),
    seed: labelsFrom(shoppers, "Revenue"),
  },
  {
    name: "bank marketing (no duration): seed = clients who subscribed",
    frame: frameFromRows(bank, { exclude: ["y", "duration"] }),
    seed: labelsFrom(bank, "y", "yes"),
  },
];

const out: Record<string, unknown>[] = [];
if (!opts.json) {
  console.log("| data | rows | seed | view | top 5 % | top 10 % | top 20 % | seconds |");
  console.log("|---|---|---|---|---|---|---|---|");
}
for (const c of cases) {
  const t = performance.now();
  const e = evaluateLookalike(c.frame, c.seed);
  const seconds = (performance.now() - t) / 1000;
  out.push({ data: c.name, rows: c.frame.rows, evaluation: e, seconds });
  if (opts.json) continue;
  const seedSize = c.seed.reduce((n, v) => n + v, 0);
  for (const view of ["blend", "classifier", "neighbours"] as const)
    console.log(
      `| ${c.name} | ${c.frame.rows.toLocaleString("en-US")} | ${seedSize.toLocaleString("en-US")} (${e.hidden.toLocaleString("en-US")} hidden) | ${view === "blend" ? `blend (w ${e.blend}, chosen)` : view} | ${e.recall.top5[view].toFixed(3)} | ${e.recall.top10[view].toFixed(3)} | ${e.recall.top20[view].toFixed(3)} | ${seconds.toFixed(1)} |`,
    );
}
if (!opts.json) {
  console.log("\nRecall of the blend by the weight of the neighbour view (0: the classifier alone):\n");
  console.log(
    `| data | ${out.length > 0 ? (out[0] as { evaluation: { blends: { weight: number }[] } }).evaluation.blends.map((b) => `w ${b.weight}: top 5/10/20 %`).join(" | ") : ""} |`,
  );
  console.log(
    `|---|${(out[0] as { evaluation: { blends: unknown[] } }).evaluation.blends.map(() => "---").join("|")}|`,
  );
  for (const o of out as {
    data: string;
    evaluation: { blends: { top5: number; top10: number; top20: number }[] };
  }[])
    console.log(
      `| ${o.data} | ${o.evaluation.blends.map((b) => `${b.top5.toFixed(3)} / ${b.top10.toFixed(3)} / ${b.top20.toFixed(3)}`).join(" | ")} |`,
    );
}
if (opts.json) console.log(JSON.stringify(out, null, 2));
