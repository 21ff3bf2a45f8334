/**
 * Jaro and Jaro-Winkler similarity, written for the hot loop: no allocation per call (the match flags
 * live in buffers reused across calls, grown only when a longer string arrives), char codes compared
 * directly. Results agree with Winkler's strcmp95 and jellyfish (used by Python recordlinkage): the shorter
 * string is matched against the longer, half the transpositions are rounded down, and the prefix bonus
 * (up to 4 characters, p = 0.1) applies only above Winkler's boost threshold of 0.7.
 */

let flagsA = new Uint8Array(64);
let flagsB = new Uint8Array(64);

function ensure(n: number): void {
  if (flagsA.length < n) {
    flagsA = new Uint8Array(n * 2);
    flagsB = new Uint8Array(n * 2);
  }
}

export function jaro(x: string, y: string): number {
  const a = x.length <= y.length ? x : y;
  const b = x.length <= y.length ? y : x;
  const la = a.length;
  const lb = b.length;
  if (la === 0 && lb === 0) return 1;
  if (la === 0 || lb === 0) return 0;
  if (a === b) return 1;
  ensure(Math.max(la, lb));
  const window = Math.max(0, (Math.max(la, lb) >> 1) - 1);
  flagsA.fill(0, 0, la);
  flagsB.fill(0, 0, lb);
  let matches = 0;
  for (let i = 0; i < la; i++) {
    const lo = i > window ? i - window : 0;
    const hi = i + window + 1 < lb ? i + window + 1 : lb;
    const c = a.charCodeAt(i);
    for (let j = lo; j < hi; j++) {
      if (flagsB[j] === 0 && b.charCodeAt(j) === c) {
        flagsA[i] = 1;
        flagsB[j] = 1;
        matches++;
        break;
      }
    }
  }
  if (matches === 0) return 0;
  let transpositions = 0;
  let k = 0;
  for (let i = 0; i < la; i++) {
    if (flagsA[i] === 0) continue;
    while (flagsB[k] === 0) k++;
    if (a.charCodeAt(i) !== b.charCodeAt(k)) transpositions++;
    k++;
  }
  const m = matches;
  return (m / la + m / lb + (m - (transpositions >> 1)) / m) / 3;
}

export function jaroWinkler(
  a: string,
  b: string,
  prefixScale = 0.1,
  maxPrefix = 4,
  boostThreshold = 0.7,
): number {
  const j = jaro(a, b);
  if (j <= boostThreshold || j === 1) return j;
  const limit = Math.min(maxPrefix, a.length, b.length);
  let prefix = 0;
  while (prefix < limit && a.charCodeAt(prefix) === b.charCodeAt(prefix)) prefix++;
  return j + prefix * prefixScale * (1 - j);
}
