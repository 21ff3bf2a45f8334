/**
 * Accuracy and speed of unsupervised resolution on public data with ground truth: FEBRL 3 (dedupe),
 * FEBRL 4 (link A–B) and Splink's fake_1000 (dedupe). Each runs with its documented configuration in
 * bench/configs/, without labels; truth is used only to score the result.
 *
 *   npx tsx bench/resolve-datasets.ts [--datasets ../shared/datasets] [--json]
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { Command } from "commander";
import { readRecordsToResolve } from "../src/jobs/read-records.js";
import { compileMapping } from "../src/mapping/compile-mapping.js";
import {
  bcubedScores,
  pairsCompleteness,
  pairwiseScores,
  reductionRatio,
  truthFromLabels,
} from "../src/resolve/evaluate.js";
import type { RecordToResolve } from "../src/resolve/features.js";
import { resolveInMemory } from "../src/resolve/resolve.js";
import type { ResolveSettingsInput } from "../src/resolve/settings.js";

const opts = new Command()
  .option(
    "--datasets <dir>",
    "where the public data sets are",
    join(import.meta.dirname, "../../shared/datasets"),
  )
  .option("--json", "print one JSON object")
  .parse()
  .opts<{ datasets: string; json?: boolean }>();

const here = import.meta.dirname;
const config = (name: string) =>
  JSON.parse(readFileSync(join(here, "configs", name), "utf8")) as ResolveSettingsInput;
const mappingOf = (name: string) =>
  JSON.parse(readFileSync(join(here, "../examples/mappings", name), "utf8"));

async function load(
  path: string,
  mappingInput: unknown,
  source: string,
  truthOf: (id: string, extra: Record<string, unknown>) => string,
) {
  const records = await readRecordsToResolve(
    path,
    compileMapping({ ...(mappingInput as object), source } as never),
  );
  return { records, labels: records.map((r) => truthOf(r.sourceRecordId, r.extra)) };
}

const febrlEntity = (id: string) => /^rec-(\d+)-/.exec(id)?.[1] ?? id;
const results: Record<string, unknown>[] = [];

async function run(
  name: string,
  records: RecordToResolve[],
  labels: string[],
  settings: ResolveSettingsInput,
) {
  const started = performance.now();
  const result = resolveInMemory(records, settings);
  const seconds = (performance.now() - started) / 1000;
  const truth = truthFromLabels(labels);
  const mode = result.settings.mode === "link" ? { mode: "link" as const, source: result.table.source } : {};
  const pairwise = pairwiseScores(truth, result.clustering.clusterOf, mode);
  const bcubed = bcubedScores(truth, result.clustering.clusterOf);
  const candidates = { left: result.pairs.left, right: result.pairs.right, count: result.pairs.count };
  const completeness = pairsCompleteness(truth, candidates, mode);
  const row = {
    dataset: name,
    records: records.length,
    candidatePairs: result.candidatePairs,
    reductionRatio: reductionRatio(result.candidatePairs, records.length, mode),
    pairsCompletenessOfKeptPairs: completeness.completeness,
    precision: pairwise.precision,
    recall: pairwise.recall,
    f1: pairwise.f1,
    bcubedF1: bcubed.f1,
    prior: result.model.prior,
    seconds,
    microsecondsPerPair: (seconds * 1e6) / Math.max(1, result.candidatePairs),
    stages: result.seconds,
  };
  results.push(row);
  if (!opts.json) console.log(row);
}

const d = opts.datasets;
{
  const { records, labels } = await load(
    join(d, "febrl/dataset3.csv"),
    mappingOf("febrl.json"),
    "febrl3",
    febrlEntity,
  );
  await run("FEBRL 3 (dedupe)", records, labels, config("febrl.json"));
}
{
  const a = await load(join(d, "febrl/dataset4a.csv"), mappingOf("febrl.json"), "a", febrlEntity);
  const b = await load(join(d, "febrl/dataset4b.csv"), mappingOf("febrl.json"), "b", febrlEntity);
  await run("FEBRL 4 (link)", [...a.records, ...b.records], [...a.labels, ...b.labels], {
    ...config("febrl.json"),
    mode: "link",
  });
}
{
  const { records, labels } = await load(
    join(d, "splink/fake_1000.csv"),
    mappingOf("splink-fake-1000.json"),
    "fake",
    (_id, extra) => String(extra.true_cluster),
  );
  await run("Splink fake_1000 (dedupe)", records, labels, config("fake-1000.json"));
}
if (opts.json) console.log(JSON.stringify(results, null, 2));
