import { Bitset } from "./bitset.js";
import { leafKey, type Rule } from "./segment-rule.js";

/**
 * Evaluating a segment rule over a universe of profiles (numbered by their sequence): each leaf is a set of
 * profiles the loader computed once (equal leaves share it); `all`, `any` and `not` combine them as bitsets.
 * `not` is taken within the universe, so a rule never selects a profile outside it.
 */

export type Leaf = Exclude<Rule, { all: Rule[] } | { any: Rule[] } | { not: Rule }>;

export function evaluateRule(rule: Rule, universe: Bitset, leafSets: ReadonlyMap<string, Bitset>): Bitset {
  const walk = (r: Rule): Bitset => {
    if ("all" in r) {
      const out = universe.clone();
      for (const c of r.all) out.and(walk(c));
      return out;
    }
    if ("any" in r) {
      const out = new Bitset(universe.size);
      for (const c of r.any) out.or(walk(c));
      return out.and(universe);
    }
    if ("not" in r) return universe.clone().andNot(walk(r.not));
    const set = leafSets.get(leafKey(r));
    if (!set) throw new Error(`no data was loaded for the rule ${leafKey(r)}`);
    return set.clone().and(universe);
  };
  return walk(rule);
}
