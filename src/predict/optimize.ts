/**
 * Unconstrained minimisation for maximum-likelihood fits: BFGS with a backtracking line search (gradients
 * given or by central differences), Nelder–Mead for a robust start, L-BFGS for many parameters, and the
 * numerical Hessian from which standard errors come. Parameters that must be positive are fitted as their
 * logarithms by the callers.
 */

export type Objective = (x: Float64Array) => number;
export type Gradient = (x: Float64Array, out: Float64Array) => void;

export interface MinimizeResult {
  x: Float64Array;
  value: number;
  iterations: number;
  evaluations: number;
  converged: boolean;
  /** Largest absolute gradient component at the end (BFGS, L-BFGS). */
  gradientNorm?: number;
}

export interface MinimizeOptions {
  maxIterations?: number;
  /** Stop when every gradient component is below this. */
  gradientTolerance?: number;
  /** Stop when an iteration improves the value by less than this, relative to it. */
  valueTolerance?: number;
  gradient?: Gradient;
}

function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += (a[i] as number) * (b[i] as number);
  return s;
}

function maxAbs(a: Float64Array): number {
  let m = 0;
  for (const v of a) m = Math.max(m, Math.abs(v));
  return m;
}

/** Central-difference gradient; the step scales with each coordinate. */
export function numericGradient(f: Objective, x: Float64Array, out: Float64Array, step = 1e-6): void {
  const probe = Float64Array.from(x);
  for (let i = 0; i < x.length; i++) {
    const xi = x[i] as number;
    const h = step * Math.max(1, Math.abs(xi));
    probe[i] = xi + h;
    const up = f(probe);
    probe[i] = xi - h;
    const down = f(probe);
    probe[i] = xi;
    out[i] = (up - down) / (2 * h);
  }
}

/** Numerical Hessian by central differences of the function (for standard errors at an optimum). */
export function numericHessian(f: Objective, x: Float64Array, step = 1e-4): number[][] {
  const n = x.length;
  const h = Array.from(x, (v) => step * Math.max(1, Math.abs(v)));
  const p = Float64Array.from(x);
  const f0 = f(p);
  const H: number[][] = Array.from({ length: n }, () => new Array<number>(n).fill(0));
  const at = (i: number, di: number, j: number, dj: number) => {
    p[i] = (p[i] as number) + di;
    p[j] = (p[j] as number) + dj;
    const v = f(p);
    p.set(x);
    return v;
  };
  for (let i = 0; i < n; i++) {
    const hi = h[i] as number;
    (H[i] as number[])[i] = (at(i, hi, i, 0) - 2 * f0 + at(i, -hi, i, 0)) / (hi * hi);
    for (let j = i + 1; j < n; j++) {
      const hj = h[j] as number;
      const v =
        (at(i, hi, j, hj) - at(i, hi, j, -hj) - at(i, -hi, j, hj) + at(i, -hi, j, -hj)) / (4 * hi * hj);
      (H[i] as number[])[j] = v;
      (H[j] as number[])[i] = v;
    }
  }
  return H;
}

/** Inverse of a symmetric positive-definite matrix by Cholesky; null when it is not positive definite. */
export function invertSpd(A: number[][]): number[][] | null {
  const n = A.length;
  const L: number[][] = Array.from({ length: n }, () => new Array<number>(n).fill(0));
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let s = (A[i] as number[])[j] as number;
      for (let k = 0; k < j; k++) s -= ((L[i] as number[])[k] as number) * ((L[j] as number[])[k] as number);
      if (i === j) {
        if (!(s > 0)) return null;
        (L[i] as number[])[i] = Math.sqrt(s);
      } else (L[i] as number[])[j] = s / ((L[j] as number[])[j] as number);
    }
  }
  // Solve L Lᵀ X = I column by column.
  const inv: number[][] = Array.from({ length: n }, () => new Array<number>(n).fill(0));
  for (let col = 0; col < n; col++) {
    const y = new Array<number>(n).fill(0);
    for (let i = 0; i < n; i++) {
      let s = i === col ? 1 : 0;
      for (let k = 0; k < i; k++) s -= ((L[i] as number[])[k] as number) * (y[k] as number);
      y[i] = s / ((L[i] as number[])[i] as number);
    }
    for (let i = n - 1; i >= 0; i--) {
      let s = y[i] as number;
      for (let k = i + 1; k < n; k++)
        s -= ((L[k] as number[])[i] as number) * ((inv[k] as number[])[col] as number);
      (inv[i] as number[])[col] = s / ((L[i] as number[])[i] as number);
    }
  }
  return inv;
}

/** Nelder–Mead simplex search: slow but needs no gradient and tolerates a rough surface. */
export function nelderMead(
  f: Objective,
  x0: Float64Array,
  options: { maxIterations?: number; step?: number; tolerance?: number } = {},
): MinimizeResult {
  const n = x0.length;
  const maxIterations = options.maxIterations ?? 200 * n;
  const step = options.step ?? 0.5;
  const tolerance = options.tolerance ?? 1e-10;
  let evaluations = 0;
  const value = (x: Float64Array) => {
    evaluations++;
    const v = f(x);
    return Number.isFinite(v) ? v : Number.POSITIVE_INFINITY;
  };
  const simplex: { x: Float64Array; v: number }[] = [{ x: Float64Array.from(x0), v: value(x0) }];
  for (let i = 0; i < n; i++) {
    const x = Float64Array.from(x0);
    x[i] = (x[i] as number) + step;
    simplex.push({ x, v: value(x) });
  }
  let iterations = 0;
  const centroid = new Float64Array(n);
  const along = (t: number) => {
    const worst = simplex[n] as { x: Float64Array };
    const x = new Float64Array(n);
    for (let i = 0; i < n; i++)
      x[i] = (centroid[i] as number) + t * ((worst.x[i] as number) - (centroid[i] as number));
    return x;
  };
  for (; iterations < maxIterations; iterations++) {
    simplex.sort((a, b) => a.v - b.v);
    const best = simplex[0] as { x: Float64Array; v: number };
    const worst = simplex[n] as { x: Float64Array; v: number };
    if (Math.abs(worst.v - best.v) <= tolerance * (Math.abs(best.v) + tolerance)) break;
    centroid.fill(0);
    for (let k = 0; k < n; k++)
      for (let i = 0; i < n; i++)
        centroid[i] = (centroid[i] as number) + ((simplex[k] as { x: Float64Array }).x[i] as number) / n;
    const xr = along(-1);
    const vr = value(xr);
    const second = (simplex[n - 1] as { v: number }).v;
    if (vr < best.v) {
      const xe = along(-2);
      const ve = value(xe);
      simplex[n] = ve < vr ? { x: xe, v: ve } : { x: xr, v: vr };
    } else if (vr < second) simplex[n] = { x: xr, v: vr };
    else {
      const xc = vr < worst.v ? along(-0.5) : along(0.5);
      const vc = value(xc);
      if (vc < Math.min(vr, worst.v)) simplex[n] = { x: xc, v: vc };
      else {
        for (let k = 1; k <= n; k++) {
          const s = simplex[k] as { x: Float64Array; v: number };
          for (let i = 0; i < n; i++)
            s.x[i] = (best.x[i] as number) + 0.5 * ((s.x[i] as number) - (best.x[i] as number));
          s.v = value(s.x);
        }
      }
    }
  }
  simplex.sort((a, b) => a.v - b.v);
  const best = simplex[0] as { x: Float64Array; v: number };
  return { x: best.x, value: best.v, iterations, evaluations, converged: iterations < maxIterations };
}

/**
 * BFGS with an Armijo backtracking line search. Without a gradient function the gradient is taken by
 * central differences, which is accurate enough for a handful of parameters.
 */
export function bfgs(f: Objective, x0: Float64Array, options: MinimizeOptions = {}): MinimizeResult {
  const n = x0.length;
  const maxIterations = options.maxIterations ?? 500;
  const gtol = options.gradientTolerance ?? 1e-7;
  const ftol = options.valueTolerance ?? 1e-15;
  let evaluations = 0;
  const value = (x: Float64Array) => {
    evaluations++;
    const v = f(x);
    return Number.isFinite(v) ? v : Number.POSITIVE_INFINITY;
  };
  const grad: Gradient =
    options.gradient ??
    ((x, out) => {
      numericGradient(value, x, out);
    });
  let x = Float64Array.from(x0);
  let fx = value(x);
  if (!Number.isFinite(fx)) throw new RangeError("bfgs: the objective is not finite at the starting point");
  let g = new Float64Array(n);
  grad(x, g);
  // Inverse Hessian approximation, starting as the identity.
  let H = Array.from({ length: n }, (_, i) => Float64Array.from({ length: n }, (_, j) => (i === j ? 1 : 0)));
  const d = new Float64Array(n);
  let iterations = 0;
  let converged = false;
  let stalls = 0;
  for (; iterations < maxIterations; iterations++) {
    if (maxAbs(g) < gtol) {
      converged = true;
      break;
    }
    for (let i = 0; i < n; i++) d[i] = -dot(H[i] as Float64Array, g);
    let slope = dot(d, g);
    if (slope >= 0) {
      // Not a descent direction: restart from steepest descent.
      H = Array.from({ length: n }, (_, i) => Float64Array.from({ length: n }, (_, j) => (i === j ? 1 : 0)));
      for (let i = 0; i < n; i++) d[i] = -(g[i] as number);
      slope = dot(d, g);
    }
    let t = 1;
    let xNew = new Float64Array(n);
    let fNew = Number.POSITIVE_INFINITY;
    for (let k = 0; k < 60; k++) {
      for (let i = 0; i < n; i++) xNew[i] = (x[i] as number) + t * (d[i] as number);
      fNew = value(xNew);
      if (fNew <= fx + 1e-4 * t * slope) break;
      t *= 0.5;
    }
    if (!(fNew <= fx)) {
      converged = maxAbs(g) < gtol * 100;
      break;
    }
    const gNew = new Float64Array(n);
    grad(xNew, gNew);
    const s = new Float64Array(n);
    const y = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      s[i] = (xNew[i] as number) - (x[i] as number);
      y[i] = (gNew[i] as number) - (g[i] as number);
    }
    const sy = dot(s, y);
    if (sy > 1e-12) {
      // H ← (I − ρ s yᵀ) H (I − ρ y sᵀ) + ρ s sᵀ
      const rho = 1 / sy;
      const Hy = new Float64Array(n);
      for (let i = 0; i < n; i++) Hy[i] = dot(H[i] as Float64Array, y);
      const yHy = dot(y, Hy);
      for (let i = 0; i < n; i++) {
        const row = H[i] as Float64Array;
        for (let j = 0; j < n; j++) {
          row[j] =
            (row[j] as number) -
            rho * ((Hy[i] as number) * (s[j] as number) + (s[i] as number) * (Hy[j] as number)) +
            (rho * rho * yHy + rho) * (s[i] as number) * (s[j] as number);
        }
      }
    }
    const improvement = fx - fNew;
    x = xNew;
    xNew = new Float64Array(n);
    g = gNew;
    const small = improvement <= ftol * Math.max(1, Math.abs(fNew));
    fx = fNew;
    stalls = small ? stalls + 1 : 0;
    if (stalls >= 3) {
      converged = true;
      break;
    }
  }
  return { x, value: fx, iterations, evaluations, converged, gradientNorm: maxAbs(g) };
}

/**
 * Limited-memory BFGS for smooth objectives with many parameters and an exact gradient (logistic
 * regression). `fg` returns the value and writes the gradient.
 */
export function lbfgs(
  fg: (x: Float64Array, gradient: Float64Array) => number,
  x0: Float64Array,
  options: {
    maxIterations?: number;
    gradientTolerance?: number;
    valueTolerance?: number;
    memory?: number;
  } = {},
): MinimizeResult {
  const n = x0.length;
  const m = options.memory ?? 10;
  const maxIterations = options.maxIterations ?? 500;
  const gtol = options.gradientTolerance ?? 1e-6;
  const ftol = options.valueTolerance ?? 1e-12;
  let evaluations = 1;
  let x = Float64Array.from(x0);
  let g = new Float64Array(n);
  let fx = fg(x, g);
  const S: Float64Array[] = [];
  const Y: Float64Array[] = [];
  const rhos: number[] = [];
  const d = new Float64Array(n);
  const alpha = new Float64Array(m);
  let iterations = 0;
  let converged = false;
  for (; iterations < maxIterations; iterations++) {
    if (maxAbs(g) < gtol) {
      converged = true;
      break;
    }
    // Two-loop recursion: d = −H g.
    for (let i = 0; i < n; i++) d[i] = -(g[i] as number);
    for (let k = S.length - 1; k >= 0; k--) {
      const a = (rhos[k] as number) * dot(S[k] as Float64Array, d);
      alpha[k] = a;
      const y = Y[k] as Float64Array;
      for (let i = 0; i < n; i++) d[i] = (d[i] as number) - a * (y[i] as number);
    }
    if (S.length > 0) {
      const last = S.length - 1;
      const gamma =
        dot(S[last] as Float64Array, Y[last] as Float64Array) /
        dot(Y[last] as Float64Array, Y[last] as Float64Array);
      for (let i = 0; i < n; i++) d[i] = (d[i] as number) * gamma;
    }
    for (let k = 0; k < S.length; k++) {
      const b = (rhos[k] as number) * dot(Y[k] as Float64Array, d);
      const s = S[k] as Float64Array;
      const a = alpha[k] as number;
      for (let i = 0; i < n; i++) d[i] = (d[i] as number) + (a - b) * (s[i] as number);
    }
    let slope = dot(d, g);
    if (slope >= 0) {
      S.length = 0;
      Y.length = 0;
      rhos.length = 0;
      for (let i = 0; i < n; i++) d[i] = -(g[i] as number);
      slope = dot(d, g);
    }
    let t = S.length === 0 ? Math.min(1, 1 / Math.max(1e-12, maxAbs(g))) : 1;
    const xNew = new Float64Array(n);
    const gNew = new Float64Array(n);
    let fNew = Number.POSITIVE_INFINITY;
    for (let k = 0; k < 50; k++) {
      for (let i = 0; i < n; i++) xNew[i] = (x[i] as number) + t * (d[i] as number);
      fNew = fg(xNew, gNew);
      evaluations++;
      if (fNew <= fx + 1e-4 * t * slope) break;
      t *= 0.5;
    }
    if (!(fNew <= fx)) break;
    const s = new Float64Array(n);
    const y = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      s[i] = (xNew[i] as number) - (x[i] as number);
      y[i] = (gNew[i] as number) - (g[i] as number);
    }
    const sy = dot(s, y);
    if (sy > 1e-12) {
      if (S.length === m) {
        S.shift();
        Y.shift();
        rhos.shift();
      }
      S.push(s);
      Y.push(y);
      rhos.push(1 / sy);
    }
    const improvement = fx - fNew;
    x = xNew;
    g = gNew;
    fx = fNew;
    if (improvement <= ftol * Math.max(1, Math.abs(fx))) {
      converged = true;
      break;
    }
  }
  return { x, value: fx, iterations, evaluations, converged, gradientNorm: maxAbs(g) };
}

/**
 * Maximum likelihood in log-parameter space: Nelder–Mead from the start to get near the optimum, then
 * BFGS to polish it. Returns the minimum of `negLogLik` over ln θ.
 */
export function fitLogParameters(
  negLogLik: Objective,
  start: number[],
): MinimizeResult & { atBound: boolean } {
  const x0 = Float64Array.from(start, Math.log);
  // Degenerate data (no sign of drop-out, no heterogeneity) sends a parameter towards 0 or ∞: keep each
  // within e^±18 (≈ 1.5e-8 … 6.6e7), evaluating at the bound plus a steep quadratic beyond it.
  const bounded = (u: Float64Array) => {
    let excess = 0;
    const inside = Float64Array.from(u, (v) => {
      const c = Math.max(-logBound, Math.min(logBound, v));
      excess += (v - c) ** 2;
      return c;
    });
    return negLogLik(inside) + 1e3 * excess;
  };
  const rough = nelderMead(bounded, x0, { maxIterations: 2000, tolerance: 1e-9 });
  const fine = bfgs(bounded, rough.x, { gradientTolerance: 1e-6, maxIterations: 500 });
  const best = fine.value <= rough.value ? fine : rough;
  const x = Float64Array.from(best.x, (v) => Math.max(-logBound, Math.min(logBound, v)));
  return {
    ...best,
    x,
    value: negLogLik(x),
    atBound: x.some((v) => Math.abs(v) >= logBound - 1),
    evaluations: rough.evaluations + fine.evaluations,
    iterations: rough.iterations + fine.iterations,
  };
}

const logBound = 18;
