import { forEachCandidatePair } from "../../resolve/blocking.js";
import { type CompiledComparison, compileComparison, nullLevel } from "../../resolve/comparison.js";
import { type MatchModel, pairScorer, probabilityOf } from "../../resolve/model.js";
import type { RecordTable } from "../../resolve/record-table.js";
import type { ResolveSettings } from "../../resolve/settings.js";

/**
 * Why households need one more step than people. Training estimates u — how often two people of different
 * households agree — from random pairs, assuming a random pair is almost never a match. For people that holds;
 * for households it does not: people who share an address mostly live together, so among pairs agreeing on an
 * address the co-household pairs are the majority, and u comes out hundreds of times too large. So the
 * households of one run re-estimate u and the prior, as EM does: each candidate pair counts as co-household by
 * its probability (wholly when clustering put the two together) and as apart by the rest; u comes from the
 * pairs counted apart — agreement on a blocked value only happens among candidate pairs, so those are counted
 * exactly — and the prior from the share counted together; then the pairs are scored again. A pair the model is
 * unsure of counts partly each way: counting it wholly apart, as classification EM would, would keep u high
 * and the pair apart for ever. m stays as trained: with as few comparisons as households have, re-estimating it
 * from the model's own households only confirms them (people who share a name and an address). Comparisons
 * over a feature no blocking rule covers (a fuzzy family-name level agrees outside the candidates too) keep
 * their trained u.
 */
export function refineModel(
  table: RecordTable,
  settings: ResolveSettings,
  model: MatchModel,
  clusterOf: Int32Array,
): MatchModel {
  const compiled: CompiledComparison[] = model.specs.map((s) => compileComparison(s, table));
  const blocked = new Set(settings.blocking.map((r) => r.expression.trim()));
  const levels = compiled.map((c) => c.labels.length + 1);
  const across = compiled.map((_, k) => new Float64Array(levels[k] as number));
  const scorer = pairScorer(model, compiled);
  let candidatePairsInside = 0;
  let together = 0;
  forEachCandidatePair(
    table,
    settings.blocking,
    settings.mode,
    { maxBlockSize: settings.maxBlockSize, splitLargeBlocks: settings.splitLargeBlocks },
    (i, j) => {
      const inside = clusterOf[i] === clusterOf[j];
      if (inside) candidatePairsInside++;
      const p = inside ? 1 : probabilityOf(scorer.weight(i, j));
      if (!inside) together += p;
      compiled.forEach((c, k) => {
        const level = c.compare(i, j);
        if (level === nullLevel) return;
        const counts = across[k] as Float64Array;
        counts[level] = (counts[level] as number) + 1 - p;
      });
    },
  );
  // Co-household pairs: the pairs inside clusters, and the chance of those apart that the model still gives.
  let insidePairs = together;
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
    const a = across[k] as Float64Array;
    const last = (levels[k] as number) - 1;
    const refined = cm.levels.map((l, level) =>
      level < last && countable(level)
        ? { ...l, u: Math.max(1e-12, ((a[level] as number) + 1e-3) / acrossPairs) }
        : { ...l },
    );
    // The else level's u is what the agreeing levels leave.
    const agreeing = refined.slice(0, -1).reduce((s, l) => s + l.u, 0);
    const elseLevel = refined[refined.length - 1];
    if (elseLevel) elseLevel.u = Math.max(1e-12, 1 - agreeing);
    return { ...cm, levels: refined };
  });
  return {
    ...model,
    prior: Math.min(0.5, Math.max(1e-12, insidePairs / all)),
    comparisons,
    training: { ...model.training, refined: { insidePairs, candidatePairsInside } },
  };
}
