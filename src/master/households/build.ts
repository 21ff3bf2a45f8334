import { parseBlockingKey } from "../../resolve/blocking-key.js";
import { compileComparison } from "../../resolve/comparison.js";
import { explainPair, type MatchModel } from "../../resolve/model.js";
import type { RecordTable } from "../../resolve/record-table.js";
import { type ResolveProgress, type ResolveResult, resolveTable } from "../../resolve/resolve.js";
import { type ResolveSettingsInput, resolveSettings } from "../../resolve/settings.js";
import { assignIds } from "../stable-ids.js";
import { splitAtBridges } from "./bridges.js";
import { type HouseholdAddressValue, type HouseholdCandidate, hasHouseholdEvidence } from "./candidates.js";
import { refineModel } from "./refine.js";
import { householdDefaults } from "./settings.js";
import { householdTable } from "./table.js";

/**
 * Householding: score pairs of people with the household model, cluster them (a person is in at most one
 * household), and give each household its golden address, aggregates and, for every member, the evidence that
 * put them there. Then, against the memberships of before, which household keeps which stable id, who joined
 * and who left (a move), and which households dissolved. Pure.
 */

export interface MemberEvidence {
  /** The other member the strongest link joins this one to, or null for a household of one. */
  with: string | null;
  probability: number | null;
  /** The comparisons that spoke for the link: "address: same home address". */
  agreed: string[];
}

export interface HouseholdAddress {
  address: HouseholdAddressValue;
  /** Why it won: given by most members, then most recently observed. */
  members: string[];
  record: string;
  observedAt: string;
}

export interface HouseholdAggregates {
  size: number;
  /** Spend per currency, each order counted once. */
  spend: Record<string, number>;
  orders: number;
  lastSeen: string;
  /** What the links inside the household agreed on, and how often. */
  evidence: Record<string, number>;
  /** Where the golden address is (derived offline: coordinates, region, time zone), when known. */
  place?: Record<string, unknown> | null;
}

export interface HouseholdGroup {
  members: string[];
  evidence: Map<string, MemberEvidence>;
  address: HouseholdAddress | null;
  aggregates: HouseholdAggregates;
}

export interface Householding {
  groups: HouseholdGroup[];
  result: ResolveResult;
  /** People with nothing to household on (no street address, nothing shared). */
  withoutEvidence: number;
}

export function householdAddress(members: HouseholdCandidate[]): HouseholdAddress | null {
  const byLine = new Map<string, HouseholdCandidate[]>();
  for (const m of members) {
    if (!m.home || !m.homeAddress) continue;
    const list = byLine.get(m.homeAddress);
    if (list) list.push(m);
    else byLine.set(m.homeAddress, [m]);
  }
  const recent = (list: HouseholdCandidate[]) =>
    list.reduce((t, m) => Math.max(t, Date.parse(m.home?.observedAt ?? "") || 0), 0);
  const best = [...byLine].sort(
    (a, b) => b[1].length - a[1].length || recent(b[1]) - recent(a[1]) || (a[0] < b[0] ? -1 : 1),
  )[0];
  if (!best) return null;
  const newest = [...best[1]].sort(
    (a, b) => (Date.parse(b.home?.observedAt ?? "") || 0) - (Date.parse(a.home?.observedAt ?? "") || 0),
  )[0] as HouseholdCandidate;
  const home = newest.home as NonNullable<HouseholdCandidate["home"]>;
  return {
    address: home.address,
    members: best[1].map((m) => m.entity).sort(),
    record: home.record,
    observedAt: home.observedAt,
  };
}

export function groupHouseholds(
  all: HouseholdCandidate[],
  options: {
    settings?: ResolveSettingsInput;
    model?: MatchModel;
    progress?: ResolveProgress;
    /** Rounds of re-estimating the model from the households found (when no model is given). Default 1: more rounds let the model confirm its own links until every u is near zero. */
    refinements?: number;
    /** Whether a person known only by a postcode joins the one household there that shares their family name (default true). */
    postcodeAttach?: boolean;
    /** Whether two groups of people joined by a single link are split there (default true; `bridges.ts`). */
    splitBridges?: boolean;
  } = {},
): Householding {
  const candidates = all.filter(hasHouseholdEvidence);
  const table = householdTable(candidates);
  const input = options.model
    ? (options.settings ?? householdDefaults)
    : liveSettings(options.settings ?? householdDefaults, table);
  const progress = options.progress;
  let result = resolveTable(table, input, {
    ...(options.model ? { model: options.model } : {}),
    ...(progress ? { progress } : {}),
  });
  if (!options.model) {
    const settings = resolveSettings.parse(input);
    for (let round = 0; round < (options.refinements ?? 1); round++) {
      const model = refineModel(result.table, settings, result.model, result.clustering.clusterOf);
      progress?.("refine", `round ${round + 1}: prior ${model.prior.toPrecision(3)}`);
      result = resolveTable(table, input, { model });
    }
  }
  const compiled = result.model.specs.map((s) => compileComparison(s, result.table));
  // Links a deterministic rule (one home address) or a steward made are never cut.
  const { pairs } = result;
  const clusterOf =
    options.splitBridges === false
      ? result.clustering.clusterOf
      : splitAtBridges(
          result.clustering.clusterOf,
          pairs,
          result.settings.threshold,
          (p) => p >= pairs.count - pairs.forced,
        );
  // The strongest link of each person inside their household.
  const best = new Map<number, { other: number; probability: number }>();
  for (let p = 0; p < result.pairs.count; p++) {
    const i = result.pairs.left[p] as number;
    const j = result.pairs.right[p] as number;
    const prob = result.pairs.probability[p] as number;
    if (clusterOf[i] !== clusterOf[j] || !(prob >= result.settings.threshold)) continue;
    for (const [a, b] of [
      [i, j],
      [j, i],
    ] as const) {
      const held = best.get(a);
      if (!held || prob > held.probability) best.set(a, { other: b, probability: prob });
    }
  }
  const members = new Map<number, number[]>();
  for (let r = 0; r < candidates.length; r++) {
    const c = clusterOf[r] as number;
    const list = members.get(c);
    if (list) list.push(r);
    else members.set(c, [r]);
  }
  const attached =
    options.postcodeAttach === false
      ? new Map<number, Attachment>()
      : attachByPostcode(candidates, members, result.settings.clustering.maxClusterSize);
  for (const [r, a] of attached) {
    members.delete(clusterOf[r] as number);
    members.get(a.cluster)?.push(r);
  }
  const groups: HouseholdGroup[] = [];
  for (const rows of members.values()) {
    const people = rows.map((r) => candidates[r] as HouseholdCandidate);
    // A person alone is a household only at a street address of their own.
    if (rows.length === 1 && !people[0]?.homeAddress) continue;
    const evidence = new Map<string, MemberEvidence>();
    const agreedCount: Record<string, number> = {};
    for (const r of rows) {
      const b = best.get(r);
      const a = attached.get(r);
      if (a && a.with !== null) {
        const agreed = [POSTCODE_ATTACH];
        agreedCount[POSTCODE_ATTACH] = (agreedCount[POSTCODE_ATTACH] ?? 0) + 1;
        evidence.set(candidates[r]?.entity as string, {
          with: candidates[a.with]?.entity as string,
          probability: null,
          agreed,
        });
        continue;
      }
      if (!b) {
        evidence.set(candidates[r]?.entity as string, { with: null, probability: null, agreed: [] });
        continue;
      }
      const e = explainPair(result.model, compiled, r, b.other);
      const agreed = e.comparisons.filter((c) => c.weight > 0).map((c) => `${c.comparison}: ${c.level}`);
      for (const a of agreed) agreedCount[a] = (agreedCount[a] ?? 0) + 1;
      evidence.set(candidates[r]?.entity as string, {
        with: candidates[b.other]?.entity as string,
        probability: Math.round(b.probability * 10_000) / 10_000,
        agreed,
      });
    }
    const spend: Record<string, number> = {};
    for (const p of people)
      for (const [currency, amount] of Object.entries(p.spend))
        spend[currency] = Math.round(((spend[currency] ?? 0) + amount) * 100) / 100;
    groups.push({
      members: people.map((p) => p.entity).sort(byEntity),
      evidence,
      address: householdAddress(people),
      aggregates: {
        size: people.length,
        spend,
        orders: people.reduce((n, p) => n + p.orders, 0),
        lastSeen: people.reduce((m, p) => (p.lastSeen > m ? p.lastSeen : m), ""),
        evidence: agreedCount,
      },
    });
  }
  groups.sort((a, b) => byEntity(a.members[0] as string, b.members[0] as string));
  return { groups, result, withoutEvidence: all.length - candidates.length };
}

const POSTCODE_ATTACH = "postcode and family name: the one household in the postcode with the family name";

interface Attachment {
  cluster: number;
  /** The member whose postcode and family name it shares; null for one who came with someone who did. */
  with: number | null;
}

/**
 * A person known only by a postcode (a sign-up that asked for no more) has no street address to be householded
 * on. When nobody with a street address is linked to them, they — with whoever the model did link them to, none of
 * whom has a street address either (two sign-ups sharing a home IP address) — join a household when it is the only
 * one in their postcode with a member of their family name; they stay apart when there are two (two Smith
 * households in one postcode) or none. Only households with a street address take anyone, and one already at the
 * size limit takes nobody.
 */
export function attachByPostcode(
  candidates: HouseholdCandidate[],
  members: Map<number, number[]>,
  maxSize: number,
): Map<number, Attachment> {
  const keys = (c: HouseholdCandidate) => c.postcodes.flatMap((p) => c.family.map((f) => `${p}\u0001${f}`));
  const byKey = new Map<string, Map<number, number>>();
  const loose: number[][] = [];
  for (const [cluster, rows] of members) {
    if (rows.every((r) => !(candidates[r] as HouseholdCandidate).homeAddress)) {
      loose.push(rows);
      continue;
    }
    if (rows.length >= maxSize) continue;
    for (const r of rows)
      for (const key of keys(candidates[r] as HouseholdCandidate)) {
        let held = byKey.get(key);
        if (!held) {
          held = new Map();
          byKey.set(key, held);
        }
        if (!held.has(cluster)) held.set(cluster, r);
      }
  }
  const out = new Map<number, Attachment>();
  for (const rows of loose) {
    const found = new Map<number, { row: number; member: number }>();
    for (const r of rows)
      for (const key of keys(candidates[r] as HouseholdCandidate))
        for (const [cluster, member] of byKey.get(key) ?? [])
          if (!found.has(cluster)) found.set(cluster, { row: r, member });
    if (found.size !== 1) continue;
    const [[cluster, { row, member }]] = [...found] as [[number, { row: number; member: number }]];
    for (const r of rows) out.set(r, { cluster, with: r === row ? member : null });
  }
  return out;
}

/**
 * The settings without what the data cannot speak to: a comparison, blocking or training rule over a feature
 * no person has (a census has no phones, IP addresses or devices) would have nothing to learn from.
 */
export function liveSettings(input: ResolveSettingsInput, table: RecordTable): ResolveSettingsInput {
  const live = new Set<string>();
  for (const [name, f] of table.features) {
    const has =
      f.kind === "text" ? f.codes.some((c) => c >= 0) : f.kind === "list" ? f.codes.length > 0 : true;
    if (has) live.add(name);
  }
  const usable = (expression: string) => parseBlockingKey(expression).terms.every((t) => live.has(t.feature));
  const comparisons = input.comparisons
    .map((c) => ({
      ...c,
      levels: c.levels.filter((l) => live.has(l.feature) && (l.kind !== "swapped" || live.has(l.other))),
    }))
    .filter((c) => c.levels.length > 0);
  return {
    ...input,
    comparisons: comparisons.length > 0 ? comparisons : input.comparisons,
    blocking: input.blocking.filter((r) => usable(r.expression)),
    training: {
      ...input.training,
      ...(input.training?.blocking
        ? { blocking: input.training.blocking.filter((r) => usable(r.expression)) }
        : {}),
    },
  };
}

/** Entity ids in allocation order (T-2 before T-10). */
export function byEntity(a: string, b: string): number {
  const x = Number(a.slice(a.indexOf("-") + 1));
  const y = Number(b.slice(b.indexOf("-") + 1));
  return Number.isNaN(x) || Number.isNaN(y) || x === y ? (a < b ? -1 : a > b ? 1 : 0) : x - y;
}

export type HouseholdId = { kind: "kept"; id: string; merged: string[] } | { kind: "new" };

export interface HouseholdChanges {
  /** Per group, in order: the id it keeps, or a new one to allocate. */
  ids: HouseholdId[];
  /** Households none of whose members remain in any household. */
  dissolved: string[];
}

/**
 * Stable household ids, by the rule golden ids follow (src/master/stable-ids.ts) with people in place of
 * records: each previous household goes to the new group holding most of its members, the oldest id survives
 * a merge, the largest part keeps it on a split.
 */
export function householdIds(
  groups: HouseholdGroup[],
  previous: Map<string, string>,
  seqOf: Map<string, number>,
): HouseholdChanges {
  const assignment = assignIds({ clusters: groups.map((g) => g.members), previous, seqOf });
  return {
    ids: assignment.clusters.map((a) =>
      a.kind === "kept" ? { kind: "kept", id: a.id, merged: a.merged } : { kind: "new" },
    ),
    dissolved: assignment.deleted,
  };
}
