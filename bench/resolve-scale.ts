/**
 * Benchmark: resolve a store filled by bench/generate-and-import.ts end to end — load the latest version of
 * every record, build features, plan blocking, train the model without labels, score, cluster — and score
 * the result against the generator's truth (truth.csv: source, source_record_id, person_id).
 *
 *   npx tsx bench/resolve-scale.ts --db /tmp/tessera-1m/bench.db --truth /tmp/tessera-1m/data-1000000/truth.csv
 *
 * Prints time per stage, µs per candidate pair, peak memory and pairwise / B-cubed precision, recall, F1.
 */
import { createReadStream } from "node:fs";
import { cpus, totalmem } from "node:os";
import { createInterface } from "node:readline";
import { Command } from "commander";
import { resolveStoredRecords } from "../src/jobs/resolve-records.js";
import { bcubedScores, pairwiseScores, truthFromLabels } from "../src/resolve/evaluate.js";
import { openStore } from "../src/store/open-store.js";

const opts = new Command()
  .requiredOption("--db <file>", "the SQLite store to resolve")
  .requiredOption("--truth <file>", "the generator's truth.csv")
  .option("--settings <file>", "resolution settings (default: the person defaults)")
  .option("--source <name...>", "only these sources")
  .option("--json", "print one JSON object")
  .parse()
  .opts<{ db: string; truth: string; settings?: string; source?: string[]; json?: boolean }>();

/** The truth of the resolved records only: a truth file of every source may hold more rows than a Map can. */
async function readTruth(path: string, wanted: Set<string>): Promise<Map<string, string>> {
  const truth = new Map<string, string>();
  const lines = createInterface({ input: createReadStream(path) });
  let header = true;
  for await (const line of lines) {
    if (header) {
      header = false;
      continue;
    }
    const [source, id, person] = line.split(",");
    if (!source || !id || !person) continue;
    const key = `${source}/${id}`;
    if (wanted.has(key)) truth.set(key, person);
  }
  return truth;
}

const peak = () => Math.round(process.resourceUsage().maxRSS / 1024);
const store = await openStore({ file: opts.db });
const started = performance.now();
const { result, keys } = await resolveStoredRecords(store, {
  ...(opts.settings ? { settingsPath: opts.settings } : {}),
  ...(opts.source ? { sources: opts.source } : {}),
  progress: (stage, detail) => {
    if (!opts.json)
      console.error(`${((performance.now() - started) / 1000).toFixed(1)}s ${stage}: ${detail ?? ""}`);
  },
});
const totalSeconds = (performance.now() - started) / 1000;
await store.close();
const peakMiB = peak();

const truthMap = await readTruth(opts.truth, new Set(keys));
const labels = keys.map((k) => truthMap.get(k) ?? null);
const missing = labels.filter((l) => l === null).length;
const truth = truthFromLabels(labels);
const pairwise = pairwiseScores(truth, result.clustering.clusterOf);
const bcubed = bcubedScores(truth, result.clustering.clusterOf);
const report = {
  command: `npx tsx bench/resolve-scale.ts ${process.argv.slice(2).join(" ")}`,
  machine: `${cpus().length} × ${cpus()[0]?.model ?? "cpu"}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}`,
  date: new Date().toISOString().slice(0, 10),
  settings: opts.settings ?? "person defaults",
  records: result.table.size,
  recordsWithoutTruth: missing,
  candidatePairs: result.candidatePairs,
  entities: result.clustering.clusters,
  seconds: { total: totalSeconds, ...result.seconds },
  microsecondsPerPair: (totalSeconds * 1e6) / Math.max(1, result.candidatePairs),
  peakMiB,
  pairwise,
  bcubed,
  blocking: result.plan.rules.map((r) => ({ rule: r.name, pairs: r.pairs, newPairs: r.newPairs })),
};
if (opts.json) console.log(JSON.stringify(report, null, 2));
else {
  const f = (x: number) => x.toFixed(4);
  console.log(
    `${report.records.toLocaleString("en-US")} records, ${report.candidatePairs.toLocaleString("en-US")} candidate pairs, ${report.entities.toLocaleString("en-US")} entities`,
  );
  console.log(
    `seconds: ${Object.entries(report.seconds)
      .map(([k, v]) => `${k} ${v.toFixed(2)}`)
      .join(", ")}`,
  );
  console.log(
    `${report.microsecondsPerPair.toFixed(3)} µs per candidate pair end to end; peak RSS ${peakMiB} MiB`,
  );
  console.log(
    `pairwise P ${f(pairwise.precision)} R ${f(pairwise.recall)} F1 ${f(pairwise.f1)}; B-cubed P ${f(bcubed.precision)} R ${f(bcubed.recall)} F1 ${f(bcubed.f1)}`,
  );
  for (const b of report.blocking)
    console.log(
      `  ${b.rule}: ${b.pairs.toLocaleString("en-US")} pairs, ${b.newPairs.toLocaleString("en-US")} new`,
    );
}
