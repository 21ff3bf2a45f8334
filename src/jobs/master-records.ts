import { readFileSync } from "node:fs";
import { sql } from "kysely";
import { effectiveConstraints, enforceDecisions } from "../master/decisions.js";
import { type DerivedEntity, deriveEntity } from "../master/entity-state.js";
import type { MemberRecord } from "../master/golden-profile.js";
import { reviewCandidates } from "../master/review-queue.js";
import { type AliasEntity, assignIds } from "../master/stable-ids.js";
import {
  type SurvivorshipSettings,
  type SurvivorshipSettingsInput,
  survivorshipSettings,
} from "../master/survivorship-settings.js";
import { compileComparison } from "../resolve/comparison.js";
import { explainPair, type MatchModel } from "../resolve/model.js";
import { type ResolveProgress, resolveInMemory } from "../resolve/resolve.js";
import {
  allocateSeqs,
  type EntityState,
  type EntityWrites,
  emptyWrites,
  formatEntityId,
  getProfiles,
  type LinkEvidence,
  loadActiveEntities,
  loadAliases,
  loadLinks,
  loadProfileHashes,
  recordsOf,
  writeEntityChanges,
} from "../store/entities.js";
import { loadIdentityLinks } from "../store/identities.js";
import { latestMemberRecords } from "../store/member-records.js";
import type { Store } from "../store/open-store.js";
import { genericValueExclusions } from "../store/quality.js";
import { loadDecisionPairs, type NewReviewItem, putState, replaceReviewQueue } from "../store/stewardship.js";
import { loadSettings } from "./resolve-records.js";

/**
 * Mastering: resolve every stored record (latest versions) into entities, give each a stable golden id,
 * derive its golden profile by survivorship, and write what changed — entities, links with their evidence,
 * profiles, the change log and the review queue — in one transaction, in batches.
 */

export interface MasterOptions {
  settingsPath?: string;
  modelPath?: string;
  survivorship?: SurvivorshipSettingsInput;
  /** Pairs from this probability up to the link threshold go to the review queue. Default 0.5. */
  reviewFrom?: number;
  /** Most review items kept (the most consequential). Default 50,000. */
  reviewLimit?: number;
  now?: () => Date;
  progress?: ResolveProgress;
}

export interface MasterReport {
  records: number;
  entities: number;
  created: number;
  updated: number;
  unchanged: number;
  merged: number;
  split: number;
  revived: number;
  deleted: number;
  reviewItems: number;
  reviewCandidates: number;
  decisions: { cannotLink: number; mustLink: number; rebuilt: number; united: number };
  seconds: Record<string, number>;
}

export function loadSurvivorship(path?: string): SurvivorshipSettingsInput {
  return path ? (JSON.parse(readFileSync(path, "utf8")) as SurvivorshipSettingsInput) : {};
}

/** Entities are written in chunks of this many clusters, all inside one transaction. */
const writeChunk = 5000;

export async function masterRecords(store: Store, options: MasterOptions = {}): Promise<MasterReport> {
  const progress = options.progress ?? (() => {});
  const at = (options.now ?? (() => new Date()))().toISOString();
  const cause = `master run ${at}`;
  const survivorship = survivorshipSettings.parse(options.survivorship ?? {});
  const seconds: Record<string, number> = {};
  let t = performance.now();
  const lap = (stage: string) => {
    const now = performance.now();
    seconds[stage] = (now - t) / 1000;
    t = now;
  };

  const records: MemberRecord[] = [];
  for await (const page of latestMemberRecords(store)) {
    for (const r of page) records.push(r);
    progress("load", `${records.length.toLocaleString("en-US")} records`);
  }
  if (records.length === 0) throw new Error("the store holds no records to master: import a source first");
  lap("load");

  // The live identity graph's links come first, so that a steward's later "not a match" on a pair wins.
  const graphLinks = (await loadIdentityLinks(store.db)).map(([left, right]) => ({
    kind: "match" as const,
    left,
    right,
  }));
  const constraints = effectiveConstraints([...graphLinks, ...(await loadDecisionPairs(store.db))]);
  const model = options.modelPath
    ? (JSON.parse(readFileSync(options.modelPath, "utf8")) as MatchModel)
    : undefined;
  // Values shared by too many entities (a call centre's phone, a placeholder email) link nobody (issue 6).
  const excludedValues = await genericValueExclusions(store.db);
  const result = resolveInMemory(records, loadSettings(options.settingsPath), {
    ...(model ? { model } : {}),
    excludedValues,
    progress,
    cannotLink: constraints.cannotLink,
    mustLink: constraints.mustLink,
  });
  lap("resolve");
  const keys = result.table.keys;
  if (keys.length !== records.length || keys[0] !== records[0]?.key)
    throw new Error("resolution returned records in another order than given");

  // Decisions again after clustering: a no-op when the engine honoured them, a guarantee when not.
  let clusterOf = result.clustering.clusterOf;
  const decisions = {
    cannotLink: constraints.cannotLink.length,
    mustLink: constraints.mustLink.length,
    rebuilt: 0,
    united: 0,
  };
  let indexOfKey: Map<string, number> | null = null;
  const indexPairs = (pairs: [string, string][]): [number, number][] => {
    indexOfKey ??= new Map(keys.map((k, i) => [k, i]));
    const index = indexOfKey;
    return pairs.flatMap(([a, b]) => {
      const i = index.get(a);
      const j = index.get(b);
      return i === undefined || j === undefined ? [] : [[i, j] as [number, number]];
    });
  };
  const cannot = indexPairs(constraints.cannotLink);
  const must = indexPairs(constraints.mustLink);
  if (cannot.length + must.length > 0) {
    const enforced = enforceDecisions(clusterOf, result.pairs, result.settings.threshold, cannot, must);
    clusterOf = enforced.clusterOf;
    decisions.rebuilt = enforced.rebuilt;
    decisions.united = enforced.united;
  }
  lap("decisions");

  // Clusters as lists of record numbers (counting sort by cluster id).
  let clusterCount = 0;
  for (let r = 0; r < clusterOf.length; r++)
    clusterCount = Math.max(clusterCount, (clusterOf[r] as number) + 1);
  const start = new Int32Array(clusterCount + 1);
  for (let r = 0; r < clusterOf.length; r++) {
    const c = (clusterOf[r] as number) + 1;
    start[c] = (start[c] as number) + 1;
  }
  for (let c = 0; c < clusterCount; c++) start[c + 1] = (start[c + 1] as number) + (start[c] as number);
  const order = new Int32Array(clusterOf.length);
  const fill = start.slice(0, clusterCount);
  for (let r = 0; r < clusterOf.length; r++) {
    const c = clusterOf[r] as number;
    order[fill[c] as number] = r;
    fill[c] = (fill[c] as number) + 1;
  }
  const membersOf = (c: number) => order.subarray(start[c] as number, start[c + 1] as number);
  const clusterKeys: string[][] = Array.from({ length: clusterCount }, (_, c) =>
    Array.from(membersOf(c), (r) => keys[r] as string),
  );

  // The evidence of each link: the strongest link to another record of the same entity.
  const best = new Float64Array(keys.length).fill(-1);
  for (let p = 0; p < result.pairs.count; p++) {
    const i = result.pairs.left[p] as number;
    const j = result.pairs.right[p] as number;
    const prob = result.pairs.probability[p] as number;
    if (clusterOf[i] !== clusterOf[j] || !(prob >= result.settings.threshold)) continue;
    if (prob > (best[i] as number)) best[i] = prob;
    if (prob > (best[j] as number)) best[j] = prob;
  }
  const evidenceOf = (r: number, size: number): LinkEvidence => {
    const p = best[r] as number;
    if (size === 1) return { kind: "alone", by: "tessera master", at };
    if (p < 0) return { kind: "steward", rule: "a steward's merge", by: "tessera master", at };
    if (p >= 1) return { kind: "rule", probability: 1, rule: "deterministic", by: "tessera master", at };
    return { kind: "score", probability: p, by: "tessera master", at };
  };

  progress("ids", "mapping clusters onto previous entities");
  const previous = await loadLinks(store.db);
  const seqOf = await loadActiveEntities(store.db);
  const aliases: Map<string, AliasEntity[]> = await loadAliases(store.db);
  const hashes = await loadProfileHashes(store.db);
  const prevCount = new Map<string, number>();
  for (const id of previous.values()) prevCount.set(id, (prevCount.get(id) ?? 0) + 1);
  const assignment = assignIds({ clusters: clusterKeys, previous, seqOf, aliasesOf: aliases });
  lap("ids");

  const report: MasterReport = {
    records: keys.length,
    entities: clusterCount,
    created: 0,
    updated: 0,
    unchanged: 0,
    merged: 0,
    split: 0,
    revived: 0,
    deleted: assignment.deleted.length,
    reviewItems: 0,
    reviewCandidates: 0,
    decisions,
    seconds,
  };

  const recordIndex = records;
  // A quarter of a GiB of page cache: the links, lookups and profiles go into b-trees much larger than
  // SQLite's default 2 MiB, and one long transaction writes them all.
  if (store.dialect === "sqlite") await sql`pragma cache_size = -262144`.execute(store.db);
  await store.db.transaction().execute(async (trx) => {
    const newCount = assignment.clusters.filter((a) => a.kind === "new").length;
    const seqs = await allocateSeqs(trx, newCount);
    let nextNew = 0;
    const idOf: string[] = [];
    const newSeq = new Map<string, number>();
    for (const a of assignment.clusters) {
      if (a.kind === "new") {
        const seq = seqs[nextNew++] as number;
        const id = formatEntityId(seq);
        newSeq.set(id, seq);
        idOf.push(id);
      } else idOf.push(a.id);
    }
    // The parts each split entity came apart into (beyond the part that kept its id).
    const partsOf = new Map<string, string[]>();
    assignment.clusters.forEach((a, c) => {
      if (a.kind === "kept") return;
      for (const e of a.from) partsOf.set(e, [...(partsOf.get(e) ?? []), idOf[c] as string]);
    });

    for (let from = 0; from < clusterCount; from += writeChunk) {
      const to = Math.min(clusterCount, from + writeChunk);
      const w: EntityWrites = emptyWrites(at);
      const derived: DerivedEntity[] = [];
      // Entities whose previous state the change log needs: only those that changed.
      const touched = new Set<string>();
      for (let c = from; c < to; c++) {
        const members = Array.from(membersOf(c), (r) => recordIndex[r] as MemberRecord);
        const d = deriveEntity(members, survivorship);
        derived.push(d);
        const a = assignment.clusters[c];
        if (a?.kind !== "kept") continue;
        if (
          a.merged.length > 0 ||
          a.split ||
          hashes.get(a.id) !== d.hash ||
          prevCount.get(a.id) !== members.length
        )
          touched.add(a.id);
        for (const m of a.merged) touched.add(m);
      }
      const prevRecords = await recordsOf(trx, [...touched]);
      const prevProfiles = await getProfiles(
        trx,
        [...touched].filter((id) => hashes.has(id)),
      );
      const stateOf = (id: string): EntityState => ({
        records: prevRecords.get(id) ?? [],
        golden: prevProfiles.get(id) ?? null,
      });

      for (let c = from; c < to; c++) {
        const a = assignment.clusters[c];
        const d = derived[c - from] as DerivedEntity;
        const id = idOf[c] as string;
        if (!a) continue;
        const members = membersOf(c);
        const moved = Array.from(members).filter((r) => previous.get(keys[r] as string) !== id);
        const after: EntityState = { records: d.records, golden: d.profile };
        if (a.kind === "kept") {
          const before = touched.has(id) ? stateOf(id) : { records: [], golden: null };
          const recordsChanged = moved.length > 0 || prevCount.get(id) !== d.records.length;
          if (a.merged.length > 0) {
            report.merged += a.merged.length;
            w.changes.push({
              entityId: id,
              kind: "merged",
              before,
              after: { ...after, entities: a.merged },
              cause,
            });
            for (const m of a.merged) {
              const absorbed = stateOf(m);
              w.merged.push({ id: m, into: id, records: absorbed.records });
              w.changes.push({
                entityId: m,
                kind: "merged",
                before: absorbed,
                after: { records: [], golden: null, entities: [id] },
                cause,
              });
            }
          } else if (a.split) {
            report.split++;
            w.changes.push({
              entityId: id,
              kind: "split",
              before,
              after: { ...after, entities: partsOf.get(id) ?? [] },
              cause,
            });
          } else if (recordsChanged || hashes.get(id) !== d.hash) {
            report.updated++;
            w.changes.push({ entityId: id, kind: "updated", before, after, cause });
          } else {
            report.unchanged++;
            continue;
          }
        } else {
          const fromIds = a.from;
          const partCause = fromIds.length > 0 ? `split from ${fromIds.join(", ")} (${cause})` : cause;
          if (a.kind === "revived") {
            report.revived++;
            w.active.push({ id, records: d.records.length });
            const alias = aliases
              .get(fromIds.find((f) => aliases.get(f)?.some((x) => x.id === id)) ?? "")
              ?.find((x) => x.id === id);
            w.changes.push({
              entityId: id,
              kind: "created",
              before: {
                records: alias?.records ?? [],
                golden: null,
                entities: alias ? [alias.survivor] : [],
              },
              after,
              cause: partCause,
            });
          } else {
            report.created++;
            w.created.push({ id, seq: newSeq.get(id) as number, records: d.records.length });
            w.changes.push({ entityId: id, kind: "created", before: null, after, cause: partCause });
          }
        }
        for (const r of moved)
          w.links.push({
            recordKey: keys[r] as string,
            entityId: id,
            source: (recordIndex[r] as MemberRecord).source,
            evidence: evidenceOf(r, members.length),
          });
        w.profiles.push({ entityId: id, profile: d.profile, hash: d.hash, lookups: d.lookups });
      }
      await writeEntityChanges(trx, w);
      progress("write", `${to.toLocaleString("en-US")} of ${clusterCount.toLocaleString("en-US")} entities`);
    }

    if (assignment.deleted.length > 0) {
      const w = emptyWrites(at);
      const prevRecords = await recordsOf(trx, assignment.deleted);
      const prevProfiles = await getProfiles(trx, assignment.deleted);
      for (const id of assignment.deleted) {
        w.deleted.push(id);
        w.unlinked.push(...(prevRecords.get(id) ?? []));
        w.changes.push({
          entityId: id,
          kind: "deleted",
          before: { records: prevRecords.get(id) ?? [], golden: prevProfiles.get(id) ?? null },
          after: null,
          cause,
        });
      }
      await writeEntityChanges(trx, w);
    }
    lap("write");

    // The review queue, with each pair's explanation for the steward.
    const threshold = result.settings.threshold;
    const decided = new Set([...cannot, ...must].map(([i, j]) => (i < j ? `${i}:${j}` : `${j}:${i}`)));
    const queue = reviewCandidates(
      result.pairs,
      clusterOf,
      { from: Math.min(options.reviewFrom ?? 0.5, threshold), to: threshold },
      (i, j) => decided.has(i < j ? `${i}:${j}` : `${j}:${i}`),
      options.reviewLimit ?? 50_000,
    );
    const compiled = result.model.specs.map((s) => compileComparison(s, result.table));
    const items: NewReviewItem[] = queue.candidates.map((q) => ({
      leftKey: keys[q.left] as string,
      rightKey: keys[q.right] as string,
      leftEntity: idOf[clusterOf[q.left] as number] as string,
      rightEntity: idOf[clusterOf[q.right] as number] as string,
      probability: q.probability,
      impact: q.impact,
      explanation: explainPair(result.model, compiled, q.left, q.right),
    }));
    await replaceReviewQueue(trx, items, at);
    report.reviewItems = items.length;
    report.reviewCandidates = queue.total;
    await putState(trx, "survivorship", survivorship satisfies SurvivorshipSettings, at);
    await putState(trx, "last-run", { at, report: { ...report, seconds: undefined } }, at);
    lap("review");
  });
  progress("done", `${report.entities.toLocaleString("en-US")} entities`);
  return report;
}
