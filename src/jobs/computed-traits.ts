import type { Kysely, Transaction } from "kysely";
import {
  foldEvent,
  parseTraitDefinition,
  type TraitDefinition,
  type TraitEvent,
  type TraitState,
  traitValue,
} from "../analytics/computed-traits.js";
import { type RfmBoundaries, type RfmInput, rfmBoundaries, rfmScore } from "../analytics/rfm-scores.js";
import {
  deleteTraitDefinition,
  getTraitDefinition,
  listTraitDefinitions,
  markTraitComputed,
  putTraitDefinition,
  readTraitValues,
  type TraitValueRow,
  writeTraitValues,
} from "../store/audiences.js";
import type { Store } from "../store/open-store.js";
import { type Database, fromJson, fromTime } from "../store/schema.js";
import { type ProgressReporter, silentProgress } from "./progress.js";

/**
 * Computed traits over the store: defining them, computing them in batch over every event, and keeping them
 * current as events arrive (the live loop folds new events into the stored states, and recomputes a profile
 * from its events when a merge or split changes which records it has). RFM traits are scored against the
 * quintile boundaries of the last batch run between runs.
 */

type Db = Kysely<Database> | Transaction<Database>;

export interface LoadedTrait {
  def: TraitDefinition;
  /** RFM: the quintile boundaries of the last batch run. */
  rfm: RfmBoundaries | null;
}

export async function loadTraits(db: Db): Promise<Map<string, LoadedTrait>> {
  const out = new Map<string, LoadedTrait>();
  for (const t of await listTraitDefinitions(db)) {
    try {
      out.set(t.name, {
        def: parseTraitDefinition(t.definition),
        rfm: (t.model as RfmBoundaries | null) ?? null,
      });
    } catch {
      // A definition stored by an older version that no longer parses is left out, not fatal.
    }
  }
  return out;
}

export function definitionsOf(traits: Map<string, LoadedTrait>): Map<string, TraitDefinition> {
  return new Map([...traits].map(([k, v]) => [k, v.def]));
}

function scoredValue(t: LoadedTrait, state: TraitState | null, now: number): unknown {
  const v = traitValue(t.def, state, now);
  if (t.def.kind === "rfm" && v !== null && t.rfm) return rfmScore(v as RfmInput, t.rfm);
  return v;
}

interface EventRow {
  id: number | string | bigint;
  record_key: string;
  name: string | null;
  type: string;
  timestamp: string | Date;
  body: unknown;
}

function toTraitEvent(r: EventRow): TraitEvent {
  return { name: r.name, type: r.type, at: Date.parse(fromTime(r.timestamp)), body: fromJson(r.body) };
}

export interface TraitRunReport {
  traits: string[];
  events: number;
  profiles: number;
  values: number;
  ms: number;
}

/** Computes traits from every stored event, replacing their values. */
export async function computeTraits(
  store: Store,
  o: { names?: string[]; now?: number; progress?: ProgressReporter; pageSize?: number } = {},
): Promise<TraitRunReport> {
  const started = performance.now();
  const now = o.now ?? Date.now();
  const progress = o.progress ?? silentProgress;
  const all = await loadTraits(store.db);
  const names = o.names ?? [...all.keys()];
  for (const n of names) if (!all.has(n)) throw new Error(`no computed trait "${n}"`);
  const traits = names.map((n) => all.get(n) as LoadedTrait);
  if (traits.length === 0) return { traits: [], events: 0, profiles: 0, values: 0, ms: 0 };
  const links = new Map<string, string>();
  for (const r of await store.db
    .selectFrom("entity_link as l")
    .innerJoin("entity as e", "e.id", "l.entity_id")
    .select(["l.record_key", "l.entity_id"])
    .where("e.status", "=", "active")
    .execute())
    links.set(r.record_key, r.entity_id);
  const countRow = await store.db
    .selectFrom("event")
    .select((eb) => eb.fn.countAll().as("n"))
    .executeTakeFirst();
  progress.start("computed traits", Number(countRow?.n ?? 0), "events");
  const states = new Map<string, (TraitState | null)[]>();
  let after = 0;
  let events = 0;
  const pageSize = o.pageSize ?? 20_000;
  for (;;) {
    const rows = await store.db
      .selectFrom("event")
      .select(["id", "record_key", "name", "type", "timestamp", "body"])
      .where("id", ">", after)
      .orderBy("id")
      .limit(pageSize)
      .execute();
    if (rows.length === 0) break;
    for (const r of rows) {
      const entity = links.get(r.record_key);
      if (!entity) continue;
      const e = toTraitEvent(r);
      let s = states.get(entity);
      if (!s) {
        s = traits.map(() => null);
        states.set(entity, s);
      }
      for (let i = 0; i < traits.length; i++)
        s[i] = foldEvent((traits[i] as LoadedTrait).def, s[i] ?? null, e, now);
    }
    events += rows.length;
    after = Number(rows[rows.length - 1]?.id);
    progress.update(events);
  }
  // RFM: the quintile boundaries of this population.
  for (const [i, t] of traits.entries()) {
    if (t.def.kind !== "rfm") continue;
    const raw: RfmInput[] = [];
    for (const s of states.values()) {
      const v = traitValue(t.def, s[i] ?? null, now);
      if (v !== null) raw.push(v as RfmInput);
    }
    t.rfm = rfmBoundaries(raw);
  }
  const rows: TraitValueRow[] = [];
  for (const [entityId, s] of states)
    for (const [i, t] of traits.entries()) {
      const state = s[i] ?? null;
      if (state === null || state.t === "none") continue;
      rows.push({ name: t.def.name, entityId, value: scoredValue(t, state, now), state });
    }
  const at = new Date(now).toISOString();
  await store.db.transaction().execute(async (trx) => {
    await trx.deleteFrom("computed_trait_value").where("name", "in", names).execute();
    await writeTraitValues(trx, rows, at);
    for (const t of traits) await markTraitComputed(trx, t.def.name, at, t.rfm);
  });
  progress.stop(
    `${rows.length.toLocaleString("en-US")} values for ${states.size.toLocaleString("en-US")} profiles`,
  );
  return {
    traits: names,
    events,
    profiles: states.size,
    values: rows.length,
    ms: Math.round(performance.now() - started),
  };
}

/** Folds new events into the stored states of their profiles (the live loop, inside its transaction). */
export async function foldNewEvents(
  trx: Db,
  traits: Map<string, LoadedTrait>,
  events: readonly { entityId: string; event: TraitEvent }[],
  now: number,
): Promise<void> {
  if (traits.size === 0 || events.length === 0) return;
  const list = [...traits.values()];
  const names = list.map((t) => t.def.name);
  const ids = [...new Set(events.map((e) => e.entityId))];
  const stored = await readTraitValues(trx, names, ids);
  const states = new Map<string, Map<string, TraitState | null>>();
  for (const id of ids) {
    const m = new Map<string, TraitState | null>();
    for (const n of names) m.set(n, (stored.get(id)?.get(n)?.state as TraitState | null) ?? null);
    states.set(id, m);
  }
  const sorted = [...events].sort((a, b) => a.event.at - b.event.at);
  const touched = new Set<string>();
  for (const { entityId, event } of sorted) {
    const m = states.get(entityId) as Map<string, TraitState | null>;
    for (const t of list) {
      const before = m.get(t.def.name) ?? null;
      const after = foldEvent(t.def, before, event, now);
      if (after !== before) {
        m.set(t.def.name, after);
        touched.add(`${entityId}\u0000${t.def.name}`);
      }
    }
  }
  const rows: TraitValueRow[] = [];
  for (const key of touched) {
    const [entityId, name] = key.split("\u0000") as [string, string];
    const t = traits.get(name) as LoadedTrait;
    const state = states.get(entityId)?.get(name) ?? null;
    if (state === null || state.t === "none") continue;
    rows.push({ name, entityId, value: scoredValue(t, state, now), state });
  }
  await writeTraitValues(trx, rows, new Date(now).toISOString());
}

/** Recomputes every trait of some profiles from all their events (after a merge or split). */
export async function recomputeProfiles(
  trx: Db,
  traits: Map<string, LoadedTrait>,
  entityIds: readonly string[],
  now: number,
): Promise<void> {
  if (traits.size === 0 || entityIds.length === 0) return;
  const list = [...traits.values()];
  for (let i = 0; i < entityIds.length; i += 200) {
    const ids = entityIds.slice(i, i + 200);
    await trx
      .deleteFrom("computed_trait_value")
      .where("entity_id", "in", ids)
      .where(
        "name",
        "in",
        list.map((t) => t.def.name),
      )
      .execute();
    const links = await trx
      .selectFrom("entity_link as l")
      .innerJoin("entity as e", "e.id", "l.entity_id")
      .select(["l.record_key", "l.entity_id"])
      .where("l.entity_id", "in", ids)
      .where("e.status", "=", "active")
      .execute();
    if (links.length === 0) continue;
    const owner = new Map(links.map((l) => [l.record_key, l.entity_id]));
    const rows = await trx
      .selectFrom("event")
      .select(["id", "record_key", "name", "type", "timestamp", "body"])
      .where("record_key", "in", [...owner.keys()])
      .orderBy("timestamp")
      .orderBy("id")
      .execute();
    const states = new Map<string, (TraitState | null)[]>();
    for (const r of rows) {
      const entity = owner.get(r.record_key) as string;
      let s = states.get(entity);
      if (!s) {
        s = list.map(() => null);
        states.set(entity, s);
      }
      const e = toTraitEvent(r);
      for (let j = 0; j < list.length; j++)
        s[j] = foldEvent((list[j] as LoadedTrait).def, s[j] ?? null, e, now);
    }
    const out: TraitValueRow[] = [];
    for (const [entityId, s] of states)
      for (const [j, t] of list.entries()) {
        const state = s[j] ?? null;
        if (state === null || state.t === "none") continue;
        out.push({ name: t.def.name, entityId, value: scoredValue(t, state, now), state });
      }
    await writeTraitValues(trx, out, new Date(now).toISOString());
  }
}

/** Re-reads windowed traits' values from their states (days fall out of windows as time passes). */
export async function refreshWindowedTraits(store: Store, now = Date.now()): Promise<number> {
  const traits = [...(await loadTraits(store.db)).values()].filter((t) => t.def.withinDays !== undefined);
  let changed = 0;
  for (const t of traits) {
    let after = "";
    for (;;) {
      const rows = await store.db
        .selectFrom("computed_trait_value")
        .select(["entity_id", "value", "state"])
        .where("name", "=", t.def.name)
        .where("entity_id", ">", after)
        .orderBy("entity_id")
        .limit(5000)
        .execute();
      if (rows.length === 0) break;
      const out: TraitValueRow[] = [];
      for (const r of rows) {
        const state = r.state === null ? null : fromJson<TraitState>(r.state);
        const v = scoredValue(t, state, now);
        if (JSON.stringify(v) !== JSON.stringify(fromJson<{ v: unknown }>(r.value).v))
          out.push({ name: t.def.name, entityId: r.entity_id, value: v, state });
      }
      await writeTraitValues(store.db, out, new Date(now).toISOString());
      changed += out.length;
      after = rows[rows.length - 1]?.entity_id as string;
    }
  }
  return changed;
}

/** Defines (or redefines) a trait and computes it over the stored events. */
export async function defineTrait(
  store: Store,
  input: unknown,
  o: { now?: number; progress?: ProgressReporter; compute?: boolean } = {},
): Promise<{ definition: TraitDefinition; run: TraitRunReport | null }> {
  const def = parseTraitDefinition(input);
  await putTraitDefinition(store.db, def.name, def, new Date(o.now ?? Date.now()).toISOString());
  const run =
    o.compute === false
      ? null
      : await computeTraits(store, {
          names: [def.name],
          ...(o.now ? { now: o.now } : {}),
          ...(o.progress ? { progress: o.progress } : {}),
        });
  return { definition: def, run };
}

export async function removeTrait(store: Store, name: string): Promise<boolean> {
  return deleteTraitDefinition(store.db, name);
}

export async function traitDefinition(store: Store, name: string) {
  return getTraitDefinition(store.db, name);
}
