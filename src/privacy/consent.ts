import { type Kysely, sql } from "kysely";
import { standardizeEmail } from "../standardize/email.js";
import { standardizePhone } from "../standardize/phone.js";
import { entityIdPattern, entityOfRecords, resolveEntity } from "../store/entities.js";
import { type Database, fromCount, fromJson, fromTime } from "../store/schema.js";
import { type ConsentState, consentInEvent, nameOf } from "./consent-events.js";

/**
 * Consent per purpose and channel: granted, denied or revoked, with when and where from.
 *
 * Consent is kept against the subject the person was known by when they gave it — an identifier
 * (`email:…`, `phone:…`, `user_id:…`, `anonymous_id:…`) or a source record (`record:source/id`) — and is
 * resolved to golden profiles when read. So it follows the person through merges and splits: a profile's
 * consent is that of every record and identifier it holds now, and consent given for an email before the
 * person was ever imported applies once they are. A consent given for a golden id is kept against each of
 * its records at that time.
 *
 * Among the statements that apply to a purpose and channel (those for that channel or for every channel
 * "*", and those for every purpose "*"), the latest wins. With none, the policy's default applies: "allow"
 * unless set otherwise (`tessera consent policy --default deny`, or TESSERA_CONSENT_DEFAULT=deny), per
 * purpose if wanted — an opt-in regime (GDPR marketing) is "deny".
 *
 * Consent from events (see consent-events.ts) is read from the stored events at read time, incrementally:
 * each read first takes the events stored since the last one (a cursor in `privacy_setting`).
 */

type Db = Kysely<Database>;

export interface ContactPermission {
  allowed: boolean;
  /** Why, in a few words: "consent granted (web form, 2026-11-02)", "consent revoked", "no consent recorded". */
  reason: string;
}

export interface ConsentRecord {
  purpose: string;
  channel: string | null;
  state: "granted" | "denied" | "revoked";
  at: string;
  source: string;
}

export interface ConsentPolicy {
  /** What "no consent recorded" means. */
  default: "allow" | "deny";
  /** Per purpose, overriding the default. */
  purposes: Record<string, "allow" | "deny">;
}

export class ConsentError extends Error {
  override name = "ConsentError";
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
  }
}

const chunk = 500;

function setOf<K, V>(m: Map<K, Set<V>>, k: K): Set<V> {
  let s = m.get(k);
  if (!s) {
    s = new Set();
    m.set(k, s);
  }
  return s;
}

function listOf<K, V>(m: Map<K, V[]>, k: K): V[] {
  let l = m.get(k);
  if (!l) {
    l = [];
    m.set(k, l);
  }
  return l;
}

/** The subject a reference names, normalised; a golden id is returned as `entity:T-n`. */
export function normalizeSubject(ref: string): string {
  const r = ref.trim();
  if (entityIdPattern.test(r)) return `entity:${r}`;
  const colon = r.indexOf(":");
  if (colon <= 0) throw new ConsentError("subject", `"${ref}" is neither a golden id nor type:value`);
  const kind = r.slice(0, colon).toLowerCase();
  const value = r.slice(colon + 1).trim();
  if (!value || value.length > 500)
    throw new ConsentError("subject", `"${kind}:" needs a value (at most 500 characters)`);
  if (!/^[a-z][a-z0-9_:-]{0,40}$/.test(kind))
    throw new ConsentError("subject", `"${kind}" is not an identifier kind`);
  if (kind === "email") {
    const e = standardizeEmail({ address: value }).value;
    if (!e?.valid) throw new ConsentError("subject", `"${value}" is not a valid email`);
    return `email:${e.canonical}`;
  }
  if (kind === "phone") {
    const p = standardizePhone({ number: value }).value;
    if (!p?.e164) throw new ConsentError("subject", `"${value}" is not a valid phone number`);
    return `phone:${p.e164}`;
  }
  return `${kind}:${value}`;
}

// ---- reading consent from events -------------------------------------------------------------------------

const cursorKey = "consent.events-cursor";

async function getSetting<T>(db: Db, key: string): Promise<T | null> {
  const r = await db.selectFrom("privacy_setting").select("value").where("key", "=", key).executeTakeFirst();
  return r ? fromJson<T>(r.value) : null;
}

export async function putSetting(db: Db, key: string, value: unknown): Promise<void> {
  const at = new Date().toISOString();
  await db
    .insertInto("privacy_setting")
    .values({ key, value: JSON.stringify(value), updated_at: at })
    .onConflict((oc) => oc.column("key").doUpdateSet({ value: JSON.stringify(value), updated_at: at }))
    .execute();
}

const running = new WeakMap<object, Promise<number>>();

/**
 * Takes the consent stated by events stored since the last call; returns how many statements it recorded.
 * Every consent read calls it first, so consent from events counts as soon as the event is stored; calls at
 * once in one process share one catch-up.
 */
export function syncConsentFromEvents(db: Db): Promise<number> {
  const now = running.get(db);
  if (now) return now;
  const p = catchUp(db).finally(() => running.delete(db));
  running.set(db, p);
  return p;
}

async function catchUp(db: Db): Promise<number> {
  const top = await db
    .selectFrom("event")
    .select((eb) => eb.fn.max("id").as("max"))
    .executeTakeFirst();
  const end = top?.max == null ? 0 : fromCount(top.max as number);
  let cursor = (await getSetting<number>(db, cursorKey)) ?? 0;
  if (end <= cursor) return 0;
  let recorded = 0;
  const recordedAt = new Date().toISOString();
  while (cursor < end) {
    const upto = Math.min(end, cursor + 20_000);
    // Only bodies that mention consent at all are parsed.
    const rows = await db
      .selectFrom("event")
      .select(["id", "source", "record_key", "timestamp", "body"])
      .where("id", ">", cursor)
      .where("id", "<=", upto)
      .where(sql<string>`cast(body as text)`, "like", "%onsent%")
      .orderBy("id")
      .execute();
    const values = [];
    for (const r of rows) {
      if (r.record_key.includes("/event:")) continue;
      for (const c of consentInEvent(fromJson(r.body)).changes)
        values.push({
          subject: `record:${r.record_key}`,
          purpose: c.purpose,
          channel: c.channel,
          state: c.state,
          at: fromTime(r.timestamp),
          source: `event:${r.source}`,
          event_id: Number(r.id),
          recorded_by: null,
          recorded_at: recordedAt,
        });
    }
    for (let i = 0; i < values.length; i += 200)
      await db
        .insertInto("consent")
        .values(values.slice(i, i + 200))
        .onConflict((oc) => oc.columns(["event_id", "purpose", "channel"]).doNothing())
        .execute();
    recorded += values.length;
    cursor = upto;
  }
  const stored = (await getSetting<number>(db, cursorKey)) ?? 0;
  if (end > stored) await putSetting(db, cursorKey, end);
  return recorded;
}

// ---- recording consent -----------------------------------------------------------------------------------

export interface ConsentInput {
  subject: string;
  purpose: string;
  channel?: string | null;
  state: string;
  at?: string;
  source?: string;
}

/** Records consent statements; a golden id is expanded to its records. Throws ConsentError naming the field. */
export async function recordConsent(
  db: Db,
  inputs: readonly ConsentInput[],
  by: string,
): Promise<{ recorded: number; subjects: string[] }> {
  const now = new Date().toISOString();
  const rows = [];
  const subjects: string[] = [];
  for (const [i, c] of inputs.entries()) {
    const at = (f: string) => (inputs.length > 1 ? `consents[${i}].${f}` : f);
    const purpose = c.purpose === "*" ? "*" : nameOf(c.purpose);
    if (!purpose)
      throw new ConsentError(at("purpose"), `"${c.purpose}" is not a purpose (letters, digits, _ . : -)`);
    const channel = c.channel == null || c.channel === "*" ? "*" : nameOf(c.channel);
    if (!channel) throw new ConsentError(at("channel"), `"${c.channel}" is not a channel`);
    if (!["granted", "denied", "revoked"].includes(c.state))
      throw new ConsentError(at("state"), `state must be granted, denied or revoked, not "${c.state}"`);
    const when = c.at ?? now;
    if (Number.isNaN(Date.parse(when))) throw new ConsentError(at("at"), `"${c.at}" is not a time`);
    const source = (c.source ?? "api").slice(0, 200);
    let subject: string;
    try {
      subject = normalizeSubject(c.subject);
    } catch (e) {
      if (e instanceof ConsentError) throw new ConsentError(at("subject"), e.message);
      throw e;
    }
    let expanded = [subject];
    if (subject.startsWith("entity:")) {
      const found = await resolveEntity(db, subject.slice(7));
      const keys = found
        ? (
            await db
              .selectFrom("entity_link")
              .select("record_key")
              .where("entity_id", "=", found.entity.id)
              .execute()
          ).map((r) => `record:${r.record_key}`)
        : [];
      if (keys.length === 0) throw new ConsentError(at("subject"), `no profile ${subject.slice(7)}`);
      expanded = keys;
    }
    for (const s of expanded) {
      subjects.push(s);
      rows.push({
        subject: s,
        purpose,
        channel,
        state: c.state as ConsentState,
        at: new Date(when).toISOString(),
        source,
        event_id: null,
        recorded_by: by,
        recorded_at: now,
      });
    }
  }
  for (let i = 0; i < rows.length; i += 200)
    await db
      .insertInto("consent")
      .values(rows.slice(i, i + 200))
      .execute();
  return { recorded: rows.length, subjects };
}

// ---- resolving subjects to profiles ----------------------------------------------------------------------

/** The subjects a set of profiles is known by now: its records, their identifiers, its golden emails and phones. */
export async function subjectsOfEntities(db: Db, ids: readonly string[]): Promise<Map<string, string[]>> {
  const out = new Map<string, Set<string>>();
  const add = (subject: string, entity: string) => setOf(out, subject).add(entity);
  for (let i = 0; i < ids.length; i += chunk) {
    const part = ids.slice(i, i + chunk);
    const links = await db
      .selectFrom("entity_link")
      .select(["record_key", "entity_id"])
      .where("entity_id", "in", part)
      .execute();
    const entityOf = new Map(links.map((l) => [l.record_key, l.entity_id]));
    for (const l of links) add(`record:${l.record_key}`, l.entity_id);
    const keys = [...entityOf.keys()];
    for (let j = 0; j < keys.length; j += chunk) {
      const rows = await db
        .selectFrom("identity")
        .select(["kind", "value", "record_key"])
        .where("record_key", "in", keys.slice(j, j + chunk))
        .execute();
      for (const r of rows) add(`${r.kind}:${r.value}`, entityOf.get(r.record_key) as string);
    }
    const lookups = await db
      .selectFrom("golden_lookup")
      .select(["kind", "value", "entity_id"])
      .where("entity_id", "in", part)
      .where("kind", "in", ["email", "phone"])
      .execute();
    for (const r of lookups) add(`${r.kind}:${r.value}`, r.entity_id);
  }
  // Inverted: entity → subjects.
  const byEntity = new Map<string, string[]>();
  for (const [subject, entities] of out)
    for (const e of entities) {
      listOf(byEntity, e).push(subject);
    }
  return byEntity;
}

/** The profiles each subject belongs to now. */
export async function entitiesOfSubjects(
  db: Db,
  subjects: readonly string[],
): Promise<Map<string, Set<string>>> {
  const out = new Map<string, Set<string>>();
  const add = (subject: string, entity: string) => setOf(out, subject).add(entity);
  const records: string[] = [];
  const idents = new Map<string, string[]>();
  for (const s of subjects) {
    const colon = s.indexOf(":");
    const kind = s.slice(0, colon);
    const value = s.slice(colon + 1);
    if (kind === "record") records.push(value);
    else {
      listOf(idents, kind).push(value);
    }
  }
  for (const [record, entity] of await entityOfRecords(db, records)) add(`record:${record}`, entity);
  for (const [kind, values] of idents)
    for (let i = 0; i < values.length; i += chunk) {
      const part = values.slice(i, i + chunk);
      const rows = await db
        .selectFrom("identity as i")
        .innerJoin("entity_link as l", "l.record_key", "i.record_key")
        .select(["i.value", "l.entity_id"])
        .where("i.kind", "=", kind)
        .where("i.value", "in", part)
        .execute();
      for (const r of rows) add(`${kind}:${r.value}`, r.entity_id);
      if (kind === "email" || kind === "phone") {
        const g = await db
          .selectFrom("golden_lookup")
          .select(["value", "entity_id"])
          .where("kind", "=", kind)
          .where("value", "in", part)
          .execute();
        for (const r of g) add(`${kind}:${r.value}`, r.entity_id);
      }
    }
  return out;
}

// ---- reading consent -------------------------------------------------------------------------------------

interface Row {
  id: number;
  subject: string;
  purpose: string;
  channel: string;
  state: ConsentState;
  at: string;
  source: string;
}

function toRow(r: {
  id: number | string | bigint;
  subject: string;
  purpose: string;
  channel: string;
  state: ConsentState;
  at: string | Date;
  source: string;
}): Row {
  return { ...r, id: Number(r.id), at: fromTime(r.at) };
}

const later = (a: Row, b: Row) => (a.at !== b.at ? a.at > b.at : a.id > b.id);

function toRecord(r: Row): ConsentRecord {
  return {
    purpose: r.purpose,
    channel: r.channel === "*" ? null : r.channel,
    state: r.state,
    at: r.at,
    source: r.source,
  };
}

/** Every consent statement that applies to a profile now, oldest first (for the access export). */
export async function consentHistory(
  db: Db,
  entityId: string,
): Promise<(ConsentRecord & { subject: string })[]> {
  await syncConsentFromEvents(db);
  const subjects = (await subjectsOfEntities(db, [entityId])).get(entityId) ?? [];
  const rows: Row[] = [];
  for (let i = 0; i < subjects.length; i += chunk) {
    const r = await db
      .selectFrom("consent")
      .select(["id", "subject", "purpose", "channel", "state", "at", "source"])
      .where("subject", "in", subjects.slice(i, i + chunk))
      .execute();
    rows.push(...r.map(toRow));
  }
  rows.sort((a, b) => (later(a, b) ? 1 : -1));
  return rows.map((r) => ({ ...toRecord(r), subject: r.subject }));
}

/** The consents a profile holds now, one per purpose and channel (the latest wins). */
export async function consentOf(db: Db, entityId: string): Promise<ConsentRecord[]> {
  const history = await consentHistory(db, entityId);
  const latest = new Map<string, ConsentRecord>();
  for (const r of history)
    latest.set(`${r.purpose}\u0000${r.channel ?? "*"}`, toRecord({ ...r, id: 0, channel: r.channel ?? "*" }));
  return [...latest.values()].sort((a, b) =>
    a.purpose !== b.purpose
      ? a.purpose < b.purpose
        ? -1
        : 1
      : (a.channel ?? "") < (b.channel ?? "")
        ? -1
        : 1,
  );
}

/** The latest applicable statement per profile, for a purpose (and channel). */
async function latestFor(db: Db, purpose: string, channel?: string): Promise<Map<string, Row>> {
  await syncConsentFromEvents(db);
  const p = nameOf(purpose) ?? purpose;
  const c = channel === undefined ? undefined : (nameOf(channel) ?? channel);
  let q = db
    .selectFrom("consent")
    .select(["id", "subject", "purpose", "channel", "state", "at", "source"])
    .where("purpose", "in", [p, "*"]);
  if (c !== undefined) q = q.where("channel", "in", [c, "*"]);
  const rows = (await q.execute()).map(toRow);
  const bySubject = new Map<string, Row>();
  for (const r of rows) {
    const prev = bySubject.get(r.subject);
    if (!prev || later(r, prev)) bySubject.set(r.subject, r);
  }
  const entities = await entitiesOfSubjects(db, [...bySubject.keys()]);
  const out = new Map<string, Row>();
  for (const [subject, r] of bySubject)
    for (const e of entities.get(subject) ?? []) {
      const prev = out.get(e);
      if (!prev || later(r, prev)) out.set(e, r);
    }
  return out;
}

/** The consent state of every profile for a purpose (and channel): what segment rules over consent read. */
export async function consentStates(
  db: Db,
  purpose: string,
  channel?: string,
): Promise<Map<string, ConsentRecord["state"]>> {
  const latest = await latestFor(db, purpose, channel);
  return new Map([...latest].map(([e, r]) => [e, r.state]));
}

export async function consentPolicy(db: Db): Promise<ConsentPolicy> {
  const stored = (await getSetting<ConsentPolicy>(db, "consent.policy")) ?? {
    default: "allow",
    purposes: {},
  };
  const env = process.env.TESSERA_CONSENT_DEFAULT?.trim().toLowerCase();
  if (env === "allow" || env === "deny") return { ...stored, default: env };
  return stored;
}

export async function setConsentPolicy(db: Db, policy: ConsentPolicy): Promise<void> {
  await putSetting(db, "consent.policy", policy);
}

/** The latest applicable statement for each of the given profiles: work in proportion to them, not to all. */
async function latestForIds(
  db: Db,
  ids: readonly string[],
  purpose: string,
  channel?: string,
): Promise<Map<string, Row>> {
  await syncConsentFromEvents(db);
  const p = nameOf(purpose) ?? purpose;
  const c = channel === undefined ? undefined : (nameOf(channel) ?? channel);
  const subjects = await subjectsOfEntities(db, ids);
  const entitiesOf = new Map<string, string[]>();
  for (const [e, list] of subjects) for (const s of list) listOf(entitiesOf, s).push(e);
  const all = [...entitiesOf.keys()];
  const out = new Map<string, Row>();
  for (let i = 0; i < all.length; i += chunk) {
    let q = db
      .selectFrom("consent")
      .select(["id", "subject", "purpose", "channel", "state", "at", "source"])
      .where("subject", "in", all.slice(i, i + chunk))
      .where("purpose", "in", [p, "*"]);
    if (c !== undefined) q = q.where("channel", "in", [c, "*"]);
    for (const r of (await q.execute()).map(toRow))
      for (const e of entitiesOf.get(r.subject) ?? []) {
        const prev = out.get(e);
        if (!prev || later(r, prev)) out.set(e, r);
      }
  }
  return out;
}

/** Whether each profile may be contacted for a purpose (e.g. "marketing") on a channel (e.g. "email"). */
export async function mayContact(
  db: Db,
  entityIds: readonly string[],
  purpose: string,
  channel?: string,
): Promise<Map<string, ContactPermission>> {
  const latest = await latestForIds(db, entityIds, purpose, channel);
  const policy = await consentPolicy(db);
  const fallback = policy.purposes[nameOf(purpose) ?? purpose] ?? policy.default;
  const out = new Map<string, ContactPermission>();
  for (const id of entityIds) {
    const r = latest.get(id);
    if (!r) {
      out.set(id, {
        allowed: fallback === "allow",
        reason: `no consent recorded (policy: ${fallback})`,
      });
      continue;
    }
    const what = `${r.purpose === "*" ? "every purpose" : r.purpose}${r.channel === "*" ? "" : ` by ${r.channel}`}`;
    out.set(id, {
      allowed: r.state === "granted",
      reason: `consent ${r.state} for ${what} (${r.source}, ${r.at.slice(0, 10)})`,
    });
  }
  return out;
}
