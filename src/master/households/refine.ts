import { forEachCandidatePair } from "../../resolve/blocking.js";
import { type CompiledComparison, compileComparison, nullLevel } from "../../resolve/comparison.js";
import type { MatchModel } from "../../resolve/model.js";
import type { RecordTable } from "../../resolve/record-table.js";
import type { ResolveSettings } from "../../resolve/settings.js";

/**
 * Why households need one more step than people. Training estimates u — how often two people of different
 * households agree — from random pairs, assuming a random pair is almost never a match. For people that holds;
 * for households it does not: people who share an address mostly live together, so among pairs agreeing on an
 * address the co-household pairs are the majority, and u comes out hundreds of times too large (two flatmates
 * with different names would never be joined). So the households of one run re-estimate the model, as
 * classification EM does: m from the pairs inside households, u from the pairs across them (agreement on a
 * blocked value only happens among candidate pairs, so those are counted exactly), the prior from the share of
 * pairs that are co-household; then the pairs are scored again. Comparisons that read a feature no blocking
 * rule covers (a fuzzy family-name level agrees outside the candidates too) keep their trained u.
 */
export function refineModel(
  table: RecordTable,
  settings: ResolveSettings,
  model: MatchModel,
  clusterOf: Int32Array,
  smoothing = 1,
  refineM = false,
): MatchModel {
  const compiled: CompiledComparison[] = model.specs.map((s) => compileComparison(s, table));
  const blocked = new Set(settings.blocking.map((r) => r.expression.trim()));
  const levels = compiled.map((c) => c.labels.length + 1);
  const within = compiled.map((_, k) => new Float64Array(levels[k] as number));
  const across = compiled.map((_, k) => new Float64Array(levels[k] as number));
  let withinPairs = 0;
  forEachCandidatePair(
    table,
    settings.blocking,
    settings.mode,
    { maxBlockSize: settings.maxBlockSize, splitLargeBlocks: settings.splitLargeBlocks },
    (i, j) => {
      const inside = clusterOf[i] === clusterOf[j];
      if (inside) withinPairs++;
      compiled.forEach((c, k) => {
        const level = c.compare(i, j);
        if (level === nullLevel) return;
        const counts = (inside ? within : across)[k] as Float64Array;
        counts[level] = (counts[level] as number) + 1;
      });
    },
  );
  // Co-household pairs are the pairs inside clusters (each is a candidate pair: members share something).
  let insidePairs = 0;
  const sizes = new Map<number, number>();
  for (const c of clusterOf) sizes.set(c, (sizes.get(c) ?? 0) + 1);
  for (const n of sizes.values()) insidePairs += (n * (n - 1)) / 2;
  const all = (table.size * (table.size - 1)) / 2;
  const acrossPairs = Math.max(1, all - insidePairs);
  const comparisons = model.comparisons.map((cm, k) => {
    const spec = model.specs[k];
    // A level can be counted among candidate pairs alone when it is exact agreement on a blocked feature.
    const countable = (level: number) => {
      const l = spec?.levels[level];
      return l !== undefined && l.kind === "exact" && blocked.has(l.feature);
    };
    const w = within[k] as Float64Array;
    const a = across[k] as Float64Array;
    const wTotal = w.reduce((s, x) => s + x, 0);
    const last = (levels[k] as number) - 1;
    return {
      ...cm,
      levels: cm.levels.map((l, level) => {
        const m =
          refineM && wTotal > 0 ? ((w[level] as number) + smoothing * l.m) / (wTotal + smoothing) : l.m;
        let u = l.u;
        if (level < last && countable(level))
          u = Math.max(1e-12, ((a[level] as number) + 1e-3) / acrossPairs);
        return { ...l, m, u };
      }),
    };
  });
  // The else level's u is what the agreeing levels leave.
  for (const cm of comparisons) {
    const agreeing = cm.levels.slice(0, -1).reduce((s, l) => s + l.u, 0);
    const last = cm.levels[cm.levels.length - 1];
    if (last) last.u = Math.max(1e-12, 1 - agreeing);
  }
  void withinPairs;
  return {
    ...model,
    prior: Math.min(0.5, Math.max(1e-12, insidePairs / all)),
    comparisons,
    training: { ...model.training, refined: { insidePairs, candidatePairsInside: withinPairs } },
  };
}
