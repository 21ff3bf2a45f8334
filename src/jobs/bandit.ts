import {
  type ArmDraw,
  type ChannelChoice,
  chooseChannel,
  decisionRandom,
  explainChoice,
} from "../analytics/bandit/channel-choice.js";
import {
  type Estimate,
  type LoggedRow,
  offPolicyEstimates,
  rateInterval,
} from "../analytics/bandit/off-policy.js";
import { type Arm, actionProbabilities, posteriors } from "../analytics/bandit/thompson.js";
import { numericValue } from "../predict/frame.js";
import { saveChannelDecisions } from "../store/attribution.js";
import type { Store } from "../store/open-store.js";
import { decide } from "./decide.js";
import { ledgerArms } from "./decide-arms.js";
import { readPolicy } from "./ledger.js";
import { readInputTable } from "./predict-input.js";
import { type ProgressReporter, silentProgress } from "./progress.js";

/**
 * Channel decisions as use-cases: off-policy evaluation on Open Bandit Dataset logs (which policy would
 * earn more clicks, judged without running it), and Thompson-sampling choices of channel and message from
 * the message ledger's responses (through `decide`, the one decision path).
 */

interface Impression {
  item: number;
  position: number;
  click: number;
  propensity: number;
  time: string;
}

async function readLog(path: string, progress: ProgressReporter): Promise<Impression[]> {
  const t = await readInputTable(path, { progress });
  for (const c of ["item_id", "position", "click", "propensity_score"])
    if (!t.columns.includes(c)) throw new Error(`${path}: an Open Bandit log needs a ${c} column`);
  return t.rows.map((r, i) => {
    const num = (c: string) => {
      const v = numericValue(r[c]);
      if (v === null) throw new Error(`${path} row ${i + 1}: ${c} "${String(r[c])}" is not a number`);
      return v;
    };
    const imp = {
      item: num("item_id"),
      position: num("position"),
      click: num("click"),
      propensity: num("propensity_score"),
      time: String(r.timestamp ?? ""),
    };
    if (!(imp.propensity > 0 && imp.propensity <= 1))
      throw new Error(`${path} row ${i + 1}: propensity_score ${imp.propensity} is not in (0, 1]`);
    return imp;
  });
}

export interface PolicyEvaluation {
  policy: string;
  logs: string;
  estimates: Estimate[];
  /** The policy's own logged click rate, when it has logs of its own. */
  onPolicy: { value: number; low: number; high: number; impressions: number } | null;
}

export interface OpenBanditReport {
  items: number;
  positions: number[];
  random: { impressions: number; clicks: number };
  bts: { impressions: number; clicks: number };
  evaluations: PolicyEvaluation[];
  /** Our Thompson policy (trained on the first half of the random log) and its action probabilities. */
  thompson: {
    trainedOn: number;
    evaluatedOn: number;
    topItems: { position: number; item: number; probability: number }[];
  };
}

type Key = string;
const key = (item: number, position: number): Key => `${item}@${position}`;

/**
 * A reward model q̂(item, position): clicks over impressions, shrunk toward the position's rate with the
 * weight of `strength` impressions, fitted on `fit` and read for the other rows (cross-fitting keeps DR honest).
 */
function rewardModel(fit: readonly Impression[], strength = 200) {
  const pos = new Map<number, { n: number; c: number }>();
  const cell = new Map<Key, { n: number; c: number }>();
  for (const r of fit) {
    const p = pos.get(r.position) ?? { n: 0, c: 0 };
    p.n++;
    p.c += r.click;
    pos.set(r.position, p);
    const k = key(r.item, r.position);
    const s = cell.get(k) ?? { n: 0, c: 0 };
    s.n++;
    s.c += r.click;
    cell.set(k, s);
  }
  return (item: number, position: number) => {
    const p = pos.get(position);
    const base = p && p.n > 0 ? p.c / p.n : 0;
    const s = cell.get(key(item, position)) ?? { n: 0, c: 0 };
    return (s.c + strength * base) / (s.n + strength);
  };
}

/** Rows for the estimators: the target policy's probabilities per position, cross-fitted q̂ in two folds. */
function loggedRows(
  log: readonly Impression[],
  target: (item: number, position: number) => number,
  logging: (r: Impression) => number,
  items: readonly number[],
): LoggedRow[] {
  const folds = [log.filter((_, i) => i % 2 === 0), log.filter((_, i) => i % 2 === 1)];
  const models = [rewardModel(folds[1] ?? []), rewardModel(folds[0] ?? [])];
  return log.map((r, i) => {
    const q = models[i % 2] as (item: number, position: number) => number;
    let expected = 0;
    for (const a of items) expected += target(a, r.position) * q(a, r.position);
    return {
      target: target(r.item, r.position),
      logging: logging(r),
      reward: r.click,
      predicted: q(r.item, r.position),
      expectedUnderTarget: expected,
    };
  });
}

export async function evaluateOpenBandit(
  randomPath: string,
  btsPath: string,
  options: { bootstrap?: number; seed?: number; progress?: ProgressReporter } = {},
): Promise<OpenBanditReport> {
  const progress = options.progress ?? silentProgress;
  const random = await readLog(randomPath, progress);
  const bts = await readLog(btsPath, progress);
  const items = [...new Set([...random, ...bts].map((r) => r.item))].sort((a, b) => a - b);
  const positions = [...new Set([...random, ...bts].map((r) => r.position))].sort((a, b) => a - b);
  const clicks = (log: readonly Impression[]) => log.reduce((s, r) => s + r.click, 0);
  const est = { bootstrap: options.bootstrap ?? 500, seed: options.seed ?? 1 };

  // The BTS policy's action distribution per position, as it acted over its logging period: the share of its
  // impressions at each position that showed each item. (It is context-free: the same for every user.)
  const btsShare = new Map<Key, number>();
  const btsAt = new Map<number, number>();
  for (const r of bts) btsAt.set(r.position, (btsAt.get(r.position) ?? 0) + 1);
  for (const r of bts)
    btsShare.set(key(r.item, r.position), (btsShare.get(key(r.item, r.position)) ?? 0) + 1);
  const btsPolicy = (item: number, position: number) =>
    (btsShare.get(key(item, position)) ?? 0) / (btsAt.get(position) ?? 1);
  const uniform = (_item: number, _position: number) => 1 / items.length;

  const evaluations: PolicyEvaluation[] = [];
  const onPolicy = (log: readonly Impression[]) => ({
    ...rateInterval(clicks(log), log.length),
    impressions: log.length,
  });
  evaluations.push({
    policy: "Bernoulli TS (logged)",
    logs: "random",
    estimates: offPolicyEstimates(
      loggedRows(random, btsPolicy, (r) => r.propensity, items),
      est,
    ),
    onPolicy: onPolicy(bts),
  });
  evaluations.push({
    policy: "uniform random (logged)",
    logs: "bts",
    estimates: offPolicyEstimates(
      loggedRows(bts, uniform, (r) => r.propensity, items),
      est,
    ),
    onPolicy: onPolicy(random),
  });

  // Our Thompson sampling: Beta(1, 1) posteriors per item and position from the earlier half of the random
  // log, its action probabilities by simulation, judged on the later half.
  const sorted = [...random].sort((a, b) => (a.time < b.time ? -1 : a.time > b.time ? 1 : 0));
  const half = Math.floor(sorted.length / 2);
  const train = sorted.slice(0, half);
  const test = sorted.slice(half);
  const probs = new Map<Key, number>();
  const topItems: { position: number; item: number; probability: number }[] = [];
  for (const position of positions) {
    const arms: Arm[] = items.map((item) => {
      const rows = train.filter((r) => r.item === item && r.position === position);
      return { arm: String(item), successes: clicks(rows), trials: rows.length };
    });
    const p = actionProbabilities(posteriors(arms), 20_000, est.seed);
    let best = 0;
    items.forEach((item, i) => {
      probs.set(key(item, position), p[i] as number);
      if ((p[i] as number) > (p[best] as number)) best = i;
    });
    topItems.push({ position, item: items[best] as number, probability: p[best] as number });
  }
  evaluations.push({
    policy: "Thompson sampling (ours, first half of the random log)",
    logs: "random, second half",
    estimates: offPolicyEstimates(
      loggedRows(
        test,
        (item, position) => probs.get(key(item, position)) ?? 0,
        (r) => r.propensity,
        items,
      ),
      est,
    ),
    onPolicy: null,
  });
  return {
    items: items.length,
    positions,
    random: { impressions: random.length, clicks: clicks(random) },
    bts: { impressions: bts.length, clicks: clicks(bts) },
    evaluations,
    thompson: { trainedOn: train.length, evaluatedOn: test.length, topItems },
  };
}

export interface ChannelDecision {
  entityId: string | null;
  /** Null when the contact policy allows no channel for this person now. */
  channel: string | null;
  message: string | null;
  /** The policy's reasons and the draw (for a person), or the draw alone (for the audience). */
  reason: string;
  arms: ArmDraw[];
}

/**
 * `tessera bandit decide`: the same decision as `tessera decide` and `POST /v1/decide` — the contact policy
 * first, then Thompson sampling over the ledger's responses among the allowed channels — for several people
 * at once (`entityIds`), or, without people, for the audience as a whole: then no person's policy applies and
 * the choice is among `channels` (default every channel the ledger has used).
 */
export async function decideChannels(
  store: Store,
  options: {
    entityIds?: string[];
    byMessage?: boolean;
    /** Response kinds that count as a success (default the policy's: clicked or converted). */
    success?: string[];
    sinceDays?: number;
    channels?: string[];
    strategy?: "thompson" | "preference";
    save?: boolean;
    seed?: number;
    now?: number;
  } = {},
): Promise<{ decisions: ChannelDecision[]; sends: number; success: string[] }> {
  const policy = await readPolicy(store);
  const success = options.success ?? policy.choice.success;
  const byMessage = options.byMessage ?? policy.choice.byMessage;
  const sinceDays = options.sinceDays ?? policy.choice.sinceDays;
  const now = options.now ?? Date.now();
  const seed = options.seed;
  const all = await ledgerArms(store, {
    success,
    asOf: new Date(now).toISOString(),
    ...(sinceDays !== null ? { since: new Date(now - sinceDays * 86_400_000).toISOString() } : {}),
  });
  const sends = all.reduce((n, a) => n + a.sends, 0);
  const decisions: ChannelDecision[] = [];
  if (options.entityIds && options.entityIds.length > 0) {
    for (const [i, entity] of options.entityIds.entries()) {
      const d = await decide(
        store,
        {
          profile: entity,
          success,
          byMessage,
          sinceDays: sinceDays ?? undefined,
          ...(options.channels ? { channels: options.channels } : {}),
          ...(options.strategy ? { strategy: options.strategy } : {}),
          ...(seed !== undefined ? { seed: seed + i } : {}),
        },
        { clock: now, ...(options.save ? { save: true } : {}) },
      );
      decisions.push({
        entityId: d.profile,
        channel: d.channel,
        message: d.message,
        reason: d.reason,
        arms: d.choice?.arms ?? [],
      });
    }
    return { decisions, sends, success };
  }
  const channels =
    options.channels && options.channels.length > 0
      ? options.channels
      : [...new Set(all.map((a) => a.channel))];
  if (channels.length === 0)
    throw new Error("the message ledger has no sends, and no channels were given to choose between");
  const choice = chooseChannel(channels, all, decisionRandom(seed), {
    priorAlpha: policy.choice.priorAlpha,
    priorBeta: policy.choice.priorBeta,
    byMessage,
    ...(options.strategy ? { strategy: options.strategy } : {}),
  }) as ChannelChoice;
  decisions.push({
    entityId: null,
    channel: choice.channel,
    message: choice.message,
    reason: explainChoice(choice, success),
    arms: choice.arms,
  });
  if (options.save)
    await saveChannelDecisions(store.db, [
      { entityId: null, channel: choice.channel, message: choice.message, evidence: { choice } },
    ]);
  return { decisions, sends, success };
}
