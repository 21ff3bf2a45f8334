import { describe, expect, it } from "vitest";
import { type ClusterOptions, clusterPairs, type RecordPairs, type ScoredPairs } from "./cluster.js";

type Pair = [left: number, right: number, probability: number];

function scored(list: readonly Pair[]): ScoredPairs {
  return {
    left: Int32Array.from(list, (p) => p[0]),
    right: Int32Array.from(list, (p) => p[1]),
    probability: Float64Array.from(list, (p) => p[2]),
    count: list.length,
  };
}

function pairList(list: readonly [number, number][]): RecordPairs {
  return {
    left: Int32Array.from(list, (p) => p[0]),
    right: Int32Array.from(list, (p) => p[1]),
    count: list.length,
  };
}

function seeded(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function shuffled<T>(items: readonly T[], rnd: () => number): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(rnd() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

/** Record → cluster id, ids numbered in order of first record (the form clusterPairs returns). */
function canonical(labels: ArrayLike<number>): number[] {
  const ids = new Map<number, number>();
  return Array.from(labels, (l) => {
    let id = ids.get(l);
    if (id === undefined) {
      id = ids.size;
      ids.set(l, id);
    }
    return id;
  });
}

/**
 * The design of cluster.ts written the slow, obvious way: components by relabelling, the checks by counting,
 * and the greedy rebuild with a comparator sort and every constraint recounted from scratch.
 */
function referenceClustering(n: number, pairs: readonly Pair[], options: ClusterOptions): number[] {
  const max = options.maxClusterSize ?? 50;
  const minDensity = options.minDensity ?? 0;
  const strong = options.strongThreshold ?? Number.POSITIVE_INFINITY;
  const cannotBelow = options.cannotLinkBelow ?? Math.min(0.01, options.threshold);
  const links = pairs.filter(([a, b, p]) => a !== b && p >= options.threshold);
  const cannot: [number, number][] = pairs
    .filter(([a, b, p]) => a !== b && p < cannotBelow)
    .map(([a, b]) => [a, b]);
  const explicit = options.cannotLink;
  for (let k = 0; k < (explicit?.count ?? 0); k++) {
    if (explicit!.left[k] !== explicit!.right[k]) cannot.push([explicit!.left[k]!, explicit!.right[k]!]);
  }

  const comp = Array.from({ length: n }, (_, r) => r);
  for (const [a, b] of links) {
    const from = comp[b]!;
    const to = comp[a]!;
    if (from !== to) for (let r = 0; r < n; r++) if (comp[r] === from) comp[r] = to;
  }
  const label = [...comp];
  const inSet = (set: Set<number>, a: number, b: number) => set.has(a) && set.has(b);
  for (const root of new Set(comp)) {
    const members = new Set(comp.flatMap((c, r) => (c === root ? [r] : [])));
    const s = members.size;
    const compLinks = links.filter(([a, b]) => inSet(members, a, b));
    const failing =
      s > max ||
      (minDensity > 0 && s > 1 && compLinks.length < (minDensity * s * (s - 1)) / 2) ||
      cannot.some(([a, b]) => inSet(members, a, b));
    if (!failing) continue;
    for (const r of members) label[r] = r;
    const ordered = [...compLinks].sort(
      ([a1, b1, p1], [a2, b2, p2]) =>
        p2 - p1 || Math.min(a1, b1) - Math.min(a2, b2) || Math.max(a1, b1) - Math.max(a2, b2),
    );
    for (const [u, v, p] of ordered) {
      const la = label[u]!;
      const lb = label[v]!;
      if (la === lb) continue;
      const united = new Set([...members].filter((r) => label[r] === la || label[r] === lb));
      if (united.size > max) continue;
      if (cannot.some(([a, b]) => inSet(united, a, b))) continue;
      const inside = compLinks.filter(([a, b]) => inSet(united, a, b)).length;
      if (minDensity > 0 && p < strong && inside < (minDensity * united.size * (united.size - 1)) / 2)
        continue;
      for (const r of united) label[r] = la;
    }
  }
  return canonical(label);
}

function clusterMembers(clusterOf: Int32Array): number[][] {
  const members: number[][] = [];
  clusterOf.forEach((c, r) => {
    const list = members[c];
    if (list) list.push(r);
    else members[c] = [r];
  });
  return members;
}

describe("clusterPairs", () => {
  it("keeps two clean people as two clusters", () => {
    const pairs = scored([
      [0, 1, 0.99],
      [1, 2, 0.97],
      [0, 2, 0.98],
      [3, 4, 0.99],
      [4, 5, 0.95],
      [3, 5, 0.96],
      [2, 3, 0.2],
      [0, 5, 0.0001],
    ]);
    const result = clusterPairs(6, pairs, { threshold: 0.9 });
    expect(Array.from(result.clusterOf)).toEqual([0, 0, 0, 1, 1, 1]);
    expect(result.clusters).toBe(2);
    expect(Array.from(result.sizes)).toEqual([0, 0, 0, 2]);
    expect(result.suspicious).toEqual([]);
    expect(result.splits).toBe(0);
  });

  it("breaks a chain at its weak link when the two ends are clearly different", () => {
    // A=0, B=1, C=2, D=3: A–B strong, B–C weak, C–D strong, and A–D scored as clearly not a match.
    const pairs = scored([
      [0, 1, 0.99],
      [1, 2, 0.6],
      [2, 3, 0.98],
      [0, 3, 0.001],
    ]);
    const result = clusterPairs(4, pairs, { threshold: 0.5 });
    expect(Array.from(result.clusterOf)).toEqual([0, 0, 1, 1]);
    expect(result.splits).toBe(1);
    expect(result.suspicious.map((s) => [s.cluster, s.size, s.componentSize])).toEqual([
      [0, 2, 4],
      [1, 2, 4],
    ]);
    expect(result.suspicious[0]!.kinds).toEqual(["cannot-link"]);
    expect(result.suspicious[0]!.reason).toBe(
      "split from a linked component of 4 records into 2 clusters: 1 pair inside must not link, " +
        "e.g. records 0 and 3 scored 0.00100, below cannotLinkBelow 0.01",
    );
  });

  it("breaks a weak bridge between two groups by density when nothing contradicts it directly", () => {
    const chain: Pair[] = [
      [0, 1, 0.99],
      [1, 2, 0.6],
      [2, 3, 0.98],
    ];
    // Without a density rule nothing tells the ends apart, so the chain stays one cluster.
    expect(clusterPairs(4, scored(chain), { threshold: 0.5 }).clusters).toBe(1);
    // 3 links of 6 possible pairs: the weak bridge would leave density 0.5 < 0.6; strong links are exempt.
    const result = clusterPairs(4, scored(chain), { threshold: 0.5, strongThreshold: 0.95, minDensity: 0.6 });
    expect(Array.from(result.clusterOf)).toEqual([0, 0, 1, 1]);
    expect(result.suspicious[0]!.reason).toBe(
      "split from a linked component of 4 records into 2 clusters: " +
        "link density 0.500 (3 of 6 pairs) is below minDensity 0.6",
    );
    // When every link is strong the component is kept, and still reported.
    const strong = clusterPairs(4, scored(chain), { threshold: 0.5, strongThreshold: 0.5, minDensity: 0.6 });
    expect(strong.clusters).toBe(1);
    expect(strong.splits).toBe(0);
    expect(strong.suspicious).toEqual([
      {
        cluster: 0,
        size: 4,
        componentSize: 4,
        kinds: ["sparse"],
        reason:
          "kept whole by strong links although link density 0.500 (3 of 6 pairs) is below minDensity 0.6",
      },
    ]);
  });

  it("never puts a cannot-link pair in one cluster, however strongly the rest links them", () => {
    const pairs = scored([
      [0, 1, 0.99],
      [1, 2, 0.99],
      [0, 2, 0.99],
      [2, 3, 0.9],
    ]);
    const result = clusterPairs(4, pairs, { threshold: 0.5, cannotLink: pairList([[2, 0]]) });
    // Ties are taken by record numbers: 0–1 unites, 0–2 and 1–2 would put 0 with 2, then 2–3 unites.
    expect(Array.from(result.clusterOf)).toEqual([0, 0, 1, 1]);
    expect(result.suspicious[0]!.reason).toContain("records 0 and 2 are marked as not a match");
    expect(clusterPairs(4, pairs, { threshold: 0.5 }).clusters).toBe(1);
  });

  it("keeps every cluster within maxClusterSize", () => {
    const list: Pair[] = [];
    for (let a = 0; a < 10; a++) for (let b = a + 1; b < 10; b++) list.push([a, b, 0.9 + (a + b) / 1000]);
    const result = clusterPairs(10, scored(list), { threshold: 0.5, maxClusterSize: 4 });
    expect(Math.max(...clusterMembers(result.clusterOf).map((m) => m.length))).toBe(4);
    expect(result.suspicious.length).toBe(result.clusters);
    expect(result.suspicious.every((s) => s.kinds.join() === "too-large")).toBe(true);
    expect(result.suspicious[0]!.reason).toMatch(
      /^split from a linked component of 10 records into \d clusters: /,
    );
    expect(result.suspicious[0]!.reason).toContain("10 records exceed maxClusterSize 4");
    expect(result.splits).toBe(1);
  });

  it("counts cluster sizes and ignores self pairs and pairs below the threshold", () => {
    const result = clusterPairs(
      7,
      scored([
        [0, 0, 1],
        [1, 2, 0.95],
        [3, 4, 0.95],
        [4, 5, 0.95],
        [5, 6, 0.3],
      ]),
      { threshold: 0.9 },
    );
    expect(Array.from(result.clusterOf)).toEqual([0, 1, 1, 2, 2, 2, 3]);
    expect(Array.from(result.sizes)).toEqual([0, 2, 1, 1]);
  });

  it("rejects records outside 0..n-1 and inconsistent options", () => {
    expect(() => clusterPairs(3, scored([[0, 3, 0.9]]), { threshold: 0.5 })).toThrow(
      "scored pair 0 (0, 3) names a record outside 0..2",
    );
    expect(() => clusterPairs(3, scored([]), { threshold: 0.5, cannotLinkBelow: 0.6 })).toThrow(RangeError);
    expect(() => clusterPairs(3, scored([]), { threshold: 0.5, maxClusterSize: 0 })).toThrow(RangeError);
  });

  it("gives the same clusters whatever the order of the pairs", () => {
    const rnd = seeded(7);
    const n = 300;
    const list: Pair[] = [];
    // Coarse probabilities make many ties, which the order must break by the pairs themselves.
    for (let k = 0; k < 1500; k++) {
      list.push([Math.floor(rnd() * n), Math.floor(rnd() * n), Math.round(rnd() * 10) / 10]);
    }
    const options: ClusterOptions = {
      threshold: 0.5,
      maxClusterSize: 8,
      minDensity: 0.2,
      strongThreshold: 0.9,
    };
    const first = clusterPairs(n, scored(list), options);
    for (let round = 0; round < 5; round++) {
      const again = clusterPairs(
        n,
        scored(shuffled(list, rnd).map(([a, b, p]): Pair => (rnd() < 0.5 ? [b, a, p] : [a, b, p]))),
        options,
      );
      expect(Array.from(again.clusterOf)).toEqual(Array.from(first.clusterOf));
      expect(again.suspicious).toEqual(first.suspicious);
    }
  });

  it("agrees with a brute-force reference on random small inputs", () => {
    const rnd = seeded(2024);
    for (let round = 0; round < 300; round++) {
      const n = 2 + Math.floor(rnd() * 30);
      const list: Pair[] = [];
      const pairCount = Math.floor(rnd() * n * 3);
      for (let k = 0; k < pairCount; k++) {
        const p = rnd() < 0.3 ? Math.round(rnd() * 4) / 4 : rnd();
        list.push([Math.floor(rnd() * n), Math.floor(rnd() * n), p]);
      }
      const cannot: [number, number][] = [];
      for (let k = 0; k < Math.floor(rnd() * 3); k++)
        cannot.push([Math.floor(rnd() * n), Math.floor(rnd() * n)]);
      const options: ClusterOptions = {
        threshold: 0.3 + rnd() * 0.4,
        maxClusterSize: 2 + Math.floor(rnd() * 10),
        cannotLinkBelow: rnd() < 0.5 ? 0.05 : 0,
        cannotLink: pairList(cannot),
        ...(rnd() < 0.5 ? { minDensity: rnd() * 0.8, strongThreshold: 0.6 + rnd() * 0.4 } : {}),
      };
      const result = clusterPairs(n, scored(list), options);
      expect(Array.from(result.clusterOf), `round ${round}`).toEqual(referenceClustering(n, list, options));
    }
  });

  it("breaks ties by record numbers of several radix digits as it does by small ones", () => {
    // Spreading the records far apart (an order-keeping map) must give the same clusters, spread the same way.
    const rnd = seeded(31);
    for (let round = 0; round < 20; round++) {
      const n = 40;
      const list: Pair[] = [];
      for (let k = 0; k < 120; k++) {
        list.push([Math.floor(rnd() * n), Math.floor(rnd() * n), Math.round(rnd() * 4) / 4]);
      }
      const options: ClusterOptions = { threshold: 0.5, maxClusterSize: 3, minDensity: 0.5 };
      const small = clusterPairs(n, scored(list), options);
      const spread = (r: number) => r * 2_003 + 65_530;
      const wide = clusterPairs(
        spread(n),
        scored(list.map(([a, b, p]): Pair => [spread(a), spread(b), p])),
        options,
      );
      for (let a = 0; a < n; a++) {
        for (let b = 0; b < n; b++) {
          expect(wide.clusterOf[spread(a)] === wide.clusterOf[spread(b)]).toBe(
            small.clusterOf[a] === small.clusterOf[b],
          );
        }
      }
    }
  });

  it("handles 100k random pairs: it ends, every cluster fits, no cannot-link pair shares a cluster", () => {
    const rnd = seeded(99);
    const n = 20_000;
    const count = 100_000;
    const pairs: ScoredPairs = {
      left: new Int32Array(count),
      right: new Int32Array(count),
      probability: new Float64Array(count),
      count,
    };
    for (let p = 0; p < count; p++) {
      pairs.left[p] = Math.floor(rnd() * n);
      pairs.right[p] = Math.floor(rnd() * n);
      pairs.probability[p] = rnd();
    }
    const result = clusterPairs(n, pairs, { threshold: 0.5, minDensity: 0.3, strongThreshold: 0.95 });
    const sizes = clusterMembers(result.clusterOf).map((m) => m.length);
    expect(Math.max(...sizes)).toBeLessThanOrEqual(50);
    expect(sizes.reduce((x, y) => x + y, 0)).toBe(n);
    expect(result.sizes.length - 1).toBe(Math.max(...sizes));
    for (let p = 0; p < count; p++) {
      if (pairs.probability[p]! < 0.01 && pairs.left[p] !== pairs.right[p]) {
        expect(result.clusterOf[pairs.left[p]!]).not.toBe(result.clusterOf[pairs.right[p]!]);
      }
    }
    expect(result.splits).toBeGreaterThan(0);
  });
});
