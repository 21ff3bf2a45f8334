import { randomUUID } from "node:crypto";
import { stat } from "node:fs/promises";
import { availableParallelism } from "node:os";
import type { CompiledMapping } from "../mapping/compile-mapping.js";
import { erasedRecords } from "../privacy/tombstones.js";
import { formatOfPath, readSource } from "../sources/open-source.js";
import type { ReadItem } from "../sources/types.js";
import type { StandardizeOptions } from "../standardize/record.js";
import {
  emptyCounts,
  finishImportRun,
  type ImportCounts,
  saveImportProgress,
  startImportRun,
} from "../store/import-runs.js";
import type { Store } from "../store/open-store.js";
import { type QuarantinedRow, quarantineRows } from "../store/quarantine.js";
import { type PendingRecord, upsertSource, writeRecords } from "../store/source-records.js";
import { inlinePool, type PreparePool, workerPool } from "./prepare-pool.js";
import type { PreparedRow } from "./prepare-row.js";
import { type ProgressReporter, silentProgress } from "./progress.js";

export interface ImportOptions {
  path: string;
  mapping: CompiledMapping;
  progress?: ProgressReporter;
  /** Records written per transaction. */
  batchSize?: number;
  /**
   * Worker threads that map and standardise rows while the main thread reads and writes. Default: one
   * per core, none for small files; 0 keeps everything on the main thread.
   */
  workers?: number;
  now?: () => Date;
}

export interface ImportReport extends ImportCounts {
  runId: string;
  source: string;
  path: string;
  seconds: number;
  rowsPerSecond: number;
}

/** Rows sent to a worker at a time: large enough to amortise the message, small enough to keep all busy. */
const chunkRows = 500;
const smallFileBytes = 2 * 1024 * 1024;

async function defaultWorkers(path: string): Promise<number> {
  const size = await stat(path).then(
    (s) => s.size,
    () => 0,
  );
  return size < smallFileBytes ? 0 : Math.max(1, Math.min(4, availableParallelism()));
}

/**
 * Imports one file of one source: read, map, standardise, store. Every row read ends up either as a
 * record (new, a new version, or unchanged) or in quarantine with its reason, and the counts say so.
 */
export async function importSource(store: Store, options: ImportOptions): Promise<ImportReport> {
  const { mapping: compiled, path } = options;
  const mapping = compiled.mapping;
  const now = options.now ?? (() => new Date());
  const progress = options.progress ?? silentProgress;
  const batchSize = options.batchSize ?? 5000;
  const started = performance.now();
  const startedAt = now().toISOString();
  const runId = randomUUID();
  const format = mapping.format ?? formatOfPath(path);

  await upsertSource(store, mapping, startedAt);
  await startImportRun(store, { id: runId, source: mapping.source, path, format, startedAt });

  const counts = emptyCounts();
  let pending: PendingRecord[] = [];
  let quarantined: QuarantinedRow[] = [];
  const standardizeOptions: StandardizeOptions = {
    ...(mapping.defaultCountry ? { defaultCountry: mapping.defaultCountry } : {}),
    dateOrder: mapping.dateOrder,
    now: new Date(startedAt),
  };
  const workers = options.workers ?? (await defaultWorkers(path));
  const pool: PreparePool =
    workers > 0
      ? workerPool(compiled, startedAt, standardizeOptions, workers)
      : inlinePool(compiled, startedAt, standardizeOptions);

  const flush = async () => {
    let batch = pending;
    const rejected = quarantined;
    pending = [];
    quarantined = [];
    // A row naming a person who was erased is refused, so that importing a file again cannot bring them back;
    // its raw text is not kept (that would undo the erasure).
    const erased = await erasedRecords(
      store.db,
      batch.map((r) => r.standardizedJson),
    );
    if (erased.size > 0) {
      for (const i of erased) {
        const r = batch[i] as PendingRecord;
        counts.accepted--;
        counts.quarantined++;
        rejected.push({
          importRunId: runId,
          source: mapping.source,
          rowNumber: r.rowNumber,
          code: "erased_person",
          field: null,
          reason: "the row names a person who was erased (right to erasure); it is not stored",
          raw: "",
          createdAt: startedAt,
        });
      }
      batch = batch.filter((_, i) => !erased.has(i));
    }
    await store.db.transaction().execute(async (trx) => {
      const outcome = await writeRecords(trx, runId, startedAt, batch);
      counts.newRecords += outcome.newRecords;
      counts.newVersions += outcome.newVersions;
      counts.unchanged += outcome.unchanged;
      await quarantineRows(trx, rejected);
      await saveImportProgress(trx, runId, counts);
    });
    progress.update(counts.rowsRead, `${counts.quarantined} quarantined`);
  };

  const take = async (rows: PreparedRow[]) => {
    for (const row of rows) {
      counts.rowsRead++;
      if (row.kind === "rejected") {
        counts.quarantined++;
        quarantined.push({
          importRunId: runId,
          source: mapping.source,
          rowNumber: row.rowNumber,
          code: row.code,
          field: row.field,
          reason: row.reason,
          raw: row.raw,
          createdAt: startedAt,
        });
      } else {
        counts.accepted++;
        for (const code of row.issueCodes) counts.issueCounts[code] = (counts.issueCounts[code] ?? 0) + 1;
        pending.push(row.record);
      }
    }
    if (pending.length >= batchSize || quarantined.length >= batchSize) await flush();
  };

  progress.start(`import ${mapping.source}`, null, "rows");
  try {
    const readOptions = {
      ...(format ? { format } : {}),
      ...(mapping.delimiter ? { delimiter: mapping.delimiter } : {}),
      ...(mapping.encoding ? { encoding: mapping.encoding } : {}),
    };
    // Chunks in flight: enough to keep every worker busy while the main thread reads and writes.
    const inflight: Promise<PreparedRow[]>[] = [];
    const maxInflight = Math.max(2, workers * 3);
    let chunk: ReadItem[] = [];
    const send = (items: ReadItem[]) => {
      const prepared = pool.prepare(items);
      prepared.catch(() => {}); // awaited in order below; this only keeps a later failure from going unhandled
      inflight.push(prepared);
    };
    for await (const item of readSource(path, readOptions)) {
      chunk.push(item);
      if (chunk.length < chunkRows) continue;
      send(chunk);
      chunk = [];
      if (inflight.length >= maxInflight) await take(await (inflight.shift() as Promise<PreparedRow[]>));
    }
    if (chunk.length > 0) send(chunk);
    for (const p of inflight) await take(await p);
    await flush();
  } catch (error) {
    progress.stop();
    await finishImportRun(store, runId, {
      status: "failed",
      finishedAt: now().toISOString(),
      error: (error as Error).message,
    });
    throw error;
  } finally {
    await pool.close();
  }
  const seconds = (performance.now() - started) / 1000;
  await finishImportRun(store, runId, { status: "completed", finishedAt: now().toISOString() });
  progress.stop(`${counts.rowsRead} rows in ${seconds.toFixed(1)} s`);
  return {
    ...counts,
    runId,
    source: mapping.source,
    path,
    seconds,
    rowsPerSecond: seconds > 0 ? counts.rowsRead / seconds : counts.rowsRead,
  };
}
