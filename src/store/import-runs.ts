import type { Transaction } from "kysely";
import type { Store } from "./open-store.js";
import { type Database, fromCount, fromJson, fromTime } from "./schema.js";

export interface ImportCounts {
  rowsRead: number;
  accepted: number;
  newRecords: number;
  newVersions: number;
  unchanged: number;
  quarantined: number;
  /** Issue code → how many times it was seen on accepted records. */
  issueCounts: Record<string, number>;
}

export interface ImportRun extends ImportCounts {
  id: string;
  source: string;
  path: string;
  format: string | null;
  status: "running" | "completed" | "failed";
  startedAt: string;
  finishedAt: string | null;
  error: string | null;
}

export function emptyCounts(): ImportCounts {
  return {
    rowsRead: 0,
    accepted: 0,
    newRecords: 0,
    newVersions: 0,
    unchanged: 0,
    quarantined: 0,
    issueCounts: {},
  };
}

export async function startImportRun(
  store: Store,
  run: { id: string; source: string; path: string; format: string | null; startedAt: string },
): Promise<void> {
  await store.db
    .insertInto("import_run")
    .values({
      id: run.id,
      source: run.source,
      path: run.path,
      format: run.format,
      status: "running",
      started_at: run.startedAt,
      finished_at: null,
      rows_read: 0,
      accepted: 0,
      new_records: 0,
      new_versions: 0,
      unchanged: 0,
      quarantined: 0,
      issue_counts: "{}",
      error: null,
    })
    .execute();
}

/** Saves the counts so far; called in the same transaction as each batch, so a crash leaves them true. */
export async function saveImportProgress(
  trx: Transaction<Database>,
  id: string,
  counts: ImportCounts,
): Promise<void> {
  await trx
    .updateTable("import_run")
    .set({
      rows_read: counts.rowsRead,
      accepted: counts.accepted,
      new_records: counts.newRecords,
      new_versions: counts.newVersions,
      unchanged: counts.unchanged,
      quarantined: counts.quarantined,
      issue_counts: JSON.stringify(counts.issueCounts),
    })
    .where("id", "=", id)
    .execute();
}

export async function finishImportRun(
  store: Store,
  id: string,
  outcome: { status: "completed" | "failed"; finishedAt: string; error?: string },
): Promise<void> {
  await store.db
    .updateTable("import_run")
    .set({ status: outcome.status, finished_at: outcome.finishedAt, error: outcome.error ?? null })
    .where("id", "=", id)
    .execute();
}

export async function getImportRun(store: Store, id: string): Promise<ImportRun | null> {
  const r = await store.db.selectFrom("import_run").selectAll().where("id", "=", id).executeTakeFirst();
  if (!r) return null;
  return {
    id: r.id,
    source: r.source,
    path: r.path,
    format: r.format,
    status: r.status,
    startedAt: fromTime(r.started_at),
    finishedAt: r.finished_at === null ? null : fromTime(r.finished_at),
    error: r.error,
    rowsRead: fromCount(r.rows_read),
    accepted: fromCount(r.accepted),
    newRecords: fromCount(r.new_records),
    newVersions: fromCount(r.new_versions),
    unchanged: fromCount(r.unchanged),
    quarantined: fromCount(r.quarantined),
    issueCounts: fromJson<Record<string, number>>(r.issue_counts),
  };
}

export async function listImportRuns(store: Store, limit = 50): Promise<ImportRun[]> {
  const ids = await store.db
    .selectFrom("import_run")
    .select("id")
    .orderBy("started_at", "desc")
    .limit(limit)
    .execute();
  const runs = await Promise.all(ids.map((r) => getImportRun(store, r.id)));
  return runs.filter((r): r is ImportRun => r !== null);
}
