import { Random } from "../../predict/random.js";
import { actionProbabilities, posteriors } from "./thompson.js";

/**
 * The second half of a contact decision: among the channels the contact policy allows, which one to use, by
 * Thompson sampling over how people answered earlier messages (the ledger's responses). Each arm — a channel,
 * or a channel and a message (campaign) — has a Beta(α + successes, β + failures) posterior; one rate is drawn
 * per arm and the highest wins. Channels the policy refused are never arms, whatever their record.
 */

/** What the ledger says of one arm: sends, and sends that got a success response. */
export interface ArmStats {
  channel: string;
  /** The campaign, when choosing messages too; null when the arm is the channel as a whole. */
  message: string | null;
  sends: number;
  successes: number;
}

export interface ArmDraw extends ArmStats {
  /** `channel`, or `channel/message`. */
  arm: string;
  alpha: number;
  beta: number;
  /** Posterior mean response rate. */
  mean: number;
  /** The rate drawn for this decision (null when the choice was by preference). */
  sampled: number | null;
  /** The probability that Thompson sampling chooses this arm (Monte Carlo over `draws` draws). */
  chance: number;
}

export interface ChannelChoice {
  channel: string;
  message: string | null;
  /** Every arm considered, in the order of the allowed channels. */
  arms: ArmDraw[];
}

export interface ChoiceOptions {
  /** Beta prior of every arm (default 1, 1). */
  priorAlpha?: number;
  priorBeta?: number;
  /** Arms per channel and message (the stats' messages), not per channel. */
  byMessage?: boolean;
  /** Draws estimating each arm's chance of being chosen (default 2,000; 0: not estimated). */
  draws?: number;
  /** "thompson" (default) samples; "preference" takes the first allowed channel and reports the posteriors. */
  strategy?: "thompson" | "preference";
}

export const armName = (channel: string, message: string | null): string =>
  message === null ? channel : `${channel}/${message}`;

/**
 * The arms open to a decision: per allowed channel, its stats (summed over messages unless `byMessage`); an
 * allowed channel the ledger has never seen is one arm at the prior.
 */
export function armsFor(
  allowed: readonly string[],
  stats: readonly ArmStats[],
  byMessage = false,
): ArmStats[] {
  const out: ArmStats[] = [];
  for (const channel of allowed) {
    const own = stats.filter((s) => s.channel === channel);
    if (own.length === 0) {
      out.push({ channel, message: null, sends: 0, successes: 0 });
      continue;
    }
    if (byMessage) {
      const merged = new Map<string | null, ArmStats>();
      for (const s of own) {
        const m = merged.get(s.message) ?? { channel, message: s.message, sends: 0, successes: 0 };
        m.sends += s.sends;
        m.successes += s.successes;
        merged.set(s.message, m);
      }
      out.push(...merged.values());
    } else {
      out.push({
        channel,
        message: null,
        sends: own.reduce((n, s) => n + s.sends, 0),
        successes: own.reduce((n, s) => n + s.successes, 0),
      });
    }
  }
  return out;
}

/** Chooses among the allowed channels (null when none is allowed) and says why: every arm's posterior and draw. */
export function chooseChannel(
  allowed: readonly string[],
  stats: readonly ArmStats[],
  rng: Random,
  options: ChoiceOptions = {},
): ChannelChoice | null {
  if (allowed.length === 0) return null;
  const arms = armsFor(allowed, stats, options.byMessage ?? false);
  const post = posteriors(
    arms.map((a) => ({ arm: armName(a.channel, a.message), successes: a.successes, trials: a.sends })),
    {
      ...(options.priorAlpha !== undefined ? { priorAlpha: options.priorAlpha } : {}),
      ...(options.priorBeta !== undefined ? { priorBeta: options.priorBeta } : {}),
    },
  );
  const draws = options.draws ?? 2_000;
  const chances =
    draws > 0 ? actionProbabilities(post, draws, rng.int(2_147_483_647)) : new Float64Array(post.length);
  const thompson = (options.strategy ?? "thompson") === "thompson";
  let best = 0;
  const drawn = post.map((p, i) => {
    const sampled = thompson ? rng.beta(p.alpha, p.beta) : null;
    return {
      ...(arms[i] as ArmStats),
      arm: p.arm,
      alpha: p.alpha,
      beta: p.beta,
      mean: p.mean,
      sampled,
      chance: chances[i] as number,
    };
  });
  if (thompson)
    for (let i = 1; i < drawn.length; i++)
      if ((drawn[i]?.sampled as number) > (drawn[best]?.sampled as number)) best = i;
  const chosen = drawn[best] as ArmDraw;
  return { channel: chosen.channel, message: chosen.message, arms: drawn };
}

/** A random source for a decision: seeded (deterministic, for tests and replays) or not. */
export function decisionRandom(seed?: number): Random {
  return new Random(seed ?? Math.floor(Math.random() * 2_147_483_647));
}

/** One line for people: the chosen arm's draw and posterior against the others'. */
export function explainChoice(choice: ChannelChoice, success: readonly string[]): string {
  const fmt = (a: ArmDraw) =>
    `${a.arm} ${a.sampled === null ? "" : `drew ${a.sampled.toFixed(3)}, `}mean ${a.mean.toFixed(3)} (${a.successes} ${success.join("/")} of ${a.sends} sends)`;
  const chosen = choice.arms.find((a) => a.channel === choice.channel && a.message === choice.message);
  const others = choice.arms.filter((a) => a !== chosen);
  const how = chosen?.sampled === null ? "first allowed in order of preference" : "Thompson sampling";
  return `${armName(choice.channel, choice.message)} by ${how}: ${chosen ? fmt(chosen) : ""}${others.length > 0 ? `; ${others.map(fmt).join("; ")}` : ""}`;
}
