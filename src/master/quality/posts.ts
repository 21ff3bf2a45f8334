/**
 * Near-identical texts: posts whose words overlap by at least a given Jaccard similarity, found with
 * MinHash and locality-sensitive hashing (so that not every pair of posts is compared), then checked
 * exactly. Used to find many accounts posting the same message with small changes (astroturfing).
 */

export interface Post {
  /** Who posted it (an entity id). */
  author: string;
  text: string;
  /** Epoch milliseconds, or NaN when unknown. */
  at: number;
}

/** Lower-case words of letters; tokens with digits (codes, counts) and bare punctuation dropped. */
export function words(text: string): string[] {
  return text
    .toLowerCase()
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .split(/[^a-z0-9@#']+/)
    .map((w) => w.replace(/^[@#']+|'+$/g, ""))
    .filter((w) => w.length > 0 && !/\d/.test(w));
}

/** The words of a post as a set: a reworded sentence keeps most of them, whatever their order. */
function shingles(ws: string[]): Set<string> {
  return new Set(ws);
}

export function jaccard(a: Set<string>, b: Set<string>): number {
  let common = 0;
  for (const x of a) if (b.has(x)) common++;
  const union = a.size + b.size - common;
  return union === 0 ? 0 : common / union;
}

function fnv1a(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

const HASHES = 24;
const ROWS_PER_BAND = 2;
const SEEDS = Array.from(
  { length: HASHES },
  (_, k) => [Math.imul(k + 1, 0x9e3779b1) | 1, Math.imul(k + 7, 0x85ebca6b)] as const,
);

function minHash(set: Set<string>): Uint32Array {
  const sig = new Uint32Array(HASHES).fill(0xffffffff);
  for (const s of set) {
    const h = fnv1a(s);
    for (let k = 0; k < HASHES; k++) {
      const [a, b] = SEEDS[k] as readonly [number, number];
      const v = (Math.imul(h, a) + b) >>> 0;
      if (v < (sig[k] as number)) sig[k] = v;
    }
  }
  return sig;
}

/** Groups of near-identical posts (indices into `posts`), each with two or more posts. */
export function nearDuplicateGroups(
  posts: Post[],
  minWords: number,
  similarity: number,
  maxBucket = 500,
): number[][] {
  const sets: (Set<string> | null)[] = posts.map((p) => {
    const ws = words(p.text);
    return ws.length >= minWords ? shingles(ws) : null;
  });
  const parent = Int32Array.from(posts, (_, i) => i);
  const find = (x: number): number => {
    while (parent[x] !== x) {
      parent[x] = parent[parent[x] as number] as number;
      x = parent[x] as number;
    }
    return x;
  };
  const buckets = new Map<string, number[]>();
  sets.forEach((set, i) => {
    if (!set) return;
    const sig = minHash(set);
    for (let band = 0; band < HASHES / ROWS_PER_BAND; band++) {
      const key = `${band}:${Array.from(sig.subarray(band * ROWS_PER_BAND, (band + 1) * ROWS_PER_BAND)).join(",")}`;
      const list = buckets.get(key);
      if (list) {
        if (list.length < maxBucket) list.push(i);
      } else buckets.set(key, [i]);
    }
  });
  const checked = new Set<number>();
  for (const list of buckets.values()) {
    if (list.length < 2) continue;
    for (let x = 0; x < list.length; x++) {
      for (let y = x + 1; y < list.length; y++) {
        const i = list[x] as number;
        const j = list[y] as number;
        if (find(i) === find(j)) continue;
        const pair = i * posts.length + j;
        if (checked.has(pair)) continue;
        checked.add(pair);
        if (jaccard(sets[i] as Set<string>, sets[j] as Set<string>) >= similarity) parent[find(i)] = find(j);
      }
    }
  }
  const groups = new Map<number, number[]>();
  sets.forEach((set, i) => {
    if (!set) return;
    const root = find(i);
    const g = groups.get(root);
    if (g) g.push(i);
    else groups.set(root, [i]);
  });
  return [...groups.values()].filter((g) => g.length > 1);
}

/**
 * The authors who, within some window of `windowMs`, are among at least `minAuthors` distinct authors of
 * posts of one group: a campaign, not a phrase many people happen to use over the years.
 */
export function coordinatedAuthors(
  posts: Post[],
  group: number[],
  windowMs: number,
  minAuthors: number,
): Set<string> {
  const timed = group.map((i) => posts[i] as Post).sort((a, b) => (a.at || 0) - (b.at || 0));
  const out = new Set<string>();
  let start = 0;
  const inWindow = new Map<string, number>();
  for (let end = 0; end < timed.length; end++) {
    const p = timed[end] as Post;
    inWindow.set(p.author, (inWindow.get(p.author) ?? 0) + 1);
    while (!Number.isNaN(p.at) && p.at - ((timed[start] as Post).at || 0) > windowMs) {
      const q = timed[start++] as Post;
      const n = (inWindow.get(q.author) ?? 1) - 1;
      if (n === 0) inWindow.delete(q.author);
      else inWindow.set(q.author, n);
    }
    if (inWindow.size >= minAuthors) for (const a of inWindow.keys()) out.add(a);
  }
  return out;
}
