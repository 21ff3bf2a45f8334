/** Pairwise co-household precision and recall of predicted households against true household ids. */
export interface PairwiseHouseholds {
  people: number;
  truePairs: number;
  predictedPairs: number;
  correctPairs: number;
  precision: number;
  recall: number;
  f1: number;
}

const pairs = (n: number) => (n * (n - 1)) / 2;

/**
 * `truth` and `predicted` map each evaluated person to a household label; a person missing from `predicted`
 * is in a household of their own.
 */
export function pairwiseHouseholds(
  truth: Map<string, string>,
  predicted: Map<string, string>,
): PairwiseHouseholds {
  const byTruth = new Map<string, number>();
  const byPredicted = new Map<string, number>();
  const byBoth = new Map<string, number>();
  for (const [person, t] of truth) {
    const p = predicted.get(person) ?? `alone:${person}`;
    byTruth.set(t, (byTruth.get(t) ?? 0) + 1);
    byPredicted.set(p, (byPredicted.get(p) ?? 0) + 1);
    const both = `${p}\u0001${t}`;
    byBoth.set(both, (byBoth.get(both) ?? 0) + 1);
  }
  let truePairs = 0;
  let predictedPairs = 0;
  let correctPairs = 0;
  for (const n of byTruth.values()) truePairs += pairs(n);
  for (const n of byPredicted.values()) predictedPairs += pairs(n);
  for (const n of byBoth.values()) correctPairs += pairs(n);
  const precision = predictedPairs === 0 ? 1 : correctPairs / predictedPairs;
  const recall = truePairs === 0 ? 1 : correctPairs / truePairs;
  return {
    people: truth.size,
    truePairs,
    predictedPairs,
    correctPairs,
    precision,
    recall,
    f1: precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall),
  };
}
