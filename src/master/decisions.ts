/**
 * A steward's decisions as constraints on clustering. Every decision comes down to record pairs: "not a
 * match" (a cannot-link) or "the same person" (a must-link, from an accepted review pair, a manual merge or
 * the parts of a split). For each pair the latest decision counts, so a split after a merge undoes the merge.
 *
 * `enforceDecisions` applies them to a clustering after the fact: a cluster holding a cannot-linked pair is
 * rebuilt from its own links, strongest first, refusing any union that would bring a cannot-linked pair
 * together; then must-linked clusters are united unless that would. The same function serves a batch run and
 * the live match of one record, so a decision is honoured the same way in both.
 */

export type PairDecisionKind = "match" | "not-a-match";

export interface PairDecision {
  kind: PairDecisionKind;
  left: string;
  right: string;
}

export interface Constraints {
  cannotLink: [string, string][];
  mustLink: [string, string][];
}

/** The pairs in force: decisions in the order they were taken, the latest per unordered pair winning. */
export function effectiveConstraints(decisions: PairDecision[]): Constraints {
  const latest = new Map<string, PairDecision>();
  for (const d of decisions) {
    if (d.left === d.right) continue;
    const [a, b] = d.left < d.right ? [d.left, d.right] : [d.right, d.left];
    const key = `${a}\u0000${b}`;
    latest.delete(key);
    latest.set(key, { kind: d.kind, left: a, right: b });
  }
  const out: Constraints = { cannotLink: [], mustLink: [] };
  for (const d of latest.values())
    (d.kind === "match" ? out.mustLink : out.cannotLink).push([d.left, d.right]);
  return out;
}

export interface LinkPairs {
  left: Int32Array;
  right: Int32Array;
  probability: Float64Array;
  count: number;
}

function renumber(labels: Int32Array): { clusterOf: Int32Array; clusters: number } {
  const map = new Map<number, number>();
  const clusterOf = new Int32Array(labels.length);
  for (let r = 0; r < labels.length; r++) {
    const l = labels[r] as number;
    let c = map.get(l);
    if (c === undefined) {
      c = map.size;
      map.set(l, c);
    }
    clusterOf[r] = c;
  }
  return { clusterOf, clusters: map.size };
}

class UnionFind {
  readonly parent: Int32Array;
  constructor(n: number) {
    this.parent = new Int32Array(n);
    for (let i = 0; i < n; i++) this.parent[i] = i;
  }
  find(x: number): number {
    const p = this.parent;
    while (p[x] !== x) {
      p[x] = p[p[x] as number] as number;
      x = p[x] as number;
    }
    return x;
  }
}

/**
 * Applies cannot-links and must-links (record indices) to a clustering. `pairs` are the scored pairs of the
 * run and `threshold` the probability that makes one a link. Returns cluster ids numbered afresh in the order
 * of each cluster's first record, and how many clusters were rebuilt or united.
 */
export function enforceDecisions(
  clusterOf: Int32Array,
  pairs: LinkPairs,
  threshold: number,
  cannotLink: [number, number][],
  mustLink: [number, number][],
): { clusterOf: Int32Array; clusters: number; rebuilt: number; united: number } {
  const n = clusterOf.length;
  const labels = Int32Array.from(clusterOf);
  const cannotOf = new Map<number, number[]>();
  const push = <K, V>(map: Map<K, V[]>, key: K, value: V) => {
    const list = map.get(key);
    if (list) list.push(value);
    else map.set(key, [value]);
  };
  for (const [a, b] of cannotLink) {
    push(cannotOf, a, b);
    push(cannotOf, b, a);
  }

  // 1. Rebuild every cluster that holds a cannot-linked pair.
  const broken = new Set<number>();
  for (const [a, b] of cannotLink) if (labels[a] === labels[b]) broken.add(labels[a] as number);
  if (broken.size > 0) {
    const members = new Map<number, number[]>();
    for (let r = 0; r < n; r++) {
      const c = labels[r] as number;
      if (broken.has(c)) push(members, c, r);
    }
    const links: { i: number; j: number; p: number }[] = [];
    for (let k = 0; k < pairs.count; k++) {
      const i = pairs.left[k] as number;
      const j = pairs.right[k] as number;
      const p = pairs.probability[k] as number;
      if (p >= threshold && labels[i] === labels[j] && broken.has(labels[i] as number))
        links.push({ i, j, p });
    }
    // Must-links inside a broken cluster are the strongest links of all.
    for (const [i, j] of mustLink)
      if (labels[i] === labels[j] && broken.has(labels[i] as number)) links.push({ i, j, p: 2 });
    links.sort(
      (x, y) =>
        y.p - x.p || Math.min(x.i, x.j) - Math.min(y.i, y.j) || Math.max(x.i, x.j) - Math.max(y.i, y.j),
    );
    const uf = new UnionFind(n);
    const groupOf = new Map<number, number[]>();
    for (const rs of members.values()) for (const r of rs) groupOf.set(r, [r]);
    for (const { i, j } of links) {
      const ri = uf.find(i);
      const rj = uf.find(j);
      if (ri === rj) continue;
      const gi = groupOf.get(ri) as number[];
      const gj = groupOf.get(rj) as number[];
      const [small, large, largeRoot] = gi.length < gj.length ? [gi, gj, rj] : [gj, gi, ri];
      const forbidden = small.some((x) => (cannotOf.get(x) ?? []).some((y) => uf.find(y) === largeRoot));
      if (forbidden) continue;
      const smallRoot = largeRoot === ri ? rj : ri;
      uf.parent[smallRoot] = largeRoot;
      for (const x of small) large.push(x);
      groupOf.delete(smallRoot);
    }
    // A fresh label per part: beyond every existing cluster id.
    let next = n;
    const partLabel = new Map<number, number>();
    for (const rs of members.values()) {
      for (const r of rs) {
        const root = uf.find(r);
        let l = partLabel.get(root);
        if (l === undefined) {
          l = next++;
          partLabel.set(root, l);
        }
        labels[r] = l;
      }
    }
  }

  // 2. Unite must-linked clusters unless a cannot-linked pair would end up together.
  let united = 0;
  if (mustLink.length > 0) {
    let size = n;
    for (let r = 0; r < n; r++) size = Math.max(size, (labels[r] as number) + 1);
    const uf = new UnionFind(size);
    const cannotByCluster = new Map<number, [number, number][]>();
    for (const [a, b] of cannotLink) {
      push(cannotByCluster, labels[a] as number, [a, b] as [number, number]);
      if (labels[b] !== labels[a]) push(cannotByCluster, labels[b] as number, [a, b] as [number, number]);
    }
    for (const [i, j] of mustLink) {
      const ci = uf.find(labels[i] as number);
      const cj = uf.find(labels[j] as number);
      if (ci === cj) continue;
      const li = cannotByCluster.get(ci) ?? [];
      const lj = cannotByCluster.get(cj) ?? [];
      const [small, other] = li.length < lj.length ? [li, cj] : [lj, ci];
      const mine = other === cj ? ci : cj;
      const conflict = small.some(([a, b]) => {
        const ra = uf.find(labels[a] as number);
        const rb = uf.find(labels[b] as number);
        return (ra === mine && rb === other) || (ra === other && rb === mine);
      });
      if (conflict) continue;
      uf.parent[cj] = ci;
      cannotByCluster.set(ci, [...li, ...lj]);
      cannotByCluster.delete(cj);
      united++;
    }
    for (let r = 0; r < n; r++) labels[r] = uf.find(labels[r] as number);
  }
  const { clusterOf: out, clusters } = renumber(labels);
  return { clusterOf: out, clusters, rebuilt: broken.size, united };
}
