import type { Insertable, Kysely, Transaction } from "kysely";
import type { Issue } from "../model/issue.js";
import type { SourceMapping } from "../model/mapping.js";
import { matchViewJson } from "../model/match-record.js";
import type { RecordAttributes, SourceRecord } from "../model/source-record.js";
import type { StandardizedRecord } from "../model/standardized.js";
import { keysBySource } from "./entities.js";
import { upsertMatchViews } from "./match-views.js";
import type { Store } from "./open-store.js";
import { type Database, fromJson, fromTime } from "./schema.js";
import { storableJson } from "./storable-text.js";

/**
 * Source records are facts: a row is never updated. A record whose content changed since the last
 * import gets a new version beside the old one; an identical one is counted as unchanged and not
 * written again.
 */

/** A record ready to write, already serialised (imports prepare these in worker threads). */
export interface PendingRecord {
  source: string;
  sourceRecordId: string;
  observedAt: string;
  rowNumber: number;
  /** A hash of `attributesJson`: equal hashes mean the source said the same thing again. */
  contentHash: string;
  attributesJson: string;
  standardizedJson: string;
  /** The match view (`matchViewJson`), when the preparing thread made it; computed here otherwise. */
  matchViewJson?: string;
  issuesJson: string;
}

export interface StoredRecord extends SourceRecord {
  id: number;
  version: number;
  contentHash: string;
  importedAt: string;
  importRunId: string;
  rowNumber: number;
  standardized: StandardizedRecord;
  issues: Issue[];
}

export interface BatchOutcome {
  newRecords: number;
  newVersions: number;
  unchanged: number;
  /** The source record ids that got a new record or version. */
  written: string[];
}

const lookupChunk = 500;
/** Rows per INSERT: 12 parameters each keeps a statement under both engines' parameter limits. */
const insertChunk = 400;

export async function upsertSource(store: Store, mapping: SourceMapping, now: string): Promise<void> {
  const row = {
    name: mapping.source,
    format: mapping.format ?? null,
    trust: mapping.trust,
    default_country: mapping.defaultCountry ?? null,
    mapping: JSON.stringify(mapping),
    created_at: now,
    updated_at: now,
  };
  await store.db
    .insertInto("source")
    .values(row)
    .onConflict((oc) =>
      oc.column("name").doUpdateSet({
        format: row.format,
        trust: row.trust,
        default_country: row.default_country,
        mapping: row.mapping,
        updated_at: now,
      }),
    )
    .execute();
}

async function currentHeads(
  trx: Transaction<Database> | Kysely<Database>,
  source: string,
  ids: string[],
): Promise<Map<string, { version: number; hash: string }>> {
  const heads = new Map<string, { version: number; hash: string }>();
  for (let i = 0; i < ids.length; i += lookupChunk) {
    const rows = await trx
      .selectFrom("source_record")
      .select(["source_record_id", "version", "content_hash"])
      .where("source", "=", source)
      .where("source_record_id", "in", ids.slice(i, i + lookupChunk))
      .orderBy("version")
      .execute();
    for (const r of rows) heads.set(r.source_record_id, { version: r.version, hash: r.content_hash });
  }
  return heads;
}

/** Writes one batch of records of one source in one transaction, versioning what changed. */
export async function writeRecords(
  trx: Transaction<Database>,
  importRunId: string,
  importedAt: string,
  batch: PendingRecord[],
): Promise<BatchOutcome> {
  const outcome: BatchOutcome = { newRecords: 0, newVersions: 0, unchanged: 0, written: [] };
  if (batch.length === 0) return outcome;
  const source = (batch[0] as PendingRecord).source;
  const heads = await currentHeads(trx, source, [...new Set(batch.map((p) => p.sourceRecordId))]);
  const rows: RecordInsert[] = [];
  const views: { source: string; sourceRecordId: string; view: string }[] = [];
  for (const p of batch) {
    if (p.source !== source) throw new Error(`one batch holds records of ${source} and ${p.source}`);
    const id = p.sourceRecordId;
    const head = heads.get(id);
    if (head && head.hash === p.contentHash) {
      outcome.unchanged++;
      continue;
    }
    const version = head ? head.version + 1 : 1;
    if (head) outcome.newVersions++;
    else outcome.newRecords++;
    outcome.written.push(id);
    heads.set(id, { version, hash: p.contentHash });
    rows.push({
      source,
      source_record_id: id,
      version,
      content_hash: p.contentHash,
      observed_at: p.observedAt,
      imported_at: importedAt,
      import_run_id: importRunId,
      row_number: p.rowNumber,
      attributes: storableJson(p.attributesJson),
      standardized: storableJson(p.standardizedJson),
      issues: p.issuesJson,
    });
    views.push({
      source,
      sourceRecordId: id,
      view: p.matchViewJson ?? matchViewJson(JSON.parse(p.standardizedJson) as StandardizedRecord),
    });
  }
  await insertRows(trx, rows);
  await upsertMatchViews(trx, views);
  return outcome;
}

type RecordInsert = Insertable<Database["source_record"]>;

async function insertRows(trx: Transaction<Database>, rows: RecordInsert[]): Promise<void> {
  for (let i = 0; i < rows.length; i += insertChunk) {
    await trx
      .insertInto("source_record")
      .values(rows.slice(i, i + insertChunk))
      .execute();
  }
}

type RecordRow = {
  id: number | string;
  source: string;
  source_record_id: string;
  version: number;
  content_hash: string;
  observed_at: string | Date;
  imported_at: string | Date;
  import_run_id: string;
  row_number: number;
  attributes: unknown;
  standardized: unknown;
  issues: unknown;
};

function toStored(r: RecordRow): StoredRecord {
  return {
    id: Number(r.id),
    source: r.source,
    sourceRecordId: r.source_record_id,
    version: r.version,
    contentHash: r.content_hash,
    observedAt: fromTime(r.observed_at),
    importedAt: fromTime(r.imported_at),
    importRunId: r.import_run_id,
    rowNumber: r.row_number,
    attributes: fromJson<RecordAttributes>(r.attributes),
    standardized: fromJson<StandardizedRecord>(r.standardized),
    issues: fromJson<Issue[]>(r.issues),
  };
}

/** The latest version of a record, or a given one. */
export async function getRecord(
  store: Store,
  source: string,
  sourceRecordId: string,
  version?: number,
): Promise<StoredRecord | null> {
  let q = store.db
    .selectFrom("source_record")
    .selectAll()
    .where("source", "=", source)
    .where("source_record_id", "=", sourceRecordId);
  q = version === undefined ? q.orderBy("version", "desc") : q.where("version", "=", version);
  const row = await q.limit(1).executeTakeFirst();
  return row ? toStored(row) : null;
}

export async function listVersions(
  store: Store,
  source: string,
  sourceRecordId: string,
): Promise<StoredRecord[]> {
  const rows = await store.db
    .selectFrom("source_record")
    .selectAll()
    .where("source", "=", source)
    .where("source_record_id", "=", sourceRecordId)
    .orderBy("version")
    .execute();
  return rows.map(toStored);
}

export interface SourceCount {
  source: string;
  records: number;
  versions: number;
}

/** Per source: distinct records and stored versions. */
export async function countRecords(store: Store): Promise<SourceCount[]> {
  const rows = await store.db
    .selectFrom("source_record")
    .select((eb) => [
      "source",
      eb.fn.count<number>("source_record_id").distinct().as("records"),
      eb.fn.countAll<number>().as("versions"),
    ])
    .groupBy("source")
    .orderBy("source")
    .execute();
  return rows.map((r) => ({ source: r.source, records: Number(r.records), versions: Number(r.versions) }));
}

/** The latest stored attributes of these records (`source/id` keys). */
export async function latestAttributes(
  db: Transaction<Database> | Kysely<Database>,
  keys: string[],
): Promise<Map<string, RecordAttributes>> {
  const out = new Map<string, RecordAttributes>();
  for (const [source, ids] of keysBySource(keys))
    for (let i = 0; i < ids.length; i += lookupChunk) {
      const rows = await db
        .selectFrom("source_record")
        .select(["source_record_id", "attributes"])
        .where("source", "=", source)
        .where("source_record_id", "in", ids.slice(i, i + lookupChunk))
        .orderBy("version")
        .execute();
      for (const row of rows)
        out.set(`${source}/${row.source_record_id}`, fromJson<RecordAttributes>(row.attributes));
    }
  return out;
}
