/**
 * Clustering: scored record pairs become entities, without chaining different people together.
 *
 * Records are numbered 0..n-1; a pair whose probability is at or above `threshold` is a link. The links are
 * first joined into connected components (union-find, union by size, path halving). A component is kept whole
 * when it passes three checks as a whole:
 * - it holds at most `maxClusterSize` records;
 * - its link density (links present / possible pairs) is at least `minDensity` (off unless given);
 * - no two of its records must stay apart: a steward's "not a match" or two different strong identifiers
 *   (the `cannotLink` list), or a pair the model scored below `cannotLinkBelow` (clearly a non-match).
 * A component that fails a check is rebuilt by greedy constrained agglomeration: its links are taken strongest
 * first (ties by record numbers, so the pair order of the input never matters) and a link unites its two
 * clusters only when the union keeps every constraint — the size limit, no cannot-link pair inside, and, for a
 * link below `strongThreshold`, the density of the united cluster (counting all its links, not only those
 * taken so far). The weakest links are thus the ones left out, a chain breaks at its weak bridge, and every
 * cluster of a rebuilt component is reported as suspicious with a readable reason for a steward.
 *
 * Cost: one pass of union-find over the pairs, a second over the pairs for the checks, then a radix sort and
 * the greedy pass over the links of failing components only. Nothing is allocated per pair. Each unordered
 * pair is expected once, as blocking produces them: a pair listed twice counts twice in a density.
 */

/** Record pairs as parallel arrays: pair i is `left[i]`–`right[i]`, for i < `count`. */
export interface RecordPairs {
  left: Int32Array;
  right: Int32Array;
  count: number;
}

/** Record pairs with the probability that the two records are the same person. */
export interface ScoredPairs extends RecordPairs {
  probability: Float64Array;
}

export interface ClusterOptions {
  /** A pair at or above this probability is a link. */
  threshold: number;
  /**
   * A link at or above this is strong: it may unite clusters whatever the density. Default: no link is
   * strong. It matters only together with `minDensity`.
   */
  strongThreshold?: number;
  /** No cluster grows beyond this many records. Default 50. */
  maxClusterSize?: number;
  /** Least share of a cluster's possible pairs that must be links when a weak link unites it. Default 0 (off). */
  minDensity?: number;
  /** A scored pair below this probability is a cannot-link. Default 0.01 (the threshold if lower); 0 is off. */
  cannotLinkBelow?: number;
  /** Pairs that must never share a cluster: a steward's "not a match", two different strong identifiers. */
  cannotLink?: RecordPairs;
}

export type SuspicionKind = "too-large" | "sparse" | "cannot-link";

export interface SuspiciousCluster {
  cluster: number;
  size: number;
  /** Records in the linked component the cluster came from. */
  componentSize: number;
  /** The checks the component failed. */
  kinds: SuspicionKind[];
  reason: string;
}

export interface Clustering {
  /** Record → cluster id; ids run 0..clusters-1 in the order of each cluster's first record. */
  clusterOf: Int32Array;
  clusters: number;
  /** `sizes[s]` = how many clusters hold s records; its length is the largest size + 1. */
  sizes: Int32Array;
  /** Every cluster cut out of a component that failed a check, by cluster id. */
  suspicious: SuspiciousCluster[];
  /** Components broken into more than one cluster. */
  splits: number;
}

const tooLarge = 1;
const sparse = 2;
const mustSplit = 4;

interface ComponentReport {
  size: number;
  links: number;
  cannotPairs: number;
  exampleLeft: number;
  exampleRight: number;
  /** The example's probability when it was scored low; NaN when it came from the cannot-link list. */
  exampleProbability: number;
}

export function clusterPairs(n: number, pairs: ScoredPairs, options: ClusterOptions): Clustering {
  const threshold = options.threshold;
  const strongThreshold = options.strongThreshold ?? Number.POSITIVE_INFINITY;
  const maxSize = options.maxClusterSize ?? 50;
  const minDensity = options.minDensity ?? 0;
  const cannotBelow = options.cannotLinkBelow ?? Math.min(0.01, threshold);
  const explicit = options.cannotLink;
  validate(n, pairs, options, maxSize, minDensity, cannotBelow);

  const { left, right, probability, count } = pairs;
  const parent = new Int32Array(n);
  const size = new Int32Array(n);
  for (let r = 0; r < n; r++) {
    parent[r] = r;
    size[r] = 1;
  }
  let links = 0;
  for (let p = 0; p < count; p++) {
    if (!(probability[p]! >= threshold)) continue;
    union(parent, size, left[p]!, right[p]!);
    links++;
  }
  const component = new Int32Array(n);
  for (let r = 0; r < n; r++) component[r] = find(parent, r);

  // Checks: links per component (for the density) and cannot-link pairs that fell inside one component.
  const trackDensity = minDensity > 0;
  const linkCount = trackDensity ? new Float64Array(n) : undefined;
  const cannotA: number[] = [];
  const cannotB: number[] = [];
  const cannotP: number[] = [];
  for (let p = 0; p < count; p++) {
    const a = left[p]!;
    const b = right[p]!;
    if (a === b) continue;
    const pr = probability[p]!;
    if (pr >= threshold) {
      if (linkCount) linkCount[component[a]!]! += 1;
    } else if (pr < cannotBelow && component[a] === component[b]) {
      cannotA.push(a);
      cannotB.push(b);
      cannotP.push(pr);
    }
  }
  if (explicit) {
    for (let p = 0; p < explicit.count; p++) {
      const a = explicit.left[p]!;
      const b = explicit.right[p]!;
      if (a !== b && component[a] === component[b]) {
        cannotA.push(a);
        cannotB.push(b);
        cannotP.push(Number.NaN);
      }
    }
  }

  const flags = new Uint8Array(n);
  const reports = new Map<number, ComponentReport>();
  const report = (root: number): ComponentReport => {
    let rep = reports.get(root);
    if (!rep) {
      const links = linkCount ? linkCount[root]! : 0;
      rep = {
        size: size[root]!,
        links,
        cannotPairs: 0,
        exampleLeft: -1,
        exampleRight: -1,
        exampleProbability: 0,
      };
      reports.set(root, rep);
    }
    return rep;
  };
  for (let r = 0; r < n; r++) {
    if (component[r] !== r) continue;
    const s = size[r]!;
    if (s > maxSize) flags[r]! |= tooLarge;
    if (linkCount && s > 1 && linkCount[r]! < (minDensity * s * (s - 1)) / 2) flags[r]! |= sparse;
    if (flags[r]) report(r);
  }
  for (let k = 0; k < cannotA.length; k++) {
    const a = cannotA[k]!;
    const b = cannotB[k]!;
    const root = component[a]!;
    flags[root]! |= mustSplit;
    const rep = report(root);
    rep.cannotPairs++;
    const lo = Math.min(a, b);
    const hi = Math.max(a, b);
    if (rep.exampleLeft < 0 || lo < rep.exampleLeft || (lo === rep.exampleLeft && hi < rep.exampleRight)) {
      rep.exampleLeft = lo;
      rep.exampleRight = hi;
      rep.exampleProbability = cannotP[k]!;
    }
  }

  if (reports.size > 0) {
    rebuildFailingComponents(n, pairs, threshold, {
      component,
      flags,
      parent,
      size,
      cannotA,
      cannotB,
      links,
      maxSize,
      minDensity: trackDensity ? minDensity : 0,
      strongThreshold,
    });
  }

  const clusterOf = new Int32Array(n);
  const idOfRoot = new Int32Array(n).fill(-1);
  let clusters = 0;
  for (let r = 0; r < n; r++) {
    const root = flags[component[r]!] ? find(parent, r) : component[r]!;
    let id = idOfRoot[root]!;
    if (id < 0) {
      id = clusters++;
      idOfRoot[root] = id;
    }
    clusterOf[r] = id;
  }
  const clusterSize = new Int32Array(clusters);
  let largest = 0;
  for (let r = 0; r < n; r++) {
    const s = ++clusterSize[clusterOf[r]!]!;
    if (s > largest) largest = s;
  }
  const sizes = new Int32Array(largest + 1);
  for (let c = 0; c < clusters; c++) sizes[clusterSize[c]!]!++;

  const { suspicious, splits } = describeSuspicious(n, clusterOf, clusterSize, component, flags, reports, {
    maxSize,
    minDensity,
    cannotBelow,
  });
  return { clusterOf, clusters, sizes, suspicious, splits };
}

interface RebuildState {
  component: Int32Array;
  flags: Uint8Array;
  parent: Int32Array;
  size: Int32Array;
  cannotA: number[];
  cannotB: number[];
  /** Links in all components: the most the failing ones can hold. */
  links: number;
  maxSize: number;
  /** 0 when density is not checked. */
  minDensity: number;
  strongThreshold: number;
}

/** Greedy constrained agglomeration over the links of the failing components, strongest link first. */
function rebuildFailingComponents(n: number, pairs: ScoredPairs, threshold: number, st: RebuildState): void {
  const { left, right, probability, count } = pairs;
  const { component, flags, parent, size, cannotA, cannotB, maxSize, minDensity, strongThreshold } = st;

  let linkTotal = 0;
  const everyLink = new Int32Array(st.links);
  for (let p = 0; p < count; p++) {
    const a = left[p]!;
    if (probability[p]! >= threshold && a !== right[p] && flags[component[a]!]) everyLink[linkTotal++] = p;
  }
  const linkPair = everyLink.subarray(0, linkTotal);
  const sorted = sortLinks(pairs, linkPair, n);
  const sortedProbability = new Float64Array(sorted.buffer);

  for (let r = 0; r < n; r++) {
    if (!flags[component[r]!]) continue;
    parent[r] = r;
    size[r] = 1;
  }
  // Each cluster's members as a linked list from its root, and apart from it the members with cannot-links.
  const next = new Int32Array(n).fill(-1);
  const tail = new Int32Array(n);
  for (let r = 0; r < n; r++) tail[r] = r;
  const cannot = adjacency(n, cannotA, cannotB);
  const cannotDegree = degreesOf(cannot.offsets);
  const cannotNext = new Int32Array(n).fill(-1);
  const cannotHead = new Int32Array(n).fill(-1);
  const cannotTail = new Int32Array(n);
  for (let r = 0; r < n; r++) {
    if (cannotDegree[r]! > 0) cannotHead[r] = r;
    cannotTail[r] = r;
  }
  const links = minDensity > 0 ? linkAdjacency(n, pairs, linkPair) : undefined;
  const linkDegree = links ? degreesOf(links.offsets) : undefined;
  const internal = links ? new Float64Array(n) : undefined;

  // Does any cannot-link join a record of cluster `a` to one of `b`? Walks the side with fewer of them.
  const conflict = (a: number, b: number): boolean => {
    const from = cannotDegree[a]! <= cannotDegree[b]! ? a : b;
    const to = from === a ? b : a;
    for (let m = cannotHead[from]!; m >= 0; m = cannotNext[m]!) {
      for (let k = cannot.offsets[m]!; k < cannot.offsets[m + 1]!; k++) {
        if (find(parent, cannot.targets[k]!) === to) return true;
      }
    }
    return false;
  };
  const crossLinks = (a: number, b: number, adj: Adjacency, degree: Int32Array): number => {
    const from = degree[a]! <= degree[b]! ? a : b;
    const to = from === a ? b : a;
    let cross = 0;
    for (let m = from; m >= 0; m = next[m]!) {
      for (let k = adj.offsets[m]!; k < adj.offsets[m + 1]!; k++) {
        if (find(parent, adj.targets[k]!) === to) cross++;
      }
    }
    return cross;
  };

  for (let k = 0; k < linkPair.length; k++) {
    let a = find(parent, sorted[4 * k]!);
    let b = find(parent, sorted[4 * k + 1]!);
    if (a === b) continue;
    const united = size[a]! + size[b]!;
    if (united > maxSize) continue;
    if (cannotDegree[a]! > 0 && cannotDegree[b]! > 0 && conflict(a, b)) continue;
    let unitedLinks = 0;
    if (links && linkDegree && internal) {
      unitedLinks = internal[a]! + internal[b]! + crossLinks(a, b, links, linkDegree);
      const weak = sortedProbability[2 * k + 1]! < strongThreshold;
      if (weak && unitedLinks < (minDensity * united * (united - 1)) / 2) continue;
    }
    if (size[a]! < size[b]!) {
      const t = a;
      a = b;
      b = t;
    }
    parent[b] = a;
    size[a] = united;
    next[tail[a]!] = b;
    tail[a] = tail[b]!;
    if (cannotHead[b]! >= 0) {
      if (cannotHead[a]! < 0) cannotHead[a] = cannotHead[b]!;
      else cannotNext[cannotTail[a]!] = cannotHead[b]!;
      cannotTail[a] = cannotTail[b]!;
    }
    cannotDegree[a]! += cannotDegree[b]!;
    if (linkDegree && internal) {
      linkDegree[a]! += linkDegree[b]!;
      internal[a] = unitedLinks;
    }
  }
}

function find(parent: Int32Array, x: number): number {
  let r = x;
  while (parent[r] !== r) {
    const grand = parent[parent[r]!]!;
    parent[r] = grand;
    r = grand;
  }
  return r;
}

function union(parent: Int32Array, size: Int32Array, x: number, y: number): void {
  let a = find(parent, x);
  let b = find(parent, y);
  if (a === b) return;
  if (size[a]! < size[b]!) {
    const t = a;
    a = b;
    b = t;
  }
  parent[b] = a;
  size[a]! += size[b]!;
}

interface Adjacency {
  /** Record r's neighbours are `targets[offsets[r] .. offsets[r + 1])`. */
  offsets: Int32Array;
  targets: Int32Array;
}

function adjacency(n: number, from: ArrayLike<number>, to: ArrayLike<number>): Adjacency {
  const offsets = new Int32Array(n + 1);
  for (let k = 0; k < from.length; k++) {
    offsets[from[k]! + 1]!++;
    offsets[to[k]! + 1]!++;
  }
  for (let r = 0; r < n; r++) offsets[r + 1]! += offsets[r]!;
  const fill = offsets.slice(0, n);
  const targets = new Int32Array(from.length * 2);
  for (let k = 0; k < from.length; k++) {
    const a = from[k]!;
    const b = to[k]!;
    targets[fill[a]!++] = b;
    targets[fill[b]!++] = a;
  }
  return { offsets, targets };
}

function linkAdjacency(n: number, pairs: ScoredPairs, linkPair: Int32Array): Adjacency {
  const from = new Int32Array(linkPair.length);
  const to = new Int32Array(linkPair.length);
  for (let j = 0; j < linkPair.length; j++) {
    from[j] = pairs.left[linkPair[j]!]!;
    to[j] = pairs.right[linkPair[j]!]!;
  }
  return adjacency(n, from, to);
}

function degreesOf(offsets: Int32Array): Int32Array {
  const degree = new Int32Array(offsets.length - 1);
  for (let r = 0; r < degree.length; r++) degree[r] = offsets[r + 1]! - offsets[r]!;
  return degree;
}

/**
 * Orders the links by probability, highest first, then by the lower and the higher record number: a total
 * order on the pairs themselves, so any permutation of the input gives the same order. A stable LSD radix
 * sort over 13-bit digits, whose 16-byte entries (lower record, higher record, the probability's two
 * IEEE-754 words) move along with their keys so that every pass reads memory in order. Entry k's words are
 * `4k..4k+3`; its probability is the Float64Array view's element `2k + 1`.
 */
function sortLinks(pairs: ScoredPairs, linkPair: Int32Array, n: number): Uint32Array {
  const total = linkPair.length;
  let entries = new Uint32Array(total * 4);
  const probabilities = new Float64Array(entries.buffer);
  for (let j = 0; j < total; j++) {
    const p = linkPair[j]!;
    const a = pairs.left[p]!;
    const b = pairs.right[p]!;
    entries[4 * j] = a < b ? a : b;
    entries[4 * j + 1] = a < b ? b : a;
    probabilities[2 * j + 1] = pairs.probability[p]!;
  }
  let spare = new Uint32Array(total * 4);
  const digits = new Uint16Array(total);
  const counts = new Int32Array(1 << digitBits);
  const recordBits = Math.max(1, Math.ceil(Math.log2(Math.max(2, n))));
  const passes: [word: number, shift: number][] = [];
  for (const word of [1, 0]) {
    for (let shift = 0; shift < recordBits; shift += digitBits) passes.push([word, shift]);
  }
  for (const word of [2, 3]) for (let shift = 0; shift < 32; shift += digitBits) passes.push([word, shift]);
  for (const [word, shift] of passes) {
    if (radixPass(entries, spare, word, shift, counts, digits)) [entries, spare] = [spare, entries];
  }
  return entries;
}

const digitBits = 13;

/**
 * One stable counting pass on the digit of `word` at `shift`; false (and nothing moved) when every entry
 * shares it. Words 2 and 3 (the probability) are read as a key that sorts descending.
 */
function radixPass(
  src: Uint32Array,
  dst: Uint32Array,
  word: number,
  shift: number,
  counts: Int32Array,
  digits: Uint16Array,
): boolean {
  const total = digits.length;
  const mask = counts.length - 1;
  counts.fill(0);
  for (let j = 0; j < total; j++) {
    let key = src[4 * j + word]!;
    if (word >= 2) {
      // The descending key of a double: its bits as they are when it is negative, else all flipped but the sign.
      const negative = src[4 * j + 3]! >>> 31 === 1;
      if (!negative) key = word === 3 ? ~key & 0x7fffffff : ~key;
    }
    const digit = (key >>> shift) & mask;
    digits[j] = digit;
    counts[digit]!++;
  }
  let start = 0;
  for (let d = 0; d <= mask; d++) {
    const c = counts[d]!;
    if (c === total) return false;
    counts[d] = start;
    start += c;
  }
  for (let j = 0; j < total; j++) {
    const to = 4 * counts[digits[j]!]!++;
    const from = 4 * j;
    dst[to] = src[from]!;
    dst[to + 1] = src[from + 1]!;
    dst[to + 2] = src[from + 2]!;
    dst[to + 3] = src[from + 3]!;
  }
  return true;
}

function describeSuspicious(
  n: number,
  clusterOf: Int32Array,
  clusterSize: Int32Array,
  component: Int32Array,
  flags: Uint8Array,
  reports: Map<number, ComponentReport>,
  limits: { maxSize: number; minDensity: number; cannotBelow: number },
): { suspicious: SuspiciousCluster[]; splits: number } {
  const partsOf = new Map<number, number[]>();
  const seen = new Uint8Array(clusterSize.length);
  for (let r = 0; r < n; r++) {
    const root = component[r]!;
    if (!flags[root]) continue;
    const c = clusterOf[r]!;
    if (seen[c]) continue;
    seen[c] = 1;
    const parts = partsOf.get(root);
    if (parts) parts.push(c);
    else partsOf.set(root, [c]);
  }
  const suspicious: SuspiciousCluster[] = [];
  let splits = 0;
  for (const [root, parts] of partsOf) {
    const rep = reports.get(root)!;
    const flag = flags[root]!;
    const kinds: SuspicionKind[] = [];
    const causes: string[] = [];
    if (flag & tooLarge) {
      kinds.push("too-large");
      causes.push(`${rep.size} records exceed maxClusterSize ${limits.maxSize}`);
    }
    if (flag & sparse) {
      kinds.push("sparse");
      const possible = (rep.size * (rep.size - 1)) / 2;
      causes.push(
        `link density ${(rep.links / possible).toFixed(3)} (${rep.links} of ${possible} pairs) is below minDensity ${limits.minDensity}`,
      );
    }
    if (flag & mustSplit) {
      kinds.push("cannot-link");
      const why = Number.isNaN(rep.exampleProbability)
        ? "are marked as not a match"
        : `scored ${rep.exampleProbability.toPrecision(3)}, below cannotLinkBelow ${limits.cannotBelow}`;
      const pairsInside = rep.cannotPairs === 1 ? "1 pair" : `${rep.cannotPairs} pairs`;
      causes.push(
        `${pairsInside} inside must not link, e.g. records ${rep.exampleLeft} and ${rep.exampleRight} ${why}`,
      );
    }
    const reason =
      parts.length > 1
        ? `split from a linked component of ${rep.size} records into ${parts.length} clusters: ${causes.join("; ")}`
        : `kept whole by strong links although ${causes.join("; ")}`;
    if (parts.length > 1) splits++;
    for (const cluster of parts) {
      suspicious.push({ cluster, size: clusterSize[cluster]!, componentSize: rep.size, kinds, reason });
    }
  }
  suspicious.sort((x, y) => x.cluster - y.cluster);
  return { suspicious, splits };
}

function validate(
  n: number,
  pairs: ScoredPairs,
  options: ClusterOptions,
  maxSize: number,
  minDensity: number,
  cannotBelow: number,
): void {
  if (!Number.isInteger(n) || n < 0 || n > 0x7fffffff) throw new RangeError(`record count ${n} is not valid`);
  if (Number.isNaN(options.threshold)) throw new RangeError("threshold is NaN");
  if (!(maxSize >= 1)) throw new RangeError(`maxClusterSize ${maxSize} must be at least 1`);
  if (!(minDensity >= 0 && minDensity <= 1))
    throw new RangeError(`minDensity ${minDensity} must be in [0, 1]`);
  if (!(cannotBelow <= options.threshold)) {
    throw new RangeError(`cannotLinkBelow ${cannotBelow} must not exceed threshold ${options.threshold}`);
  }
  checkPairs("scored pair", n, pairs);
  if (pairs.probability.length < pairs.count) {
    throw new RangeError(`probability holds ${pairs.probability.length} values for ${pairs.count} pairs`);
  }
  if (options.cannotLink) checkPairs("cannot-link pair", n, options.cannotLink);
}

function checkPairs(what: string, n: number, pairs: RecordPairs): void {
  const { left, right, count } = pairs;
  if (left.length < count || right.length < count) {
    throw new RangeError(`${what}s: count ${count} exceeds the arrays (${left.length}, ${right.length})`);
  }
  for (let p = 0; p < count; p++) {
    const a = left[p]!;
    const b = right[p]!;
    if (a < 0 || a >= n || b < 0 || b >= n) {
      throw new RangeError(`${what} ${p} (${a}, ${b}) names a record outside 0..${n - 1}`);
    }
  }
}
