import { availableParallelism } from "node:os";
import { Worker } from "node:worker_threads";
import { sql } from "kysely";
import type { MatchRecord } from "../model/match-record.js";
import {
  extractFeatures,
  type FeatureBatch,
  RecordTableBuilder,
  type RecordToResolve,
} from "../resolve/features.js";
import type { RecordTable } from "../resolve/record-table.js";
import { latestRecords } from "../store/latest-records.js";
import { ensureMatchViews, matchViewPages } from "../store/match-views.js";
import type { Store } from "../store/open-store.js";
import { type LoadChunk, type LoadSetup, latestVersionsSql } from "./load-table-sql.js";

/**
 * Loads the latest version of every stored record (of some sources) straight into a record table, never
 * holding more than a batch of records as objects. On an SQLite file with many rows, worker threads read
 * ranges of storage ids in parallel and derive the features; the main thread interns them in storage
 * order, so the table is the same whichever path built it.
 */
export interface LoadOptions {
  sources?: string[];
  features: Iterable<string>;
  truth?: { field: string } | { idPattern: RegExp };
  /** Worker threads (default: the cores, at most 4); 0 reads in this thread. */
  threads?: number;
  batchSize?: number;
  /** Fewest stored rows worth starting threads for (default 200,000). */
  parallelFrom?: number;
  progress?: (loaded: number) => void;
  /** A store from before match views gets them written once, first: this reports how far. */
  onBackfill?: (done: number, total: number) => void;
}

export interface LoadedTable {
  table: RecordTable;
  /** Truth labels in table order, when asked for. */
  labels: string[] | null;
}

/** Below this many stored rows, starting threads costs more than it saves. */
const parallelFrom = 200_000;

export async function loadRecordTable(store: Store, options: LoadOptions): Promise<LoadedTable> {
  const builder = new RecordTableBuilder(options.features);
  const labels: string[] | null = options.truth ? [] : null;
  const threads = options.threads ?? Math.min(4, availableParallelism());
  // A truth label kept in a record's extra fields needs the whole record; everything else reads views.
  const mode: LoadSetup["mode"] = options.truth && "field" in options.truth ? "records" : "views";
  if (mode === "views") await ensureMatchViews(store, options.onBackfill);
  if (store.file && threads > 0) {
    const ranges = await idRanges(store, mode, options.sources);
    const rows = ranges.reduce((sum, [from, to]) => sum + (to - from), 0);
    if (rows >= (options.parallelFrom ?? parallelFrom)) {
      await loadInThreads(store, store.file, mode, ranges, threads, builder, labels, options);
      return { table: builder.finish(), labels };
    }
  }
  const truth = options.truth;
  if (mode === "views") {
    for await (const page of matchViewPages(store, options.sources)) {
      builder.add(
        extractFeatures(
          page.map((r) => ({
            key: `${r.source}/${r.sourceRecordId}`,
            source: r.source,
            standardized: JSON.parse(r.view) as MatchRecord,
          })),
          builder.features,
        ),
      );
      if (labels && truth && "idPattern" in truth) {
        for (const r of page)
          labels.push(truth.idPattern.exec(r.sourceRecordId)?.[1] ?? `none:${r.source}/${r.sourceRecordId}`);
      }
      options.progress?.(builder.size);
    }
    return { table: builder.finish(), labels };
  }
  for await (const page of latestRecords(store, options.sources ? { sources: options.sources } : {})) {
    const records: RecordToResolve[] = page.map((r) => ({
      key: `${r.source}/${r.sourceRecordId}`,
      source: r.source,
      standardized: r.standardized,
    }));
    builder.add(extractFeatures(records, builder.features));
    if (labels && truth && "field" in truth) {
      for (const r of page)
        labels.push(String(r.extra[truth.field] ?? `none:${r.source}/${r.sourceRecordId}`));
    }
    options.progress?.(builder.size);
  }
  return { table: builder.finish(), labels };
}

/**
 * The storage ids to read, as (from, to] ranges: one per source asked for (a source's records are stored
 * mostly together, one import after another; other rows inside its range are filtered out by the query),
 * or the whole table. Read from the unique index, which holds each row's id.
 */
async function idRanges(
  store: Store,
  mode: LoadSetup["mode"],
  sources: string[] | undefined,
): Promise<[number, number][]> {
  const table = sql.raw(mode === "views" ? "match_view" : "source_record");
  const id = sql.raw(mode === "views" ? "rowid" : "id");
  const bounds = async (source: string | null) => {
    const where = source ? sql` where source = ${source}` : sql``;
    const q = sql<{ low: number | null; high: number | null }>`select min(${id}) as low, max(${id}) as high
      from ${table}${where}`;
    const row = (await q.execute(store.db)).rows[0];
    return row?.low == null || row.high == null
      ? null
      : ([Number(row.low) - 1, Number(row.high)] as [number, number]);
  };
  const found = sources && sources.length > 0 ? await Promise.all(sources.map(bounds)) : [await bounds(null)];
  const ranges = found.filter((r): r is [number, number] => r !== null).sort((a, b) => a[0] - b[0]);
  // Overlapping ranges (a source imported again after another) merge, so no row is read twice.
  const merged: [number, number][] = [];
  for (const r of ranges) {
    const last = merged[merged.length - 1];
    if (last && r[0] <= last[1]) last[1] = Math.max(last[1], r[1]);
    else merged.push([r[0], r[1]]);
  }
  return merged;
}

async function loadInThreads(
  store: Store,
  file: string,
  mode: LoadSetup["mode"],
  ranges: [number, number][],
  threads: number,
  builder: RecordTableBuilder,
  labels: string[] | null,
  options: LoadOptions,
): Promise<void> {
  const here = import.meta.url;
  const isTypeScript = here.endsWith(".ts");
  const script = new URL(isTypeScript ? "./load-table-worker.ts" : "./load-table-worker.js", here);
  const entry = isTypeScript ? new URL("./typescript-worker.mjs", here) : script;
  const versions =
    mode === "records"
      ? (
          await sql<{ source: string; source_record_id: string; version: number }>`${sql.raw(
            latestVersionsSql,
          )}`.execute(store.db)
        ).rows
      : [];
  const setup: LoadSetup = {
    file,
    mode,
    sources: options.sources && options.sources.length > 0 ? options.sources : null,
    features: builder.features,
    truth: options.truth
      ? "field" in options.truth
        ? { field: options.truth.field }
        : { idPattern: options.truth.idPattern.source }
      : null,
    latestVersions: versions.map((r) => [`${r.source}/${r.source_record_id}`, Number(r.version)]),
    batchSize: options.batchSize ?? 20_000,
    typescriptScript: script.href,
  };
  // Many more chunks than threads, so that threads stay busy to the end.
  const chunks: LoadChunk[] = [];
  for (const [from, to] of ranges) {
    const count = Math.max(1, Math.ceil((to - from) / 50_000));
    const step = Math.ceil((to - from) / count);
    for (let k = 0; k < count; k++) {
      chunks.push({
        index: chunks.length,
        fromId: from + k * step,
        toId: Math.min(to, from + (k + 1) * step),
      });
    }
  }
  // A chunk's batches wait until the chunks before it are in, so records keep storage order.
  const queues = chunks.map(() => [] as { batch: FeatureBatch; labels: string[] }[]);
  const finished = chunks.map(() => false);
  let next = 0;
  const drain = () => {
    while (next < chunks.length) {
      const queue = queues[next] as { batch: FeatureBatch; labels: string[] }[];
      for (let item = queue.shift(); item; item = queue.shift()) {
        builder.add(item.batch);
        if (labels) for (const l of item.labels) labels.push(l);
        options.progress?.(builder.size);
      }
      if (!finished[next]) return;
      next++;
    }
  };
  let handedOut = 0;
  await Promise.all(
    Array.from({ length: threads }, () => {
      return new Promise<void>((resolve, reject) => {
        const worker = new Worker(entry, { workerData: setup });
        const handOut = () => worker.postMessage(handedOut < chunks.length ? chunks[handedOut++] : null);
        worker.on(
          "message",
          (
            m:
              | { kind: "batch"; chunk: number; batch: FeatureBatch; labels: string[] }
              | { kind: "done"; chunk: number },
          ) => {
            if (m.kind === "batch") queues[m.chunk]?.push({ batch: m.batch, labels: m.labels });
            else {
              finished[m.chunk] = true;
              handOut();
            }
            drain();
          },
        );
        worker.on("error", reject);
        worker.on("exit", (code) => {
          if (code !== 0) reject(new Error(`a loading thread stopped with exit code ${code}`));
          else resolve();
        });
        handOut();
      });
    }),
  );
  drain();
  if (next < chunks.length) throw new Error("the loading threads stopped before every chunk was read");
}
