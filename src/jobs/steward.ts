import type { Kysely } from "kysely";
import type { PairDecision } from "../master/decisions.js";
import { deriveEntity } from "../master/entity-state.js";
import { assignIds } from "../master/stable-ids.js";
import {
  defaultSurvivorship,
  type SurvivorshipSettings,
  survivorshipSettings,
} from "../master/survivorship-settings.js";
import {
  allocateSeqs,
  type EntityRow,
  emptyWrites,
  entityLinks,
  formatEntityId,
  getProfiles,
  loadAliases,
  resolveEntity,
  writeEntityChanges,
} from "../store/entities.js";
import { memberRecordsByKey } from "../store/member-records.js";
import type { Store } from "../store/open-store.js";
import type { Database } from "../store/schema.js";
import {
  closeReviewItem,
  getReviewItem,
  getState,
  type ReviewItem,
  recordDecision,
} from "../store/stewardship.js";

/**
 * A steward's actions: merge two entities, split one by choosing records, and decide review pairs. Each is
 * one transaction that writes the decision (who, when, why, and the record pairs it comes down to, which
 * every later run honours), the entities and links it changes, the golden profiles derived again, and the
 * change log. The records themselves are never touched.
 */

export interface Steward {
  by: string;
  reason?: string;
  now?: () => Date;
}

type Db = Kysely<Database>;

export class StewardError extends Error {
  override name = "StewardError";
}

async function survivorshipOf(db: Db): Promise<SurvivorshipSettings> {
  const stored = await getState<unknown>(db, "survivorship");
  return stored ? survivorshipSettings.parse(stored) : defaultSurvivorship;
}

async function activeEntity(db: Db, id: string): Promise<EntityRow> {
  const found = await resolveEntity(db, id);
  if (!found) throw new StewardError(`no entity ${id}`);
  if (found.entity.status !== "active") throw new StewardError(`entity ${id} is ${found.entity.status}`);
  return found.entity;
}

async function linkedKeys(db: Db, id: string): Promise<string[]> {
  return (await entityLinks(db, id)).map((l) => l.recordKey);
}

export interface MergeOutcome {
  survivor: string;
  alias: string;
  decision: number;
  records: number;
}

/** Merges two entities: the older id survives, the other becomes its alias. */
export async function mergeEntities(
  store: Store,
  a: string,
  b: string,
  steward: Steward,
  pair?: [string, string],
): Promise<MergeOutcome> {
  const at = (steward.now ?? (() => new Date()))().toISOString();
  return store.db.transaction().execute(async (trx) => {
    const ea = await activeEntity(trx, a);
    const eb = await activeEntity(trx, b);
    if (ea.id === eb.id) throw new StewardError(`${a} and ${b} are already one entity, ${ea.id}`);
    const [survivor, absorbed] = ea.seq < eb.seq ? [ea, eb] : [eb, ea];
    const keep = await linkedKeys(trx, survivor.id);
    const gone = await linkedKeys(trx, absorbed.id);
    const survivorship = await survivorshipOf(trx);
    const profiles = await getProfiles(trx, [survivor.id, absorbed.id]);
    const members = await memberRecordsByKey(trx, [...keep, ...gone]);
    const derived = deriveEntity(members, survivorship);
    const link = pair ?? [keep[0] as string, gone[0] as string];
    const decision = await recordDecision(trx, {
      kind: pair ? "match" : "merge",
      entities: [survivor.id, absorbed.id],
      records: link,
      by: steward.by,
      reason: steward.reason ?? null,
      at,
      pairs: [{ kind: "match", left: link[0], right: link[1] }],
    });
    const w = emptyWrites(at);
    w.merged.push({ id: absorbed.id, into: survivor.id, records: gone });
    for (const key of gone)
      w.links.push({
        recordKey: key,
        entityId: survivor.id,
        source: key.slice(0, key.indexOf("/")),
        evidence: {
          kind: "steward",
          decision,
          rule: pair ? "accepted review pair" : "merge",
          by: steward.by,
          at,
        },
      });
    w.profiles.push({
      entityId: survivor.id,
      profile: derived.profile,
      hash: derived.hash,
      lookups: derived.lookups,
    });
    const cause = `decision ${decision} by ${steward.by}`;
    w.changes.push({
      entityId: survivor.id,
      kind: "merged",
      before: { records: keep, golden: profiles.get(survivor.id) ?? null },
      after: { records: derived.records, golden: derived.profile, entities: [absorbed.id] },
      cause,
    });
    w.changes.push({
      entityId: absorbed.id,
      kind: "merged",
      before: { records: gone, golden: profiles.get(absorbed.id) ?? null },
      after: { records: [], golden: null, entities: [survivor.id] },
      cause,
    });
    await writeEntityChanges(trx, w);
    return { survivor: survivor.id, alias: absorbed.id, decision, records: derived.records.length };
  });
}

export interface SplitOutcome {
  /** The entity keeping the id (the larger part). */
  kept: string;
  /** The id of the other part: a new one, or an alias revived when the split undoes a merge. */
  other: string;
  revived: boolean;
  decision: number;
}

/** Splits an entity: the chosen records leave it; the larger part keeps the id. */
export async function splitEntity(
  store: Store,
  id: string,
  chosen: string[],
  steward: Steward,
): Promise<SplitOutcome> {
  const at = (steward.now ?? (() => new Date()))().toISOString();
  return store.db.transaction().execute(async (trx) => {
    const entity = await activeEntity(trx, id);
    const all = await linkedKeys(trx, entity.id);
    const linked = new Set(all);
    const picked = [...new Set(chosen)];
    for (const key of picked)
      if (!linked.has(key)) throw new StewardError(`record ${key} is not linked to entity ${entity.id}`);
    if (picked.length === 0) throw new StewardError(`choose the records to split off ${entity.id}`);
    if (picked.length === all.length)
      throw new StewardError(`choosing every record of ${entity.id} leaves nothing to split from`);
    const pickedSet = new Set(picked);
    const rest = all.filter((k) => !pickedSet.has(k));
    picked.sort();

    // The same rule as a batch run: the larger part keeps the id (the remaining part on a tie), and the
    // other part takes back an alias whose records it is, or a new id.
    const previous = new Map(all.map((k) => [k, entity.id]));
    const aliases = await loadAliases(trx);
    const assignment = assignIds({
      clusters: [rest, picked],
      previous,
      seqOf: new Map([[entity.id, entity.seq]]),
      aliasesOf: new Map([[entity.id, aliases.get(entity.id) ?? []]]),
    });
    const [first, second] = assignment.clusters;
    const keptPart = first?.kind === "kept" ? rest : picked;
    const otherPart = keptPart === rest ? picked : rest;
    const otherAssignment = first?.kind === "kept" ? second : first;
    let otherId: string;
    let revived = false;
    if (otherAssignment?.kind === "revived") {
      otherId = otherAssignment.id;
      revived = true;
    } else otherId = formatEntityId((await allocateSeqs(trx, 1))[0] as number);

    const pairs: PairDecision[] = [];
    for (const x of picked) for (const y of rest) pairs.push({ kind: "not-a-match", left: x, right: y });
    for (const part of [picked, rest])
      for (let i = 1; i < part.length; i++)
        pairs.push({ kind: "match", left: part[i - 1] as string, right: part[i] as string });
    const decision = await recordDecision(trx, {
      kind: "split",
      entities: [entity.id, otherId],
      records: picked,
      by: steward.by,
      reason: steward.reason ?? null,
      at,
      pairs,
    });

    const survivorship = await survivorshipOf(trx);
    const before = (await getProfiles(trx, [entity.id])).get(entity.id) ?? null;
    const keptDerived = deriveEntity(await memberRecordsByKey(trx, keptPart), survivorship);
    const otherDerived = deriveEntity(await memberRecordsByKey(trx, otherPart), survivorship);
    const w = emptyWrites(at);
    const cause = `decision ${decision} by ${steward.by}`;
    if (revived) w.active.push({ id: otherId, records: otherPart.length });
    else {
      const seq = Number(otherId.slice(2));
      w.created.push({ id: otherId, seq, records: otherPart.length });
    }
    for (const key of otherPart)
      w.links.push({
        recordKey: key,
        entityId: otherId,
        source: key.slice(0, key.indexOf("/")),
        evidence: { kind: "steward", decision, rule: "split", by: steward.by, at },
      });
    w.profiles.push({
      entityId: entity.id,
      profile: keptDerived.profile,
      hash: keptDerived.hash,
      lookups: keptDerived.lookups,
    });
    w.profiles.push({
      entityId: otherId,
      profile: otherDerived.profile,
      hash: otherDerived.hash,
      lookups: otherDerived.lookups,
    });
    w.changes.push({
      entityId: entity.id,
      kind: "split",
      before: { records: all.sort(), golden: before },
      after: { records: keptDerived.records, golden: keptDerived.profile, entities: [otherId] },
      cause,
    });
    w.changes.push({
      entityId: otherId,
      kind: "created",
      before: revived ? { records: [], golden: null, entities: [entity.id] } : null,
      after: { records: otherDerived.records, golden: otherDerived.profile },
      cause: `split from ${entity.id} (${cause})`,
    });
    await writeEntityChanges(trx, w);
    return { kept: entity.id, other: otherId, revived, decision };
  });
}

async function entityOfRecord(db: Db, key: string): Promise<string | null> {
  const row = await db
    .selectFrom("entity_link")
    .select("entity_id")
    .where("record_key", "=", key)
    .executeTakeFirst();
  return row?.entity_id ?? null;
}

async function openItem(store: Store, itemId: number): Promise<ReviewItem> {
  const item = await getReviewItem(store.db, itemId);
  if (!item) throw new StewardError(`no review item ${itemId}`);
  if (item.status !== "open") throw new StewardError(`review item ${itemId} is already ${item.status}`);
  return item;
}

export interface ReviewOutcome {
  item: number;
  status: "accepted" | "rejected" | "stale";
  decision: number | null;
  merge?: MergeOutcome;
}

/** Accepts a review pair: the two records are one person, so their entities merge. */
export async function acceptReviewItem(
  store: Store,
  itemId: number,
  steward: Steward,
): Promise<ReviewOutcome> {
  const item = await openItem(store, itemId);
  const at = (steward.now ?? (() => new Date()))().toISOString();
  const left = await entityOfRecord(store.db, item.leftKey);
  const right = await entityOfRecord(store.db, item.rightKey);
  if (!left || !right)
    throw new StewardError(`review item ${itemId}: ${item.leftKey} or ${item.rightKey} is no longer linked`);
  if (left === right) {
    await closeReviewItem(store.db, itemId, "stale", null, at);
    return { item: itemId, status: "stale", decision: null };
  }
  const merge = await mergeEntities(store, left, right, steward, [item.leftKey, item.rightKey]);
  await closeReviewItem(store.db, itemId, "accepted", merge.decision, at);
  return { item: itemId, status: "accepted", decision: merge.decision, merge };
}

/** Rejects a review pair: "not a match", remembered and honoured by every later run. */
export async function rejectReviewItem(
  store: Store,
  itemId: number,
  steward: Steward,
): Promise<ReviewOutcome> {
  const item = await openItem(store, itemId);
  const at = (steward.now ?? (() => new Date()))().toISOString();
  return store.db.transaction().execute(async (trx) => {
    const decision = await recordDecision(trx, {
      kind: "not-a-match",
      entities: [item.leftEntity, item.rightEntity],
      records: [item.leftKey, item.rightKey],
      by: steward.by,
      reason: steward.reason ?? null,
      at,
      pairs: [{ kind: "not-a-match", left: item.leftKey, right: item.rightKey }],
    });
    await closeReviewItem(trx, itemId, "rejected", decision, at);
    return { item: itemId, status: "rejected" as const, decision };
  });
}

/** "Not a match" between two records directly, outside the queue. */
export async function notAMatch(
  store: Store,
  left: string,
  right: string,
  steward: Steward,
): Promise<number> {
  const at = (steward.now ?? (() => new Date()))().toISOString();
  if (left === right) throw new StewardError(`a record is always a match with itself: ${left}`);
  await memberRecordsByKey(store.db, [left, right]);
  return store.db.transaction().execute(async (trx) => {
    const [a, b] = [await entityOfRecord(trx, left), await entityOfRecord(trx, right)];
    return recordDecision(trx, {
      kind: "not-a-match",
      entities: [a, b].filter((x): x is string => x !== null),
      records: [left, right],
      by: steward.by,
      reason: steward.reason ?? null,
      at,
      pairs: [{ kind: "not-a-match", left, right }],
    });
  });
}
