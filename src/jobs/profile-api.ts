import type { GoldenProfile } from "../master/golden-profile.js";
import { type ConsentRecord, consentOf } from "../privacy/consent.js";
import { standardizeEmail } from "../standardize/email.js";
import { fold } from "../standardize/fold.js";
import { standardizePhone } from "../standardize/phone.js";
import { computedTraitsOf, type SegmentMembership, segmentsOf } from "../store/audiences.js";
import {
  aliasesOf,
  type ChangeRow,
  changesSince,
  entityIdPattern,
  entityLinks,
  findByLookup,
  getProfiles,
  type LinkRow,
  resolveEntity,
} from "../store/entities.js";
import { type EventPage, eventsOfEntity } from "../store/events.js";
import { type HouseholdView, householdOf } from "../store/households.js";
import type { Store } from "../store/open-store.js";
import { fromTime } from "../store/schema.js";
import { type ProfileScore, readScores } from "../store/scores.js";

/**
 * The profile API's reads: one profile by golden id, alias or `type:value` (email, phone, user_id,
 * anonymous_id, device_id, any identifier the graph holds, or `record:source/id`), with its golden traits and
 * their lineage, identities, linked records, a first page of events, the household and the scores; search by name, email or phone; the
 * events timeline; and the change feed.
 */

export interface ProfileIdentity {
  kind: string;
  value: string;
  record: string;
  firstSeen: string;
  lastSeen: string;
  generic: boolean;
}

export interface ProfileDocument {
  id: string;
  /** What was asked for, when it was not the golden id itself. */
  requested: string;
  /** The asked id is an alias (an id merged into this one). */
  alias: boolean;
  aliases: string[];
  status: string;
  createdAt: string;
  updatedAt: string;
  traits: GoldenProfile | null;
  identities: ProfileIdentity[];
  records: LinkRow[];
  events: EventPage;
  /** The household the person lives in now (issue 6), or null. */
  household: HouseholdView | null;
  /** Predictive scores (issue 9): lifetime value, propensities, lookalike similarity. */
  scores: ProfileScore[];
  /** The segments the person is in now, and their computed traits (issue 8). */
  segments: SegmentMembership[];
  computedTraits: Record<string, unknown>;
  /** Consent per purpose and channel (issue 11). */
  consent: ConsentRecord[];
}

export class LookupError extends Error {
  override name = "LookupError";
}

/** The golden id an id or `type:value` names, or null; throws LookupError when the form is wrong. */
export async function findEntityId(
  store: Store,
  ref: string,
): Promise<{ id: string; alias: boolean } | null> {
  const db = store.db;
  if (entityIdPattern.test(ref)) {
    const found = await resolveEntity(db, ref);
    return found ? { id: found.entity.id, alias: found.via !== null } : null;
  }
  const colon = ref.indexOf(":");
  if (colon <= 0)
    throw new LookupError(`"${ref}" is neither a golden id (T-123) nor type:value (email:jane@example.com)`);
  const kind = ref.slice(0, colon);
  const value = ref.slice(colon + 1).trim();
  if (!value) throw new LookupError(`"${ref}" has no value after "${kind}:"`);
  if (kind === "record") {
    const link = await db
      .selectFrom("entity_link")
      .select("entity_id")
      .where("record_key", "=", value)
      .executeTakeFirst();
    return link ? { id: link.entity_id, alias: false } : null;
  }
  if (kind === "email" || kind === "phone") {
    const normal =
      kind === "email"
        ? standardizeEmail({ address: value }).value?.canonical
        : standardizePhone({ number: value }).value?.e164;
    if (!normal) throw new LookupError(`"${value}" is not a valid ${kind}`);
    const ids = await findByLookup(db, kind, normal);
    if (ids[0]) return { id: ids[0], alias: false };
    return viaIdentity(store, kind, normal);
  }
  return viaIdentity(store, kind, value);
}

async function viaIdentity(
  store: Store,
  kind: string,
  value: string,
): Promise<{ id: string; alias: boolean } | null> {
  const row = await store.db
    .selectFrom("identity as i")
    .innerJoin("entity_link as l", "l.record_key", "i.record_key")
    .select("l.entity_id")
    .where("i.kind", "=", kind)
    .where("i.value", "=", value)
    .executeTakeFirst();
  return row ? { id: row.entity_id, alias: false } : null;
}

export async function identitiesOf(store: Store, id: string): Promise<ProfileIdentity[]> {
  const keys = (
    await store.db.selectFrom("entity_link").select("record_key").where("entity_id", "=", id).execute()
  ).map((r) => r.record_key);
  if (keys.length === 0) return [];
  const rows = await store.db
    .selectFrom("identity")
    .select(["kind", "value", "record_key", "first_seen", "last_seen", "generic"])
    .where("record_key", "in", keys)
    .orderBy("kind")
    .orderBy("value")
    .execute();
  return rows.map((r) => ({
    kind: r.kind,
    value: r.value,
    record: r.record_key,
    firstSeen: fromTime(r.first_seen),
    lastSeen: fromTime(r.last_seen),
    generic: Number(r.generic) === 1,
  }));
}

export async function getProfileDocument(
  store: Store,
  ref: string,
  options: { events?: number } = {},
): Promise<ProfileDocument | null> {
  const found = await findEntityId(store, ref);
  if (!found) return null;
  const r = await resolveEntity(store.db, found.id);
  if (!r) return null;
  const e = r.entity;
  return {
    id: e.id,
    requested: ref,
    alias: found.alias,
    aliases: await aliasesOf(store.db, e.id),
    status: e.status,
    createdAt: e.createdAt,
    updatedAt: e.updatedAt,
    traits: (await getProfiles(store.db, [e.id])).get(e.id) ?? null,
    identities: await identitiesOf(store, e.id),
    records: await entityLinks(store.db, e.id),
    events: await eventsOfEntity(store.db, e.id, { limit: options.events ?? 20 }),
    household: await householdOf(store.db, e.id),
    scores: await readScores(store.db, e.id),
    segments: await segmentsOf(store.db, e.id),
    computedTraits: await computedTraitsOf(store.db, e.id),
    consent: await consentOf(store.db, e.id),
  };
}

export interface ProfileHit {
  id: string;
  name: string | null;
  email: string | null;
  phone: string | null;
  records: number;
  sources: string[];
}

/** Profiles by email, phone or name (a prefix of the folded "given family" or "family given"). */
export async function searchProfiles(
  store: Store,
  q: { email?: string; phone?: string; name?: string; limit?: number },
): Promise<ProfileHit[]> {
  const limit = Math.max(1, Math.min(q.limit ?? 20, 200));
  let ids: string[] = [];
  if (q.email) {
    const c = standardizeEmail({ address: q.email }).value?.canonical;
    if (!c) throw new LookupError(`"${q.email}" is not a valid email`);
    ids = await findByLookup(store.db, "email", c);
  } else if (q.phone) {
    const p = standardizePhone({ number: q.phone }).value?.e164;
    if (!p) throw new LookupError(`"${q.phone}" is not a valid phone number`);
    ids = await findByLookup(store.db, "phone", p);
  } else if (q.name) {
    const n = fold(q.name);
    if (n.length < 2) throw new LookupError("search by name needs at least two letters");
    // Read the index in name order a page at a time and keep each person once (a person has several name
    // keys): a short prefix matches a large share of a million profiles, and a DISTINCT … ORDER BY entity_id
    // would read and sort every one of them (p99 546 ms on 1M profiles for two letters, see bench/RESULTS.md).
    const seen = new Set<string>();
    const page = limit * 4;
    for (let pages = 0; seen.size < limit && pages < 25; pages++) {
      const rows = await store.db
        .selectFrom("golden_lookup")
        .select(["value", "entity_id"])
        .where("kind", "=", "name")
        .where("value", ">=", n)
        .where("value", "<", `${n}\uffff`)
        .orderBy("value")
        .orderBy("entity_id")
        .limit(page)
        .offset(pages * page)
        .execute();
      for (const r of rows) {
        if (seen.size >= limit) break;
        if (!seen.has(r.entity_id)) {
          seen.add(r.entity_id);
          ids.push(r.entity_id);
        }
      }
      if (rows.length < page) break;
    }
  } else throw new LookupError("search needs email, phone or name");
  const profiles = await getProfiles(store.db, ids.slice(0, limit));
  return ids.slice(0, limit).map((id) => {
    const p = profiles.get(id);
    return {
      id,
      name: p?.name?.value.full ?? null,
      email: p?.emails[0]?.value ?? null,
      phone: p?.phones[0]?.value ?? null,
      records: p?.records ?? 0,
      sources: p?.sources ?? [],
    };
  });
}

/** The change feed: entity changes after a sequence number, oldest first. */
export async function changeFeed(store: Store, after: number, limit = 100): Promise<ChangeRow[]> {
  return changesSince(store.db, after, Math.max(1, Math.min(limit, 1000)));
}
