/**
 * Propensity models on public data with ground truth: UCI online shoppers (will the session buy?) and UCI
 * bank marketing without `duration` (which is known only after the call, so leaks the answer). Each runs
 * the same pipeline as `tessera predict propensity --input`: regularised logistic regression (λ chosen on
 * validation rows) against our boosted trees (rounds chosen on validation rows), measured on held-out rows —
 * over several stratified random splits, and on bank marketing also in file (time) order.
 *
 *   npx tsx bench/predict-propensity.ts [--datasets ../shared/datasets] [--seeds 5] [--json]
 */
import { join } from "node:path";
import { Command } from "commander";
import { type FeatureRow, frameFromRows, labelsFrom } from "../src/predict/frame.js";
import type { GbdtOptions } from "../src/predict/gbdt.js";
import { type SplitSpec, trainPropensity } from "../src/predict/propensity.js";
import { readSimpleTable } from "../src/predict/testing.js";

const opts = new Command()
  .option(
    "--datasets <dir>",
    "where the public data sets are",
    join(import.meta.dirname, "../../shared/datasets"),
  )
  .option("--seeds <n>", "random splits per data set", "5")
  .option("--json", "print one JSON object")
  .parse()
  .opts<{ datasets: string; seeds: string; json?: boolean }>();

interface Case {
  name: string;
  rows: FeatureRow[];
  target: string;
  positive?: string;
  exclude: string[];
  categorical?: string[];
}

const cases: Case[] = [
  {
    name: "online shoppers",
    rows: readSimpleTable(join(opts.datasets, "online-shoppers/online_shoppers_intention.csv")),
    target: "Revenue",
    exclude: ["Revenue"],
    categorical: ["OperatingSystems", "Browser", "Region", "TrafficType"],
  },
  {
    name: "bank marketing (no duration)",
    rows: readSimpleTable(join(opts.datasets, "bank-marketing/bank-full.csv"), ";"),
    target: "y",
    positive: "yes",
    exclude: ["y", "duration"],
  },
];

const configs: { name: string; gbdt: GbdtOptions }[] = [
  { name: "defaults", gbdt: {} },
  {
    name: "15 leaves, 80 % rows and features",
    gbdt: { numLeaves: 15, featureFraction: 0.8, baggingFraction: 0.8 },
  },
];

const seeds = Number(opts.seeds);
const out: Record<string, unknown>[] = [];
const mean = (v: number[]) => v.reduce((s, x) => s + x, 0) / v.length;
const sd = (v: number[]) =>
  Math.sqrt(v.reduce((s, x) => s + (x - mean(v)) ** 2, 0) / Math.max(1, v.length - 1));
const pm = (v: number[]) => `${mean(v).toFixed(4)} ± ${sd(v).toFixed(4)}`;

if (!opts.json) {
  console.log(
    "| data | split | boosted config | logistic AUC | boosted AUC | logistic PR AUC | boosted PR AUC | boosted lift@10% | seconds per run |",
  );
  console.log("|---|---|---|---|---|---|---|---|---|");
}
for (const c of cases) {
  const y = labelsFrom(c.rows, c.target, c.positive);
  const frame = frameFromRows(c.rows, {
    exclude: c.exclude,
    ...(c.categorical ? { categorical: c.categorical } : {}),
  });
  const splits: { name: string; specs: SplitSpec[] }[] = [
    {
      name: `stratified random 75/25 × ${seeds}`,
      specs: Array.from({ length: seeds }, (_, s) => ({
        kind: "random" as const,
        testFraction: 0.25,
        seed: s + 1,
      })),
    },
  ];
  if (c.name.startsWith("bank"))
    splits.push({
      name: "file (time) order: last 25 % tested",
      specs: [{ kind: "order", testFraction: 0.25 }],
    });
  for (const split of splits)
    for (const config of configs) {
      const auc: Record<string, number[]> = { logistic: [], gbdt: [] };
      const pr: Record<string, number[]> = { logistic: [], gbdt: [] };
      const lift: number[] = [];
      const seconds: number[] = [];
      for (const spec of split.specs) {
        const t = performance.now();
        const result = trainPropensity(frame, y, { split: spec, gbdt: config.gbdt });
        seconds.push((performance.now() - t) / 1000);
        for (const r of result.reports) {
          auc[r.kind]?.push(r.test.auc);
          pr[r.kind]?.push(r.test.prAuc);
          if (r.kind === "gbdt") lift.push(r.test.liftAt10);
        }
      }
      const row = {
        data: c.name,
        rows: frame.rows,
        split: split.name,
        config: config.name,
        logisticAuc: auc.logistic,
        gbdtAuc: auc.gbdt,
        logisticPrAuc: pr.logistic,
        gbdtPrAuc: pr.gbdt,
        gbdtLiftAt10: lift,
        seconds,
      };
      out.push(row);
      if (!opts.json)
        console.log(
          `| ${c.name} | ${split.name} | ${config.name} | ${pm(auc.logistic as number[])} | ${pm(auc.gbdt as number[])} | ${pm(pr.logistic as number[])} | ${pm(pr.gbdt as number[])} | ${mean(lift).toFixed(2)} | ${mean(seconds).toFixed(1)} |`,
        );
    }
}
if (opts.json) console.log(JSON.stringify(out, null, 2));
