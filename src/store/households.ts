import type { Kysely } from "kysely";
import type { HouseholdAddress, HouseholdAggregates, MemberEvidence } from "../master/households/build.js";
import type { MatchModel } from "../resolve/model.js";
import { allocateSeqs, resolveEntity } from "./entities.js";
import { type Database, fromCount, fromJson, fromTime } from "./schema.js";

/**
 * Households in the store: `household` (ids `H-n` from `id_sequence` under "household", never reused; a
 * dissolved household keeps its row) and `household_member` (a row per membership: `since` when the person
 * joined, `until` when they left; at most one open row per person). The household model of the last build is
 * kept in `master_state` under "households.model", so that `households explain` scores with the same weights.
 */

type Db = Kysely<Database>;

export const householdIdPattern = /^H-(\d+)$/;

export function formatHouseholdId(seq: number): string {
  return `H-${seq}`;
}

/** Allocates `count` household sequence numbers inside the caller's transaction. */
export function allocateHouseholdSeqs(trx: Db, count: number): Promise<number[]> {
  return allocateSeqs(trx, count, "household");
}

/** Person → the household they are in now. */
export async function currentMemberships(db: Db): Promise<Map<string, string>> {
  const rows = await db
    .selectFrom("household_member")
    .select(["entity_id", "household_id"])
    .where("until", "is", null)
    .execute();
  return new Map(rows.map((r) => [r.entity_id, r.household_id]));
}

/** Active household → its sequence number. */
export async function activeHouseholds(db: Db): Promise<Map<string, number>> {
  const rows = await db
    .selectFrom("household")
    .select(["id", "seq"])
    .where("status", "=", "active")
    .execute();
  return new Map(rows.map((r) => [r.id, fromCount(r.seq)]));
}

export interface HouseholdWrites {
  at: string;
  /** Households created or updated: their golden address and aggregates now. */
  households: {
    id: string;
    seq: number | null;
    address: HouseholdAddress | null;
    aggregates: HouseholdAggregates;
  }[];
  dissolved: { id: string; mergedInto: string | null }[];
  /** People who left a household (moved, or it dissolved). */
  left: { entity: string; household: string }[];
  /** People who joined one, with why. */
  joined: { entity: string; household: string; evidence: MemberEvidence }[];
  /** Members who stayed, with the evidence of this run. */
  stayed: { entity: string; household: string; evidence: MemberEvidence }[];
}

async function inBatches<T>(
  items: T[],
  size: number,
  write: (batch: T[]) => Promise<unknown>,
): Promise<void> {
  for (let i = 0; i < items.length; i += size) await write(items.slice(i, i + size));
}

export async function writeHouseholds(trx: Db, w: HouseholdWrites): Promise<void> {
  const { at } = w;
  const created = w.households.filter((h) => h.seq !== null);
  await inBatches(created, 500, (batch) =>
    trx
      .insertInto("household")
      .values(
        batch.map((h) => ({
          id: h.id,
          seq: h.seq as number,
          status: "active" as const,
          address: h.address ? JSON.stringify(h.address) : null,
          size: h.aggregates.size,
          aggregates: JSON.stringify(h.aggregates),
          created_at: at,
          updated_at: at,
        })),
      )
      .execute(),
  );
  for (const h of w.households) {
    if (h.seq !== null) continue;
    await trx
      .updateTable("household")
      .set({
        status: "active",
        address: h.address ? JSON.stringify(h.address) : null,
        size: h.aggregates.size,
        aggregates: JSON.stringify(h.aggregates),
        updated_at: at,
      })
      .where("id", "=", h.id)
      .execute();
  }
  for (const d of w.dissolved) {
    await trx
      .updateTable("household")
      .set({ status: "dissolved", size: 0, updated_at: at })
      .where("id", "=", d.id)
      .execute();
    if (d.mergedInto) {
      const row = await trx
        .selectFrom("household")
        .select("aggregates")
        .where("id", "=", d.id)
        .executeTakeFirst();
      const aggregates = {
        ...(row ? fromJson<Record<string, unknown>>(row.aggregates) : {}),
        mergedInto: d.mergedInto,
      };
      await trx
        .updateTable("household")
        .set({ aggregates: JSON.stringify(aggregates) })
        .where("id", "=", d.id)
        .execute();
    }
  }
  for (const l of w.left)
    await trx
      .updateTable("household_member")
      .set({ until: at })
      .where("entity_id", "=", l.entity)
      .where("household_id", "=", l.household)
      .where("until", "is", null)
      .execute();
  await inBatches(w.joined, 500, (batch) =>
    trx
      .insertInto("household_member")
      .values(
        batch.map((j) => ({
          household_id: j.household,
          entity_id: j.entity,
          since: at,
          until: null,
          evidence: JSON.stringify(j.evidence),
        })),
      )
      .execute(),
  );
  for (const s of w.stayed)
    await trx
      .updateTable("household_member")
      .set({ evidence: JSON.stringify(s.evidence) })
      .where("entity_id", "=", s.entity)
      .where("household_id", "=", s.household)
      .where("until", "is", null)
      .execute();
}

export interface HouseholdMember {
  entityId: string;
  since: string;
  until: string | null;
  evidence: MemberEvidence | null;
}

export interface HouseholdView {
  id: string;
  status: "active" | "dissolved";
  address: HouseholdAddress | null;
  size: number;
  aggregates: HouseholdAggregates & { mergedInto?: string };
  createdAt: string;
  updatedAt: string;
  /** Current members (for a dissolved household: none). */
  members: HouseholdMember[];
  /** Everyone who ever belonged, with when. */
  history: HouseholdMember[];
}

const toMember = (r: {
  entity_id: string;
  since: string | Date;
  until: string | Date | null;
  evidence: unknown;
}): HouseholdMember => ({
  entityId: r.entity_id,
  since: fromTime(r.since),
  until: r.until === null ? null : fromTime(r.until),
  evidence: r.evidence === null ? null : fromJson<MemberEvidence>(r.evidence),
});

export async function getHousehold(db: Db, id: string): Promise<HouseholdView | null> {
  const h = await db.selectFrom("household").selectAll().where("id", "=", id).executeTakeFirst();
  if (!h) return null;
  const rows = await db
    .selectFrom("household_member")
    .select(["entity_id", "since", "until", "evidence"])
    .where("household_id", "=", id)
    .orderBy("id")
    .execute();
  const history = rows.map(toMember);
  return {
    id: h.id,
    status: h.status,
    address: h.address === null ? null : fromJson<HouseholdAddress>(h.address),
    size: h.size,
    aggregates: fromJson(h.aggregates),
    createdAt: fromTime(h.created_at),
    updatedAt: fromTime(h.updated_at),
    members: history.filter((m) => m.until === null),
    history,
  };
}

/**
 * The household a person lives in now, with its members — for the profile API. An id merged into another
 * person is followed to the survivor; null when the person is in no household.
 */
export async function householdOf(db: Db, entityId: string): Promise<HouseholdView | null> {
  const found = await resolveEntity(db, entityId);
  const id = found?.entity.id ?? entityId;
  const row = await db
    .selectFrom("household_member")
    .select("household_id")
    .where("entity_id", "=", id)
    .where("until", "is", null)
    .executeTakeFirst();
  return row ? getHousehold(db, row.household_id) : null;
}

/** Every household a person has belonged to, oldest first: their moves. */
export async function householdHistoryOf(
  db: Db,
  entityId: string,
): Promise<(HouseholdMember & { householdId: string })[]> {
  const rows = await db
    .selectFrom("household_member")
    .select(["household_id", "entity_id", "since", "until", "evidence"])
    .where("entity_id", "=", entityId)
    .orderBy("id")
    .execute();
  return rows.map((r) => ({ householdId: r.household_id, ...toMember(r) }));
}

export async function listHouseholds(
  db: Db,
  options: { minSize?: number; limit?: number } = {},
): Promise<
  { id: string; size: number; address: HouseholdAddress | null; aggregates: HouseholdAggregates }[]
> {
  const rows = await db
    .selectFrom("household")
    .select(["id", "size", "address", "aggregates", "seq"])
    .where("status", "=", "active")
    .where("size", ">=", options.minSize ?? 1)
    .orderBy("size", "desc")
    .orderBy("seq")
    .limit(options.limit ?? 50)
    .execute();
  return rows.map((r) => ({
    id: r.id,
    size: r.size,
    address: r.address === null ? null : fromJson<HouseholdAddress>(r.address),
    aggregates: fromJson<HouseholdAggregates>(r.aggregates),
  }));
}

const modelKey = "households.model";

export async function saveHouseholdModel(trx: Db, model: MatchModel, at: string): Promise<void> {
  const value = JSON.stringify(model);
  const exists = await trx
    .selectFrom("master_state")
    .select("key")
    .where("key", "=", modelKey)
    .executeTakeFirst();
  if (exists)
    await trx
      .updateTable("master_state")
      .set({ value, updated_at: at })
      .where("key", "=", modelKey)
      .execute();
  else await trx.insertInto("master_state").values({ key: modelKey, value, updated_at: at }).execute();
}

export async function loadHouseholdModel(db: Db): Promise<MatchModel | null> {
  const row = await db
    .selectFrom("master_state")
    .select("value")
    .where("key", "=", modelKey)
    .executeTakeFirst();
  return row ? fromJson<MatchModel>(row.value) : null;
}
