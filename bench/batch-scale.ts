/**
 * Benchmark: batch resolution beyond memory (issue 13).
 *
 *   npx tsx bench/batch-scale.ts generate --records 1000000 --db /tmp/batch-1m.db
 *   npx tsx bench/batch-scale.ts resolve --db /tmp/batch-1m.db --memory 1024 [--partitions 8] [--in-memory]
 *
 * `generate` writes generated records straight into the store's match views (src/jobs/resolve-partitioned-fixture.ts:
 * people from src/synthetic, names and e-mails through the real standardisers, no source records, no import).
 * `resolve` runs the partitioned resolution with a memory budget and prints the time of each phase, the peak
 * resident memory (measured before evaluation starts), pairs scored, and pairwise precision / recall against
 * the truth kept in each record id. `--in-memory` runs the in-memory resolution instead, for comparison.
 */
import { cpus, totalmem } from "node:os";
import { Command } from "commander";
import { resolvePartitioned } from "../src/jobs/resolve-partitioned.js";
import { truthPattern, writeSyntheticViews } from "../src/jobs/resolve-partitioned-fixture.js";
import { resolveStoredRecords } from "../src/jobs/resolve-records.js";
import { matchViewPages } from "../src/store/match-views.js";
import { openStore, type Store } from "../src/store/open-store.js";

const started = performance.now();
const log = (line: string) =>
  console.error(`${((performance.now() - started) / 1000).toFixed(1).padStart(7)}s ${line}`);
const peak = () => Math.round(process.resourceUsage().maxRSS / 1024);

async function open(flags: { db?: string; url?: string }): Promise<Store> {
  if (flags.url) return openStore({ url: flags.url });
  if (!flags.db) throw new Error("give --db <file> or --url <postgres url>");
  return openStore({ file: flags.db });
}

/** Pairwise precision and recall from two labelings as typed arrays (no strings per record). */
function pairwise(truth: Int32Array, cluster: Int32Array) {
  const n = truth.length;
  const pairsOf = (keys: Float64Array) => {
    keys.sort();
    let pairs = 0;
    let run = 1;
    for (let r = 1; r <= n; r++) {
      if (r < n && keys[r] === keys[r - 1]) run++;
      else {
        pairs += (run * (run - 1)) / 2;
        run = 1;
      }
    }
    return pairs;
  };
  const truePairs = pairsOf(Float64Array.from(truth));
  const predicted = pairsOf(Float64Array.from(cluster));
  const both = new Float64Array(n);
  for (let r = 0; r < n; r++) both[r] = (truth[r] as number) * 2 ** 25 + (cluster[r] as number);
  const hits = pairsOf(both);
  const precision = predicted === 0 ? 1 : hits / predicted;
  const recall = truePairs === 0 ? 1 : hits / truePairs;
  return { truePairs, predicted, precision, recall, f1: (2 * precision * recall) / (precision + recall) };
}

async function truthOf(store: Store, records: number): Promise<Int32Array> {
  const truth = new Int32Array(records);
  let at = 0;
  for await (const page of matchViewPages(store)) {
    for (const r of page) {
      const person = truthPattern.exec(r.sourceRecordId)?.[1] ?? "";
      truth[at++] = Number.parseInt(person.slice(1), 10);
    }
  }
  return truth;
}

const program = new Command();
program
  .command("generate")
  .requiredOption("--records <n>", "records to write", Number)
  .option("--db <file>", "an SQLite store")
  .option("--url <url>", "a PostgreSQL store")
  .option("--seed <n>", "generator seed", Number, 1)
  .action(async (flags: { records: number; db?: string; url?: string; seed: number }) => {
    const store = await open(flags);
    let last = 0;
    const written = await writeSyntheticViews(store, {
      records: flags.records,
      seed: flags.seed,
      onProgress: (n) => {
        if (n - last >= 500_000) {
          last = n;
          log(`generate: ${n.toLocaleString("en-US")} records`);
        }
      },
    });
    await store.close();
    const seconds = (performance.now() - started) / 1000;
    console.log(
      JSON.stringify({
        records: written,
        seconds,
        recordsPerSecond: Math.round(written / seconds),
        peakMiB: peak(),
      }),
    );
  });

program
  .command("resolve")
  .option("--db <file>", "an SQLite store")
  .option("--url <url>", "a PostgreSQL store")
  .option("--memory <MiB>", "the memory budget", Number, 1024)
  .option("--partitions <n>", "the partition count instead of the budget's", Number)
  .option("--spill <dir>", "where spill files go (default the system's temp directory)")
  .option("--in-memory", "run the in-memory resolution instead, for comparison")
  .action(
    async (flags: {
      db?: string;
      url?: string;
      memory: number;
      partitions?: number;
      spill?: string;
      inMemory?: boolean;
    }) => {
      const store = await open(flags);
      const progress = (stage: string, detail?: string) => log(`${stage}: ${detail ?? ""}`);
      let report: Record<string, unknown>;
      let clusterOf: Int32Array;
      if (flags.inMemory) {
        const { result } = await resolveStoredRecords(store, { progress, excludedValues: {} });
        clusterOf = result.clustering.clusterOf;
        report = {
          mode: "in memory",
          records: result.table.size,
          candidatePairs: result.candidatePairs,
          entities: result.clustering.clusters,
          seconds: result.seconds,
        };
      } else {
        const run = await resolvePartitioned(store, {
          memoryMB: flags.memory,
          excludedValues: {},
          progress,
          ...(flags.partitions ? { partitions: flags.partitions } : {}),
          ...(flags.spill ? { spillDir: flags.spill } : {}),
        });
        clusterOf = run.clustering.clusterOf;
        const slowest = run.partitionReports.reduce((a, b) => (b.records > a.records ? b : a));
        report = {
          mode: "partitioned",
          memoryMB: flags.memory,
          records: run.records,
          partitions: run.partitions,
          copiesPerRecord: Number(run.copiesPerRecord.toFixed(2)),
          largestPartition: slowest,
          sampleRecords: run.sampleRecords,
          candidatePairs: run.candidatePairs,
          links: run.links,
          entities: run.clustering.clusters,
          prior: run.model.prior,
          spillMiB: Math.round(run.spillBytes / 2 ** 20),
          seconds: run.seconds,
          peakMiBAfter: run.peakMiB,
        };
      }
      const totalSeconds = (performance.now() - started) / 1000;
      const peakMiB = peak();
      log("evaluating against the truth in the record ids");
      const truth = await truthOf(store, clusterOf.length);
      await store.close();
      console.log(
        JSON.stringify(
          {
            command: `npx tsx bench/batch-scale.ts ${process.argv.slice(2).join(" ")}`,
            machine: `${cpus().length} × ${cpus()[0]?.model ?? "cpu"}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}`,
            ...report,
            totalSeconds,
            peakMiB,
            pairwise: pairwise(truth, clusterOf),
          },
          null,
          2,
        ),
      );
    },
  );

await program.parseAsync();
