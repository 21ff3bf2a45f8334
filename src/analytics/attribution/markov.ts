import { type SparseChain, solveAbsorption } from "./absorbing.js";
import { creditsFrom, type ModelCredit } from "./credit.js";
import type { PathTable } from "./paths.js";

/**
 * Markov-chain attribution with removal effects, as ChannelAttribution's `markov_model` defines it, but with
 * the absorption probabilities solved exactly instead of estimated by simulating paths.
 *
 * The chain: a start state; for order k, one state per window of k consecutive touchpoints (a path shorter
 * than k is one state of all its touchpoints); two absorbing states, conversion and null. Consecutive equal
 * states are merged (`a > a > b` at order 1 is a → b), as the package does. Each path contributes its
 * journeys (conversions + nulls) to every transition along it, its conversions to last state → conversion
 * and its nulls to last state → null.
 *
 * Removal effect of a channel c: 1 − P(conversion | every state containing c leads to null) / P(conversion).
 * Conversions are credited in proportion to removal effects: credit(c) = conversions × RE(c) / Σ RE. Value is
 * credited the same way from the expected value of a walk (each step into conversion from state s earns the
 * mean value of the conversions made from s), which is what the package's simulation estimates when it draws
 * a conversion's value from the last state's values.
 */
export interface MarkovOptions {
  order?: number;
  solver?: "auto" | "dense" | "iterative";
}

export interface MarkovChainModel {
  order: number;
  chain: SparseChain;
  /** State names (`(start)`, then touchpoints joined by ` > `). */
  states: string[];
  /** Channel codes each state holds. */
  stateChannels: Int32Array[];
  /** Per state: probability of stepping into conversion, and the expected value that step brings. */
  toConversion: Float64Array;
  valueToConversion: Float64Array;
  toNull: Float64Array;
  transitions: number;
}

/** Builds the order-k chain of a path table. */
export function buildChain(table: PathTable, order = 1): MarkovChainModel {
  if (!Number.isInteger(order) || order < 1 || order > 3)
    throw new RangeError(`the Markov order must be 1, 2 or 3, not ${order}`);
  const base = table.channels.length + 1;
  if (base ** order > Number.MAX_SAFE_INTEGER)
    throw new RangeError(`${table.channels.length} channels are too many for order ${order}`);
  const stateIndex = new Map<number, number>();
  const stateChannels: Int32Array[] = [new Int32Array(0)];
  const edges: Map<number, number>[] = [new Map()];
  const out: number[] = [0];
  const conv: number[] = [0];
  const nul: number[] = [0];
  const val: number[] = [0];
  const stateOf = (path: Int32Array, from: number, to: number): number => {
    let key = 0;
    for (let k = to - 1; k >= from; k--) key = key * base + ((path[k] as number) + 1);
    let s = stateIndex.get(key);
    if (s === undefined) {
      s = stateChannels.length;
      stateIndex.set(key, s);
      stateChannels.push(path.slice(from, to));
      edges.push(new Map());
      out.push(0);
      conv.push(0);
      nul.push(0);
      val.push(0);
    }
    return s;
  };
  const addEdge = (from: number, to: number, w: number) => {
    const e = edges[from] as Map<number, number>;
    e.set(to, (e.get(to) ?? 0) + w);
    out[from] = (out[from] as number) + w;
  };
  for (let i = 0; i < table.paths.length; i++) {
    const c = table.conversions[i] as number;
    const n = table.nulls[i] as number;
    const w = c + n;
    if (w <= 0) continue;
    const path = table.paths[i] as Int32Array;
    const windows = path.length <= order ? 1 : path.length - order + 1;
    let prev = 0;
    for (let k = 0; k < windows; k++) {
      const s = stateOf(path, k, Math.min(path.length, k + order));
      if (s === prev) continue;
      addEdge(prev, s, w);
      prev = s;
    }
    conv[prev] = (conv[prev] as number) + c;
    nul[prev] = (nul[prev] as number) + n;
    val[prev] = (val[prev] as number) + (table.value[i] as number);
    out[prev] = (out[prev] as number) + w;
  }
  const nStates = stateChannels.length;
  const rowStart = new Int32Array(nStates + 1);
  let nnz = 0;
  for (let s = 0; s < nStates; s++) {
    rowStart[s] = nnz;
    nnz += (edges[s] as Map<number, number>).size;
  }
  rowStart[nStates] = nnz;
  const col = new Int32Array(nnz);
  const prob = new Float64Array(nnz);
  const toConversion = new Float64Array(nStates);
  const valueToConversion = new Float64Array(nStates);
  const toNull = new Float64Array(nStates);
  for (let s = 0; s < nStates; s++) {
    const total = out[s] as number;
    let k = rowStart[s] as number;
    for (const [t, w] of edges[s] as Map<number, number>) {
      col[k] = t;
      prob[k] = w / total;
      k++;
    }
    toConversion[s] = (conv[s] as number) / total;
    valueToConversion[s] = (val[s] as number) / total;
    toNull[s] = (nul[s] as number) / total;
  }
  const states = stateChannels.map((sc, s) =>
    s === 0 ? "(start)" : Array.from(sc, (c) => table.channels[c]).join(" > "),
  );
  return {
    order,
    chain: { n: nStates, rowStart, col, prob },
    states,
    stateChannels,
    toConversion,
    valueToConversion,
    toNull,
    transitions: nnz + 2 * nStates,
  };
}

export function markovAttribution(table: PathTable, options: MarkovOptions = {}): ModelCredit {
  const order = options.order ?? 1;
  const m = buildChain(table, order);
  const nc = table.channels.length;
  const solve = (b: Float64Array, removed: Uint8Array | null) =>
    solveAbsorption(m.chain, b, removed, options.solver ? { solver: options.solver } : {});
  const full = solve(m.toConversion, null);
  const fullValue = solve(m.valueToConversion, null);
  const p = full.x[0] as number;
  const pv = fullValue.x[0] as number;
  const re = new Float64Array(nc);
  const reValue = new Float64Array(nc);
  const removed = new Uint8Array(m.chain.n);
  for (let c = 0; c < nc; c++) {
    removed.fill(0);
    let any = false;
    for (let s = 1; s < m.chain.n; s++) {
      if ((m.stateChannels[s] as Int32Array).includes(c)) {
        removed[s] = 1;
        any = true;
      }
    }
    if (!any) continue;
    re[c] = p > 0 ? 1 - (solve(m.toConversion, removed).x[0] as number) / p : 0;
    reValue[c] = pv > 0 ? 1 - (solve(m.valueToConversion, removed).x[0] as number) / pv : 0;
  }
  let conversions = 0;
  let value = 0;
  for (let i = 0; i < table.paths.length; i++) {
    conversions += table.conversions[i] as number;
    value += table.value[i] as number;
  }
  const sumRe = re.reduce((a, b) => a + b, 0);
  const sumReValue = reValue.reduce((a, b) => a + b, 0);
  const creditConv = re.map((r) => (sumRe > 0 ? (conversions * r) / sumRe : 0));
  const creditValue = reValue.map((r) => (sumReValue > 0 ? (value * r) / sumReValue : 0));
  return {
    model: `markov_${order}` as ModelCredit["model"],
    credits: creditsFrom(table.channels, creditConv, creditValue),
    removalEffects: table.channels.map((channel, c) => ({
      channel,
      conversions: re[c] as number,
      value: reValue[c] as number,
    })),
    chain: {
      states: m.chain.n,
      transitions: m.transitions,
      conversionProbability: p,
      solver: full.solver === "dense" ? "dense LU" : `Gauss-Seidel (${full.iterations} sweeps)`,
    },
  };
}
