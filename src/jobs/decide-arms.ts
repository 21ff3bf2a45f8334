import type { ArmStats } from "../analytics/bandit/channel-choice.js";
import type { Store } from "../store/open-store.js";
import { fromCount } from "../store/schema.js";

/**
 * The ledger as bandit arms: per channel and campaign, how many messages were sent and how many of them got a
 * success response (`message_response` of one of the success kinds; a message clicked twice counts once).
 * Sends and responses after `asOf` are left out, so a decision for a past moment reads the ledger as it was.
 */

export interface ArmQuery {
  success: readonly string[];
  /** Only messages sent at or after this time. */
  since?: string | null;
  /** Only messages sent and responses given at or before this time. */
  asOf: string;
  /** Only these channels (default all). */
  channels?: readonly string[];
}

export async function ledgerArms(store: Store, q: ArmQuery): Promise<ArmStats[]> {
  const db = store.db;
  const hits = db
    .selectFrom("message_response")
    .select("message_id")
    .distinct()
    .where("kind", "in", q.success as string[])
    .where("at", "<=", q.asOf)
    .as("r");
  let query = db
    .selectFrom("message as m")
    .leftJoin(hits, "r.message_id", "m.id")
    .select((eb) => [
      "m.channel",
      "m.campaign",
      eb.fn.countAll().as("sends"),
      eb.fn.count("r.message_id").as("successes"),
    ])
    .where("m.sent_at", "<=", q.asOf)
    .groupBy(["m.channel", "m.campaign"]);
  if (q.since) query = query.where("m.sent_at", ">=", q.since);
  if (q.channels && q.channels.length > 0) query = query.where("m.channel", "in", q.channels as string[]);
  const rows = await query.execute();
  return rows.map((r) => ({
    channel: r.channel,
    message: r.campaign ?? "(none)",
    sends: fromCount(r.sends as number),
    successes: fromCount(r.successes as number),
  }));
}

/**
 * A short-lived memo of `ledgerArms` per store, for the API: the aggregate scans the ledger (≈ 0.4–0.6 s at a
 * million messages), and decisions asked many times a second need not see a response recorded a few seconds
 * ago. Past `maxAgeMs` the counts are read again in the background while the old ones still answer, up to four
 * times `maxAgeMs`; older than that, the caller waits for fresh ones.
 */
interface Memo {
  at: number;
  arms: Promise<ArmStats[]>;
  refreshing: boolean;
}

const memo = new WeakMap<Store, Map<string, Memo>>();

export function ledgerArmsCached(
  store: Store,
  q: ArmQuery,
  maxAgeMs: number,
  now: number,
): Promise<ArmStats[]> {
  if (maxAgeMs <= 0) return ledgerArms(store, q);
  let byKey = memo.get(store);
  if (!byKey) {
    byKey = new Map();
    memo.set(store, byKey);
  }
  const entries = byKey;
  // The moment is part of the question only when it is not "now".
  const key = JSON.stringify({ ...q, asOf: null });
  const read = (): Promise<ArmStats[]> => {
    const arms = ledgerArms(store, q);
    arms.then(
      (rows) => entries.set(key, { at: Date.now(), arms: Promise.resolve(rows), refreshing: false }),
      () => entries.delete(key),
    );
    return arms;
  };
  const hit = entries.get(key);
  if (hit && now - hit.at < maxAgeMs) return hit.arms;
  if (hit && now - hit.at < 4 * maxAgeMs) {
    if (!hit.refreshing) {
      hit.refreshing = true;
      read().catch(() => {});
    }
    return hit.arms;
  }
  const arms = read();
  entries.set(key, { at: now, arms, refreshing: true });
  return arms;
}
