import { sql } from "kysely";
import { dayMs, type TraitEvent } from "../analytics/computed-traits.js";
import { addToRollup, listSegments, type RollupRow, type SegmentChange } from "../store/audiences.js";
import { entityOfRecords } from "../store/entities.js";
import type { Store } from "../store/open-store.js";
import { fromJson, fromTime } from "../store/schema.js";
import { getState, putState } from "../store/stewardship.js";
import {
  computeTraits,
  definitionsOf,
  foldNewEvents,
  type LoadedTrait,
  loadTraits,
  recomputeProfiles,
  refreshWindowedTraits,
} from "./computed-traits.js";
import { type Lease, LeaseLost } from "./lease.js";
import { type EvaluationReport, evaluateForProfiles, evaluateSegment } from "./segments.js";

/**
 * Live audiences without touching the ingest path: a loop reads the events and profile changes written since
 * its cursors, counts the events into the rollup, folds them into computed traits, recomputes profiles a merge
 * or split changed, re-evaluates every segment for the profiles touched, and writes who entered and who left
 * to the change feed — all in one transaction with the cursors, so a crash neither loses nor repeats work.
 *
 * Ids are taken in commit order on SQLite; on PostgreSQL a lower id can become visible after a higher one
 * (concurrent transactions) and ids are skipped (conflicts, rollbacks). Each cursor therefore remembers the
 * ids it has done above its low-water mark, and passes a gap that stays empty for `gapWaitMs`.
 *
 * Several server processes on one store: with a `lease`, only the process holding it ticks; the others wait
 * and take over within the lease's lifetime when the holder dies (at once when it stops). Each tick commits
 * only if the lease is still held (`fence`), and a new tenure reads the cursors again from the store.
 */

const stateKey = "audiences.live";

export interface CursorState {
  after: number;
  done: number[];
}

/** A cursor over an id sequence that may have gaps, some filled late. */
export class GapCursor {
  private readonly done: Set<number>;
  private gap: { id: number; since: number } | null = null;

  constructor(
    public after: number,
    done: readonly number[] = [],
    private readonly gapWaitMs = 5_000,
  ) {
    this.done = new Set(done.filter((d) => d > after));
  }

  isDone(id: number): boolean {
    return id <= this.after || this.done.has(id);
  }

  mark(id: number): void {
    if (id > this.after) this.done.add(id);
  }

  /** Moves the low-water mark over contiguous done ids, and over a gap that has waited long enough. */
  advance(now: number): void {
    for (;;) {
      while (this.done.delete(this.after + 1)) this.after++;
      if (this.done.size === 0) {
        this.gap = null;
        return;
      }
      const hole = this.after + 1;
      if (!this.gap || this.gap.id !== hole) {
        this.gap = { id: hole, since: now };
        return;
      }
      if (now - this.gap.since < this.gapWaitMs) return;
      this.after = Math.min(...this.done) - 1;
      this.gap = null;
    }
  }

  toJSON(): CursorState {
    return { after: this.after, done: [...this.done].sort((a, b) => a - b) };
  }
}

interface LiveState {
  events: CursorState;
  changes: CursorState;
  refreshedAt: number;
}

export interface TickReport {
  events: number;
  changes: number;
  profiles: number;
  entered: number;
  left: number;
  /** Whether more is waiting (the loop ticks again at once). */
  more: boolean;
  /** False when another process holds the lease and this one only waited. */
  held: boolean;
}

export interface LiveOptions {
  /** Events and changes read per tick. */
  batch?: number;
  gapWaitMs?: number;
  /** How often every segment is re-evaluated in full (time windows move on without events). Default 1 h. */
  refreshMs?: number;
  now?: () => number;
  onError?: (error: unknown) => void;
  onChanges?: (changes: SegmentChange[]) => void;
  /** Run only while holding this lease (several processes on one store). */
  lease?: Lease;
}

/** Builds the rollup from every stored event (in SQL), for a first start on a store that already has events. */
export async function rebuildRollup(store: Store): Promise<number> {
  const day =
    store.dialect === "postgres"
      ? sql`floor(extract(epoch from timestamp) / 86400)::integer`
      : sql`cast(strftime('%s', timestamp) as integer) / 86400`;
  await store.db.transaction().execute(async (trx) => {
    await trx.deleteFrom("event_rollup").execute();
    await sql`insert into event_rollup (name, day, record_key, n)
      select coalesce(name, type), ${day}, record_key, count(*) from event group by 1, 2, 3`.execute(trx);
  });
  const r = await store.db
    .selectFrom("event_rollup")
    .select((eb) => eb.fn.countAll().as("n"))
    .executeTakeFirst();
  return Number(r?.n ?? 0);
}

async function maxOf(store: Store, table: "event" | "entity_change"): Promise<number> {
  const col = table === "event" ? "id" : "seq";
  const r = await sql<{
    m: number | string | null;
  }>`select max(${sql.ref(col)}) as m from ${sql.table(table)}`.execute(store.db);
  return Number(r.rows[0]?.m ?? 0);
}

export interface RebuildReport {
  rollupRows: number;
  traits: string[];
  segments: EvaluationReport[];
  ms: number;
}

/**
 * Everything from scratch: the rollup from every event, computed traits from every event, every segment over
 * every profile; the live cursors then start at the end of the event table and of the change log.
 */
export async function rebuildAudiences(store: Store, o: { now?: number } = {}): Promise<RebuildReport> {
  const started = performance.now();
  const now = o.now ?? Date.now();
  const events = await maxOf(store, "event");
  const rollupRows = await rebuildRollup(store);
  const run = await computeTraits(store, { now });
  const traits = definitionsOf(await loadTraits(store.db));
  const segments: EvaluationReport[] = [];
  for (const s of await listSegments(store.db))
    segments.push(await evaluateSegment(store, s, { now, cause: "rebuild", traits }));
  const changes = await maxOf(store, "entity_change");
  const state: LiveState = {
    events: { after: events, done: [] },
    changes: { after: changes, done: [] },
    refreshedAt: now,
  };
  await putState(store.db, stateKey, state, new Date(now).toISOString());
  return { rollupRows, traits: run.traits, segments, ms: Math.round(performance.now() - started) };
}

export class AudienceLoop {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private events: GapCursor | null = null;
  private changes: GapCursor | null = null;
  private refreshedAt = 0;
  private readonly now: () => number;

  constructor(
    private readonly store: Store,
    private readonly o: LiveOptions = {},
  ) {
    this.now = o.now ?? Date.now;
  }

  private async load(): Promise<void> {
    if (this.events && this.changes) return;
    let s = await getState<LiveState>(this.store.db, stateKey);
    if (!s) {
      // First start: what is already stored is built in bulk, and the loop follows from there.
      await rebuildAudiences(this.store, { now: this.now() });
      s = (await getState<LiveState>(this.store.db, stateKey)) as LiveState;
    }
    const wait = this.o.gapWaitMs ?? 5_000;
    this.events = new GapCursor(s.events.after, s.events.done, wait);
    this.changes = new GapCursor(s.changes.after, s.changes.done, wait);
    this.refreshedAt = s.refreshedAt;
  }

  /** Forgets the cursors, read again at the next tick (another process may have moved them). */
  private forget(): void {
    this.events = null;
    this.changes = null;
  }

  /** One step: new events and changes → rollup, traits, segment entries and exits. */
  async tick(): Promise<TickReport> {
    const lease = this.o.lease;
    const idle: TickReport = {
      events: 0,
      changes: 0,
      profiles: 0,
      entered: 0,
      left: 0,
      more: false,
      held: false,
    };
    if (lease) {
      const { held, changed } = await lease.acquire();
      if (changed || !held) this.forget();
      if (!held) return idle;
    }
    try {
      return await this.step(lease);
    } catch (e) {
      if (!(e instanceof LeaseLost)) throw e;
      this.forget();
      return idle;
    }
  }

  private async step(lease: Lease | undefined): Promise<TickReport> {
    await this.load();
    const events = this.events as GapCursor;
    const changes = this.changes as GapCursor;
    const now = this.now();
    const batch = this.o.batch ?? 2000;
    const traits = await loadTraits(this.store.db);
    const segments = await listSegments(this.store.db);
    const report: TickReport = {
      events: 0,
      changes: 0,
      profiles: 0,
      entered: 0,
      left: 0,
      more: false,
      held: true,
    };
    const written: SegmentChange[] = [];
    await this.store.db.transaction().execute(async (trx) => {
      const eventRows = (
        await trx
          .selectFrom("event")
          .select(["id", "message_id", "record_key", "name", "type", "timestamp", "body"])
          .where("id", ">", events.after)
          .orderBy("id")
          .limit(batch)
          .execute()
      ).filter((r) => !events.isDone(Number(r.id)));
      const changeRows = (
        await trx
          .selectFrom("entity_change")
          .select(["seq", "entity_id", "kind"])
          .where("seq", ">", changes.after)
          .orderBy("seq")
          .limit(batch)
          .execute()
      ).filter((r) => !changes.isDone(Number(r.seq)));
      report.more = eventRows.length >= batch || changeRows.length >= batch;
      if (eventRows.length === 0 && changeRows.length === 0) return;

      // The rollup segment rules over events read.
      const roll = new Map<string, RollupRow>();
      const parsed: { id: number; recordKey: string; messageId: string; event: TraitEvent }[] = [];
      for (const r of eventRows) {
        const at = Date.parse(fromTime(r.timestamp));
        const name = r.name ?? r.type;
        const day = Math.floor(at / dayMs);
        const k = `${name}\u0000${day}\u0000${r.record_key}`;
        const row = roll.get(k);
        if (row) row.n++;
        else roll.set(k, { name, day, recordKey: r.record_key, n: 1 });
        parsed.push({
          id: Number(r.id),
          recordKey: r.record_key,
          messageId: r.message_id,
          event: { name: r.name, type: r.type, at, body: fromJson(r.body) },
        });
      }
      await addToRollup(trx, [...roll.values()]);

      // Who the events and changes touch.
      const cause = new Map<string, string>();
      const keys = [...new Set(parsed.map((p) => p.recordKey))];
      const owner = await entityOfRecords(trx, keys);
      const recompute = new Set<string>();
      const touched = new Set<string>();
      for (const c of changeRows) {
        if (String(c.kind).startsWith("segment.")) continue;
        touched.add(c.entity_id);
        if (!cause.has(c.entity_id)) cause.set(c.entity_id, `profile ${c.kind} (change ${c.seq})`);
        if (c.kind === "merged" || c.kind === "split") recompute.add(c.entity_id);
      }
      const folded: { entityId: string; event: TraitEvent }[] = [];
      for (const p of parsed) {
        const entityId = owner.get(p.recordKey);
        if (!entityId) continue;
        touched.add(entityId);
        cause.set(entityId, `event ${p.event.name ?? p.event.type} (${p.messageId})`);
        if (!recompute.has(entityId)) folded.push({ entityId, event: p.event });
      }
      await recomputeProfiles(trx, traits, [...recompute], now);
      await foldNewEvents(trx, traits, folded, now);

      const ids = [...touched];
      const out = await evaluateForProfiles(trx, this.store.dialect, segments, ids, {
        now,
        cause: (id) => cause.get(id) ?? "profile changed",
        traits: definitionsOf(traits),
      });
      written.push(...out);
      for (const r of eventRows) events.mark(Number(r.id));
      for (const c of changeRows) changes.mark(Number(c.seq));
      events.advance(now);
      changes.advance(now);
      // Last, so the lease's row is locked for the shortest time: commit only if no one took over meanwhile.
      if (lease) await lease.fence(trx);
      await putState(
        trx,
        stateKey,
        {
          events: events.toJSON(),
          changes: changes.toJSON(),
          refreshedAt: this.refreshedAt,
        } satisfies LiveState,
        new Date(now).toISOString(),
      );
      report.events = eventRows.length;
      report.changes = changeRows.filter((c) => !String(c.kind).startsWith("segment.")).length;
      report.profiles = ids.length;
    });
    report.entered = written.filter((c) => c.kind === "segment.entered").length;
    report.left = written.length - report.entered;
    if (written.length > 0) this.o.onChanges?.(written);
    if (now - this.refreshedAt >= (this.o.refreshMs ?? 3_600_000) && (!lease || (await lease.acquire()).held))
      await this.refresh(now, traits);
    return report;
  }

  /** Time windows move on: windowed traits are re-read and every segment re-evaluated in full. */
  async refresh(now = this.now(), traits?: Map<string, LoadedTrait>): Promise<EvaluationReport[]> {
    await this.load();
    await refreshWindowedTraits(this.store, now);
    const defs = definitionsOf(traits ?? (await loadTraits(this.store.db)));
    const out: EvaluationReport[] = [];
    for (const s of await listSegments(this.store.db))
      out.push(await evaluateSegment(this.store, s, { now, cause: "time window refresh", traits: defs }));
    this.refreshedAt = now;
    const s = await getState<LiveState>(this.store.db, stateKey);
    if (s) await putState(this.store.db, stateKey, { ...s, refreshedAt: now }, new Date(now).toISOString());
    return out;
  }

  /** Ticks every `intervalMs` (at once again while more is waiting) until stopped. */
  start(intervalMs = 150): void {
    const loop = async () => {
      let wait = intervalMs;
      try {
        const r = await this.tick();
        // Waiting for the lease: try again a few times per lease lifetime, not every tick.
        wait = r.more ? 0 : r.held ? intervalMs : Math.max(intervalMs, (this.o.lease?.ttlMs ?? 0) / 10);
      } catch (e) {
        this.o.onError?.(e);
      }
      if (this.timer !== null) this.timer = setTimeout(() => (this.running = loop()), wait);
    };
    this.timer = setTimeout(() => (this.running = loop()), 0);
  }

  /** Stops ticking and gives the lease up, so another process takes over at once. */
  async stop(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.running;
    await this.o.lease?.release();
  }
}
