import { createHash, randomUUID } from "node:crypto";
import { type ApplyResult, applyMapping } from "../mapping/apply-mapping.js";
import type { CompiledMapping } from "../mapping/compile-mapping.js";
import type { Issue } from "../model/issue.js";
import { formatOfPath, readSource } from "../sources/open-source.js";
import { standardizeRecord } from "../standardize/record.js";
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
import { type ProgressReporter, silentProgress } from "./progress.js";

export interface ImportOptions {
  path: string;
  mapping: CompiledMapping;
  progress?: ProgressReporter;
  /** Records written per transaction. */
  batchSize?: number;
  now?: () => Date;
}

export interface ImportReport extends ImportCounts {
  runId: string;
  source: string;
  path: string;
  seconds: number;
  rowsPerSecond: number;
}

const rawLimit = 64 * 1024;

function hashAttributes(attributes: unknown): string {
  return createHash("sha1").update(JSON.stringify(attributes)).digest("base64url");
}

function rawOf(row: Record<string, unknown>): string {
  const text = JSON.stringify(row);
  return text.length > rawLimit ? `${text.slice(0, rawLimit)}…` : text;
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
  const batchSize = options.batchSize ?? 2000;
  const started = performance.now();
  const startedAt = now().toISOString();
  const runId = randomUUID();
  const format = mapping.format ?? formatOfPath(path);

  await upsertSource(store, mapping, startedAt);
  await startImportRun(store, { id: runId, source: mapping.source, path, format, startedAt });

  const counts = emptyCounts();
  let pending: PendingRecord[] = [];
  let quarantined: QuarantinedRow[] = [];
  const standardizeOptions = {
    ...(mapping.defaultCountry ? { defaultCountry: mapping.defaultCountry } : {}),
    dateOrder: mapping.dateOrder,
    now: new Date(startedAt),
  };

  const countIssues = (issues: Issue[]) => {
    for (const i of issues) counts.issueCounts[i.code] = (counts.issueCounts[i.code] ?? 0) + 1;
  };

  const flush = async () => {
    const batch = pending;
    const rejected = quarantined;
    pending = [];
    quarantined = [];
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

  progress.start(`import ${mapping.source}`, null, "rows");
  try {
    const readOptions = {
      ...(format ? { format } : {}),
      ...(mapping.delimiter ? { delimiter: mapping.delimiter } : {}),
      ...(mapping.encoding ? { encoding: mapping.encoding } : {}),
    };
    for await (const item of readSource(path, readOptions)) {
      counts.rowsRead++;
      if (item.kind === "unreadable") {
        counts.quarantined++;
        quarantined.push({
          importRunId: runId,
          source: mapping.source,
          rowNumber: item.rowNumber,
          code: item.reason.code,
          field: item.reason.field ?? null,
          reason: item.reason.message,
          raw: item.raw,
          createdAt: startedAt,
        });
      } else {
        const mapped: ApplyResult = applyMapping(compiled, item.values, item.rowNumber, startedAt);
        if (!mapped.ok) {
          counts.quarantined++;
          quarantined.push({
            importRunId: runId,
            source: mapping.source,
            rowNumber: item.rowNumber,
            code: mapped.reason.code,
            field: mapped.reason.field ?? null,
            reason: mapped.reason.message,
            raw: rawOf(item.values),
            createdAt: startedAt,
          });
        } else {
          const { standardized, issues } = standardizeRecord(mapped.record.attributes, standardizeOptions);
          const all = mapped.issues.length > 0 ? [...mapped.issues, ...issues] : issues;
          countIssues(all);
          counts.accepted++;
          pending.push({
            record: mapped.record,
            standardized,
            issues: all,
            contentHash: hashAttributes(mapped.record.attributes),
            rowNumber: item.rowNumber,
          });
        }
      }
      if (pending.length >= batchSize || quarantined.length >= batchSize) await flush();
    }
    await flush();
  } catch (error) {
    progress.stop();
    await finishImportRun(store, runId, {
      status: "failed",
      finishedAt: now().toISOString(),
      error: (error as Error).message,
    });
    throw error;
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
