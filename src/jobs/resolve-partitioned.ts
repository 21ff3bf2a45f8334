import { mkdtempSync, rmSync } from "node:fs";
import { availableParallelism, tmpdir } from "node:os";
import { join } from "node:path";
import { Worker } from "node:worker_threads";
import { sql } from "kysely";
import { type Clustering, clusterPairs } from "../resolve/cluster.js";
import { compileComparison } from "../resolve/comparison.js";
import { RecordTableBuilder, withoutValues } from "../resolve/features.js";
import { logit2, type MatchModel, probabilityOf } from "../resolve/model.js";
import { PairBuffer } from "../resolve/pair-buffer.js";
import {
  countRuns,
  type FeatureKinds,
  priorFromRate,
  type TermCounts,
  WeightTally,
} from "../resolve/partitioned.js";
import { type ResolveProgress, runFeatures, trainModel } from "../resolve/resolve.js";
import { personDefaults, type ResolveSettingsInput, resolveSettings } from "../resolve/settings.js";
import { countMatchViews, matchViewPages } from "../store/match-views.js";
import type { Store } from "../store/open-store.js";
import { type ScannedPage, type ScanSetup, scanPage } from "./resolve-partitioned-scan.js";
import type { ScanChunk } from "./resolve-partitioned-scan-worker.js";
import { type PartitionOutcome, type PartitionSetup, scorePartition } from "./resolve-partitioned-score.js";
import { DoubleWriter, forEachSpilledPair, LineWriter, readDoubles } from "./resolve-partitioned-spill.js";

/**
 * Batch resolution over more records than fit in memory (docs/batch-scale.md). Four passes:
 * 1. scan: the match views are streamed from the store once; each page's blocking keys are hashed, and
 *    each record is written, as a line of its features, to the spill file of every partition one of its
 *    keys belongs to; term-frequency values go to hash buckets; a uniform sample is kept for training.
 * 2. train (unless a model is given): the model is trained on the sample with the in-memory code; term
 *    counts are read back bucket by bucket.
 * 3. score: each partition's records become a record table (global term frequencies in place of its own),
 *    its candidate pairs are enumerated with the in-memory blocking, and the pairs it owns are scored and
 *    spilled with their weights. The prior is then estimated from all the weights.
 * 4. cluster: links are joined by union-find over record numbers; the links, and the clearly-different
 *    pairs that fall inside one linked component, go to the in-memory clusterer — the only pairs it reads.
 *
 * Memory: a partition's table is bounded by the budget (the partition count is chosen from it); what grows
 * with the record count N is the clustering (≈ 30 bytes a record, plus 16 bytes a link) and the counts of
 * repeated term values (12 bytes each).
 */

export interface PartitionedOptions {
  settings?: ResolveSettingsInput;
  /** Score with this model instead of training one (its prior is kept). */
  model?: MatchModel;
  sources?: string[];
  /** The memory budget in MiB the partitions (and the training sample) are sized to. Default 1024. */
  memoryMB?: number;
  /** The partition count, instead of the one the budget gives. */
  partitions?: number;
  /** Records the model is trained on, drawn uniformly (default: as many as half the budget holds). */
  sampleRecords?: number;
  /** Where spill files go (a directory of their own is made inside and removed at the end). */
  spillDir?: string;
  excludedValues?: Readonly<Record<string, readonly string[]>>;
  progress?: ResolveProgress;
  /** Partitions scored at once, each in a worker thread (default 2 when there are 2 cores); 1 scores here. */
  threads?: number;
  /** On SQLite, the fewest records worth scanning in threads (default 100,000). */
  scanThreadsFrom?: number;
}

export interface PartitionReport {
  records: number;
  pairs: number;
  seconds: number;
  /** Resident memory when the partition was scored. */
  rssMiB: number;
}

export interface PartitionedResult {
  records: number;
  partitions: number;
  partitionReports: PartitionReport[];
  /** Record copies over all partitions / records: how many partitions a record is in, on average. */
  copiesPerRecord: number;
  sampleRecords: number;
  candidatePairs: number;
  links: number;
  model: MatchModel;
  clustering: Clustering;
  seconds: Record<string, number>;
  spillBytes: number;
  /** Peak resident memory (MiB, the process's so far) at the end of each phase. */
  peakMiB: Record<string, number>;
}

/**
 * Estimated resident bytes of a record in a partition being scored (features, dictionaries, the blocking
 * layouts and key hashes of every rule, the garbage of building them) and in the training sample; measured
 * on person records (docs/batch-scale.md).
 */
export const BYTES_PER_RECORD = 1600;
/** What a run holds whatever its size: Node, the code, buffers. */
const BASELINE_MB = 200;

/** The budget left for records once the baseline is taken. */
function recordBudget(memoryMB: number): number {
  return Math.max(4, memoryMB - BASELINE_MB) * 2 ** 20 * 0.8;
}

/**
 * The fewest partitions whose records fit the budget, each record being in up to one per rule; `threads`
 * partitions are in memory at once.
 */
export function partitionsFor(records: number, rules: number, memoryMB: number, threads = 1): number {
  const budget = recordBudget(memoryMB) / threads;
  for (let p = 1; p < 65_536; p++) {
    const copies = records * Math.min(p, rules) * (p === 1 ? 1 : 0.8);
    if ((copies / p) * BYTES_PER_RECORD <= budget) return p;
  }
  return 65_536;
}

const peak = () => Math.round(process.resourceUsage().maxRSS / 1024);

export async function resolvePartitioned(
  store: Store,
  options: PartitionedOptions = {},
): Promise<PartitionedResult> {
  const input = options.settings ?? personDefaults;
  const settings = resolveSettings.parse(input);
  if (settings.deterministic.length > 0)
    throw new Error("a partitioned run does not apply deterministic rules yet: resolve in memory");
  if (settings.splitLargeBlocks)
    throw new Error("a partitioned run does not split large blocks: resolve in memory, or tighten the rules");
  const progress = options.progress ?? (() => {});
  const memoryMB = options.memoryMB ?? 1024;
  const threads = Math.max(1, options.threads ?? Math.min(2, availableParallelism()));
  const features = [...runFeatures(input, options.model)];
  const specs = options.model?.specs ?? settings.comparisons;
  const tfFeatures = [
    ...new Set(specs.filter((s) => s.termFrequency).map((s) => (s.levels[0] as { feature: string }).feature)),
  ];
  const rules = settings.blocking;
  const excluded =
    options.excludedValues && Object.keys(options.excludedValues).length > 0 ? options.excludedValues : null;
  const seconds: Record<string, number> = {};
  const peakMiB: Record<string, number> = {};
  let t = performance.now();
  const lap = (stage: string) => {
    const now = performance.now();
    seconds[stage] = (now - t) / 1000;
    peakMiB[stage] = peak();
    t = now;
  };

  const total = await countMatchViews(store, options.sources);
  if (total === 0) throw new Error("the store holds no records to resolve: import a source first");
  const P = options.partitions ?? partitionsFor(total, rules.length, memoryMB, threads);
  if (!Number.isInteger(P) || P < 1) throw new RangeError(`partitions must be a whole number ≥ 1, not ${P}`);
  const sampleTarget = options.sampleRecords ?? Math.floor(recordBudget(memoryMB) / BYTES_PER_RECORD);
  const sampleRate = Math.min(1, sampleTarget / total);
  // Term hashes go to buckets by their top bits, each a quarter of the record budget at most when sorted.
  const termBuckets = Math.max(
    1,
    Math.ceil((total * Math.max(1, tfFeatures.length) * 1.3 * 16) / (recordBudget(memoryMB) / 4)),
  );
  const dir = mkdtempSync(join(options.spillDir ?? tmpdir(), "tessera-resolve-"));
  progress(
    "plan",
    `${total.toLocaleString("en-US")} records in ${P} partition${P === 1 ? "" : "s"} for ${memoryMB} MiB; spill in ${dir}`,
  );
  try {
    // 1. scan
    // Buffers shrink as partitions multiply: ≈ 32 MB of them in all.
    const flushAt = Math.max(1 << 14, Math.min(1 << 18, Math.floor(2 ** 24 / P)));
    const recordFiles = Array.from(
      { length: P },
      (_, p) => new LineWriter(join(dir, `records-${p}.txt`), flushAt),
    );
    const termFiles = Array.from(
      { length: termBuckets },
      (_, b) => new DoubleWriter(join(dir, `terms-${b}.bin`)),
    );
    const termTotals = new Map<string, number>();
    const perSource = new Map<string, number>();
    let sample: RecordTableBuilder | null = new RecordTableBuilder(features);
    let kinds = null as FeatureKinds | null;
    let gid = 0;
    const scanSetup: ScanSetup = {
      features,
      tfFeatures,
      rules,
      excluded,
      partitions: P,
      termBuckets,
      sampleRate,
    };
    const apply = (page: ScannedPage) => {
      kinds ??= page.kinds;
      for (let p = 0; p < P; p++)
        (recordFiles[p] as LineWriter).writeLines(page.lines[p] as string, page.lineCounts[p] as number);
      for (let b = 0; b < termBuckets; b++)
        (termFiles[b] as DoubleWriter).pushAll(page.terms[b] as Float64Array);
      for (const [name, n] of page.termTotals) termTotals.set(name, (termTotals.get(name) ?? 0) + n);
      for (const [name, n] of page.perSource) perSource.set(name, (perSource.get(name) ?? 0) + n);
      if (page.sample) sample?.add(page.sample);
      gid += page.size;
      progress("scan", `${gid.toLocaleString("en-US")} of ${total.toLocaleString("en-US")} records`);
    };
    if (store.file && threads >= 2 && total >= (options.scanThreadsFrom ?? 100_000)) {
      await scanInThreads(store, store.file, options.sources ?? null, scanSetup, threads, apply);
    } else {
      for await (const page of matchViewPages(store, options.sources)) apply(scanPage(scanSetup, page, gid));
    }
    const N = gid;
    for (const w of recordFiles) w.close();
    for (const w of termFiles) w.close();
    const copies = recordFiles.reduce((sum, w) => sum + w.lines, 0);
    lap("scan");

    // 2. term counts and training
    const hashes: number[] = [];
    const counts: number[] = [];
    for (const bucket of termFiles) {
      const values = readDoubles(bucket.path, bucket.values).sort();
      countRuns(values, hashes, counts);
      rmSync(bucket.path);
    }
    // Shared memory: every scoring thread reads the same counts.
    const terms: TermCounts = {
      hashes: new Float64Array(new SharedArrayBuffer(hashes.length * 8)),
      counts: new Int32Array(new SharedArrayBuffer(counts.length * 4)),
      totals: termTotals,
    };
    terms.hashes.set(hashes);
    terms.counts.set(counts);
    hashes.length = 0;
    counts.length = 0;
    lap("terms");
    const sampleRecords = sample?.size ?? 0;
    let model: MatchModel;
    if (options.model) model = structuredClone(options.model);
    else {
      progress("train", `on a sample of ${sampleRecords.toLocaleString("en-US")} records`);
      let table = (sample as RecordTableBuilder).finish();
      if (excluded) table = withoutValues(table, excluded);
      const compiled = settings.comparisons.map((s) => compileComparison(s, table));
      model = trainModel(table, compiled, settings, progress);
    }
    sample = null;
    global.gc?.();
    lap("train");

    // 3. score, partition by partition, in worker threads when there are several
    const setup: PartitionSetup = {
      features,
      kinds: kinds as FeatureKinds,
      tfFeatures,
      terms,
      model,
      rules,
      mode: settings.mode,
      maxBlockSize: settings.maxBlockSize,
      partitions: P,
      dir,
    };
    const tally = new WeightTally();
    const outcomes: PartitionOutcome[] = [];
    const done = (o: PartitionOutcome) => {
      tally.merge(WeightTally.from(o.tally));
      // Only the figures stay: the weights (up to 4 million a partition) are merged and dropped.
      outcomes.push({ ...o, tally: { exact: null, histogram: null, count: o.tally.count } });
      global.gc?.();
      progress(
        "score",
        `partition ${o.partition + 1} (${outcomes.length} of ${P} done): ${o.records.toLocaleString("en-US")} records, ${o.pairs.toLocaleString("en-US")} pairs in ${o.seconds.toFixed(1)} s (resident ${o.rssMiB} MiB)`,
      );
    };
    if (threads >= 2 && P >= 2) {
      // A thread's heap is capped well above its share of the budget: V8 then collects before it grows.
      const heapMB = Math.ceil((3 * recordBudget(memoryMB)) / threads / 2 ** 20) + 128;
      await scoreInThreads(setup, Math.min(threads, P), heapMB, done);
    } else for (let p = 0; p < P; p++) done(scorePartition(setup, p));
    outcomes.sort((a, b) => a.partition - b.partition);
    const partitionReports: PartitionReport[] = outcomes.map((o) => ({
      records: o.records,
      pairs: o.pairs,
      seconds: o.seconds,
      rssMiB: o.rssMiB,
    }));
    const candidatePairs = outcomes.reduce((sum, o) => sum + o.pairs, 0);
    if (!options.model)
      model.prior = priorFromRate(
        tally.matchRate(),
        candidatePairs,
        possiblePairs(N, perSource, settings.mode),
      );
    lap("score");

    // 4. cluster
    const threshold = settings.threshold;
    const cannotBelow = Math.min(0.01, threshold);
    const priorWeight = logit2(model.prior);
    const parent = new Int32Array(N);
    for (let r = 0; r < N; r++) parent[r] = r;
    const find = (x: number) => {
      let r = x;
      while (parent[r] !== r) {
        const up = parent[parent[r] as number] as number;
        parent[r] = up;
        r = up;
      }
      return r;
    };
    const kept = new PairBuffer();
    const pairFiles = outcomes.map((o) => o.pairsPath);
    for (const path of pairFiles)
      forEachSpilledPair(path, (a, b, w) => {
        const probability = probabilityOf(priorWeight + w);
        if (!(probability >= threshold)) return;
        kept.push(a, b, probability);
        const ra = find(a);
        const rb = find(b);
        if (ra !== rb) parent[ra < rb ? rb : ra] = ra < rb ? ra : rb;
      });
    const links = kept.count;
    for (const path of pairFiles)
      forEachSpilledPair(path, (a, b, w) => {
        const probability = probabilityOf(priorWeight + w);
        if (probability < cannotBelow && find(a) === find(b)) kept.push(a, b, probability);
      });
    progress(
      "cluster",
      `${links.toLocaleString("en-US")} links and ${(kept.count - links).toLocaleString("en-US")} pairs that keep records apart`,
    );
    const spillBytes =
      recordFiles.reduce((sum, w) => sum + w.bytes, 0) + candidatePairs * 16 + terms.hashes.length;
    for (const path of pairFiles) rmSync(path);
    const clustering = clusterPairs(
      N,
      { left: kept.left, right: kept.right, probability: kept.value, count: kept.count },
      {
        threshold,
        maxClusterSize: settings.clustering.maxClusterSize,
        ...(settings.clustering.minDensity !== undefined
          ? { minDensity: settings.clustering.minDensity }
          : {}),
      },
    );
    lap("cluster");
    progress("cluster", `${clustering.clusters.toLocaleString("en-US")} entities`);
    return {
      records: N,
      partitions: P,
      partitionReports,
      copiesPerRecord: copies / N,
      sampleRecords,
      candidatePairs,
      links,
      model,
      clustering,
      seconds,
      spillBytes,
      peakMiB,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Scans an SQLite store in worker threads, each reading ranges of row ids; pages are applied in row order (a
 * chunk's pages wait for the chunks before it), so records are numbered as one thread would number them.
 */
async function scanInThreads(
  store: Store,
  file: string,
  sources: string[] | null,
  setup: ScanSetup,
  threads: number,
  apply: (page: ScannedPage) => void,
): Promise<void> {
  const only =
    sources && sources.length > 0 ? sql` and source in (${sql.join(sources.map((x) => sql`${x}`))})` : sql``;
  const bounds = (
    await sql<{ low: number | null; high: number | null }>`select min(rowid) as low, max(rowid) as high
      from match_view`.execute(store.db)
  ).rows[0];
  const low = Number(bounds?.low ?? 1) - 1;
  const high = Number(bounds?.high ?? 0);
  const chunks: ScanChunk[] = [];
  let gidBase = 0;
  for (let from = low; from < high; from += 50_000) {
    const to = Math.min(high, from + 50_000);
    const n = Number(
      (
        await sql<{
          n: number;
        }>`select count(*) as n from match_view where rowid > ${from} and rowid <= ${to}${only}`.execute(
          store.db,
        )
      ).rows[0]?.n ?? 0,
    );
    if (n > 0) chunks.push({ index: chunks.length, fromId: from, toId: to, gidBase });
    gidBase += n;
  }
  const queues = chunks.map(() => [] as ScannedPage[]);
  const finished = chunks.map(() => false);
  let next = 0;
  const drain = () => {
    while (next < chunks.length) {
      const queue = queues[next] as ScannedPage[];
      for (let page = queue.shift(); page; page = queue.shift()) apply(page);
      if (!finished[next]) return;
      next++;
    }
  };
  const here = import.meta.url;
  const isTypeScript = here.endsWith(".ts");
  const script = new URL(
    isTypeScript ? "./resolve-partitioned-scan-worker.ts" : "./resolve-partitioned-scan-worker.js",
    here,
  );
  const entry = isTypeScript ? new URL("./typescript-worker.mjs", here) : script;
  let handedOut = 0;
  const workers: Worker[] = [];
  await Promise.all(
    Array.from(
      { length: Math.min(threads, Math.max(1, chunks.length)) },
      () =>
        new Promise<void>((resolve, reject) => {
          const worker = new Worker(entry, {
            workerData: { setup, file, sources, typescriptScript: script.href },
          });
          workers.push(worker);
          const handOut = () => worker.postMessage(handedOut < chunks.length ? chunks[handedOut++] : null);
          worker.on(
            "message",
            (m: { kind: "page"; chunk: number; page: ScannedPage } | { kind: "done"; chunk: number }) => {
              if (m.kind === "page") queues[m.chunk]?.push(m.page);
              else {
                finished[m.chunk] = true;
                handOut();
              }
              drain();
            },
          );
          worker.on("error", (error) => {
            for (const w of workers) void w.terminate();
            reject(error);
          });
          worker.on("exit", (code) => {
            if (code !== 0) reject(new Error(`a scanning thread stopped with exit code ${code}`));
            else resolve();
          });
          handOut();
        }),
    ),
  );
  drain();
  if (next < chunks.length) throw new Error("the scanning threads stopped before every chunk was read");
}

/** Scores the partitions in `threads` worker threads, handing each the next partition when it is done. */
async function scoreInThreads(
  setup: PartitionSetup,
  threads: number,
  heapMB: number,
  done: (outcome: PartitionOutcome) => void,
): Promise<void> {
  const here = import.meta.url;
  const isTypeScript = here.endsWith(".ts");
  const script = new URL(
    isTypeScript ? "./resolve-partitioned-worker.ts" : "./resolve-partitioned-worker.js",
    here,
  );
  const entry = isTypeScript ? new URL("./typescript-worker.mjs", here) : script;
  let next = 0;
  const workers: Worker[] = [];
  await Promise.all(
    Array.from(
      { length: threads },
      () =>
        new Promise<void>((resolve, reject) => {
          const worker = new Worker(entry, {
            workerData: { setup, typescriptScript: script.href },
            resourceLimits: { maxOldGenerationSizeMb: heapMB },
          });
          workers.push(worker);
          const handOut = () => worker.postMessage(next < setup.partitions ? next++ : null);
          worker.on("message", (outcome: PartitionOutcome) => {
            done(outcome);
            handOut();
          });
          worker.on("error", (error) => {
            // One thread failing stops the others: the spill directory is about to be removed.
            for (const w of workers) void w.terminate();
            reject(
              (error as { code?: string }).code === "ERR_WORKER_OUT_OF_MEMORY"
                ? new Error(
                    `a scoring thread ran out of memory (${heapMB} MiB): raise --memory or --partitions`,
                  )
                : error,
            );
          });
          worker.on("exit", (code) => {
            if (code !== 0)
              reject(
                new Error(
                  `a scoring thread stopped with exit code ${code} (out of memory? raise --memory or --partitions)`,
                ),
              );
            else resolve();
          });
          handOut();
        }),
    ),
  );
}

/** All pairs a run could compare (link mode: only pairs of different sources). */
function possiblePairs(n: number, perSource: Map<string, number>, mode: string): number {
  if (mode !== "link") return (n * (n - 1)) / 2;
  let same = 0;
  for (const k of perSource.values()) same += (k * (k - 1)) / 2;
  return (n * (n - 1)) / 2 - same;
}

/** Streams `source/id,entity` lines of a partitioned run's clusters, in the run's record order. */
export async function* clusterLines(
  store: Store,
  clusterOf: Int32Array,
  sources?: string[],
): AsyncGenerator<string> {
  let gid = 0;
  for await (const page of matchViewPages(store, sources)) {
    const lines = page.map((r) => `${JSON.stringify(`${r.source}/${r.sourceRecordId}`)},${clusterOf[gid++]}`);
    yield `${lines.join("\n")}\n`;
  }
}
