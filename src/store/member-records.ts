import type { Kysely } from "kysely";
import type { MemberRecord } from "../master/golden-profile.js";
import type { StandardizedRecord } from "../model/standardized.js";
import { keysBySource } from "./entities.js";
import { notSuperseded } from "./latest-records.js";
import type { Store } from "./open-store.js";
import { type Database, fromJson, fromTime } from "./schema.js";

/**
 * Source records as mastering reads them: the latest version of each, with what survivorship needs —
 * standardised data, source, version, when observed, and the source's trust.
 */

type Db = Kysely<Database>;

export async function sourceTrust(db: Db): Promise<Map<string, number>> {
  const rows = await db.selectFrom("source").select(["name", "trust"]).execute();
  return new Map(rows.map((r) => [r.name, Number(r.trust)]));
}

/** The latest version of every record, in pages by storage id. */
export async function* latestMemberRecords(store: Store, pageSize = 20_000): AsyncGenerator<MemberRecord[]> {
  const trust = await sourceTrust(store.db);
  let after = 0;
  for (;;) {
    const rows = await store.db
      .selectFrom("source_record as s")
      .select(["s.id", "s.source", "s.source_record_id", "s.version", "s.observed_at", "s.standardized"])
      .where("s.id", ">", after)
      .where(notSuperseded)
      .orderBy("s.id")
      .limit(pageSize)
      .execute();
    if (rows.length === 0) return;
    after = Number(rows[rows.length - 1]?.id);
    yield rows.map((r) => ({
      key: `${r.source}/${r.source_record_id}`,
      source: r.source,
      version: r.version,
      observedAt: fromTime(r.observed_at),
      trust: trust.get(r.source) ?? 0.5,
      standardized: fromJson<StandardizedRecord>(r.standardized),
    }));
    if (rows.length < pageSize) return;
  }
}

/** The latest version of each of these records; a key with no stored record is an error naming it. */
export async function memberRecordsByKey(db: Db, keys: string[]): Promise<MemberRecord[]> {
  const trust = await sourceTrust(db);
  const latest = new Map<string, MemberRecord>();
  for (const [source, ids] of keysBySource(keys)) {
    for (let i = 0; i < ids.length; i += 500) {
      const rows = await db
        .selectFrom("source_record")
        .select(["source_record_id", "version", "observed_at", "standardized"])
        .where("source", "=", source)
        .where("source_record_id", "in", ids.slice(i, i + 500))
        .orderBy("version")
        .execute();
      for (const r of rows) {
        latest.set(`${source}/${r.source_record_id}`, {
          key: `${source}/${r.source_record_id}`,
          source,
          version: r.version,
          observedAt: fromTime(r.observed_at),
          trust: trust.get(source) ?? 0.5,
          standardized: fromJson<StandardizedRecord>(r.standardized),
        });
      }
    }
  }
  return keys.map((k) => {
    const r = latest.get(k);
    if (!r) throw new Error(`no stored record ${k}`);
    return r;
  });
}
