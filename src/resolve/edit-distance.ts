/**
 * Levenshtein and (restricted) Damerau-Levenshtein (optimal string alignment) distances with rows kept in
 * reused typed arrays, so that comparing millions of pairs allocates nothing. `maxDistance` lets a caller
 * stop early once the answer is known to exceed what it cares about.
 */

let prev = new Int32Array(64);
let curr = new Int32Array(64);
let prev2 = new Int32Array(64);

function ensure(n: number): void {
  if (prev.length < n) {
    prev = new Int32Array(n * 2);
    curr = new Int32Array(n * 2);
    prev2 = new Int32Array(n * 2);
  }
}

export function levenshtein(a: string, b: string, maxDistance = Number.POSITIVE_INFINITY): number {
  if (a === b) return 0;
  let la = a.length;
  let lb = b.length;
  if (la === 0) return lb;
  if (lb === 0) return la;
  // Common prefix and suffix cost nothing: trim them.
  let start = 0;
  while (start < la && start < lb && a.charCodeAt(start) === b.charCodeAt(start)) start++;
  while (la > start && lb > start && a.charCodeAt(la - 1) === b.charCodeAt(lb - 1)) {
    la--;
    lb--;
  }
  const n = la - start;
  const m = lb - start;
  if (n === 0) return m;
  if (m === 0) return n;
  if (Math.abs(n - m) > maxDistance) return Math.abs(n - m);
  ensure(m + 1);
  for (let j = 0; j <= m; j++) prev[j] = j;
  for (let i = 1; i <= n; i++) {
    curr[0] = i;
    let rowMin = i;
    const ca = a.charCodeAt(start + i - 1);
    for (let j = 1; j <= m; j++) {
      const cost = ca === b.charCodeAt(start + j - 1) ? 0 : 1;
      const del = (prev[j] as number) + 1;
      const ins = (curr[j - 1] as number) + 1;
      const sub = (prev[j - 1] as number) + cost;
      const v = del < ins ? (del < sub ? del : sub) : ins < sub ? ins : sub;
      curr[j] = v;
      if (v < rowMin) rowMin = v;
    }
    if (rowMin > maxDistance) return rowMin;
    const t = prev;
    prev = curr;
    curr = t;
  }
  return prev[m] as number;
}

/**
 * Optimal string alignment: Levenshtein plus the transposition of two adjacent characters. With
 * `maxDistance`, stops as soon as a whole row exceeds it (the answer is then only a lower bound).
 */
export function damerauLevenshtein(a: string, b: string, maxDistance = Number.POSITIVE_INFINITY): number {
  if (a === b) return 0;
  let la = a.length;
  let lb = b.length;
  // A common prefix and suffix cost nothing; trimming them keeps transpositions intact.
  let start = 0;
  while (start < la && start < lb && a.charCodeAt(start) === b.charCodeAt(start)) start++;
  while (la > start && lb > start && a.charCodeAt(la - 1) === b.charCodeAt(lb - 1)) {
    la--;
    lb--;
  }
  if (start > 0) start--;
  if (la < a.length && lb < b.length) {
    la++;
    lb++;
  }
  const n = la - start;
  const m = lb - start;
  if (n === 0) return m;
  if (m === 0) return n;
  if (Math.abs(n - m) > maxDistance) return Math.abs(n - m);
  ensure(m + 1);
  for (let j = 0; j <= m; j++) prev[j] = j;
  let lastRowMin = 0;
  for (let i = 1; i <= n; i++) {
    curr[0] = i;
    let rowMin = i;
    const ca = a.charCodeAt(start + i - 1);
    for (let j = 1; j <= m; j++) {
      const cb = b.charCodeAt(start + j - 1);
      const cost = ca === cb ? 0 : 1;
      const del = (prev[j] as number) + 1;
      const ins = (curr[j - 1] as number) + 1;
      const sub = (prev[j - 1] as number) + cost;
      let v = del < ins ? (del < sub ? del : sub) : ins < sub ? ins : sub;
      if (i > 1 && j > 1 && ca === b.charCodeAt(start + j - 2) && a.charCodeAt(start + i - 2) === cb) {
        const t = (prev2[j - 2] as number) + 1;
        if (t < v) v = t;
      }
      curr[j] = v;
      if (v < rowMin) rowMin = v;
    }
    // A transposition reads two rows back: only two rows above the limit prove the rest is above it too.
    if (rowMin > maxDistance && lastRowMin > maxDistance) return rowMin;
    lastRowMin = rowMin;
    const t = prev2;
    prev2 = prev;
    prev = curr;
    curr = t;
  }
  return prev[m] as number;
}

/** 1 − distance / longer length: 1 for equal strings, 0 for nothing in common. */
export function levenshteinSimilarity(a: string, b: string): number {
  const longer = Math.max(a.length, b.length);
  return longer === 0 ? 1 : 1 - levenshtein(a, b) / longer;
}
