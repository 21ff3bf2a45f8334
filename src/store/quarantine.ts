import type { Transaction } from "kysely";
import type { Store } from "./open-store.js";
import { type Database, fromTime } from "./schema.js";
import { withoutNul } from "./storable-text.js";

/** A row that did not become a record, kept with why, so that nothing an import read is lost. */
export interface QuarantinedRow {
  importRunId: string;
  source: string;
  rowNumber: number;
  code: string;
  field: string | null;
  reason: string;
  raw: string;
  createdAt: string;
}

const chunk = 500;

export async function quarantineRows(trx: Transaction<Database>, rows: QuarantinedRow[]): Promise<void> {
  for (let i = 0; i < rows.length; i += chunk) {
    await trx
      .insertInto("quarantine")
      .values(
        rows.slice(i, i + chunk).map((r) => ({
          import_run_id: r.importRunId,
          source: r.source,
          row_number: r.rowNumber,
          code: r.code,
          field: r.field,
          reason: withoutNul(r.reason),
          raw: withoutNul(r.raw),
          created_at: r.createdAt,
        })),
      )
      .execute();
  }
}

export async function listQuarantine(
  store: Store,
  filter: { importRunId?: string; source?: string; limit?: number } = {},
): Promise<QuarantinedRow[]> {
  let q = store.db.selectFrom("quarantine").selectAll();
  if (filter.importRunId) q = q.where("import_run_id", "=", filter.importRunId);
  if (filter.source) q = q.where("source", "=", filter.source);
  const rows = await q
    .orderBy("id")
    .limit(filter.limit ?? 1000)
    .execute();
  return rows.map((r) => ({
    importRunId: r.import_run_id,
    source: r.source,
    rowNumber: r.row_number,
    code: r.code,
    field: r.field,
    reason: r.reason,
    raw: r.raw,
    createdAt: fromTime(r.created_at),
  }));
}
