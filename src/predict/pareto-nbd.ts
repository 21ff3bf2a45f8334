import { type FitResult, standardErrorsFromLog } from "./bg-nbd.js";
import { fitLogParameters } from "./optimize.js";
import type { RfmData } from "./rfm.js";
import { lnGamma, lnHyp2f1, logAddExp, logSubExp } from "./special.js";

/**
 * The Pareto/NBD model (Schmittlein, Morrison & Colombo 1987): while active a customer buys at a Poisson rate
 * λ ~ Gamma(r, α) and stays active for an exponential lifetime of rate μ ~ Gamma(s, β). The likelihood is
 * written as in Fader & Hardie's note (2005) with the Gaussian hypergeometric function, all in logs.
 */

export interface ParetoNbdParams {
  r: number;
  alpha: number;
  s: number;
  beta: number;
}

const gaussNodes = [
  -0.9602898564975363, -0.7966664774136267, -0.525532409916329, -0.1834346424956498, 0.1834346424956498,
  0.525532409916329, 0.7966664774136267, 0.9602898564975363,
];
const gaussWeights = [
  0.1012285362903763, 0.2223810344533745, 0.3137066458778873, 0.362683783378362, 0.362683783378362,
  0.3137066458778873, 0.2223810344533745, 0.1012285362903763,
];

/**
 * ln A0 by quadrature of its integral form, A0 = (r+s+x) ∫ from t_x to T of (α+τ)^−(r+x) (β+τ)^−(s+1) dτ:
 * for parameters so extreme that neither 2F1 series converges in reasonable time. The integrand falls
 * monotonically, so panels start at its own decay length after t_x and double from there (8-point
 * Gauss–Legendre each).
 */
export function lnA0ByQuadrature(p: ParetoNbdParams, x: number, tx: number, T: number): number {
  const { r, alpha, s, beta } = p;
  const h = (tau: number) => -(r + x) * Math.log(alpha + tau) - (s + 1) * Math.log(beta + tau);
  const top = h(tx);
  const slope = (r + x) / (alpha + tx) + (s + 1) / (beta + tx);
  // At least a millionth of the interval: about 20 doublings cover it whatever the slope.
  let width = Math.max((T - tx) * 1e-6, Math.min(T - tx, 0.25 / slope));
  let from = tx;
  let sum = 0;
  while (from < T) {
    const to = Math.min(T, from + width);
    const half = (to - from) / 2;
    for (let i = 0; i < 8; i++)
      sum +=
        (gaussWeights[i] as number) *
        half *
        Math.exp(h(from + half + half * (gaussNodes[i] as number)) - top);
    from = to;
    width *= 2;
  }
  return Math.log(r + s + x) + top + Math.log(sum);
}

/**
 * ln A0, the part of the likelihood for "dropped out between t_x and T" (a difference of two 2F1 terms,
 * Fader & Hardie's note); by quadrature where 2F1 cannot be had. −∞ when t_x = T.
 */
function lnA0(p: ParetoNbdParams, x: number, tx: number, T: number): number {
  if (tx >= T) return Number.NEGATIVE_INFINITY;
  try {
    const value = lnA0ByHypergeometric(p, x, tx, T);
    if (Number.isFinite(value)) return value;
  } catch (error) {
    if (!(error instanceof RangeError)) throw error;
  }
  return lnA0ByQuadrature(p, x, tx, T);
}

/** Past this many series terms the quadrature is cheaper (extreme parameters, z close to 1). */
const seriesBudget = 5_000;

export function lnA0ByHypergeometric(p: ParetoNbdParams, x: number, tx: number, T: number): number {
  const { r, alpha, s, beta } = p;
  const a1 = r + s + x;
  const c1 = a1 + 1;
  let b1: number;
  let base: number;
  let gap: number;
  if (alpha >= beta) {
    b1 = s + 1;
    base = alpha;
    gap = alpha - beta;
  } else {
    b1 = r + x;
    base = beta;
    gap = beta - alpha;
  }
  const early = lnHyp2f1(a1, b1, c1, gap / (base + tx), seriesBudget) - a1 * Math.log(base + tx);
  const late = lnHyp2f1(a1, b1, c1, gap / (base + T), seriesBudget) - a1 * Math.log(base + T);
  // The difference is an integral of a positive function; rounding may make it a hair negative at t_x ≈ T.
  return early > late ? logSubExp(early, late) : Number.NEGATIVE_INFINITY;
}

export function paretoNbdLogLikelihood(p: ParetoNbdParams, x: number, tx: number, T: number): number {
  const { r, alpha, s, beta } = p;
  const lead = lnGamma(r + x) - lnGamma(r) + r * Math.log(alpha) + s * Math.log(beta);
  const alive = -(r + x) * Math.log(alpha + T) - s * Math.log(beta + T);
  const died = Math.log(s / (r + s + x)) + lnA0(p, x, tx, T);
  return lead + logAddExp(alive, died);
}

export function paretoNbdTotalLogLikelihood(p: ParetoNbdParams, data: RfmData): number {
  let ll = 0;
  for (let i = 0; i < data.x.length; i++)
    ll +=
      (data.weight[i] as number) *
      paretoNbdLogLikelihood(p, data.x[i] as number, data.tx[i] as number, data.T[i] as number);
  return ll;
}

function toParams(v: ArrayLike<number>): ParetoNbdParams {
  return { r: v[0] as number, alpha: v[1] as number, s: v[2] as number, beta: v[3] as number };
}

export function fitParetoNbd(
  data: RfmData,
  options: { penalty?: number; start?: ParetoNbdParams } = {},
): FitResult<ParetoNbdParams> {
  let customers = 0;
  let sumT = 0;
  let sumX = 0;
  for (let i = 0; i < data.x.length; i++) {
    const w = data.weight[i] as number;
    customers += w;
    sumT += w * (data.T[i] as number);
    sumX += w * (data.x[i] as number);
  }
  if (customers === 0) throw new RangeError("Pareto/NBD: no customers to fit");
  const penalty = options.penalty ?? 0;
  const objective = (u: Float64Array) => {
    const p = toParams(Array.from(u, Math.exp));
    let f = -paretoNbdTotalLogLikelihood(p, data) / customers;
    if (penalty > 0) f += penalty * (p.r ** 2 + p.alpha ** 2 + p.s ** 2 + p.beta ** 2);
    return f;
  };
  const meanT = sumT / customers;
  const rate = Math.max(sumX, 1) / Math.max(sumT, 1e-9);
  const start = options.start ?? { r: 1, alpha: 1 / rate, s: 1, beta: meanT };
  const fit = fitLogParameters(objective, [start.r, start.alpha, start.s, start.beta]);
  const params = toParams(Array.from(fit.x, Math.exp));
  const se = standardErrorsFromLog((u) => objective(u) * customers, fit.x);
  return {
    params,
    logLikelihood: paretoNbdTotalLogLikelihood(params, data),
    standardErrors: se ? toParams(se) : null,
    customers,
    iterations: fit.iterations,
    converged: fit.converged,
    atBound: fit.atBound,
  };
}

export function paretoNbdProbabilityAlive(p: ParetoNbdParams, x: number, tx: number, T: number): number {
  const { r, alpha, s, beta } = p;
  const la0 = lnA0(p, x, tx, T);
  if (la0 === Number.NEGATIVE_INFINITY) return 1;
  const log = Math.log(s / (r + s + x)) + (r + x) * Math.log(alpha + T) + s * Math.log(beta + T) + la0;
  return 1 / (1 + Math.exp(log));
}

/** (1 − (u/(u+t))^(s−1)) / (s − 1), with its limit ln((u+t)/u) at s = 1. */
function lifetimeFactor(s: number, u: number, t: number): number {
  const k = s - 1;
  const l = Math.log(u / (u + t));
  if (Math.abs(k) < 1e-8) return -l;
  return -Math.expm1(k * l) / k;
}

/** E[X(t)] of a customer just acquired. */
export function paretoNbdExpectedPurchases(p: ParetoNbdParams, t: number): number {
  if (t <= 0) return 0;
  return ((p.r * p.beta) / p.alpha) * lifetimeFactor(p.s, p.beta, t);
}

/** E[Y(t) | x, t_x, T]. */
export function paretoNbdConditionalExpectedPurchases(
  p: ParetoNbdParams,
  t: number,
  x: number,
  tx: number,
  T: number,
): number {
  if (t <= 0) return 0;
  const { r, alpha, s, beta } = p;
  return (
    (((r + x) * (beta + T)) / (alpha + T)) *
    lifetimeFactor(s, beta + T, t) *
    paretoNbdProbabilityAlive(p, x, tx, T)
  );
}
