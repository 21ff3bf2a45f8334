import { creditsFrom, type ModelCredit } from "./credit.js";
import type { PathTable } from "./paths.js";

/**
 * Shapley values over channel sets (coalitions), after Zhao, Mahboobi and Bagheri, "Shapley Value Methods
 * for Attribution Modeling in Online Advertising" (2018, arXiv:1804.05327). A journey's coalition is the set
 * of channels it touched, order and repeats ignored. Two characteristic functions:
 *
 * - `subset` (the default): v(S) = conversions (or value) of the journeys whose channel set is a subset of
 *   S — what the channels in S would have produced on their own. v(N) is every conversion, so the credits
 *   sum to the total (efficiency). v is a sum of unanimity games, one per journey set T weighted by its
 *   conversions, and the Shapley value of a unanimity game splits it evenly among T's members: each journey's
 *   conversions go in equal parts to its distinct channels (Zhao et al.'s "simplified Shapley value"). That
 *   closed form is exact for any number of channels and is what is computed; `shapleyValues` over the 2^n
 *   coalitions gives the same numbers (the tests check it).
 * - `exact`: v(S) = conversions of the journeys whose channel set is exactly S. Credits then sum to v(N),
 *   the conversions of journeys that touched every channel, not to the total; computed over all 2^n
 *   coalitions, for at most `maxChannels` (default 20) channels.
 */
export type Coalition = "subset" | "exact";

export interface ShapleyOptions {
  coalition?: Coalition;
  maxChannels?: number;
}

export function shapleyAttribution(table: PathTable, options: ShapleyOptions = {}): ModelCredit {
  const coalition = options.coalition ?? "subset";
  const nc = table.channels.length;
  const conv = new Float64Array(nc);
  const val = new Float64Array(nc);
  if (coalition === "subset") {
    const seen = new Int32Array(nc).fill(-1);
    const members: number[] = [];
    for (let i = 0; i < table.paths.length; i++) {
      const c = table.conversions[i] as number;
      const v = table.value[i] as number;
      if (c === 0 && v === 0) continue;
      const path = table.paths[i] as Int32Array;
      members.length = 0;
      for (const ch of path) {
        if (seen[ch] !== i) {
          seen[ch] = i;
          members.push(ch);
        }
      }
      for (const ch of members) {
        conv[ch] = (conv[ch] as number) + c / members.length;
        val[ch] = (val[ch] as number) + v / members.length;
      }
    }
  } else {
    const max = options.maxChannels ?? 20;
    if (nc > max)
      throw new RangeError(
        `exact-coalition Shapley values need 2^n coalitions: ${nc} channels is more than ${max}; use the subset coalition`,
      );
    const vConv = new Float64Array(2 ** nc);
    const vVal = new Float64Array(2 ** nc);
    for (let i = 0; i < table.paths.length; i++) {
      let mask = 0;
      for (const ch of table.paths[i] as Int32Array) mask |= 1 << ch;
      vConv[mask] = (vConv[mask] as number) + (table.conversions[i] as number);
      vVal[mask] = (vVal[mask] as number) + (table.value[i] as number);
    }
    conv.set(shapleyValues(vConv, nc));
    val.set(shapleyValues(vVal, nc));
  }
  return { model: "shapley", credits: creditsFrom(table.channels, conv, val), coalition };
}

/**
 * Exact Shapley values of the game v over n players (v indexed by coalition bit mask):
 * φ_i = Σ_{S ∌ i} |S|! (n − |S| − 1)! / n! · (v(S ∪ {i}) − v(S)). O(n · 2^n).
 */
export function shapleyValues(v: Float64Array, n: number): Float64Array {
  if (v.length !== 2 ** n)
    throw new RangeError(`a game of ${n} players has ${2 ** n} coalitions, not ${v.length}`);
  const weight = new Float64Array(n);
  // |S|!(n−|S|−1)!/n! = 1 / (n · C(n−1, |S|))
  for (let s = 0; s < n; s++) weight[s] = 1 / (n * binomial(n - 1, s));
  const phi = new Float64Array(n);
  for (let mask = 0; mask < v.length; mask++) {
    const size = popcount(mask);
    if (size === n) continue;
    const w = weight[size] as number;
    const base = v[mask] as number;
    for (let i = 0; i < n; i++) {
      const bit = 1 << i;
      if (mask & bit) continue;
      phi[i] = (phi[i] as number) + w * ((v[mask | bit] as number) - base);
    }
  }
  return phi;
}

/** v(S) = Σ_{T ⊆ S} r(T) for every S (the zeta transform), as a new array. */
export function subsetSums(r: Float64Array, n: number): Float64Array {
  const v = r.slice();
  for (let i = 0; i < n; i++) {
    const bit = 1 << i;
    for (let mask = 0; mask < v.length; mask++)
      if (mask & bit) v[mask] = (v[mask] as number) + (v[mask ^ bit] as number);
  }
  return v;
}

function popcount(x: number): number {
  let c = 0;
  for (let y = x; y; y &= y - 1) c++;
  return c;
}

function binomial(n: number, k: number): number {
  let r = 1;
  for (let i = 1; i <= k; i++) r = (r * (n - k + i)) / i;
  return r;
}
