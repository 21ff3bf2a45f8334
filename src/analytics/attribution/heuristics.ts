import { type ChannelCredit, creditsFrom, type HeuristicModel } from "./credit.js";
import { type PathTable, stepDecayWeights } from "./paths.js";

/**
 * Rule-based credit, defined as ChannelAttribution's `heuristic_models` defines the first three:
 * - first touch: all of a path's conversions and value to its first touchpoint;
 * - last touch: all to its last;
 * - linear: an equal share to each touchpoint *occurrence* (a channel seen twice in a path of four gets 2/4);
 * - time decay: shares 2^(−age / half-life), normalised per journey (ages in days when the journeys carry
 *   times, otherwise in steps before the conversion with `halfLifeSteps`);
 * - position based (U-shaped): 40 % to the first touch, 40 % to the last and 20 % spread evenly over the
 *   ones between; a path of one touch gives it everything, a path of two splits it evenly.
 * Only converting paths earn credit: the sums equal the table's conversions and value.
 */
export interface HeuristicOptions {
  /** Time decay without times: the half-life in steps (default 2). */
  halfLifeSteps?: number;
  /** Position based: the share of the first and of the last touch (default 0.4 each). */
  endShare?: number;
}

export function heuristicCredit(
  table: PathTable,
  model: HeuristicModel,
  options: HeuristicOptions = {},
): ChannelCredit[] {
  const nc = table.channels.length;
  const conv = new Float64Array(nc);
  const val = new Float64Array(nc);
  const halfLifeSteps = options.halfLifeSteps ?? 2;
  const endShare = options.endShare ?? 0.4;
  if (!(endShare >= 0 && endShare <= 0.5)) throw new RangeError(`endShare ${endShare} is not in [0, 0.5]`);
  const stepWeights = new Map<number, Float64Array>();
  for (let i = 0; i < table.paths.length; i++) {
    const c = table.conversions[i] as number;
    const v = table.value[i] as number;
    if (c === 0 && v === 0) continue;
    const path = table.paths[i] as Int32Array;
    const n = path.length;
    const first = path[0] as number;
    const last = path[n - 1] as number;
    switch (model) {
      case "first_touch":
        conv[first] = (conv[first] as number) + c;
        val[first] = (val[first] as number) + v;
        break;
      case "last_touch":
        conv[last] = (conv[last] as number) + c;
        val[last] = (val[last] as number) + v;
        break;
      case "linear":
        for (let k = 0; k < n; k++) {
          const ch = path[k] as number;
          conv[ch] = (conv[ch] as number) + c / n;
          val[ch] = (val[ch] as number) + v / n;
        }
        break;
      case "time_decay": {
        const dc = table.decay?.conversions[i];
        const dv = table.decay?.value[i];
        if (dc && dv) {
          for (let k = 0; k < n; k++) {
            const ch = path[k] as number;
            conv[ch] = (conv[ch] as number) + (dc[k] as number);
            val[ch] = (val[ch] as number) + (dv[k] as number);
          }
        } else {
          let w = stepWeights.get(n);
          if (!w) {
            w = stepDecayWeights(n, halfLifeSteps);
            stepWeights.set(n, w);
          }
          for (let k = 0; k < n; k++) {
            const ch = path[k] as number;
            conv[ch] = (conv[ch] as number) + c * (w[k] as number);
            val[ch] = (val[ch] as number) + v * (w[k] as number);
          }
        }
        break;
      }
      case "position_based": {
        for (let k = 0; k < n; k++) {
          const share =
            n === 1 ? 1 : n === 2 ? 0.5 : k === 0 || k === n - 1 ? endShare : (1 - 2 * endShare) / (n - 2);
          const ch = path[k] as number;
          conv[ch] = (conv[ch] as number) + c * share;
          val[ch] = (val[ch] as number) + v * share;
        }
        break;
      }
    }
  }
  return creditsFrom(table.channels, conv, val);
}
