import { type Kysely, type RawBuilder, sql, type Transaction } from "kysely";
import { Bitset } from "../analytics/bitset.js";
import { compare, readPath } from "../analytics/compare.js";
import {
  dayMs,
  eventProperty,
  parseTraitDefinition,
  type TraitDefinition,
} from "../analytics/computed-traits.js";
import type { Leaf } from "../analytics/evaluate-rule.js";
import { leafKey, leaves, type Rule, traitSource } from "../analytics/segment-rule.js";
import { consentStates } from "../privacy/consent.js";
import { listTraitDefinitions } from "../store/audiences.js";
import type { DialectName } from "../store/dialect.js";
import { type Database, fromJson } from "../store/schema.js";

/**
 * What a segment rule needs, loaded from the store as columns over profile sequence numbers (`T-42` → 42):
 * the universe (active profiles, without those the quality run excluded unless the rule asks about exclusion)
 * and one bitset per distinct leaf. Loaded for every profile (a full evaluation, an estimate, an export) or
 * for a few (the live loop re-evaluating the profiles an event touched) by the same code, so that both agree.
 */

type Db = Kysely<Database> | Transaction<Database>;

export interface Frame {
  /** Bitset size: the largest sequence number loaded + 1. */
  size: number;
  universe: Bitset;
  leafSets: Map<string, Bitset>;
  /** Milliseconds spent loading. */
  loadMs: number;
}

export interface FrameOptions {
  dialect: DialectName;
  /** Only these profiles (golden ids); absent: every profile. */
  scope?: readonly string[];
  /** The evaluation time (event windows count back from its UTC day). */
  now?: number;
  /** Computed-trait definitions already read (the live loop keeps them). */
  traits?: Map<string, TraitDefinition>;
}

export function seqOf(id: string): number {
  // Golden ids are T-<n>: read without a regular expression, this runs once per row loaded.
  if (id.charCodeAt(0) !== 84 || id.charCodeAt(1) !== 45) return -1;
  const n = Number(id.slice(2));
  return Number.isInteger(n) ? n : -1;
}

export function idOfSeq(seq: number): string {
  return `T-${seq}`;
}

const chunk = 1000;

/** Runs a select over either every row or the rows of the scope, which `scoped` adds as `and col in (…)`. */
async function select<R>(
  db: Db,
  scope: readonly string[] | undefined,
  build: (restrict: RawBuilder<unknown>) => RawBuilder<R>,
  column: string,
): Promise<R[]> {
  if (scope === undefined) return (await build(sql``).execute(db)).rows;
  const out: R[] = [];
  for (let i = 0; i < scope.length; i += chunk) {
    const ids = scope.slice(i, i + chunk);
    const restrict = sql` and ${sql.ref(column)} in (${sql.join(ids)})`;
    out.push(...(await build(restrict).execute(db)).rows);
  }
  return out;
}

function jsonPathSql(dialect: DialectName, column: string, path: string[]): RawBuilder<unknown> {
  if (dialect === "postgres") return sql`${sql.ref(column)} #> ${`{${path.join(",")}}`}`;
  const p = `$${path.map((s) => (/^\d+$/.test(s) ? `[${s}]` : `.${s}`)).join("")}`;
  return sql`json_extract(${sql.ref(column)}, ${p})`;
}

const listRoots = new Set(["emails", "phones", "identifiers"]);

function parsed(dialect: DialectName, v: unknown): unknown {
  // SQLite hands back objects and lists as JSON text; PostgreSQL's jsonb arrives parsed.
  if (dialect === "sqlite" && typeof v === "string" && (v.startsWith("[") || v.startsWith("{"))) {
    try {
      return JSON.parse(v);
    } catch {
      return v;
    }
  }
  return v;
}

/** Values of one per-profile column as (seq, value) pairs. */
type Column = Map<number, unknown>;

/** Several golden paths in one pass over the profiles. */
async function goldenColumns(
  db: Db,
  o: FrameOptions,
  paths: readonly string[],
): Promise<Map<string, Column>> {
  const plans = paths.map((path) => {
    const parts = path.split(".");
    const root = parts[0] as string;
    // A path through a list (emails.value: every email) reads the list and walks it here.
    const throughList = listRoots.has(root) && parts.length > 1 && !/^\d+$/.test(parts[1] as string);
    return { path, throughList, rest: parts.slice(1).join("."), extract: throughList ? [root] : parts };
  });
  const out = new Map<string, Column>(paths.map((p) => [p, new Map()]));
  if (plans.length === 0) return out;
  const rows = await select<Record<string, unknown>>(
    db,
    o.scope,
    (restrict) =>
      sql`select entity_id, ${sql.join(
        plans.map((p, i) => sql`${jsonPathSql(o.dialect, "profile", p.extract)} as ${sql.ref(`v${i}`)}`),
      )} from golden_profile where 1 = 1${restrict}`,
    "entity_id",
  );
  for (const r of rows) {
    const seq = seqOf(r.entity_id as string);
    for (const [i, p] of plans.entries()) {
      const cell = r[`v${i}`];
      if (cell === null || cell === undefined) continue;
      let v = parsed(o.dialect, cell);
      if (p.throughList) v = readPath(v, p.rest);
      if (v !== null && v !== undefined) out.get(p.path)?.set(seq, v);
    }
  }
  return out;
}

async function enrichmentColumn(db: Db, o: FrameOptions, field: string, path?: string): Promise<Column> {
  const rows = await select<{ entity_id: string; value: unknown }>(
    db,
    o.scope,
    (restrict) => sql`select entity_id, value from entity_enrichment where field = ${field}${restrict}`,
    "entity_id",
  );
  const out: Column = new Map();
  for (const r of rows) {
    const v = fromJson<{ value: unknown }>(r.value).value;
    out.set(seqOf(r.entity_id), path ? readPath(v, path) : v);
  }
  return out;
}

async function computedColumn(
  db: Db,
  o: FrameOptions,
  ref: string,
): Promise<{ column: Column; zero: boolean }> {
  const [name, ...rest] = ref.split(".");
  const def = o.traits?.get(name as string);
  const rows = await select<{ entity_id: string; value: unknown }>(
    db,
    o.scope,
    (restrict) => sql`select entity_id, value from computed_trait_value where name = ${name}${restrict}`,
    "entity_id",
  );
  const out: Column = new Map();
  for (const r of rows) {
    const v = fromJson<{ v: unknown }>(r.value).v;
    out.set(seqOf(r.entity_id), rest.length > 0 ? readPath(v, rest.join(".")) : v);
  }
  // A count with no value stored is a count of nothing: 0, not missing.
  return { column: out, zero: def?.kind === "count" || def?.kind === "uniqueCount" };
}

async function scoreColumn(db: Db, o: FrameOptions, name: string): Promise<Column> {
  const rows = await select<{ entity_id: string; value: number | string }>(
    db,
    o.scope,
    (restrict) => sql`select entity_id, value from profile_score where name = ${name}${restrict}`,
    "entity_id",
  );
  return new Map(rows.map((r) => [seqOf(r.entity_id), Number(r.value)]));
}

function today(now: number): number {
  return Math.floor(now / dayMs);
}

/** Record keys of the profiles in scope → their sequence numbers (events belong to records). */
async function scopeRecords(db: Db, scope: readonly string[]): Promise<Map<string, number>> {
  const rows = await select<{ record_key: string; entity_id: string }>(
    db,
    scope,
    (restrict) => sql`select record_key, entity_id from entity_link where 1 = 1${restrict}`,
    "entity_id",
  );
  return new Map(rows.map((r) => [r.record_key, seqOf(r.entity_id)]));
}

/** Events of one name per profile, from the rollup (no property filter) or the events themselves. */
async function eventCounts(
  db: Db,
  o: FrameOptions,
  leaf: Extract<Leaf, { event: string }>,
  records: Map<string, number> | null,
): Promise<Map<number, number>> {
  const now = o.now ?? Date.now();
  const fromDay = leaf.withinDays === undefined ? null : today(now) - leaf.withinDays + 1;
  const counts = new Map<number, number>();
  const filtered = leaf.where !== undefined && leaf.where.length > 0;
  const matches = (type: string, body: unknown) => {
    const e = { name: leaf.event, type, at: 0, body: fromJson(body) };
    return (leaf.where ?? []).every((f) => compare(eventProperty(e, f.property), f.op, f.value));
  };
  if (records !== null) {
    // A few profiles (the live loop, estimates): driven by their records' keys, through the record indexes —
    // on SQLite told so, since without statistics it would rather range over the event's name and days.
    const keys = [...records.keys()];
    const add = (key: string, n: number) => {
      const seq = records.get(key);
      if (seq !== undefined) counts.set(seq, (counts.get(seq) ?? 0) + n);
    };
    if (!filtered) {
      const indexed = o.dialect === "sqlite" ? sql` indexed by event_rollup_record_idx` : sql``;
      const since = fromDay === null ? sql`` : sql` and day >= ${fromDay}`;
      const rows = await select<{ record_key: string; n: number | string }>(
        db,
        keys,
        (restrict) =>
          sql`select record_key, sum(n) as n from event_rollup${indexed} where name = ${leaf.event}${since}${restrict} group by record_key`,
        "record_key",
      );
      for (const r of rows) add(r.record_key, Number(r.n));
      return counts;
    }
    const since =
      fromDay === null ? sql`` : sql` and timestamp >= ${new Date(fromDay * dayMs).toISOString()}`;
    const rows = await select<{ record_key: string; type: string; body: unknown }>(
      db,
      keys,
      (restrict) =>
        sql`select record_key, type, body from event where name = ${leaf.event}${since}${restrict}`,
      "record_key",
    );
    for (const r of rows) if (matches(r.type, r.body)) add(r.record_key, 1);
    return counts;
  }
  if (!filtered) {
    // Every profile: the rollup rows of the event (and window), joined to their profiles by the link's key.
    const since = fromDay === null ? sql`` : sql` and r.day >= ${fromDay}`;
    const rows = await select<{ entity_id: string; n: number | string }>(
      db,
      undefined,
      () =>
        sql`select l.entity_id, sum(r.n) as n from event_rollup r join entity_link l on l.record_key = r.record_key
            where r.name = ${leaf.event}${since} group by l.entity_id`,
      "l.entity_id",
    );
    for (const r of rows) counts.set(seqOf(r.entity_id), Number(r.n));
    return counts;
  }
  // Property filters over every profile read the events themselves: a scan of the event table.
  const since =
    fromDay === null ? sql`` : sql` and e.timestamp >= ${new Date(fromDay * dayMs).toISOString()}`;
  const rows = await select<{ entity_id: string; type: string; body: unknown }>(
    db,
    undefined,
    () =>
      sql`select l.entity_id, e.type, e.body from event e join entity_link l on l.record_key = e.record_key
          where e.name = ${leaf.event}${since}`,
    "l.entity_id",
  );
  for (const r of rows)
    if (matches(r.type, r.body)) {
      const seq = seqOf(r.entity_id);
      counts.set(seq, (counts.get(seq) ?? 0) + 1);
    }
  return counts;
}

function fromColumn(size: number, universe: Bitset, column: Column, test: (v: unknown) => boolean): Bitset {
  const out = new Bitset(size);
  // Profiles without a value are tested too: "missing" and "neq" select them.
  const missing = test(undefined);
  if (missing) {
    for (const seq of universe) if (test(column.get(seq))) out.add(seq);
    return out;
  }
  for (const [seq, v] of column) if (test(v)) out.add(seq);
  return out;
}

/** Loads the universe and every leaf of a rule. */
export async function loadFrame(db: Db, rule: Rule, o: FrameOptions): Promise<Frame> {
  const started = performance.now();
  const all = leaves(rule);
  const traits =
    o.traits ??
    new Map(
      (await listTraitDefinitions(db)).flatMap((t) => {
        try {
          return [[t.name, parseTraitDefinition(t.definition)] as const];
        } catch {
          return [];
        }
      }),
    );
  const opts: FrameOptions = { ...o, traits };
  const active = await select<{ seq: number | string }>(
    db,
    o.scope,
    (restrict) => sql`select seq from entity where status = 'active'${restrict}`,
    "id",
  );
  let max = 0;
  for (const r of active) max = Math.max(max, Number(r.seq));
  const size = max + 1;
  const universe = new Bitset(size);
  for (const r of active) universe.add(Number(r.seq));
  const asksExclusion = all.some((l) => "quality" in l && l.quality === "excluded");
  const quality = await select<{
    entity_id: string;
    excluded: number;
    fake_score: number;
    completeness: number;
  }>(
    db,
    o.scope,
    (restrict) =>
      sql`select entity_id, excluded, fake_score, completeness from profile_quality where 1 = 1${restrict}`,
    "entity_id",
  );
  if (!asksExclusion)
    for (const q of quality) if (Number(q.excluded) === 1) universe.delete(seqOf(q.entity_id));

  const goldenPaths = [
    ...new Set(
      all.flatMap((l) => {
        if (!("trait" in l)) return [];
        const src = traitSource(l.trait);
        return src?.kind === "golden" ? [src.path] : [];
      }),
    ),
  ];
  const golden = await goldenColumns(db, opts, goldenPaths);
  const leafSets = new Map<string, Bitset>();
  let records: Map<string, number> | null = null;
  for (const leaf of all) {
    const key = leafKey(leaf);
    if (leafSets.has(key)) continue;
    let set: Bitset;
    if ("trait" in leaf) {
      const src = traitSource(leaf.trait);
      if (!src) throw new Error(`unknown trait "${leaf.trait}"`);
      const column =
        src.kind === "golden"
          ? (golden.get(src.path) as Column)
          : await enrichmentColumn(db, opts, src.field, src.path);
      set = fromColumn(size, universe, column, (v) => compare(v, leaf.op, leaf.value));
    } else if ("computed" in leaf) {
      const { column, zero } = await computedColumn(db, opts, leaf.computed);
      set = fromColumn(size, universe, column, (v) =>
        compare(v === undefined && zero ? 0 : v, leaf.op, leaf.value),
      );
    } else if ("score" in leaf) {
      set = fromColumn(size, universe, await scoreColumn(db, opts, leaf.score), (v) =>
        compare(v, leaf.op, leaf.value),
      );
    } else if ("event" in leaf) {
      if (o.scope !== undefined) records ??= await scopeRecords(db, o.scope);
      const counts = await eventCounts(db, opts, leaf, records);
      const atLeast = leaf.atLeast ?? 1;
      const test = (v: unknown) => {
        const n = typeof v === "number" ? v : 0;
        return leaf.did ? n >= atLeast : n < atLeast;
      };
      set = fromColumn(size, universe, counts, test);
    } else if ("household" in leaf) {
      const rows = await select<{ entity_id: string; size: number | string }>(
        db,
        o.scope,
        (restrict) =>
          sql`select m.entity_id, h.size from household_member m join household h on h.id = m.household_id where m.until is null${restrict}`,
        "m.entity_id",
      );
      const column: Column = new Map(rows.map((r) => [seqOf(r.entity_id), Number(r.size)]));
      const h = leaf.household;
      set = fromColumn(size, universe, column, (v) => {
        const member = v !== undefined;
        if (h.member !== undefined && member !== h.member) return false;
        if (h.size) return compare(v ?? 1, h.size.op, h.size.value);
        return h.member === undefined ? member : true;
      });
    } else if ("quality" in leaf) {
      const field =
        leaf.quality === "excluded"
          ? "excluded"
          : leaf.quality === "fakeRisk"
            ? "fake_score"
            : "completeness";
      const column: Column = new Map(quality.map((q) => [seqOf(q.entity_id), Number(q[field])]));
      set =
        leaf.quality === "excluded"
          ? fromColumn(size, universe, column, (v) =>
              leaf.op ? compare(v === 1, leaf.op, leaf.value) : v === 1,
            )
          : fromColumn(size, universe, column, (v) => compare(v, leaf.op ?? "exists", leaf.value));
    } else if ("consent" in leaf) {
      const c = leaf.consent;
      const states = await consentStates(db as Kysely<Database>, c.purpose, c.channel);
      const column: Column = new Map();
      for (const [id, state] of states) column.set(seqOf(id), state);
      set = fromColumn(size, universe, column, (v) => (v ?? "none") === c.state);
    } else {
      const rows = await select<{ entity_id: string }>(
        db,
        o.scope,
        (restrict) => sql`select entity_id from segment_member where segment_id = ${leaf.segment}${restrict}`,
        "entity_id",
      );
      set = Bitset.of(
        size,
        rows.map((r) => seqOf(r.entity_id)),
      );
    }
    leafSets.set(key, set);
  }
  return { size, universe, leafSets, loadMs: performance.now() - started };
}
