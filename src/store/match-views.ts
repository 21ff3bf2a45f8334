import { type Kysely, sql } from "kysely";
import { matchViewJson } from "../model/match-record.js";
import { latestRecords } from "./latest-records.js";
import type { Store } from "./open-store.js";
import type { Database } from "./schema.js";

/**
 * The match view of each record's latest version (see migration 003): written beside every new version,
 * read by resolution runs. A store from before the table existed is filled in once, by `ensureMatchViews`.
 */

export interface MatchViewRow {
  source: string;
  sourceRecordId: string;
  view: string;
}

const chunk = 300;

/** Writes views, the last one of a key winning (a batch may hold two versions of one record). */
export async function upsertMatchViews(db: Kysely<Database>, rows: MatchViewRow[]): Promise<void> {
  const last = new Map<string, MatchViewRow>();
  for (const r of rows) last.set(`${r.source}\u0000${r.sourceRecordId}`, r);
  const unique = [...last.values()];
  for (let i = 0; i < unique.length; i += chunk) {
    const values = unique.slice(i, i + chunk).map((r) => sql`(${r.source}, ${r.sourceRecordId}, ${r.view})`);
    await sql`insert into match_view (source, source_record_id, view) values ${sql.join(values)}
      on conflict (source, source_record_id) do update set view = excluded.view`.execute(db);
  }
}

/**
 * Makes sure every record has its view: stores written before the table existed have none. Cheap when
 * complete (two counts); otherwise writes the missing ones from the latest versions, with progress.
 */
export async function ensureMatchViews(
  store: Store,
  progress?: (done: number, total: number) => void,
): Promise<number> {
  const count = async (q: ReturnType<typeof sql<{ n: number | string }>>) =>
    Number((await q.execute(store.db)).rows[0]?.n ?? 0);
  const records = await count(sql<{ n: number }>`select count(*) as n from source_record where version = 1`);
  const views = await count(sql<{ n: number }>`select count(*) as n from match_view`);
  if (views >= records) return 0;
  let written = 0;
  for await (const page of latestRecords(store)) {
    const rows = page.map((r) => ({
      source: r.source,
      sourceRecordId: r.sourceRecordId,
      view: matchViewJson(r.standardized),
    }));
    await store.db.transaction().execute((trx) => upsertMatchViews(trx, rows));
    written += rows.length;
    progress?.(written, records);
  }
  return written;
}

/**
 * Every match view (of some sources) in pages, in the order a resolution run numbers records: by row id on
 * SQLite (the order records were first stored), by key on PostgreSQL. The same order as `loadRecordTable`.
 */
export async function* matchViewPages(
  store: Store,
  sources?: readonly string[],
  size = 20_000,
): AsyncGenerator<MatchViewRow[]> {
  const only =
    sources && sources.length > 0 ? sql` and source in (${sql.join(sources.map((x) => sql`${x}`))})` : sql``;
  if (store.dialect === "sqlite") {
    let after = 0;
    for (;;) {
      const rows = (
        await sql<{ id: number; source: string; source_record_id: string; view: string }>`
          select rowid as id, source, source_record_id, view from match_view where rowid > ${after}${only}
          order by rowid limit ${size}`.execute(store.db)
      ).rows;
      if (rows.length === 0) return;
      after = Number(rows[rows.length - 1]?.id);
      yield rows.map((r) => ({ source: r.source, sourceRecordId: r.source_record_id, view: r.view }));
    }
  }
  let last: [string, string] | null = null;
  for (;;) {
    const after = last ? sql` and (source, source_record_id) > (${last[0]}, ${last[1]})` : sql``;
    const rows = (
      await sql<{ source: string; source_record_id: string; view: string }>`
        select source, source_record_id, view from match_view where true${after}${only}
        order by source, source_record_id limit ${size}`.execute(store.db)
    ).rows;
    if (rows.length === 0) return;
    const tail = rows[rows.length - 1] as { source: string; source_record_id: string };
    last = [tail.source, tail.source_record_id];
    yield rows.map((r) => ({ source: r.source, sourceRecordId: r.source_record_id, view: r.view }));
  }
}

/** How many match views there are (of some sources). */
export async function countMatchViews(store: Store, sources?: readonly string[]): Promise<number> {
  const only =
    sources && sources.length > 0
      ? sql` where source in (${sql.join(sources.map((x) => sql`${x}`))})`
      : sql``;
  const row = (
    await sql<{ n: number | string }>`select count(*) as n from match_view${only}`.execute(store.db)
  ).rows[0];
  return Number(row?.n ?? 0);
}
