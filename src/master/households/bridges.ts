/**
 * Two households joined by one link. Clustering joins everything a chain of links reaches, so one link by chance
 * between two households — a mobile carrier's IP address two families happened to share, a typo that made one
 * address another's — makes one household of both. A link that is the only one between two groups of at least
 * two people each (a bridge of the link graph) is too little to join them: the groups are split there, again and
 * again, until no such bridge is left. A person hanging on by one link (a bridge to a group of one) stays, as do
 * the links of a deterministic rule (`keep`: people at one home address are one household). Pure.
 */

export interface Links {
  left: ArrayLike<number>;
  right: ArrayLike<number>;
  probability: ArrayLike<number>;
  count: number;
}

/**
 * Splits each cluster at its bridges between groups of at least `minSide` people. Gives the new cluster of every
 * row (unchanged rows keep their cluster; split parts take fresh numbers above any in `clusterOf`).
 */
export function splitAtBridges(
  clusterOf: Int32Array,
  links: Links,
  threshold: number,
  keep: (pair: number) => boolean,
  minSide = 2,
): Int32Array {
  const out = Int32Array.from(clusterOf);
  // The links inside each cluster, as adjacency lists over the cluster's rows.
  const edges = new Map<number, { a: number; b: number; kept: boolean }[]>();
  for (let p = 0; p < links.count; p++) {
    if (!((links.probability[p] as number) >= threshold)) continue;
    const a = links.left[p] as number;
    const b = links.right[p] as number;
    const c = clusterOf[a] as number;
    if (clusterOf[b] !== c) continue;
    let list = edges.get(c);
    if (!list) {
      list = [];
      edges.set(c, list);
    }
    list.push({ a, b, kept: keep(p) });
  }
  let next = clusterOf.reduce((m, c) => Math.max(m, c), -1) + 1;
  for (const list of edges.values()) {
    const rows = [...new Set(list.flatMap((e) => [e.a, e.b]))];
    if (rows.length < 2 * minSide) continue;
    for (const part of split(rows, list, minSide).slice(1)) {
      const id = next++;
      for (const r of part) out[r] = id;
    }
  }
  return out;
}

/** The parts of one cluster once every qualifying bridge is cut (the first part keeps the cluster's number). */
function split(rows: number[], list: { a: number; b: number; kept: boolean }[], minSide: number): number[][] {
  let live = list;
  for (;;) {
    const cut = qualifyingBridge(rows, live, minSide);
    if (cut === null) break;
    live = live.filter((e) => e !== cut);
  }
  return components(rows, live);
}

function components(rows: number[], list: { a: number; b: number }[]): number[][] {
  const parent = new Map(rows.map((r) => [r, r]));
  const find = (x: number): number => {
    let r = x;
    while (parent.get(r) !== r) r = parent.get(r) as number;
    return r;
  };
  for (const e of list) parent.set(find(e.a), find(e.b));
  const groups = new Map<number, number[]>();
  for (const r of rows) {
    const root = find(r);
    const g = groups.get(root);
    if (g) g.push(r);
    else groups.set(root, [r]);
  }
  // The largest part first: it keeps the cluster's number.
  return [...groups.values()].sort((x, y) => y.length - x.length || (x[0] as number) - (y[0] as number));
}

/**
 * A bridge (Tarjan's low-link, over a cluster of at most a few dozen people) whose removal leaves at least
 * `minSide` people on each side, and that no deterministic rule made; the one with the most even sides.
 */
function qualifyingBridge<E extends { a: number; b: number; kept: boolean }>(
  rows: number[],
  list: E[],
  minSide: number,
): E | null {
  const adjacent = new Map<number, { to: number; edge: E }[]>(rows.map((r) => [r, []]));
  for (const e of list) {
    adjacent.get(e.a)?.push({ to: e.b, edge: e });
    adjacent.get(e.b)?.push({ to: e.a, edge: e });
  }
  const order = new Map<number, number>();
  const low = new Map<number, number>();
  const below = new Map<number, number>(); // people in the search subtree of a row
  let best: { edge: E; smaller: number } | null = null;
  for (const part of components(rows, list)) {
    const total = part.length;
    const visit = (r: number, via: E | null) => {
      order.set(r, order.size);
      low.set(r, order.get(r) as number);
      let size = 1;
      for (const { to, edge } of adjacent.get(r) ?? []) {
        if (edge === via) continue;
        if (order.has(to)) {
          low.set(r, Math.min(low.get(r) as number, order.get(to) as number));
          continue;
        }
        visit(to, edge);
        size += below.get(to) as number;
        low.set(r, Math.min(low.get(r) as number, low.get(to) as number));
        if ((low.get(to) as number) > (order.get(r) as number) && !edge.kept) {
          const side = below.get(to) as number;
          const smaller = Math.min(side, total - side);
          if (!best || smaller > best.smaller) best = { edge, smaller };
        }
      }
      below.set(r, size);
    };
    visit(part[0] as number, null);
  }
  const found = best as { edge: E; smaller: number } | null;
  return found && found.smaller >= minSide ? found.edge : null;
}
