import { randomBytes } from "node:crypto";
import { sql, type Transaction } from "kysely";
import { deriveEntity } from "../master/entity-state.js";
import {
  blockedTest,
  decideEvent,
  defaultIdentityGuards,
  eventIdentifiers,
  type GraphFinding,
  type IdentifierState,
  type IdentityGuards,
  identifierKey,
} from "../master/identity-graph.js";
import {
  defaultSurvivorship,
  type SurvivorshipSettings,
  survivorshipSettings,
} from "../master/survivorship-settings.js";
import type { AcceptedEvent, EventIdentifier } from "../model/event.js";
import type { RecordAttributes } from "../model/source-record.js";
import { withoutErased } from "../privacy/tombstones.js";
import type { RejectedEvent } from "../sources/segment.js";
import { actorAttributes } from "../sources/segment.js";
import {
  allocateSeqs,
  type EntityState,
  emptyWrites,
  formatEntityId,
  getProfiles,
  type LinkEvidence,
  recordsOf,
  splitRecordKey,
  writeEntityChanges,
} from "../store/entities.js";
import { identifyHistory, insertNewEvents } from "../store/events.js";
import {
  identifiersOfEntities,
  insertIdentities,
  insertIdentityLinks,
  lockName,
  lockNames,
  markShared,
  touchIdentities,
} from "../store/identities.js";
import { startImportRun } from "../store/import-runs.js";
import { memberRecordsByKey } from "../store/member-records.js";
import type { Store } from "../store/open-store.js";
import { type QuarantinedRow, quarantineRows } from "../store/quarantine.js";
import { type Database, fromCount } from "../store/schema.js";
import { latestAttributes, type PendingRecord, writeRecords } from "../store/source-records.js";
import { getState } from "../store/stewardship.js";
import {
  ConcurrentChangeError,
  claimFree,
  lockNamesOf,
  lockTouchedProfiles,
  withRetries,
} from "./live-locks.js";
import type { LiveMatcher } from "./live-matcher.js";
import { pendingRecord } from "./prepare-row.js";

/**
 * Applying events to the store, a batch per transaction: the events themselves (once each: a message id seen
 * before is skipped), the identity graph (new profile, attach or merge, under the guards), each actor's record
 * (`source/user:…` or `source/anon:…`; an identify call's traits make a new version), the golden profiles
 * derived again, the change log, identity links for batch runs, and findings for what the guards refused.
 * Acknowledging a request after its batch commits is what makes an acknowledged event durable.
 */

type Trx = Transaction<Database>;

export interface IngestOptions {
  guards?: IdentityGuards;
  survivorship?: SurvivorshipSettings;
  /** Matches identify traits against stored records with the trained model. */
  matcher?: LiveMatcher;
  /** Country for phone numbers written without one. */
  defaultCountry?: string;
  now?: () => Date;
}

export interface IngestReport {
  received: number;
  duplicates: number;
  applied: number;
  profilesCreated: number;
  profilesMerged: number;
  profilesUpdated: number;
  refusedMerges: number;
  modelMerges: number;
  reviewItems: number;
  quarantined: number;
  /** Events dropped because they name a person who was erased (their identifiers' salted hashes are kept). */
  erased: number;
  /** Transactions begun again after a deadlock or serialization failure (PostgreSQL, several workers). */
  retries: number;
  /** Events put off to the batch's next transaction because another worker held one of their locks. */
  deferrals: number;
}

export function emptyIngestReport(): IngestReport {
  return {
    received: 0,
    duplicates: 0,
    applied: 0,
    profilesCreated: 0,
    profilesMerged: 0,
    profilesUpdated: 0,
    refusedMerges: 0,
    modelMerges: 0,
    reviewItems: 0,
    quarantined: 0,
    erased: 0,
    retries: 0,
    deferrals: 0,
  };
}

export function addReports(into: IngestReport, r: IngestReport): void {
  for (const k of Object.keys(into) as (keyof IngestReport)[]) into[k] += r[k];
}

interface Item {
  event: AcceptedEvent;
  ids: EventIdentifier[];
  /** The actor's record key, or null when the event carries no usable identifier. */
  actor: string | null;
  anchor: EventIdentifier | null;
}

/**
 * A stored actor record without what identify calls put into it (name, contacts, birthday, gender, traits):
 * those are folded again from the actor's calls in event-time order. Its identifiers stay.
 */
function withoutTraits(a: RecordAttributes | undefined): RecordAttributes | null {
  if (!a) return null;
  const { name: _n, dateOfBirth: _d, gender: _g, ...rest } = a;
  const { traits: _t, ...extra } = a.extra;
  return { ...rest, emails: [], phones: [], addresses: [], identifiers: [...a.identifiers], extra };
}

/** A profile made in this batch, before its id is allocated. */
const pending = (n: number) => `+${n}`;
const isPending = (id: string) => id.startsWith("+");

export class LiveIngest {
  readonly guards: IdentityGuards;
  private readonly isBlocked: (v: string) => boolean;
  private survivorship: SurvivorshipSettings | undefined;
  private readonly runs = new Map<string, string>();
  private readonly now: () => Date;

  constructor(
    readonly store: Store,
    private readonly options: IngestOptions = {},
  ) {
    this.guards = options.guards ?? defaultIdentityGuards;
    this.isBlocked = blockedTest(this.guards);
    this.survivorship = options.survivorship;
    this.now = options.now ?? (() => new Date());
  }

  /** The live import run of a source: its records' versions point at it. Made once per process and source. */
  private async runOf(source: string): Promise<string> {
    let id = this.runs.get(source);
    if (id) return id;
    const at = this.now().toISOString();
    // Several workers may start in the same millisecond: the process id keeps their runs apart.
    id = `live-${source}-${at}-${randomBytes(4).toString("hex")}`;
    await this.store.db
      .insertInto("source")
      .values({
        name: source,
        format: "segment",
        trust: 0.6,
        default_country: this.options.defaultCountry ?? null,
        mapping: JSON.stringify({ source, format: "segment", trust: 0.6, fields: {} }),
        created_at: at,
        updated_at: at,
      })
      .onConflict((oc) => oc.column("name").doNothing())
      .execute();
    await startImportRun(this.store, { id, source, path: "live events", format: "segment", startedAt: at });
    this.runs.set(source, id);
    return id;
  }

  private async survivorshipSettings(): Promise<SurvivorshipSettings> {
    if (!this.survivorship) {
      const stored = await getState<unknown>(this.store.db, "survivorship");
      this.survivorship = stored ? survivorshipSettings.parse(stored) : defaultSurvivorship;
    }
    return this.survivorship;
  }

  /** Keeps events that could not be read, with why, under the source's live run. */
  async quarantine(source: string, rejected: RejectedEvent[]): Promise<void> {
    await this.keep(
      source,
      rejected.map((r) => ({
        rowNumber: r.index,
        code: "invalid-event",
        field: r.field,
        reason: r.message,
        raw: r.raw,
      })),
    );
  }

  /**
   * Keeps an event that could not be applied however often it was tried (a poison event), with the error, under
   * its source's live run: the worker then acknowledges it, so that it no longer holds up the stream.
   */
  async deadLetter(event: AcceptedEvent, error: unknown): Promise<void> {
    const reason = `could not be applied: ${error instanceof Error ? error.message : String(error)}`;
    await this.keep(event.source, [
      { rowNumber: 0, code: "failed-event", field: null, reason, raw: JSON.stringify(event) },
    ]);
  }

  private async keep(
    source: string,
    rows: Pick<QuarantinedRow, "rowNumber" | "code" | "field" | "reason" | "raw">[],
  ): Promise<void> {
    if (rows.length === 0) return;
    const importRunId = await this.runOf(source);
    const createdAt = this.now().toISOString();
    await this.store.db.transaction().execute((trx) =>
      quarantineRows(
        trx,
        rows.map((r) => ({ ...r, importRunId, source, createdAt })),
      ),
    );
  }

  private item(event: AcceptedEvent): Item {
    const { identifiers } = eventIdentifiers(event.body, this.isBlocked, this.options.defaultCountry);
    const user =
      event.userId !== null
        ? identifiers.find((i) => i.kind === "user_id" && i.value === event.userId)
        : undefined;
    const anon =
      event.anonymousId !== null
        ? identifiers.find((i) => i.kind === "anonymous_id" && i.value === event.anonymousId)
        : undefined;
    const anchor = user ?? anon ?? null;
    const actor = anchor ? `${event.source}/${anchor === user ? "user" : "anon"}:${anchor.value}` : null;
    return { event, ids: identifiers, actor, anchor };
  }

  /** Applies a batch of accepted events in one transaction. */
  async apply(received: AcceptedEvent[]): Promise<IngestReport> {
    const report = emptyIngestReport();
    report.received = received.length;
    const events = await withoutErased(this.store.db, received);
    report.erased = received.length - events.length;
    if (events.length === 0) return report;
    const sources = [...new Set(events.map((e) => e.source))];
    const runOf = new Map<string, string>();
    for (const s of sources) runOf.set(s, await this.runOf(s));
    const survivorship = await this.survivorshipSettings();
    const items = events.map((e) => this.item(e));
    const keyOf = new Map(
      items.map((i) => [i.event, i.actor ?? `${i.event.source}/event:${i.event.messageId}`]),
    );
    // With several workers (PostgreSQL), a transaction first tries to lock every identifier and actor record of
    // its events without waiting, and applies the events whose locks it got; the others — held by another
    // worker's transaction at that moment — go in the next transaction, a moment later. Only when none could
    // be locked does a transaction wait for its locks (in key order). So two workers whose batches share a
    // person do not queue one whole batch behind the other.
    let todo = items;
    let wait = this.store.dialect !== "postgres";
    while (todo.length > 0) {
      const round = await withRetries(async () => {
        const attempt = emptyIngestReport();
        let deferred: Item[] = [];
        const lockedEntities = new Set<string>();
        await this.store.db.transaction().execute(async (trx) => {
          let ready = todo;
          if (wait) await lockNames(trx, this.store.dialect, todo.flatMap(lockNamesOf));
          else {
            ready = await claimFree(trx, this.store.dialect, todo, lockedEntities);
            const claimed = new Set(ready);
            deferred = todo.filter((i) => !claimed.has(i));
          }
          if (ready.length === 0) return;
          const readyEvents = ready.map((i) => i.event);
          const fresh = new Set(await insertNewEvents(trx, readyEvents, (e) => keyOf.get(e) as string));
          const apply = ready.filter((i) => fresh.has(i.event));
          attempt.duplicates = ready.length - apply.length;
          attempt.applied = apply.length;
          if (apply.length > 0)
            await this.applyGraph(trx, apply, survivorship, runOf, attempt, lockedEntities);
        });
        return { attempt, deferred };
      });
      const { attempt, deferred } = round.report;
      addReports(report, { ...attempt, retries: round.retries });
      report.deferrals += deferred.length;
      // Nothing could be locked without waiting: wait this time.
      wait = deferred.length === todo.length;
      todo = deferred;
      if (todo.length > 0 && !wait) await new Promise((r) => setTimeout(r, 5));
    }
    await this.refreshStatistics(report.applied);
    return report;
  }

  private applied = 0;
  private nextAnalyze = 20_000;

  /**
   * PostgreSQL plans by its statistics, which autovacuum refreshes about once a minute at best: a store that
   * grows by thousands of records a second is planned as the small table it was (seen at 300k profiles: the
   * version lookup by record ids became a scan of every record of the source, 100+ ms). So the tables the
   * live path reads are analysed whenever the events applied by this process have doubled.
   */
  private async refreshStatistics(applied: number): Promise<void> {
    if (this.store.dialect !== "postgres") return;
    this.applied += applied;
    if (this.applied < this.nextAnalyze) return;
    this.nextAnalyze = this.applied * 2;
    await sql`analyze source_record, entity_link, identity, golden_lookup, entity, event`.execute(
      this.store.db,
    );
  }

  private async applyGraph(
    trx: Trx,
    items: Item[],
    survivorship: SurvivorshipSettings,
    runOf: Map<string, string>,
    report: IngestReport,
    lockedEntities: Set<string>,
  ): Promise<void> {
    const at = this.now().toISOString();
    const guards = this.guards;
    const dialect = this.store.dialect;
    const { known, entityOfRecord } = await lockTouchedProfiles(trx, dialect, items, lockedEntities);
    const existing = [...new Set(entityOfRecord.values())];
    const held = await identifiersOfEntities(trx, existing);
    const seqOf = new Map<string, number>();
    for (let i = 0; i < existing.length; i += 500) {
      const rows = await trx
        .selectFrom("entity")
        .select(["id", "seq"])
        .where("id", "in", existing.slice(i, i + 500))
        .execute();
      for (const r of rows) seqOf.set(r.id, fromCount(r.seq));
    }

    // Merges within the batch: each profile points at the one it merged into; the oldest id survives.
    const parent = new Map<string, string>();
    const find = (e: string): string => {
      let x = e;
      for (let p = parent.get(x); p !== undefined; p = parent.get(x)) x = p;
      return x;
    };
    const older = (a: string, b: string) => {
      const sa = isPending(a) ? Number.POSITIVE_INFINITY : (seqOf.get(a) ?? Number.POSITIVE_INFINITY);
      const sb = isPending(b) ? Number.POSITIVE_INFINITY : (seqOf.get(b) ?? Number.POSITIVE_INFINITY);
      if (sa !== sb) return sa < sb;
      return isPending(a) && isPending(b) ? Number(a.slice(1)) < Number(b.slice(1)) : a < b;
    };
    let newCount = 0;
    const newRecords = new Set<string>();
    const recordEntity = (key: string) => {
      const e = entityOfRecord.get(key);
      return e === undefined ? undefined : find(e);
    };
    const state = (i: EventIdentifier): IdentifierState | undefined => {
      const k = known.get(identifierKey(i));
      if (!k) return undefined;
      return { entityId: recordEntity(k.recordKey) ?? null, generic: k.generic, shared: k.shared };
    };
    const heldBy = (e: string) => held.get(e) ?? [];
    const mergedPairs: { survivor: string; absorbed: string }[] = [];
    const links: { left: string; right: string; kind: string; value: string; at: string }[] = [];
    const newIdentities: { kind: string; value: string; recordKey: string; at: string }[] = [];
    const shared: EventIdentifier[] = [];
    const findings: { finding: GraphFinding; event: AcceptedEvent }[] = [];
    const touchedRecords = new Map<string, AcceptedEvent[]>();

    for (const item of items) {
      const { event, actor } = item;
      if (!actor || !item.anchor) {
        findings.push({
          event,
          finding: {
            kind: "refused-merge",
            message: `event ${event.messageId} carries no usable identifier (its ids are blocked values); it joins no profile`,
            entities: [],
            identifiers: [],
          },
        });
        continue;
      }
      // The actor's own identifier goes first: an event belongs to the profile its actor's record is in.
      const anchor = item.anchor;
      const ids = [anchor, ...item.ids.filter((i) => i !== anchor)];
      const d = decideEvent(ids, state, heldBy, { ...guards, priority: [anchor.kind, ...guards.priority] });
      for (const f of d.findings) findings.push({ event, finding: f });
      if (d.findings.some((f) => f.kind === "refused-merge")) report.refusedMerges++;
      shared.push(...d.shared);
      let target = d.target;
      if (target === null) {
        target = pending(++newCount);
        held.set(target, []);
      }
      for (const m of d.merge) {
        const a = find(target);
        const b = find(m);
        if (a === b) continue;
        const [survivor, absorbed] = older(a, b) ? [a, b] : [b, a];
        parent.set(absorbed, survivor);
        held.set(survivor, [...heldBy(survivor), ...heldBy(absorbed)]);
        mergedPairs.push({ survivor, absorbed });
        // The records joined by the identifiers this event shares with the absorbed profile must stay together.
        for (const i of ids) {
          const k = known.get(identifierKey(i));
          if (k && k.recordKey !== actor && recordEntity(k.recordKey) === survivor)
            links.push({ left: actor, right: k.recordKey, kind: i.kind, value: i.value, at });
        }
      }
      target = find(target);
      if (!entityOfRecord.has(actor)) {
        entityOfRecord.set(actor, target);
        newRecords.add(actor);
        for (const i of ids) {
          const k = known.get(identifierKey(i));
          if (k && k.recordKey !== actor && recordEntity(k.recordKey) === target)
            links.push({ left: actor, right: k.recordKey, kind: i.kind, value: i.value, at });
        }
      }
      const list = held.get(target) ?? [];
      for (const i of d.add) {
        list.push(i);
        known.set(identifierKey(i), { recordKey: actor, entityId: null, generic: false, shared: 0 });
        newIdentities.push({ kind: i.kind, value: i.value, recordKey: actor, at });
      }
      held.set(target, list);
      if (newRecords.has(actor) || event.type === "identify") {
        const evs = touchedRecords.get(actor);
        if (evs) evs.push(event);
        else touchedRecords.set(actor, [event]);
      }
    }

    // Ids for the new profiles that survived the batch's merges.
    const survivingNew = [...new Set([...entityOfRecord.values()].map(find))].filter(isPending);
    // On PostgreSQL the numbers come from a short transaction of their own: inside this one the sequence's row
    // would stay locked until commit and every worker creating profiles would wait for the others.
    const seqs = await allocateSeqs(dialect === "postgres" ? this.store.db : trx, survivingNew.length);
    const finalId = new Map<string, string>();
    for (const [i, p] of survivingNew.entries()) finalId.set(p, formatEntityId(seqs[i] as number));
    const idOf = (e: string) => {
      const f = find(e);
      return finalId.get(f) ?? f;
    };

    // Actor records: new ones, and new versions from identify calls. The traits are folded from every identify
    // call of the actor stored so far, in event time (then message id) order, over what its first event made:
    // workers applying one actor's calls in another order still end with the same record.
    const previous = await latestAttributes(
      trx,
      [...touchedRecords.keys()].filter((k) => !newRecords.has(k)),
    );
    const history = await identifyHistory(trx, [...touchedRecords.keys()]);
    const bySource = new Map<string, PendingRecord[]>();
    for (const [key, evs] of touchedRecords) {
      let attrs = withoutTraits(previous.get(key));
      if (!attrs) for (const e of evs) if (e.type !== "identify") attrs = actorAttributes(attrs, e);
      const calls = history.get(key) ?? [];
      for (const e of calls) attrs = actorAttributes(attrs, e);
      if (!attrs) continue;
      attrs.identifiers.sort((x, y) => {
        const a = `${x.type}\u0000${x.value}\u0000${x.namespace ?? ""}`;
        const b = `${y.type}\u0000${y.value}\u0000${y.namespace ?? ""}`;
        return a < b ? -1 : a > b ? 1 : 0;
      });
      const { source, sourceRecordId } = splitRecordKey(key);
      const observedAt = [...evs, ...calls].reduce((t, e) => (e.timestamp > t ? e.timestamp : t), "");
      const { record } = pendingRecord(
        {
          source,
          sourceRecordId,
          observedAt,
          rowNumber: 0,
          attributes: attrs as RecordAttributes,
        },
        this.options.defaultCountry ? { defaultCountry: this.options.defaultCountry } : {},
      );
      bySource.set(source, [...(bySource.get(source) ?? []), record]);
    }
    const changedRecords = new Set<string>();
    for (const [source, list] of bySource) {
      const { written } = await writeRecords(trx, runOf.get(source) as string, at, list);
      for (const id of written) changedRecords.add(`${source}/${id}`);
    }

    // Live model matching of identify traits: merges and review items from the trained model.
    if (this.options.matcher) {
      const outcome = await this.options.matcher.matchLive(trx, [...changedRecords], {
        entityOf: (k) => recordEntity(k),
        at,
      });
      report.reviewItems += outcome.reviewItems;
      const others = [...new Set(outcome.merges.map((m) => m.from))].filter((e) => !held.has(e));
      if (dialect === "postgres" && others.length > 0) {
        // The candidates' profiles were read unlocked: lock them, and start again if one was merged away since.
        await lockNames(trx, dialect, others.map(lockName.entity));
        const active = await trx
          .selectFrom("entity")
          .select("id")
          .where("id", "in", others)
          .where("status", "=", "active")
          .execute();
        if (active.length < others.length)
          throw new ConcurrentChangeError("a candidate profile was merged meanwhile");
      }
      for (const [e, list] of await identifiersOfEntities(trx, others)) held.set(e, list);
      for (let i = 0; i < others.length; i += 500) {
        const rows = await trx
          .selectFrom("entity")
          .select(["id", "seq"])
          .where("id", "in", others.slice(i, i + 500))
          .execute();
        for (const r of rows) seqOf.set(r.id, fromCount(r.seq));
      }
      for (const m of outcome.merges) {
        const a = find(m.into);
        const b = find(m.from);
        if (a === b) continue;
        // The model never merges two different user ids (or any unique kind): that is a finding instead.
        const clash = guards.unique.find((kind) => {
          const x = new Set(
            heldBy(a)
              .filter((i) => i.kind === kind)
              .map((i) => i.value),
          );
          return heldBy(b).some((i) => i.kind === kind && x.size > 0 && !x.has(i.value));
        });
        if (clash) {
          report.refusedMerges++;
          findings.push({
            event: (items.find((i) => i.actor === m.pair[0]) ?? items[0])?.event as AcceptedEvent,
            finding: {
              kind: "refused-merge",
              message: `${a} and ${b} match with probability ${m.probability.toFixed(3)} (${m.pair.join(" ~ ")}) but hold two different ${clash}s: not merged`,
              entities: [a, b],
              identifiers: [],
            },
          });
          continue;
        }
        held.set(a, [...heldBy(a), ...heldBy(b)]);
        const [survivor, absorbed] = older(a, b) ? [a, b] : [b, a];
        parent.set(absorbed, survivor);
        held.set(survivor, heldBy(a));
        mergedPairs.push({ survivor, absorbed });
        links.push({ left: m.pair[0], right: m.pair[1], kind: "model", value: m.probability.toFixed(4), at });
        report.modelMerges++;
      }
    }

    // Entities written: created, merged, updated; profiles derived again from their records.
    const w = emptyWrites(at);
    const absorbedBy = new Map<string, string>();
    for (const { absorbed } of mergedPairs) absorbedBy.set(absorbed, find(absorbed));
    const existingTouched = new Set<string>();
    for (const key of touchedRecords.keys()) {
      const e = find(entityOfRecord.get(key) as string);
      if (!isPending(e)) existingTouched.add(e);
    }
    for (const [absorbed, survivor] of absorbedBy) {
      if (!isPending(absorbed)) existingTouched.add(absorbed);
      if (!isPending(survivor)) existingTouched.add(survivor);
    }
    const ids = [...existingTouched];
    const prevRecords = await recordsOf(trx, ids);
    const prevProfiles = await getProfiles(trx, ids);
    const stateOf = (id: string): EntityState => ({
      records: prevRecords.get(id) ?? [],
      golden: prevProfiles.get(id) ?? null,
    });
    // Every record of each final profile: the ones it had, those of profiles merged into it, the new ones.
    const membersOf = new Map<string, Set<string>>();
    const addMember = (e: string, key: string) => {
      const f = find(e);
      let s = membersOf.get(f);
      if (!s) {
        s = new Set();
        membersOf.set(f, s);
      }
      s.add(key);
    };
    for (const id of ids) for (const key of prevRecords.get(id) ?? []) addMember(id, key);
    for (const key of newRecords) addMember(entityOfRecord.get(key) as string, key);
    const finals = [...membersOf.keys()];
    const members = await memberRecordsByKey(
      trx,
      finals.flatMap((f) => [...(membersOf.get(f) ?? [])]),
    );
    const memberOf = new Map(members.map((m) => [m.key, m]));
    const cause = "live events";
    for (const f of finals) {
      const keys = [...(membersOf.get(f) ?? [])];
      const derived = deriveEntity(
        keys.map((k) => memberOf.get(k) as (typeof members)[number]),
        survivorship,
      );
      const id = idOf(f);
      const after: EntityState = { records: derived.records, golden: derived.profile };
      const absorbed = [...absorbedBy].filter(([, s]) => s === f).map(([a]) => a);
      if (isPending(f)) {
        w.created.push({ id, seq: Number(id.slice(2)), records: derived.records.length });
        w.changes.push({ entityId: id, kind: "created", before: null, after, cause });
        report.profilesCreated++;
      } else if (absorbed.length > 0) {
        w.active.push({ id, records: derived.records.length });
        w.changes.push({
          entityId: id,
          kind: "merged",
          before: stateOf(id),
          after: { ...after, entities: absorbed.map(idOf) },
          cause,
        });
      } else {
        const before = stateOf(id);
        if (
          before.golden &&
          JSON.stringify(before.golden) === JSON.stringify(derived.profile) &&
          before.records.length === derived.records.length
        )
          continue;
        w.active.push({ id, records: derived.records.length });
        w.changes.push({ entityId: id, kind: "updated", before, after, cause });
        report.profilesUpdated++;
      }
      w.profiles.push({
        entityId: id,
        profile: derived.profile,
        hash: derived.hash,
        lookups: derived.lookups,
      });
      for (const key of keys) {
        const was = prevRecords.get(id)?.includes(key);
        if (was) continue;
        const evidence: LinkEvidence = newRecords.has(key)
          ? { kind: "rule", probability: 1, rule: "identity graph", by: "live events", at }
          : { kind: "rule", probability: 1, rule: "identity graph merge", by: "live events", at };
        w.links.push({ recordKey: key, entityId: id, source: splitRecordKey(key).source, evidence });
      }
      for (const a of absorbed) {
        if (isPending(a)) continue;
        report.profilesMerged++;
        const was = stateOf(a);
        w.merged.push({ id: a, into: id, records: was.records });
        w.changes.push({
          entityId: a,
          kind: "merged",
          before: was,
          after: { records: [], golden: null, entities: [id] },
          cause,
        });
      }
    }
    await writeEntityChanges(trx, w);

    await insertIdentities(trx, newIdentities);
    const seen = items
      .flatMap((i) => i.ids)
      .filter(
        (i) =>
          known.has(identifierKey(i)) && !newIdentities.some((n) => n.kind === i.kind && n.value === i.value),
      );
    await touchIdentities(trx, seen, at);
    await insertIdentityLinks(trx, links);
    const becameGeneric = shared.length > 0 ? await markShared(trx, shared, guards.maxProfilesPerValue) : [];
    const rows = findings.map(({ finding, event }) => ({
      kind: finding.kind,
      subject_kind: (finding.entities.length > 0 ? "entity" : "event") as "entity" | "event",
      subject:
        finding.entities.length > 0
          ? idOf(finding.entities[0] as string)
          : `${event.source}/${event.messageId}`,
      field: finding.identifiers[0]?.kind ?? null,
      message: finding.message.replace(/\+\d+/g, (p) => idOf(p)),
      details: JSON.stringify({
        event: `${event.source}/${event.messageId}`,
        entities: finding.entities.map(idOf),
        identifiers: finding.identifiers,
      }),
      severity: "warning" as const,
      created_at: at,
    }));
    for (const g of becameGeneric)
      rows.push({
        kind: "generic-identifier",
        subject_kind: "entity",
        subject: `${g.kind}:${g.value}`,
        field: g.kind,
        message: `${g.kind} ${g.value} was seen on ${guards.maxProfilesPerValue} profiles that could not be merged: it is generic now and links nobody`,
        details: JSON.stringify({ identifier: g }),
        severity: "warning",
        created_at: at,
      });
    for (let i = 0; i < rows.length; i += 500)
      await trx
        .insertInto("quality_finding")
        .values(rows.slice(i, i + 500))
        .execute();
  }
}
