import type { Transaction } from "kysely";
import { identifierKey } from "../master/identity-graph.js";
import type { EventIdentifier } from "../model/event.js";
import type { DialectName } from "../store/dialect.js";
import { entityOfRecords } from "../store/entities.js";
import {
  knownThroughGoldenLookups,
  loadIdentities,
  lockName,
  lockNames,
  tryLockNames,
} from "../store/identities.js";
import type { Database } from "../store/schema.js";

/**
 * The live path under concurrent workers: what an event locks (its identifiers and its actor's record, then the
 * profiles those point at), taking only the free locks, and retrying a transaction that failed for a reason worth
 * another try (a deadlock, a serialization failure, a profile merged away meanwhile).
 */

type Trx = Transaction<Database>;

/** What an event brings to the locks: its identifiers and its actor's record key. */
export interface Lockable {
  ids: EventIdentifier[];
  actor: string | null;
}

/**
 * Another transaction changed what this one had read and locked (an entity merged away meanwhile): the whole
 * batch is applied again from the start, like after a deadlock.
 */
export class ConcurrentChangeError extends Error {
  override name = "ConcurrentChangeError";
  readonly code = "tessera-concurrent-change";
}

/** PostgreSQL's serialization failure and deadlock, and our own concurrent change: worth another try. */
function retryable(e: unknown): boolean {
  const code = (e as { code?: unknown } | null)?.code;
  return code === "40001" || code === "40P01" || code === "tessera-concurrent-change";
}

/** Runs a transaction again (up to 12 times, backing off with jitter) while it fails for a retryable reason. */
export async function withRetries<T>(work: () => Promise<T>): Promise<{ report: T; retries: number }> {
  for (let retries = 0; ; retries++) {
    try {
      return { report: await work(), retries };
    } catch (e) {
      if (!retryable(e) || retries >= 12) throw e;
      const wait = Math.min(2000, 10 * 2 ** retries) * (0.5 + Math.random());
      await new Promise((r) => setTimeout(r, wait));
    }
  }
}

/** What an event locks: each of its identifiers, and its actor's record. */
export function lockNamesOf(i: Lockable): string[] {
  const names = i.ids.map(lockName.identifier);
  if (i.actor) names.push(lockName.record(i.actor));
  return names;
}

/**
 * The events of `items` this transaction can have without waiting: their identifiers' and actor records'
 * locks, then the locks of the profiles those point at, each taken only if free. An event whose lock another
 * worker holds is left for the next transaction. `held` collects the profiles locked.
 */
export async function claimFree<T extends Lockable>(
  trx: Trx,
  dialect: DialectName,
  items: T[],
  held: Set<string>,
): Promise<T[]> {
  const got = await tryLockNames(trx, dialect, items.flatMap(lockNamesOf));
  let ready = items.filter((i) => lockNamesOf(i).every((n) => got.has(n)));
  for (let round = 0; round < 4 && ready.length > 0; round++) {
    const entities = await entitiesOf(trx, ready);
    const want = [...new Set([...entities.values()].flat())].filter((e) => !held.has(e));
    if (want.length === 0) break;
    const ok = await tryLockNames(trx, dialect, want.map(lockName.entity));
    for (const e of want) if (ok.has(lockName.entity(e))) held.add(e);
    ready = ready.filter((i) => (entities.get(i) ?? []).every((e) => held.has(e)));
  }
  return ready;
}

/**
 * The identifiers and actor records of these events are locked (by `claimFree` or in key order); now the profiles
 * they point at, the reads repeated until no new profile turns up (a merge committed meanwhile may have moved a
 * record). A profile changes only under its lock, so from here on what was read stays true until the transaction
 * commits. `locked` holds the profiles locked so far and takes the new ones. SQLite has one writer: one read.
 */
export async function lockTouchedProfiles(
  trx: Trx,
  dialect: DialectName,
  items: Lockable[],
  locked: Set<string>,
): Promise<{ known: Awaited<ReturnType<typeof loadIdentities>>; entityOfRecord: Map<string, string> }> {
  const ids = items.flatMap((i) => i.ids);
  const actors = [...new Set(items.flatMap((i) => (i.actor ? [i.actor] : [])))];
  for (;;) {
    const known = await loadIdentities(trx, ids);
    await knownThroughGoldenLookups(trx, ids, known);
    const entityOfRecord = await entityOfRecords(trx, actors);
    for (const k of known.values()) if (k.entityId) entityOfRecord.set(k.recordKey, k.entityId);
    const more = [...new Set(entityOfRecord.values())].filter((e) => !locked.has(e));
    if (dialect !== "postgres" || more.length === 0) return { known, entityOfRecord };
    await lockNames(trx, dialect, more.map(lockName.entity));
    for (const e of more) locked.add(e);
  }
}

/** The profiles each event's actor record and identifiers are in now. */
async function entitiesOf<T extends Lockable>(trx: Trx, items: T[]): Promise<Map<T, string[]>> {
  const ids = items.flatMap((i) => i.ids);
  const known = await loadIdentities(trx, ids);
  await knownThroughGoldenLookups(trx, ids, known);
  const actors = [...new Set(items.flatMap((i) => (i.actor ? [i.actor] : [])))];
  const linked = await entityOfRecords(trx, actors);
  const out = new Map<T, string[]>();
  for (const item of items) {
    const es = new Set<string>();
    const own = item.actor ? linked.get(item.actor) : undefined;
    if (own) es.add(own);
    for (const i of item.ids) {
      const e = known.get(identifierKey(i))?.entityId;
      if (e) es.add(e);
    }
    out.set(item, [...es]);
  }
  return out;
}
