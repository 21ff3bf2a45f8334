import { Random } from "../../predict/random.js";

/**
 * Thompson sampling over arms with Bernoulli rewards (a channel, or a channel and a message, that a person
 * answered or not): each arm's response rate has a Beta(α + successes, β + failures) posterior; a decision
 * draws one rate per arm and takes the largest. Arms that have been tried little keep wide posteriors and
 * are still chosen now and then; arms known to be poor fade out.
 */

export interface Arm {
  /** What is chosen: a channel, or channel/message. */
  arm: string;
  successes: number;
  trials: number;
}

export interface ArmPosterior extends Arm {
  alpha: number;
  beta: number;
  mean: number;
  /** The probability that this arm is the one chosen (the policy's action probability). */
  chosen: number;
}

export interface ThompsonOptions {
  /** The prior Beta(α, β) of every arm (default 1, 1: uniform). */
  priorAlpha?: number;
  priorBeta?: number;
}

export function posteriors(
  arms: readonly Arm[],
  options: ThompsonOptions = {},
): Omit<ArmPosterior, "chosen">[] {
  const a0 = options.priorAlpha ?? 1;
  const b0 = options.priorBeta ?? 1;
  return arms.map((a) => {
    if (!(a.trials >= a.successes && a.successes >= 0))
      throw new RangeError(`arm ${a.arm}: ${a.successes} successes in ${a.trials} trials`);
    const alpha = a0 + a.successes;
    const beta = b0 + a.trials - a.successes;
    return { ...a, alpha, beta, mean: alpha / (alpha + beta) };
  });
}

/** One Thompson draw: the index of the arm whose sampled rate is highest. */
export function thompsonDraw(post: readonly { alpha: number; beta: number }[], rng: Random): number {
  let best = -1;
  let bestValue = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < post.length; i++) {
    const p = post[i] as { alpha: number; beta: number };
    const v = rng.beta(p.alpha, p.beta);
    if (v > bestValue) {
      bestValue = v;
      best = i;
    }
  }
  return best;
}

/**
 * The policy's action probabilities: the share of `draws` Thompson draws each arm wins (Monte Carlo; the
 * standard error of each is at most 0.5/√draws).
 */
export function actionProbabilities(
  post: readonly { alpha: number; beta: number }[],
  draws = 10_000,
  seed = 1,
): Float64Array {
  const rng = new Random(seed);
  const wins = new Float64Array(post.length);
  for (let d = 0; d < draws; d++) {
    const i = thompsonDraw(post, rng);
    wins[i] = (wins[i] as number) + 1;
  }
  return wins.map((w) => w / draws);
}

/** Chooses an arm by Thompson sampling and says why: every arm's posterior and its chance of being chosen. */
export function decideArm(
  arms: readonly Arm[],
  options: ThompsonOptions & { seed?: number; draws?: number; rng?: Random } = {},
): { choice: ArmPosterior; arms: ArmPosterior[] } {
  if (arms.length === 0) throw new RangeError("there is no arm to choose from");
  const post = posteriors(arms, options);
  const probs = actionProbabilities(post, options.draws ?? 2_000, options.seed ?? 1);
  const withProb = post.map((p, i) => ({ ...p, chosen: probs[i] as number }));
  const rng = options.rng ?? new Random(options.seed ?? Date.now() % 2_147_483_647);
  const choice = withProb[thompsonDraw(post, rng)] as ArmPosterior;
  return { choice, arms: withProb };
}
