import type { Kysely, Transaction } from "kysely";
import type { TraitDefinition } from "../analytics/computed-traits.js";
import { evaluateRule } from "../analytics/evaluate-rule.js";
import { parseRule, type Rule, RuleError, segmentsReferenced } from "../analytics/segment-rule.js";
import {
  applySegmentChanges,
  deleteSegmentRow,
  getSegment,
  getSegmentByName,
  insertSegment,
  listSegments,
  type SegmentChange,
  type SegmentRow,
  segmentMembers,
  setSegmentSize,
  updateSegmentRow,
} from "../store/audiences.js";
import { allocateSeqs } from "../store/entities.js";
import type { Store } from "../store/open-store.js";
import type { Database } from "../store/schema.js";
import { idOfSeq, loadFrame, seqOf } from "./segment-frame.js";

/**
 * Segments: defining them (the rule is checked, and so are the segments it refers to), evaluating them over
 * every profile (on creation, on a rule change, and when the live loop refreshes time windows), over the
 * profiles an event touched (the live loop), and estimating a rule's size while it is being edited. Every
 * entry and exit is written to the change feed.
 */

type Db = Kysely<Database> | Transaction<Database>;

export interface Segment extends SegmentRow {
  rule: Rule;
}

export class SegmentError extends Error {
  override name = "SegmentError";
  constructor(
    message: string,
    readonly status = 400,
    readonly issues: { path: string; message: string }[] = [],
  ) {
    super(message);
  }
}

const nameOk = /^\S(.{0,118}\S)?$/;

async function checkReferences(db: Db, rule: Rule, selfId: string | null): Promise<void> {
  const all = await listSegments(db);
  const byId = new Map(all.map((s) => [s.id, s]));
  for (const ref of segmentsReferenced(rule))
    if (!byId.has(ref)) throw new SegmentError(`the rule refers to segment ${ref}, which does not exist`);
  if (selfId === null) return;
  // A segment may not depend on itself through others.
  const seen = new Set<string>();
  const walk = (r: Rule, trail: string[]): void => {
    for (const ref of segmentsReferenced(r)) {
      if (ref === selfId)
        throw new SegmentError(`the rule refers back to itself (${[...trail, ref].join(" → ")})`);
      if (seen.has(ref)) continue;
      seen.add(ref);
      const s = byId.get(ref);
      if (s) walk(s.rule as Rule, [...trail, ref]);
    }
  };
  walk(rule, [selfId]);
}

function checkedRule(input: unknown): Rule {
  try {
    return parseRule(input);
  } catch (e) {
    if (e instanceof RuleError) throw new SegmentError(e.message, 400, e.issues);
    throw e;
  }
}

/** Segments in the order they can be evaluated: those a rule refers to come before it. */
export function evaluationOrder<T extends { id: string; rule: unknown }>(segments: readonly T[]): T[] {
  const byId = new Map(segments.map((s) => [s.id, s]));
  const out: T[] = [];
  const done = new Set<string>();
  const visit = (s: T, depth: number) => {
    if (done.has(s.id) || depth > segments.length) return;
    for (const ref of segmentsReferenced(s.rule as Rule)) {
      const r = byId.get(ref);
      if (r) visit(r, depth + 1);
    }
    done.add(s.id);
    out.push(s);
  };
  for (const s of segments) visit(s, 0);
  return out;
}

export interface EvaluationReport {
  segment: { id: string; name: string };
  size: number;
  entered: number;
  left: number;
  loadMs: number;
  evaluateMs: number;
  writeMs: number;
}

/** Evaluates a segment over every profile and writes who entered and who left. */
export async function evaluateSegment(
  store: Store,
  segment: { id: string; name: string; rule: unknown },
  o: { now?: number; cause?: string; traits?: Map<string, TraitDefinition> } = {},
): Promise<EvaluationReport> {
  const now = o.now ?? Date.now();
  const rule = segment.rule as Rule;
  const frame = await loadFrame(store.db, rule, {
    dialect: store.dialect,
    now,
    ...(o.traits ? { traits: o.traits } : {}),
  });
  const t0 = performance.now();
  const result = evaluateRule(rule, frame.universe, frame.leafSets);
  const evaluateMs = performance.now() - t0;
  const t1 = performance.now();
  const at = new Date(now).toISOString();
  let entered = 0;
  let left = 0;
  await store.db.transaction().execute(async (trx) => {
    const current = await segmentMembers(trx, segment.id);
    const changes: SegmentChange[] = [];
    const ref = { id: segment.id, name: segment.name };
    const cause = o.cause ?? "evaluation";
    for (const seq of result) {
      const id = idOfSeq(seq);
      if (!current.has(id)) changes.push({ segment: ref, entityId: id, kind: "segment.entered", cause });
    }
    for (const id of current)
      if (!result.has(seqOf(id))) changes.push({ segment: ref, entityId: id, kind: "segment.left", cause });
    entered = changes.filter((c) => c.kind === "segment.entered").length;
    left = changes.length - entered;
    await applySegmentChanges(trx, changes, at);
    await setSegmentSize(trx, segment.id, at, true);
  });
  return {
    segment: { id: segment.id, name: segment.name },
    size: result.count(),
    entered,
    left,
    loadMs: frame.loadMs,
    evaluateMs,
    writeMs: performance.now() - t1,
  };
}

/**
 * Re-evaluates segments for a few profiles inside the caller's transaction (the live loop) and returns the
 * entries and exits, applied and written to the change feed.
 */
export async function evaluateForProfiles(
  trx: Db,
  dialect: Store["dialect"],
  segments: readonly { id: string; name: string; rule: unknown }[],
  entityIds: readonly string[],
  o: { now: number; cause: (entityId: string) => string; traits?: Map<string, TraitDefinition> },
): Promise<SegmentChange[]> {
  if (entityIds.length === 0 || segments.length === 0) return [];
  const at = new Date(o.now).toISOString();
  const all: SegmentChange[] = [];
  for (const s of evaluationOrder(segments)) {
    const rule = s.rule as Rule;
    const frame = await loadFrame(trx, rule, {
      dialect,
      scope: entityIds,
      now: o.now,
      ...(o.traits ? { traits: o.traits } : {}),
    });
    const result = evaluateRule(rule, frame.universe, frame.leafSets);
    const current = await segmentMembers(trx, s.id, entityIds);
    const ref = { id: s.id, name: s.name };
    const changes: SegmentChange[] = [];
    for (const id of entityIds) {
      const inNow = result.has(seqOf(id));
      if (inNow && !current.has(id))
        changes.push({ segment: ref, entityId: id, kind: "segment.entered", cause: o.cause(id) });
      else if (!inNow && current.has(id))
        changes.push({ segment: ref, entityId: id, kind: "segment.left", cause: o.cause(id) });
    }
    if (changes.length > 0) {
      await applySegmentChanges(trx, changes, at);
      await setSegmentSize(trx, s.id, at, false);
      all.push(...changes);
    }
  }
  return all;
}

export interface SegmentInput {
  name: string;
  rule: unknown;
  description?: string | null;
}

export async function createSegment(
  store: Store,
  input: SegmentInput,
  o: { now?: number } = {},
): Promise<{ segment: Segment; evaluation: EvaluationReport }> {
  const name = input.name?.trim() ?? "";
  if (!nameOk.test(name)) throw new SegmentError("name: a segment needs a name of 1 to 120 characters");
  const rule = checkedRule(input.rule);
  await checkReferences(store.db, rule, null);
  if (await getSegmentByName(store.db, name))
    throw new SegmentError(`a segment named "${name}" exists already`, 409);
  const at = new Date(o.now ?? Date.now()).toISOString();
  const id = await store.db.transaction().execute(async (trx) => {
    const [seq] = await allocateSeqs(trx, 1, "segment");
    const id = `S-${seq}`;
    await insertSegment(trx, { id, name, description: input.description ?? null, rule, at });
    return id;
  });
  const evaluation = await evaluateSegment(
    store,
    { id, name, rule },
    { cause: "segment created", ...(o.now ? { now: o.now } : {}) },
  );
  return { segment: (await getSegment(store.db, id)) as Segment, evaluation };
}

export async function updateSegment(
  store: Store,
  id: string,
  input: Partial<SegmentInput>,
  o: { now?: number } = {},
): Promise<{ segment: Segment; evaluation: EvaluationReport | null }> {
  const old = await getSegment(store.db, id);
  if (!old) throw new SegmentError(`no segment ${id}`, 404);
  const name = input.name?.trim();
  if (name !== undefined && !nameOk.test(name))
    throw new SegmentError("name: a segment needs a name of 1 to 120 characters");
  if (name !== undefined && name !== old.name) {
    const other = await getSegmentByName(store.db, name);
    if (other && other.id !== id) throw new SegmentError(`a segment named "${name}" exists already`, 409);
  }
  const rule = input.rule === undefined ? undefined : checkedRule(input.rule);
  if (rule) await checkReferences(store.db, rule, id);
  const at = new Date(o.now ?? Date.now()).toISOString();
  await updateSegmentRow(store.db, id, {
    ...(name !== undefined ? { name } : {}),
    ...(input.description !== undefined ? { description: input.description } : {}),
    ...(rule !== undefined ? { rule } : {}),
    at,
  });
  const segment = (await getSegment(store.db, id)) as Segment;
  const changed = rule !== undefined && JSON.stringify(rule) !== JSON.stringify(old.rule);
  const evaluation = changed
    ? await evaluateSegment(store, segment, {
        cause: "segment rule changed",
        ...(o.now ? { now: o.now } : {}),
      })
    : null;
  return { segment: (await getSegment(store.db, id)) as Segment, evaluation };
}

/** Deletes a segment; its members leave it (on the change feed). Refused while another segment refers to it. */
export async function deleteSegment(store: Store, id: string, o: { now?: number } = {}): Promise<boolean> {
  const s = await getSegment(store.db, id);
  if (!s) return false;
  const users = (await listSegments(store.db)).filter((x) => segmentsReferenced(x.rule as Rule).includes(id));
  if (users.length > 0)
    throw new SegmentError(
      `segment ${id} is used by ${users.map((u) => `${u.id} (${u.name})`).join(", ")}; change those first`,
      409,
    );
  const at = new Date(o.now ?? Date.now()).toISOString();
  await store.db.transaction().execute(async (trx) => {
    const members = await segmentMembers(trx, id);
    const ref = { id, name: s.name };
    await applySegmentChanges(
      trx,
      [...members].map((entityId) => ({
        segment: ref,
        entityId,
        kind: "segment.left",
        cause: "segment deleted",
      })),
      at,
    );
    await deleteSegmentRow(trx, id);
  });
  return true;
}

export interface Estimate {
  size: number;
  /** Profiles the rule was evaluated over (the universe: active, not excluded). */
  total: number;
  ms: number;
  /** Whether the figure is scaled up from a random sample, with its 95% margin. */
  sampled: boolean;
  margin: number;
}

/**
 * The size a rule would have now, for people editing it: exact up to `exactUpTo` profiles, else counted on a
 * random sample of profiles and scaled, with a 95% margin.
 */
export async function estimateRule(
  store: Store,
  input: unknown,
  o: { now?: number; sample?: number; exactUpTo?: number } = {},
): Promise<Estimate> {
  const started = performance.now();
  const rule = checkedRule(input);
  await checkReferences(store.db, rule, null);
  const now = o.now ?? Date.now();
  const countRow = await store.db
    .selectFrom("entity")
    .select((eb) => eb.fn.countAll().as("n"))
    .where("status", "=", "active")
    .executeTakeFirst();
  const active = Number(countRow?.n ?? 0);
  const sample = o.sample ?? 5_000;
  if (active <= (o.exactUpTo ?? 50_000)) {
    const frame = await loadFrame(store.db, rule, { dialect: store.dialect, now });
    const r = evaluateRule(rule, frame.universe, frame.leafSets);
    return {
      size: r.count(),
      total: frame.universe.count(),
      ms: Math.round(performance.now() - started),
      sampled: false,
      margin: 0,
    };
  }
  // A random sample of active profiles by sequence number.
  const step = Math.max(1, Math.floor(active / sample));
  const offset = Math.floor(Math.random() * step);
  const ids = (
    await store.db
      .selectFrom("entity")
      .select("id")
      .where("status", "=", "active")
      .where((eb) => eb(eb(eb.ref("seq"), "%", step), "=", offset))
      .execute()
  ).map((r) => r.id);
  const frame = await loadFrame(store.db, rule, { dialect: store.dialect, now, scope: ids });
  const r = evaluateRule(rule, frame.universe, frame.leafSets);
  const n = frame.universe.count();
  const p = n > 0 ? r.count() / n : 0;
  const total = Math.round(n * (active / Math.max(1, ids.length)));
  return {
    size: Math.round(p * total),
    total,
    ms: Math.round(performance.now() - started),
    sampled: true,
    margin: Math.round(1.96 * Math.sqrt((p * (1 - p)) / Math.max(1, n)) * total),
  };
}

export async function listAllSegments(store: Store): Promise<Segment[]> {
  return (await listSegments(store.db)) as Segment[];
}
