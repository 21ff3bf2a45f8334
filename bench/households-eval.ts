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

/**
 * The true pairs the data can show: two members of one true household joined by a chain of members whose
 * profiles share household evidence — an address, a building, a number with its postcode or street, a phone, an IP
 * address, a device or an e-mail address that is not a generic value. A pair outside it (one of them known only at
 * an address the household left, with nothing else shared; or someone with no address and nothing shared) cannot be
 * found by any householding that does not already know who lives with whom. Recall over these pairs says how much
 * of what the data allows was found.
 */
export function evidenceRecall(
  truth: Map<string, string>,
  evidence: Map<string, string[]>,
  predicted: Map<string, string>,
): { pairs: number; found: number; recall: number } {
  const component = evidenceComponents(truth, evidence);
  const byComponent = new Map<string, number>();
  const byBoth = new Map<string, number>();
  for (const [person, c] of component) {
    byComponent.set(c, (byComponent.get(c) ?? 0) + 1);
    const p = predicted.get(person);
    if (p === undefined) continue;
    const both = `${c}\u0001${p}`;
    byBoth.set(both, (byBoth.get(both) ?? 0) + 1);
  }
  let total = 0;
  let found = 0;
  for (const n of byComponent.values()) total += pairs(n);
  for (const n of byBoth.values()) found += pairs(n);
  return { pairs: total, found, recall: total === 0 ? 1 : found / total };
}

/** Each person's component: members of one true household joined by a chain of shared values (union-find). */
function evidenceComponents(
  truth: Map<string, string>,
  evidence: Map<string, string[]>,
): Map<string, string> {
  const parent = new Map<string, string>();
  const find = (x: string): string => {
    let r = x;
    while (parent.get(r) !== r) r = parent.get(r) as string;
    let c = x;
    while (c !== r) {
      const next = parent.get(c) as string;
      parent.set(c, r);
      c = next;
    }
    return r;
  };
  const firstHolder = new Map<string, string>();
  for (const [person, household] of truth) {
    parent.set(person, person);
    for (const value of evidence.get(person) ?? []) {
      const key = `${household}\u0001${value}`;
      const other = firstHolder.get(key);
      if (other === undefined) firstHolder.set(key, person);
      else parent.set(find(person), find(other));
    }
  }
  return new Map([...truth.keys()].map((person) => [person, find(person)]));
}

/**
 * Why the true pairs outside `evidenceRecall`'s are out of reach: one of the two gives householding nothing to go on
 * (no address, no postcode with a family name, nothing shared with anyone), or both give something but nothing
 * joins them (known at different addresses — one of them only at a home the household has left — with nothing
 * else in common).
 */
export function unshownPairs(
  truth: Map<string, string>,
  evidence: Map<string, string[]>,
): { nothingToGoOn: number; nothingJoins: number } {
  const component = evidenceComponents(truth, evidence);
  const byHousehold = new Map<string, string[]>();
  for (const [person, household] of truth) {
    const list = byHousehold.get(household);
    if (list) list.push(person);
    else byHousehold.set(household, [person]);
  }
  const nothing = (person: string) => (evidence.get(person)?.length ?? 0) === 0;
  let nothingToGoOn = 0;
  let nothingJoins = 0;
  for (const members of byHousehold.values())
    for (let i = 0; i < members.length; i++)
      for (let j = i + 1; j < members.length; j++) {
        const a = members[i] as string;
        const b = members[j] as string;
        if (component.get(a) === component.get(b)) continue;
        if (nothing(a) || nothing(b)) nothingToGoOn++;
        else nothingJoins++;
      }
  return { nothingToGoOn, nothingJoins };
}
