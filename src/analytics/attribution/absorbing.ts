/**
 * Absorption in a Markov chain, solved rather than simulated. Transient states 0…n−1 with sparse transition
 * probabilities among them (rows in CSR form); whatever a row's probabilities do not sum to leaves the chain.
 * For a reward vector b (the probability of stepping into conversion, or the value that step brings) the
 * expected reward x solves x = b + Q x. A removed state is one the chain may not enter: its x is 0, which is
 * the same as redirecting every transition into it to the null state.
 */

export interface SparseChain {
  n: number;
  rowStart: Int32Array;
  col: Int32Array;
  prob: Float64Array;
}

export interface Solution {
  x: Float64Array;
  solver: "dense" | "gauss-seidel";
  iterations: number;
}

/** States up to which a dense LU solve is used (O(n³) but exact in one pass). */
export const denseLimit = 400;

export function solveAbsorption(
  chain: SparseChain,
  b: Float64Array,
  removed: Uint8Array | null = null,
  options: { solver?: "auto" | "dense" | "iterative"; tolerance?: number; maxIterations?: number } = {},
): Solution {
  const solver = options.solver ?? "auto";
  if (solver === "dense" || (solver === "auto" && chain.n <= denseLimit))
    return solveDense(chain, b, removed);
  return solveGaussSeidel(chain, b, removed, options.tolerance ?? 1e-14, options.maxIterations ?? 100_000);
}

/** (I − Q) x = b by Gaussian elimination with partial pivoting. */
function solveDense(chain: SparseChain, b: Float64Array, removed: Uint8Array | null): Solution {
  const n = chain.n;
  const a = new Float64Array(n * n);
  const rhs = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    a[i * n + i] = 1;
    if (removed?.[i]) continue;
    rhs[i] = b[i] as number;
    for (let k = chain.rowStart[i] as number; k < (chain.rowStart[i + 1] as number); k++) {
      const j = chain.col[k] as number;
      if (removed?.[j]) continue;
      a[i * n + j] = (a[i * n + j] as number) - (chain.prob[k] as number);
    }
  }
  for (let c = 0; c < n; c++) {
    let p = c;
    let best = Math.abs(a[c * n + c] as number);
    for (let r = c + 1; r < n; r++) {
      const v = Math.abs(a[r * n + c] as number);
      if (v > best) {
        best = v;
        p = r;
      }
    }
    if (best === 0) throw new Error(`the chain is singular at state ${c}: it never leaves a cycle`);
    if (p !== c) {
      for (let k = 0; k < n; k++) {
        const t = a[c * n + k] as number;
        a[c * n + k] = a[p * n + k] as number;
        a[p * n + k] = t;
      }
      const t = rhs[c] as number;
      rhs[c] = rhs[p] as number;
      rhs[p] = t;
    }
    const pivot = a[c * n + c] as number;
    for (let r = c + 1; r < n; r++) {
      const f = (a[r * n + c] as number) / pivot;
      if (f === 0) continue;
      for (let k = c; k < n; k++) a[r * n + k] = (a[r * n + k] as number) - f * (a[c * n + k] as number);
      rhs[r] = (rhs[r] as number) - f * (rhs[c] as number);
    }
  }
  const x = new Float64Array(n);
  for (let r = n - 1; r >= 0; r--) {
    let s = rhs[r] as number;
    for (let k = r + 1; k < n; k++) s -= (a[r * n + k] as number) * (x[k] as number);
    x[r] = s / (a[r * n + r] as number);
  }
  return { x, solver: "dense", iterations: 1 };
}

/**
 * Gauss-Seidel sweeps, from the last state to the first: states are numbered in the order paths reach them,
 * so a backward sweep carries the rewards near the end of journeys towards the start within one sweep. It
 * converges because every state leaves the chain with positive probability (Q is substochastic with
 * spectral radius < 1); it stops when no value moves by more than `tolerance` relative to the largest.
 */
function solveGaussSeidel(
  chain: SparseChain,
  b: Float64Array,
  removed: Uint8Array | null,
  tolerance: number,
  maxIterations: number,
): Solution {
  const n = chain.n;
  const x = new Float64Array(n);
  for (let it = 1; it <= maxIterations; it++) {
    let delta = 0;
    let scale = 0;
    for (let i = n - 1; i >= 0; i--) {
      if (removed?.[i]) continue;
      let s = b[i] as number;
      for (let k = chain.rowStart[i] as number; k < (chain.rowStart[i + 1] as number); k++) {
        const j = chain.col[k] as number;
        if (removed?.[j]) continue;
        s += (chain.prob[k] as number) * (x[j] as number);
      }
      const d = Math.abs(s - (x[i] as number));
      if (d > delta) delta = d;
      if (Math.abs(s) > scale) scale = Math.abs(s);
      x[i] = s;
    }
    if (delta <= tolerance * Math.max(scale, 1e-300)) return { x, solver: "gauss-seidel", iterations: it };
  }
  throw new Error(`the chain did not converge in ${maxIterations} sweeps`);
}
