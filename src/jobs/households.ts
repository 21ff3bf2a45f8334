import { readFileSync } from "node:fs";
import { locate } from "../enrich/geography.js";
import { groupHouseholds, householdIds } from "../master/households/build.js";
import {
  type HouseholdCandidate,
  type HouseholdRecord,
  householdCandidate,
} from "../master/households/candidates.js";
import { householdDefaults } from "../master/households/settings.js";
import { householdTable } from "../master/households/table.js";
import type { StandardizedRecord } from "../model/standardized.js";
import { compileComparison } from "../resolve/comparison.js";
import { type Explanation, explainPair, type MatchModel } from "../resolve/model.js";
import type { ResolveProgress } from "../resolve/resolve.js";
import { type ResolveSettingsInput, resolveSettings } from "../resolve/settings.js";
import { entityLinks, getProfiles, resolveEntity } from "../store/entities.js";
import {
  activeHouseholds,
  allocateHouseholdSeqs,
  currentMemberships,
  formatHouseholdId,
  type HouseholdWrites,
  loadHouseholdModel,
  saveHouseholdModel,
  writeHouseholds,
} from "../store/households.js";
import { memberRecordsByKey } from "../store/member-records.js";
import type { Store } from "../store/open-store.js";
import { excludedProfiles, genericValueExclusions } from "../store/quality.js";
import { identified, loadQualityEntities } from "./quality.js";

/**
 * Building households: every resolved person (but profiles excluded as likely fakes) becomes a row of
 * household features; the household model scores pairs of them, clustering groups them, and the groups take
 * stable household ids against the memberships of before. Moves are kept as history: a person who now lives
 * elsewhere leaves the old household (`until`) and joins the new one (`since`). Written in one transaction.
 */

export interface HouseholdOptions {
  settingsPath?: string;
  /** Score with this saved household model instead of training one. */
  modelPath?: string;
  now?: () => Date;
  progress?: ResolveProgress;
  /** Join a person known only by a postcode to the one household there with their family name (default true). */
  postcodeAttach?: boolean;
  /** Split two groups of people joined by a single link (default true). */
  splitBridges?: boolean;
}

export interface HouseholdReport {
  people: number;
  /** People with household evidence (a street address, or something households share). */
  candidates: number;
  excludedAsFake: number;
  /** Profiles that name nobody (anonymous events only): fragments, not people, left out. */
  anonymous: number;
  households: number;
  /** Households by size: "1", "2", … "6+". */
  sizes: Record<string, number>;
  created: number;
  kept: number;
  merged: number;
  dissolved: number;
  joined: number;
  left: number;
  moved: number;
  candidatePairs: number;
  /** Person → household id, for evaluation. */
  householdOf: Map<string, string>;
  /** People with a street address of their own (what householding needs most) → its postcode, for evaluation. */
  withStreetAddress: Map<string, string | null>;
  seconds: Record<string, number>;
}

export function loadHouseholdSettings(path?: string): ResolveSettingsInput {
  return path ? (JSON.parse(readFileSync(path, "utf8")) as ResolveSettingsInput) : householdDefaults;
}

function amount(x: unknown): number | null {
  const n = typeof x === "number" ? x : typeof x === "string" ? Number(x) : Number.NaN;
  return Number.isFinite(n) ? n : null;
}

/** A record as householding reads it. */
export function householdRecordOf(r: {
  key: string;
  source: string;
  observedAt: string;
  standardized: StandardizedRecord;
  extra?: Record<string, unknown>;
}): HouseholdRecord {
  const s = r.standardized;
  const extra = r.extra ?? {};
  const value = amount(extra.amount) ?? amount(extra.revenue);
  const order = s.identifiers.find((i) => i.type === "order_id")?.value ?? null;
  // An order shipped to a postcode other than the one it was billed to went to someone else: a gift.
  const billed = s.addresses.find((a) => a.label === "billing" && a.postcode)?.postcode;
  const area = (p: string) =>
    p
      .replace(/[^0-9a-z]/gi, "")
      .slice(0, 5)
      .toLowerCase();
  const addresses = s.addresses.filter(
    (a) => !(billed && a.label === "shipping" && a.postcode && area(a.postcode) !== area(billed)),
  );
  return {
    key: r.key,
    source: r.source,
    observedAt: r.observedAt,
    addresses,
    family: s.name?.family ?? null,
    phones: s.phones.flatMap((p) => (p.e164 ? [p.e164] : [])),
    emails: s.emails.filter((e) => e.valid).map((e) => e.canonical),
    identifiers: s.identifiers.map((i) => ({ type: i.type, value: i.value })),
    spend:
      value === null || value <= 0
        ? null
        : {
            amount: value,
            currency: typeof extra.currency === "string" ? extra.currency.toUpperCase() : "?",
            order,
          },
  };
}

async function exclusions(store: Store): Promise<Map<string, Set<string>>> {
  return new Map(Object.entries(await genericValueExclusions(store.db)).map(([k, v]) => [k, new Set(v)]));
}

export async function buildHouseholds(
  store: Store,
  options: HouseholdOptions = {},
): Promise<HouseholdReport> {
  const progress = options.progress ?? (() => {});
  const at = (options.now ?? (() => new Date()))().toISOString();
  const seconds: Record<string, number> = {};
  let t = performance.now();
  const lap = (stage: string) => {
    const next = performance.now();
    seconds[stage] = (next - t) / 1000;
    t = next;
  };
  const settings = loadHouseholdSettings(options.settingsPath);
  const model = options.modelPath
    ? (JSON.parse(readFileSync(options.modelPath, "utf8")) as MatchModel)
    : undefined;

  const { entities } = await loadQualityEntities(store, (page) =>
    progress("load", `${page.length.toLocaleString("en-US")} more records`),
  );
  if (entities.size === 0) throw new Error("the store holds no resolved people: run tessera master first");
  const excluded = await exclusions(store);
  const fakes = await excludedProfiles(store.db);
  const candidates: HouseholdCandidate[] = [];
  let anonymous = 0;
  for (const e of entities.values()) {
    if (fakes.has(e.id)) continue;
    // A profile that names nobody (anonymous events not yet tied to a person) is a fragment, not a person.
    if (
      !e.records.some(identified) &&
      !e.records.some((r) => r.standardized.addresses.some((a) => a.street))
    ) {
      anonymous++;
      continue;
    }
    candidates.push(householdCandidate(e.id, e.profile, e.records.map(householdRecordOf), excluded));
  }
  lap("load");

  const householding = groupHouseholds(candidates, {
    settings,
    ...(model ? { model } : {}),
    progress,
    ...(options.postcodeAttach === false ? { postcodeAttach: false } : {}),
    ...(options.splitBridges === false ? { splitBridges: false } : {}),
  });
  const { groups } = householding;
  lap("resolve");

  const previous = await currentMemberships(store.db);
  const seqOf = await activeHouseholds(store.db);
  const changes = householdIds(groups, previous, seqOf);
  const report: HouseholdReport = {
    people: entities.size,
    candidates: candidates.length - householding.withoutEvidence,
    excludedAsFake: fakes.size,
    anonymous,
    households: groups.length,
    sizes: {},
    created: 0,
    kept: 0,
    merged: 0,
    dissolved: 0,
    joined: 0,
    left: 0,
    moved: 0,
    candidatePairs: householding.result.candidatePairs,
    householdOf: new Map(),
    withStreetAddress: new Map(
      candidates.flatMap((c) =>
        c.home ? [[c.entity, c.home.address.postcode] as [string, string | null]] : [],
      ),
    ),
    seconds,
  };
  await store.db.transaction().execute(async (trx) => {
    const fresh = await allocateHouseholdSeqs(trx, changes.ids.filter((c) => c.kind === "new").length);
    let next = 0;
    const w: HouseholdWrites = { at, households: [], dissolved: [], left: [], joined: [], stayed: [] };
    const placed = new Set<string>();
    groups.forEach((g, k) => {
      const c = changes.ids[k];
      let id: string;
      let seq: number | null = null;
      if (c?.kind === "kept") {
        id = c.id;
        report.kept++;
        for (const m of c.merged) {
          w.dissolved.push({ id: m, mergedInto: id });
          report.merged++;
        }
      } else {
        seq = fresh[next++] as number;
        id = formatHouseholdId(seq);
        report.created++;
      }
      const where = g.address
        ? locate({
            postcode: g.address.address.postcode,
            city: g.address.address.city,
            region: g.address.address.region,
            country: g.address.address.country,
          })
        : null;
      const aggregates = where ? { ...g.aggregates, place: { ...where, derived: true } } : g.aggregates;
      w.households.push({ id, seq, address: g.address, aggregates });
      const size = g.members.length >= 6 ? "6+" : String(g.members.length);
      report.sizes[size] = (report.sizes[size] ?? 0) + 1;
      for (const entity of g.members) {
        placed.add(entity);
        report.householdOf.set(entity, id);
        const evidence = g.evidence.get(entity) ?? { with: null, probability: null, agreed: [] };
        const before = previous.get(entity);
        if (before === id) w.stayed.push({ entity, household: id, evidence });
        else {
          if (before) {
            w.left.push({ entity, household: before });
            report.moved++;
          }
          w.joined.push({ entity, household: id, evidence });
        }
      }
    });
    for (const [entity, household] of previous) if (!placed.has(entity)) w.left.push({ entity, household });
    for (const id of changes.dissolved) w.dissolved.push({ id, mergedInto: null });
    report.dissolved = w.dissolved.length;
    report.joined = w.joined.length;
    report.left = w.left.length;
    await writeHouseholds(trx, w);
    await saveHouseholdModel(trx, householding.result.model, at);
  });
  lap("write");
  progress("write", `${groups.length.toLocaleString("en-US")} households`);
  return report;
}

/**
 * Why two people are (or are not) one household under the household model of the last build: each
 * comparison's level and weight. The household comparisons use no term frequencies, so the two people's own
 * records are all it needs.
 */
export async function explainHouseholdPair(
  store: Store,
  ids: [string, string],
  options: { modelPath?: string } = {},
): Promise<{ explanation: Explanation; people: HouseholdCandidate[] }> {
  const model = options.modelPath
    ? (JSON.parse(readFileSync(options.modelPath, "utf8")) as MatchModel)
    : await loadHouseholdModel(store.db);
  if (!model) throw new Error("no household model yet: run tessera households build first (or give --model)");
  if (model.comparisons.some((c) => c.termFrequency))
    throw new Error(
      "this household model weighs term frequencies, which an explanation of two people cannot",
    );
  const excluded = await exclusions(store);
  const people: HouseholdCandidate[] = [];
  for (const asked of ids) {
    const found = await resolveEntity(store.db, asked);
    if (!found) throw new Error(`no person ${asked}: give a golden id such as T-42`);
    const id = found.entity.id;
    const keys = (await entityLinks(store.db, id)).map((l) => l.recordKey);
    const records = await memberRecordsByKey(store.db, keys);
    const profile = (await getProfiles(store.db, [id])).get(id) ?? null;
    people.push(householdCandidate(id, profile, records.map(householdRecordOf), excluded));
  }
  const table = householdTable(people);
  const compiled = model.specs.map((s) =>
    compileComparison(resolveSettings.shape.comparisons.element.parse(s), table),
  );
  return { explanation: explainPair(model, compiled, 0, 1), people };
}
