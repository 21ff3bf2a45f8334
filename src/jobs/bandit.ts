import {
  type Estimate,
  type LoggedRow,
  offPolicyEstimates,
  rateInterval,
} from "../analytics/bandit/off-policy.js";
import { type Arm, actionProbabilities, decideArm, posteriors } from "../analytics/bandit/thompson.js";
import { numericValue } from "../predict/frame.js";
import { ledgerSends, saveChannelDecisions, touchEvents } from "../store/attribution.js";
import type { Store } from "../store/open-store.js";
import { defaultConversionEvents } from "./attribution.js";
import { readInputTable } from "./predict-input.js";
import { type ProgressReporter, silentProgress } from "./progress.js";

/**
 * Channel decisions as use-cases: off-policy evaluation on Open Bandit Dataset logs (which policy would
 * earn more clicks, judged without running it), and Thompson-sampling choices of channel and message from
 * the message ledger's responses.
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
  channel: string;
  message: string | null;
  arms: { arm: string; successes: number; trials: number; mean: number; chosen: number }[];
}

/**
 * Thompson choices of channel (and message, with `byMessage`) from the message ledger: a send is a success
 * when its person converted within `responseDays` after it. With `entityIds`, one decision per person (all
 * drawn from the same posteriors); without, one for the audience as a whole.
 */
export async function decideChannels(
  store: Store,
  options: {
    entityIds?: string[];
    byMessage?: boolean;
    responseDays?: number;
    conversionEvents?: string[];
    channels?: string[];
    save?: boolean;
    seed?: number;
  } = {},
): Promise<{ decisions: ChannelDecision[]; sends: number; ledger: boolean }> {
  const sends = await ledgerSends(store.db, store.dialect);
  const conversions = new Map<string, number[]>();
  if (sends && sends.length > 0) {
    for await (const page of touchEvents(store.db, options.conversionEvents ?? defaultConversionEvents)) {
      for (const e of page) {
        if (e.type !== "track" || !e.entityId) continue;
        const list = conversions.get(e.entityId) ?? [];
        list.push(Date.parse(e.timestamp));
        conversions.set(e.entityId, list);
      }
    }
  }
  const window = (options.responseDays ?? 7) * 86_400_000;
  const counts = new Map<string, { successes: number; trials: number }>();
  for (const c of options.channels ?? []) counts.set(c, { successes: 0, trials: 0 });
  for (const s of sends ?? []) {
    const arm = options.byMessage ? `${s.channel}/${s.campaign ?? "(none)"}` : s.channel;
    const at = Date.parse(s.sentAt);
    const won = (conversions.get(s.entityId) ?? []).some((t) => t >= at && t <= at + window);
    const c = counts.get(arm) ?? { successes: 0, trials: 0 };
    c.trials++;
    if (won) c.successes++;
    counts.set(arm, c);
  }
  const arms: Arm[] = [...counts].map(([arm, c]) => ({ arm, ...c }));
  if (arms.length === 0)
    throw new Error(
      sends === null
        ? "this store has no message ledger yet, and no --channels were given to choose between"
        : "the message ledger has no sends, and no --channels were given to choose between",
    );
  const targets = options.entityIds && options.entityIds.length > 0 ? options.entityIds : [null];
  const decisions: ChannelDecision[] = targets.map((entityId, i) => {
    const d = decideArm(arms, { seed: (options.seed ?? Date.now()) + i });
    const [channel, ...rest] = d.choice.arm.split("/");
    return {
      entityId,
      channel: channel ?? d.choice.arm,
      message: options.byMessage ? rest.join("/") || null : null,
      arms: d.arms.map((a) => ({
        arm: a.arm,
        successes: a.successes,
        trials: a.trials,
        mean: a.mean,
        chosen: a.chosen,
      })),
    };
  });
  if (options.save)
    await saveChannelDecisions(
      store.db,
      decisions.map((d) => ({
        entityId: d.entityId,
        channel: d.channel,
        message: d.message,
        evidence: d.arms,
      })),
    );
  return { decisions, sends: sends?.length ?? 0, ledger: sends !== null };
}
