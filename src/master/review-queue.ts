import type { LinkPairs } from "./decisions.js";

/**
 * The steward's review queue: pairs the model is unsure of — scored in the uncertain band, below the link
 * threshold — whose records ended in different entities. One item per pair of entities (its most likely
 * pair), none for a pair a steward has already decided. Ordered by how much a decision would change: the
 * records an accepted merge would bring together (both entities' sizes), then the pair closest to even odds.
 */

export interface ReviewBand {
  /** Least probability worth a steward's look. */
  from: number;
  /** The link threshold: at or above it the pair is linked without asking. */
  to: number;
}

export interface ReviewCandidate {
  left: number;
  right: number;
  probability: number;
  /** Records in the two entities together. */
  impact: number;
}

export function reviewCandidates(
  pairs: LinkPairs,
  clusterOf: Int32Array,
  band: ReviewBand,
  decided: (left: number, right: number) => boolean,
  limit = 50_000,
): { candidates: ReviewCandidate[]; total: number } {
  const sizes = new Int32Array(clusterOf.length);
  for (let r = 0; r < clusterOf.length; r++) {
    const c = clusterOf[r] as number;
    sizes[c] = (sizes[c] as number) + 1;
  }
  const best = new Map<string, ReviewCandidate>();
  for (let k = 0; k < pairs.count; k++) {
    const p = pairs.probability[k] as number;
    if (p < band.from || p >= band.to) continue;
    const i = pairs.left[k] as number;
    const j = pairs.right[k] as number;
    const ci = clusterOf[i] as number;
    const cj = clusterOf[j] as number;
    if (ci === cj || decided(i, j)) continue;
    const key = ci < cj ? `${ci}:${cj}` : `${cj}:${ci}`;
    const held = best.get(key);
    if (
      held &&
      (held.probability > p || (held.probability === p && Math.min(held.left, held.right) <= Math.min(i, j)))
    )
      continue;
    best.set(key, {
      left: Math.min(i, j),
      right: Math.max(i, j),
      probability: p,
      impact: (sizes[ci] as number) + (sizes[cj] as number),
    });
  }
  const candidates = [...best.values()].sort(
    (a, b) =>
      b.impact - a.impact ||
      Math.abs(a.probability - 0.5) - Math.abs(b.probability - 0.5) ||
      a.left - b.left ||
      a.right - b.right,
  );
  return { candidates: candidates.slice(0, limit), total: candidates.length };
}
