import { Random } from "../predict/random.js";
/**
 * k-means for micro-segments: standardised features (z-scores), k-means++ seeding from a seeded generator,
 * Lloyd iterations, k chosen by the mean silhouette on a sample, and each cluster described by the features
 * whose cluster mean stands furthest from the overall mean (in standard deviations).
 */

/** A seeded uniform source (the predictive models' `Random`), so that a run can be repeated exactly. */
export function seededRandom(seed: number): () => number {
  const random = new Random(seed);
  return () => random.next();
}

export interface Standardised {
  /** Row-major n × d z-scores. */
  data: Float64Array;
  n: number;
  d: number;
  mean: Float64Array;
  sd: Float64Array;
}

/** z-scores per column (a constant column becomes 0). `rows` is row-major n × d. */
export function standardise(rows: Float64Array, n: number, d: number): Standardised {
  const mean = new Float64Array(d);
  const sd = new Float64Array(d);
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) mean[j]! += rows[i * d + j]! / n;
  for (let i = 0; i < n; i++)
    for (let j = 0; j < d; j++) sd[j]! += (rows[i * d + j]! - mean[j]!) ** 2 / Math.max(1, n - 1);
  for (let j = 0; j < d; j++) sd[j] = Math.sqrt(sd[j]!);
  const data = new Float64Array(n * d);
  for (let i = 0; i < n; i++)
    for (let j = 0; j < d; j++) data[i * d + j] = sd[j]! > 0 ? (rows[i * d + j]! - mean[j]!) / sd[j]! : 0;
  return { data, n, d, mean, sd };
}

function dist2(a: Float64Array, i: number, b: Float64Array, c: number, d: number): number {
  let s = 0;
  for (let j = 0; j < d; j++) {
    const x = a[i * d + j]! - b[c * d + j]!;
    s += x * x;
  }
  return s;
}

export interface KMeansResult {
  k: number;
  /** k × d centroids in standardised units. */
  centroids: Float64Array;
  assignment: Int32Array;
  sizes: number[];
  /** Sum of squared distances to the own centroid. */
  inertia: number;
  iterations: number;
}

export function kmeans(
  x: Standardised,
  k: number,
  options: { seed?: number; maxIterations?: number } = {},
): KMeansResult {
  const { data, n, d } = x;
  if (n < k) throw new RangeError(`k-means needs at least k = ${k} profiles; there are ${n}`);
  const random = seededRandom(options.seed ?? 1);
  const centroids = new Float64Array(k * d);
  // k-means++: the first centre at random, each next one with probability proportional to D².
  const first = Math.floor(random() * n);
  centroids.set(data.subarray(first * d, first * d + d), 0);
  const nearest = new Float64Array(n).fill(Number.POSITIVE_INFINITY);
  for (let c = 1; c < k; c++) {
    let total = 0;
    for (let i = 0; i < n; i++) {
      const dd = dist2(data, i, centroids, c - 1, d);
      if (dd < nearest[i]!) nearest[i] = dd;
      total += nearest[i]!;
    }
    let pick = Math.floor(random() * n);
    if (total > 0) {
      let r = random() * total;
      for (let i = 0; i < n; i++) {
        r -= nearest[i]!;
        if (r <= 0) {
          pick = i;
          break;
        }
      }
    }
    centroids.set(data.subarray(pick * d, pick * d + d), c * d);
  }
  const assignment = new Int32Array(n).fill(-1);
  const maxIterations = options.maxIterations ?? 100;
  let iterations = 0;
  let inertia = 0;
  for (; iterations < maxIterations; iterations++) {
    let changed = 0;
    inertia = 0;
    for (let i = 0; i < n; i++) {
      let best = 0;
      let bestD = Number.POSITIVE_INFINITY;
      for (let c = 0; c < k; c++) {
        const dd = dist2(data, i, centroids, c, d);
        if (dd < bestD) {
          bestD = dd;
          best = c;
        }
      }
      inertia += bestD;
      if (assignment[i] !== best) {
        assignment[i] = best;
        changed++;
      }
    }
    const sums = new Float64Array(k * d);
    const counts = new Float64Array(k);
    for (let i = 0; i < n; i++) {
      const c = assignment[i]!;
      counts[c]!++;
      for (let j = 0; j < d; j++) sums[c * d + j]! += data[i * d + j]!;
    }
    for (let c = 0; c < k; c++) {
      if (counts[c] === 0) {
        // An empty cluster takes the point furthest from its centre.
        let far = 0;
        let farD = -1;
        for (let i = 0; i < n; i++) {
          const dd = dist2(data, i, centroids, assignment[i]!, d);
          if (dd > farD) {
            farD = dd;
            far = i;
          }
        }
        centroids.set(data.subarray(far * d, far * d + d), c * d);
        changed++;
        continue;
      }
      for (let j = 0; j < d; j++) centroids[c * d + j] = sums[c * d + j]! / counts[c]!;
    }
    if (changed === 0) break;
  }
  const sizes = new Array<number>(k).fill(0);
  for (let i = 0; i < n; i++) sizes[assignment[i]!]!++;
  return { k, centroids, assignment, sizes, inertia, iterations };
}

/** Mean silhouette of an assignment over a sample of at most `sample` rows (exact over the sample). */
export function silhouette(
  x: Standardised,
  assignment: Int32Array,
  k: number,
  options: { sample?: number; seed?: number } = {},
): number {
  const { data, n, d } = x;
  const m = Math.min(n, options.sample ?? 2000);
  const random = seededRandom(options.seed ?? 7);
  const idx = new Int32Array(n);
  for (let i = 0; i < n; i++) idx[i] = i;
  for (let i = 0; i < m; i++) {
    const j = i + Math.floor(random() * (n - i));
    const t = idx[i]!;
    idx[i] = idx[j]!;
    idx[j] = t;
  }
  const rows = idx.subarray(0, m);
  let total = 0;
  const sums = new Float64Array(k);
  const counts = new Float64Array(k);
  for (let a = 0; a < m; a++) {
    sums.fill(0);
    counts.fill(0);
    const i = rows[a]!;
    for (let b = 0; b < m; b++) {
      if (a === b) continue;
      const j = rows[b]!;
      sums[assignment[j]!]! += Math.sqrt(dist2(data, i, data, j, d));
      counts[assignment[j]!]!++;
    }
    const own = assignment[i]!;
    if (counts[own] === 0) continue;
    const ai = sums[own]! / counts[own]!;
    let bi = Number.POSITIVE_INFINITY;
    for (let c = 0; c < k; c++) if (c !== own && counts[c]! > 0) bi = Math.min(bi, sums[c]! / counts[c]!);
    if (!Number.isFinite(bi)) continue;
    const s = Math.max(ai, bi) > 0 ? (bi - ai) / Math.max(ai, bi) : 0;
    total += s;
  }
  return total / m;
}

export interface ClusterFeature {
  feature: string;
  /** Cluster mean in standard deviations from the overall mean. */
  z: number;
  /** Cluster mean and overall mean in the feature's own units. */
  mean: number;
  overall: number;
}

export interface ClusterDescription {
  cluster: number;
  size: number;
  share: number;
  /** The features that set it apart most, strongest first. */
  distinctive: ClusterFeature[];
  /** A short label made of them: "high monetary, low recency_days". */
  label: string;
}

/** Describes each cluster by the features whose mean deviates most (|z| ≥ 0.25, at most `top`). */
export function describeClusters(
  x: Standardised,
  result: KMeansResult,
  features: readonly string[],
  top = 3,
): ClusterDescription[] {
  const { d, n } = x;
  return result.sizes.map((size, c) => {
    const zs: ClusterFeature[] = features.map((feature, j) => {
      const z = result.centroids[c * d + j]!;
      return { feature, z, mean: x.mean[j]! + z * x.sd[j]!, overall: x.mean[j]! };
    });
    const distinctive = zs
      .filter((f) => Math.abs(f.z) >= 0.25)
      .sort((a, b) => Math.abs(b.z) - Math.abs(a.z))
      .slice(0, top);
    const label =
      distinctive.map((f) => `${f.z > 0 ? "high" : "low"} ${f.feature}`).join(", ") || "close to average";
    return { cluster: c, size, share: size / n, distinctive, label };
  });
}

/** Runs k-means for each k in the range and keeps the one with the best silhouette. */
export function chooseK(
  x: Standardised,
  range: [number, number],
  options: { seed?: number; sample?: number } = {},
): { best: KMeansResult; tried: { k: number; silhouette: number; inertia: number }[] } {
  const tried: { k: number; silhouette: number; inertia: number }[] = [];
  let best: KMeansResult | null = null;
  let bestS = Number.NEGATIVE_INFINITY;
  const [lo, hi] = range;
  for (let k = Math.max(2, lo); k <= Math.min(hi, x.n - 1); k++) {
    const r = kmeans(x, k, { seed: options.seed ?? 1 });
    const s = silhouette(x, r.assignment, k, { sample: options.sample ?? 2000, seed: options.seed ?? 1 });
    tried.push({ k, silhouette: s, inertia: r.inertia });
    if (s > bestS) {
      bestS = s;
      best = r;
    }
  }
  if (!best) throw new RangeError(`too few profiles (${x.n}) to make clusters`);
  return { best, tried };
}
