import type { Kysely } from "kysely";
import type { GoldenProfile } from "../master/golden-profile.js";
import type { Finding } from "../master/quality/types.js";
import type { Issue } from "../model/issue.js";
import type { RecordAttributes } from "../model/source-record.js";
import type { StandardizedRecord } from "../model/standardized.js";
import { notSuperseded } from "./latest-records.js";
import type { Store } from "./open-store.js";
import { type Database, fromJson, fromTime } from "./schema.js";

/**
 * The quality side of the store: findings (`quality_finding`), each profile's quality and fake-risk traits
 * (`profile_quality`), values derived by enrichment (`entity_enrichment`) and the figures of each quality run
 * (`quality_run`); and the reads a quality run needs — the latest version of every record with its issues and
 * raw attributes, and every golden profile.
 */

type Db = Kysely<Database>;

export interface StoredRecord {
  key: string;
  source: string;
  observedAt: string;
  attributes: RecordAttributes;
  standardized: StandardizedRecord;
  issues: Issue[];
}

/** The latest version of every record with its attributes and issues, in pages by storage id. */
export async function* latestRecordsWithIssues(
  store: Store,
  pageSize = 10_000,
): AsyncGenerator<StoredRecord[]> {
  let after = 0;
  for (;;) {
    const rows = await store.db
      .selectFrom("source_record as s")
      .select([
        "s.id",
        "s.source",
        "s.source_record_id",
        "s.observed_at",
        "s.attributes",
        "s.standardized",
        "s.issues",
      ])
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
      observedAt: fromTime(r.observed_at),
      attributes: fromJson<RecordAttributes>(r.attributes),
      standardized: fromJson<StandardizedRecord>(r.standardized),
      issues: fromJson<Issue[]>(r.issues) ?? [],
    }));
    if (rows.length < pageSize) return;
  }
}

/** Every active entity's golden profile, in pages by id. */
export async function* allGoldenProfiles(
  db: Db,
  pageSize = 10_000,
): AsyncGenerator<[string, GoldenProfile][]> {
  let after = "";
  for (;;) {
    const rows = await db
      .selectFrom("golden_profile as g")
      .innerJoin("entity as e", "e.id", "g.entity_id")
      .select(["g.entity_id", "g.profile"])
      .where("e.status", "=", "active")
      .where("g.entity_id", ">", after)
      .orderBy("g.entity_id")
      .limit(pageSize)
      .execute();
    if (rows.length === 0) return;
    after = rows[rows.length - 1]?.entity_id as string;
    yield rows.map((r) => [r.entity_id, fromJson<GoldenProfile>(r.profile)]);
    if (rows.length < pageSize) return;
  }
}

async function inBatches<T>(
  items: T[],
  size: number,
  write: (batch: T[]) => Promise<unknown>,
): Promise<void> {
  for (let i = 0; i < items.length; i += size) await write(items.slice(i, i + size));
}

/**
 * Replaces the open findings of these kinds with new ones. A finding a steward resolved stays resolved: a new
 * finding with the same kind, subject and field is not written again. Findings of other kinds (a refused merge
 * the real-time path wrote) are left alone.
 */
export async function replaceFindings(
  trx: Db,
  kinds: string[],
  findings: Finding[],
  at: string,
): Promise<number> {
  if (kinds.length > 0)
    await trx.deleteFrom("quality_finding").where("kind", "in", kinds).where("status", "=", "open").execute();
  const resolved = new Set<string>();
  if (kinds.length > 0) {
    const rows = await trx
      .selectFrom("quality_finding")
      .select(["kind", "subject", "field"])
      .where("kind", "in", kinds)
      .where("status", "=", "resolved")
      .execute();
    for (const r of rows) resolved.add(`${r.kind}\u0001${r.subject}\u0001${r.field ?? ""}`);
  }
  const fresh = findings.filter((f) => !resolved.has(`${f.kind}\u0001${f.subject}\u0001${f.field ?? ""}`));
  await inBatches(fresh, 500, (batch) =>
    trx
      .insertInto("quality_finding")
      .values(
        batch.map((f) => ({
          kind: f.kind,
          subject_kind: f.subjectKind,
          subject: f.subject,
          field: f.field,
          message: f.message,
          details: JSON.stringify(f.details),
          severity: f.severity,
          created_at: at,
        })),
      )
      .execute(),
  );
  return fresh.length;
}

export interface FindingRow extends Finding {
  id: number;
  status: "open" | "resolved";
  createdAt: string;
}

export async function listFindings(
  db: Db,
  options: { kind?: string; subject?: string; status?: "open" | "resolved"; limit?: number } = {},
): Promise<FindingRow[]> {
  let q = db.selectFrom("quality_finding").selectAll().orderBy("id");
  if (options.kind) q = q.where("kind", "=", options.kind);
  if (options.subject) q = q.where("subject", "=", options.subject);
  if (options.status) q = q.where("status", "=", options.status);
  const rows = await q.limit(options.limit ?? 1000).execute();
  return rows.map((r) => ({
    id: Number(r.id),
    kind: r.kind,
    subjectKind: r.subject_kind,
    subject: r.subject,
    field: r.field,
    message: r.message,
    details: (r.details === null ? {} : fromJson<Record<string, unknown>>(r.details)) ?? {},
    severity: r.severity,
    status: r.status,
    createdAt: fromTime(r.created_at),
  }));
}

export async function resolveFinding(db: Db, id: number): Promise<boolean> {
  const r = await db
    .updateTable("quality_finding")
    .set({ status: "resolved" })
    .where("id", "=", id)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}

/** The generic values open findings name, as matching's exclusions: feature → values. */
export async function genericValueExclusions(db: Db): Promise<Record<string, string[]>> {
  const rows = await db
    .selectFrom("quality_finding")
    .select(["field", "subject"])
    .where("kind", "=", "generic_value")
    .where("status", "=", "open")
    .orderBy("id")
    .execute();
  const out: Record<string, string[]> = {};
  for (const r of rows) {
    if (!r.field) continue;
    out[r.field] ??= [];
    out[r.field]?.push(r.subject);
  }
  return out;
}

export interface ProfileQualityRow {
  entityId: string;
  completeness: number;
  validity: number;
  conflicts: number;
  freshnessDays: number | null;
  fakeScore: number;
  fakeReasons: { code: string; weight: number; message: string }[];
  excluded: boolean;
  details: Record<string, unknown>;
}

/** Replaces every profile's quality traits (a run judges every active profile). */
export async function replaceProfileQuality(trx: Db, rows: ProfileQualityRow[], at: string): Promise<void> {
  await trx.deleteFrom("profile_quality").execute();
  await inBatches(rows, 500, (batch) =>
    trx
      .insertInto("profile_quality")
      .values(
        batch.map((r) => ({
          entity_id: r.entityId,
          completeness: r.completeness,
          validity: r.validity,
          conflicts: r.conflicts,
          freshness_days: r.freshnessDays,
          fake_score: r.fakeScore,
          fake_reasons: JSON.stringify(r.fakeReasons),
          excluded: r.excluded ? 1 : 0,
          details: JSON.stringify(r.details),
          updated_at: at,
        })),
      )
      .execute(),
  );
}

function toQuality(r: {
  entity_id: string;
  completeness: number;
  validity: number;
  conflicts: number;
  freshness_days: number | null;
  fake_score: number;
  fake_reasons: unknown;
  excluded: number;
  details: unknown;
}): ProfileQualityRow {
  return {
    entityId: r.entity_id,
    completeness: Number(r.completeness),
    validity: Number(r.validity),
    conflicts: Number(r.conflicts),
    freshnessDays: r.freshness_days === null ? null : Number(r.freshness_days),
    fakeScore: Number(r.fake_score),
    fakeReasons: fromJson(r.fake_reasons),
    excluded: Number(r.excluded) === 1,
    details: fromJson(r.details),
  };
}

export async function profileQualityOf(db: Db, entityId: string): Promise<ProfileQualityRow | null> {
  const r = await db
    .selectFrom("profile_quality")
    .selectAll()
    .where("entity_id", "=", entityId)
    .executeTakeFirst();
  return r ? toQuality(r) : null;
}

/** Profiles by fake risk, highest first. */
export async function riskiestProfiles(
  db: Db,
  options: { minScore?: number; limit?: number } = {},
): Promise<ProfileQualityRow[]> {
  const rows = await db
    .selectFrom("profile_quality")
    .selectAll()
    .where("fake_score", ">=", options.minScore ?? 0)
    .orderBy("fake_score", "desc")
    .orderBy("entity_id")
    .limit(options.limit ?? 100)
    .execute();
  return rows.map(toQuality);
}

/** Profiles kept out of audiences and insights: what segments and aggregates leave out. */
export async function excludedProfiles(db: Db): Promise<Set<string>> {
  const rows = await db.selectFrom("profile_quality").select("entity_id").where("excluded", "=", 1).execute();
  return new Set(rows.map((r) => r.entity_id));
}

export interface EnrichmentRow {
  entityId: string;
  field: string;
  value: unknown;
  derivation: Record<string, unknown>;
}

export async function replaceEnrichment(trx: Db, rows: EnrichmentRow[], at: string): Promise<void> {
  await trx.deleteFrom("entity_enrichment").execute();
  await inBatches(rows, 500, (batch) =>
    trx
      .insertInto("entity_enrichment")
      .values(
        batch.map((r) => ({
          entity_id: r.entityId,
          field: r.field,
          // Wrapped: jsonb hands back a bare JSON string already parsed, which could not be told from JSON text.
          value: JSON.stringify({ value: r.value }),
          derivation: JSON.stringify(r.derivation),
          updated_at: at,
        })),
      )
      .execute(),
  );
}

export async function enrichmentOf(db: Db, entityIds: string[]): Promise<Map<string, EnrichmentRow[]>> {
  const out = new Map<string, EnrichmentRow[]>(entityIds.map((id) => [id, []]));
  for (let i = 0; i < entityIds.length; i += 500) {
    const rows = await db
      .selectFrom("entity_enrichment")
      .selectAll()
      .where("entity_id", "in", entityIds.slice(i, i + 500))
      .orderBy("entity_id")
      .orderBy("field")
      .execute();
    for (const r of rows)
      out.get(r.entity_id)?.push({
        entityId: r.entity_id,
        field: r.field,
        value: fromJson<{ value: unknown }>(r.value).value,
        derivation: fromJson(r.derivation),
      });
  }
  return out;
}

export async function saveQualityRun(trx: Db, at: string, summary: unknown): Promise<number> {
  const row = await trx
    .insertInto("quality_run")
    .values({ at, summary: JSON.stringify(summary) })
    .returning("id")
    .executeTakeFirstOrThrow();
  return Number(row.id);
}

export async function latestQualityRun<T>(db: Db): Promise<{ id: number; at: string; summary: T } | null> {
  const row = await db
    .selectFrom("quality_run")
    .selectAll()
    .orderBy("id", "desc")
    .limit(1)
    .executeTakeFirst();
  return row ? { id: Number(row.id), at: fromTime(row.at), summary: fromJson<T>(row.summary) } : null;
}
