import { type ComparisonSpec, type CompiledComparison, nullLevel } from "./comparison.js";

/**
 * The Fellegi-Sunter match model. For each comparison level, m = P(level | same person) and
 * u = P(level | different people); a pair's match weight is the log2 prior odds plus, for every comparison,
 * log2(m/u) of the level it fell in (nothing for a null level). With term frequencies, an exact match on a
 * value uses the value's own frequency in place of u, so "Zyskowski" weighs more than "Smith".
 *
 * The model is plain data, saved as readable JSON and reloaded to score a batch or one live record.
 */

export interface LevelWeights {
  label: string;
  m: number;
  u: number;
}

export interface ComparisonModel {
  name: string;
  /** The comparison's levels, then its "else" level last. */
  levels: LevelWeights[];
  termFrequency: boolean;
}

export interface MatchModel {
  format: "tessera-match-model";
  version: 1;
  /** The probability that two records drawn at random are the same person. */
  prior: number;
  comparisons: ComparisonModel[];
  /** The comparison definitions the weights belong to, so a saved model can be compiled again. */
  specs: ComparisonSpec[];
  training: Record<string, unknown>;
}

/** Smallest probability kept, so that no level carries infinite evidence. */
export const minProbability = 1e-9;

export function log2(x: number): number {
  return Math.log2(Math.max(x, minProbability));
}

export function logit2(p: number): number {
  return log2(p) - log2(1 - p);
}

export function probabilityOf(weight: number): number {
  return 1 / (1 + 2 ** -weight);
}

/** Weight of one comparison at one level (0 for the null level). `tf` is the shared value's frequency. */
export function levelWeight(c: ComparisonModel, level: number, tf?: number): number {
  if (level === nullLevel) return 0;
  const l = c.levels[level] as LevelWeights;
  if (level === 0 && c.termFrequency && tf !== undefined && tf > 0) return log2(l.m) - log2(tf);
  return log2(l.m) - log2(l.u);
}

/**
 * A scorer bound to compiled comparisons: precomputes each level's weight, so scoring a pair is one
 * compare and one table read per comparison.
 */
export interface PairScorer {
  weight(i: number, j: number): number;
  /** The level each comparison put the pair in, written into `out` (length = comparisons). */
  levels(i: number, j: number, out: Int8Array): void;
}

export function pairScorer(model: MatchModel, compiled: CompiledComparison[]): PairScorer {
  if (compiled.length !== model.comparisons.length) {
    throw new Error(`the model has ${model.comparisons.length} comparisons, the run ${compiled.length}`);
  }
  const base = logit2(model.prior);
  const tables = model.comparisons.map((c) => Float64Array.from(c.levels, (_, k) => levelWeight(c, k)));
  const count = compiled.length;
  return {
    weight(i, j) {
      let w = base;
      for (let c = 0; c < count; c++) {
        const cmp = compiled[c] as CompiledComparison;
        const level = cmp.compare(i, j);
        if (level === nullLevel) continue;
        if (cmp.veto[level] === 1) return Number.NEGATIVE_INFINITY;
        const tf = level === 0 && cmp.termFrequency ? cmp.termFrequency(i, j) : undefined;
        w +=
          tf === undefined
            ? ((tables[c] as Float64Array)[level] as number)
            : levelWeight(model.comparisons[c] as ComparisonModel, 0, tf);
      }
      return w;
    },
    levels(i, j, out) {
      for (let c = 0; c < count; c++) out[c] = (compiled[c] as CompiledComparison).compare(i, j);
    },
  };
}

export interface ExplainedComparison {
  comparison: string;
  level: string;
  /** The log2 Bayes factor this comparison added. */
  weight: number;
  m: number | null;
  u: number | null;
  termFrequency: number | null;
  /** The pair fell in one of the comparison's `neverLinkAt` levels: never the same person. */
  vetoed: boolean;
}

export interface Explanation {
  prior: number;
  priorWeight: number;
  comparisons: ExplainedComparison[];
  /** Why the pair can never link (a `neverLinkAt` level), or null; the weight is then −∞. */
  veto: string | null;
  weight: number;
  probability: number;
}

/** Why a pair scored what it did: the prior and each comparison's contribution, as data. */
export function explainPair(
  model: MatchModel,
  compiled: CompiledComparison[],
  i: number,
  j: number,
): Explanation {
  const priorWeight = logit2(model.prior);
  let weight = priorWeight;
  let veto: string | null = null;
  const comparisons = compiled.map((cmp, c): ExplainedComparison => {
    const cm = model.comparisons[c] as ComparisonModel;
    const level = cmp.compare(i, j);
    if (level === nullLevel) {
      return {
        comparison: cmp.name,
        level: "missing",
        weight: 0,
        m: null,
        u: null,
        termFrequency: null,
        vetoed: false,
      };
    }
    const tf = level === 0 && cmp.termFrequency ? cmp.termFrequency(i, j) : undefined;
    const w = levelWeight(cm, level, tf);
    weight += w;
    const l = cm.levels[level] as LevelWeights;
    const label = level < cmp.labels.length ? (cmp.labels[level] as string) : "else";
    const vetoed = cmp.veto[level] === 1;
    if (vetoed && veto === null) veto = `${cmp.name}: ${label}`;
    return {
      comparison: cmp.name,
      level: label,
      weight: w,
      m: l.m,
      u: l.u,
      termFrequency: tf ?? null,
      vetoed,
    };
  });
  if (veto !== null) weight = Number.NEGATIVE_INFINITY;
  return { prior: model.prior, priorWeight, comparisons, veto, weight, probability: probabilityOf(weight) };
}
