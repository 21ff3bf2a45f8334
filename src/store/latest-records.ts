import type { ExpressionBuilder } from "kysely";
import type { StandardizedRecord } from "../model/standardized.js";
import type { Store } from "./open-store.js";
import { type Database, fromJson } from "./schema.js";

/**
 * The filter "no newer version of this record exists", for a query over `source_record as s`: what makes a
 * row the latest version of its record.
 */
export function notSuperseded({ not, exists, selectFrom }: ExpressionBuilder<LatestScope, "s">) {
  return not(
    exists(
      selectFrom("source_record as newer")
        .select("newer.id")
        .whereRef("newer.source", "=", "s.source")
        .whereRef("newer.source_record_id", "=", "s.source_record_id")
        .whereRef("newer.version", ">", "s.version"),
    ),
  );
}

type LatestScope = Database & { s: Database["source_record"] };

export interface LatestRecord {
  id: number;
  source: string;
  sourceRecordId: string;
  extra: Record<string, unknown>;
  standardized: StandardizedRecord;
}

/**
 * The latest version of every source record (optionally of some sources), in pages by storage id so
 * that millions of records stream through without one huge result set.
 */
export async function* latestRecords(
  store: Store,
  options: { sources?: string[]; pageSize?: number } = {},
): AsyncGenerator<LatestRecord[]> {
  const pageSize = options.pageSize ?? 20_000;
  let after = 0;
  for (;;) {
    let q = store.db
      .selectFrom("source_record as s")
      .select(["s.id", "s.source", "s.source_record_id", "s.attributes", "s.standardized"])
      .where("s.id", ">", after)
      .where(notSuperseded);
    if (options.sources && options.sources.length > 0) q = q.where("s.source", "in", options.sources);
    const rows = await q.orderBy("s.id").limit(pageSize).execute();
    if (rows.length === 0) return;
    after = Number(rows[rows.length - 1]?.id);
    yield rows.map((r) => ({
      id: Number(r.id),
      source: r.source,
      sourceRecordId: r.source_record_id,
      extra: fromJson<{ extra?: Record<string, unknown> }>(r.attributes).extra ?? {},
      standardized: fromJson<StandardizedRecord>(r.standardized),
    }));
    if (rows.length < pageSize) return;
  }
}
