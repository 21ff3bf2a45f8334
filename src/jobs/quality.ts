import { readFileSync } from "node:fs";
import { type ProfileQuality, profileQuality, recordQuality } from "../master/quality/checks.js";
import { fakeFinding, fakeRisk, groupReasons } from "../master/quality/fake-profiles.js";
import { type GenericValue, GenericValueCounter, genericFinding } from "../master/quality/generic-values.js";
import { type QualitySettingsInput, qualitySettings } from "../master/quality/settings.js";
import { type QualitySummary, QualitySummaryBuilder } from "../master/quality/summary.js";
import type { Finding, QualityEntity, QualityRecord } from "../master/quality/types.js";
import { likelyTypos, typoFinding } from "../master/quality/typos.js";
import { matchRecordOf } from "../model/match-record.js";
import { extractFeatures } from "../resolve/features.js";
import type { ResolveProgress } from "../resolve/resolve.js";
import { loadLinks } from "../store/entities.js";
import type { Store } from "../store/open-store.js";
import {
  allGoldenProfiles,
  latestRecordsWithIssues,
  type ProfileQualityRow,
  replaceFindings,
  replaceProfileQuality,
  type StoredRecord,
  saveQualityRun,
} from "../store/quality.js";

/**
 * A quality run: judge every source record and golden profile (completeness, validity, consistency,
 * freshness), find likely typos, generic values and likely fakes, and write the findings, each profile's
 * quality and fake-risk traits and the run's figures — in one transaction, replacing the previous run's.
 */

export interface QualityOptions {
  settings?: QualitySettingsInput;
  now?: () => Date;
  progress?: ResolveProgress;
}

export interface QualityRunReport {
  runId: number;
  summary: QualitySummary;
  findings: number;
  seconds: Record<string, number>;
}

/** The finding kinds a quality run owns (and replaces); others, like a refused merge, are left alone. */
export const qualityFindingKinds = ["likely_typo", "conflict", "generic_value", "likely_fake"];

export function loadQualitySettings(path?: string): QualitySettingsInput {
  return path ? (JSON.parse(readFileSync(path, "utf8")) as QualitySettingsInput) : {};
}

/**
 * The unmapped fields quality, enrichment and householding read; the rest (an app event's dozens of context
 * fields) is not kept, so that a run over millions of records holds only what it needs.
 */
const KEPT_EXTRA = [
  "user_agent",
  "amount",
  "revenue",
  "currency",
  "device_model",
  "device_type",
  "$.context.device.type",
];

function keptExtra(extra: Record<string, unknown> | undefined): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (!extra) return out;
  for (const k of KEPT_EXTRA) if (extra[k] !== undefined) out[k] = extra[k];
  return out;
}

/** A stored record as the quality rules read it. */
export function qualityRecordOf(r: StoredRecord): QualityRecord {
  const n = r.attributes.name;
  const rawName = n ? (n.full ?? ([n.given, n.family].filter(Boolean).join(" ") || null)) : null;
  const texts: QualityRecord["texts"] = (r.attributes.texts ?? []).map((t) => ({
    field: t.name,
    text: t.value,
    at: null,
  }));
  const posts = r.attributes.extra?.posts;
  if (Array.isArray(posts)) {
    for (const p of posts as { text?: unknown; created_at?: unknown }[]) {
      if (typeof p?.text !== "string") continue;
      texts.push({
        field: "posts",
        text: p.text,
        at: typeof p.created_at === "string" ? p.created_at : null,
      });
    }
  }
  return {
    key: r.key,
    source: r.source,
    observedAt: r.observedAt,
    standardized: r.standardized,
    issues: r.issues,
    rawName,
    rawBirthDate: r.attributes.dateOfBirth ?? null,
    texts,
    extra: keptExtra(r.attributes.extra),
  };
}

/** Whether a record names someone: a name, an email or a phone. */
export function identified(r: QualityRecord): boolean {
  const s = r.standardized;
  return !!(s.name?.given || s.name?.family) || s.emails.length > 0 || s.phones.length > 0 || !!r.rawName;
}

/** Loads every record grouped by the entity it is linked to (records of no entity are left out). */
export async function loadQualityEntities(
  store: Store,
  onPage?: (page: { record: QualityRecord; entity: string | null }[]) => void,
): Promise<{ entities: Map<string, QualityEntity>; unlinked: number }> {
  const links = await loadLinks(store.db);
  const entities = new Map<string, QualityEntity>();
  let unlinked = 0;
  for await (const page of latestRecordsWithIssues(store)) {
    const mapped = page.map((r) => ({ record: qualityRecordOf(r), entity: links.get(r.key) ?? null }));
    for (const { record, entity } of mapped) {
      if (entity === null) {
        unlinked++;
        continue;
      }
      let e = entities.get(entity);
      if (!e) {
        e = { id: entity, profile: null, records: [] };
        entities.set(entity, e);
      }
      e.records.push(record);
    }
    onPage?.(mapped);
  }
  for await (const page of allGoldenProfiles(store.db)) {
    for (const [id, profile] of page) {
      const e = entities.get(id);
      // Sightings (every record a value was seen in) are what makes a profile large; the rules do not read them.
      if (e)
        e.profile = {
          ...profile,
          emails: profile.emails.map((x) => ({ ...x, seen: [] })),
          phones: profile.phones.map((x) => ({ ...x, seen: [] })),
          identifiers: [],
        };
    }
  }
  return { entities, unlinked };
}

/** Which of these records hold a generic value (by the same features generic values were counted on). */
function holdsGeneric(records: QualityRecord[], generic: Map<string, Set<string>>): boolean[] {
  const out = records.map(() => false);
  if (generic.size === 0 || records.length === 0) return out;
  const batch = extractFeatures(
    records.map((r) => ({ key: r.key, source: r.source, standardized: matchRecordOf(r.standardized) })),
    generic.keys(),
  );
  for (const [feature, values] of generic) {
    const column = batch.columns[feature];
    if (column?.kind === "text")
      column.values.forEach((v, r) => {
        if (v !== null && values.has(v)) out[r] = true;
      });
    else if (column?.kind === "list") {
      let at = 0;
      for (let r = 0; r < records.length; r++) {
        const end = at + (column.counts[r] as number);
        for (; at < end; at++) if (values.has(column.values[at] as string)) out[r] = true;
      }
    }
  }
  return out;
}

export async function runQuality(store: Store, options: QualityOptions = {}): Promise<QualityRunReport> {
  const settings = qualitySettings.parse(options.settings ?? {});
  const progress = options.progress ?? (() => {});
  const now = (options.now ?? (() => new Date()))();
  const at = now.toISOString();
  const seconds: Record<string, number> = {};
  let t = performance.now();
  const lap = (stage: string) => {
    const next = performance.now();
    seconds[stage] = (next - t) / 1000;
    t = next;
  };

  const counter = new GenericValueCounter(settings.generic.maxEntities);
  let loaded = 0;
  const { entities } = await loadQualityEntities(store, (page) => {
    counter.add(
      page.map((p) => ({
        key: p.record.key,
        source: p.record.source,
        entity: p.entity,
        identified: identified(p.record),
        standardized: matchRecordOf(p.record.standardized),
      })),
    );
    loaded += page.length;
    progress("load", `${loaded.toLocaleString("en-US")} records`);
  });
  if (entities.size === 0)
    throw new Error("the store holds no golden profiles to judge: run tessera master first");
  lap("load");

  const generic: GenericValue[] = counter.generic();
  const genericSets = new Map<string, Set<string>>();
  for (const g of generic) {
    let set = genericSets.get(g.feature);
    if (!set) {
      set = new Set();
      genericSets.set(g.feature, set);
    }
    set.add(g.value);
  }
  progress("generic", `${generic.length.toLocaleString("en-US")} generic values`);
  const groups = groupReasons([...entities.values()], settings.fake);
  lap("groups");

  const builder = new QualitySummaryBuilder();
  const findings: Finding[] = generic.map(genericFinding);
  const rows: ProfileQualityRow[] = [];
  let done = 0;
  for (const e of entities.values()) {
    const pq: ProfileQuality = profileQuality(e, now, settings);
    const typos = likelyTypos(e.records, settings.typos);
    const risk = fakeRisk(e, groups, now, settings);
    const generics = holdsGeneric(e.records, genericSets);
    const perSource = new Map<string, number>();
    e.records.forEach((r, k) => {
      const seen = perSource.get(r.source) ?? 0;
      perSource.set(r.source, seen + 1);
      builder.addRecord(
        r.source,
        recordQuality(r, now, settings),
        { records: e.records.length, firstOfSource: seen === 0 },
        { fake: risk.likelyFake, generic: generics[k] === true },
      );
    });
    builder.addProfile(pq, risk, typos.length);
    for (const typo of typos) findings.push(typoFinding(typo, e.id));
    for (const c of pq.conflicts)
      findings.push({
        kind: "conflict",
        subjectKind: "entity",
        subject: e.id,
        field: c.field,
        message: `the records of ${e.id} disagree on ${c.field}: ${c.values.map((v) => `"${v.value}" (${v.records.length})`).join(", ")}`,
        details: { values: c.values },
        severity: "info",
      });
    if (risk.likelyFake) findings.push(fakeFinding(e.id, risk));
    rows.push({
      entityId: e.id,
      completeness: Math.round(pq.completeness * 10_000) / 10_000,
      validity: Math.round(pq.validityScore * 10_000) / 10_000,
      conflicts: pq.conflicts.length,
      freshnessDays: pq.freshnessDays,
      fakeScore: risk.score,
      fakeReasons: risk.reasons,
      excluded: risk.excluded,
      details: {
        present: pq.present,
        conflicts: pq.conflicts.map((c) => c.field),
        stale: pq.stale,
        likelyTypos: typos.length,
        likelyFake: risk.likelyFake,
      },
    });
    if (++done % 20_000 === 0) progress("judge", `${done.toLocaleString("en-US")} profiles`);
  }
  const summary = builder.finish(at, settings.fake.threshold, settings.fake.excludeAt, generic);
  lap("judge");

  let written = 0;
  const runId = await store.db.transaction().execute(async (trx) => {
    written = await replaceFindings(trx, qualityFindingKinds, findings, at);
    await replaceProfileQuality(trx, rows, at);
    return saveQualityRun(trx, at, summary);
  });
  lap("write");
  progress(
    "write",
    `${written.toLocaleString("en-US")} findings, ${rows.length.toLocaleString("en-US")} profiles`,
  );
  return { runId, summary, findings: written, seconds };
}
