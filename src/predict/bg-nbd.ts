import { fitLogParameters, invertSpd, numericHessian } from "./optimize.js";
import type { RfmData } from "./rfm.js";
import { hyp2f1, lnBeta, lnGamma, lnHyp2f1, logAddExp } from "./special.js";

/**
 * The BG/NBD model of repeat buying (Fader, Hardie & Lee 2005, "Counting your customers the easy way"):
 * while active a customer buys at a Poisson rate λ ~ Gamma(r, α); after each purchase they drop out with
 * probability p ~ Beta(a, b). Fitted by maximum likelihood on (x, t_x, T).
 */

export interface BgNbdParams {
  r: number;
  alpha: number;
  a: number;
  b: number;
}

/** ln L of one customer; every term in logs so that large x or T cannot overflow. */
export function bgNbdLogLikelihood(p: BgNbdParams, x: number, tx: number, T: number): number {
  const { r, alpha, a, b } = p;
  const common = lnGamma(r + x) - lnGamma(r) + r * Math.log(alpha) - lnBeta(a, b);
  const stays = lnBeta(a, b + x) - (r + x) * Math.log(alpha + T);
  if (x === 0) return common + stays;
  const dropped = lnBeta(a + 1, b + x - 1) - (r + x) * Math.log(alpha + tx);
  return common + logAddExp(stays, dropped);
}

export function bgNbdTotalLogLikelihood(p: BgNbdParams, data: RfmData): number {
  let ll = 0;
  for (let i = 0; i < data.x.length; i++)
    ll +=
      (data.weight[i] as number) *
      bgNbdLogLikelihood(p, data.x[i] as number, data.tx[i] as number, data.T[i] as number);
  return ll;
}

export interface FitResult<P> {
  params: P;
  logLikelihood: number;
  /** Standard errors of the parameters (delta method from the Hessian in log space); null if not positive definite. */
  standardErrors: P | null;
  customers: number;
  iterations: number;
  converged: boolean;
  /**
   * A parameter ended within a factor e of the search's bound (e^±18): the data hold no evidence for it (no drop-out seen, no
   * heterogeneity), and the fit is a limiting case rather than an interior optimum.
   */
  atBound: boolean;
}

function toParams(v: ArrayLike<number>): BgNbdParams {
  return { r: v[0] as number, alpha: v[1] as number, a: v[2] as number, b: v[3] as number };
}

/** Standard errors of θ = e^u from the inverse Hessian of −ln L in u: se(θ) = θ · se(u). */
export function standardErrorsFromLog(
  negLogLik: (u: Float64Array) => number,
  u: Float64Array,
): number[] | null {
  const inv = invertSpd(numericHessian(negLogLik, u));
  if (!inv) return null;
  return Array.from(u, (ui, i) => Math.exp(ui) * Math.sqrt(Math.max(0, (inv[i] as number[])[i] as number)));
}

export function fitBgNbd(
  data: RfmData,
  options: { penalty?: number; start?: BgNbdParams } = {},
): FitResult<BgNbdParams> {
  let customers = 0;
  let sumT = 0;
  let sumX = 0;
  for (let i = 0; i < data.x.length; i++) {
    const w = data.weight[i] as number;
    customers += w;
    sumT += w * (data.T[i] as number);
    sumX += w * (data.x[i] as number);
  }
  if (customers === 0) throw new RangeError("BG/NBD: no customers to fit");
  const penalty = options.penalty ?? 0;
  // −ln L per customer, so that tolerances do not depend on the cohort's size.
  const objective = (u: Float64Array) => {
    const p = toParams(Array.from(u, Math.exp));
    let f = -bgNbdTotalLogLikelihood(p, data) / customers;
    if (penalty > 0) f += penalty * (p.r ** 2 + p.alpha ** 2 + p.a ** 2 + p.b ** 2);
    return f;
  };
  const rate = Math.max(sumX, 1) / Math.max(sumT, 1e-9);
  const start = options.start ?? { r: 1, alpha: 1 / rate, a: 1, b: 1 };
  const fit = fitLogParameters(objective, [start.r, start.alpha, start.a, start.b]);
  const params = toParams(Array.from(fit.x, Math.exp));
  const se = standardErrorsFromLog((u) => objective(u) * customers, fit.x);
  return {
    params,
    logLikelihood: bgNbdTotalLogLikelihood(params, data),
    standardErrors: se ? toParams(se) : null,
    customers,
    iterations: fit.iterations,
    converged: fit.converged,
    atBound: fit.atBound,
  };
}

/** P(still active | x, t_x, T). */
export function bgNbdProbabilityAlive(p: BgNbdParams, x: number, tx: number, T: number): number {
  if (x === 0) return 1;
  const { r, alpha, a, b } = p;
  const logRatio = Math.log(a / (b + x - 1)) + (r + x) * (Math.log(alpha + T) - Math.log(alpha + tx));
  return 1 / (1 + Math.exp(logRatio));
}

/** E[X(t)]: expected purchases in (0, t] of a customer just acquired. */
export function bgNbdExpectedPurchases(p: BgNbdParams, t: number): number {
  const { r, alpha, a, b } = p;
  if (t <= 0) return 0;
  const z = t / (alpha + t);
  return ((a + b - 1) / (a - 1)) * (1 - (alpha / (alpha + t)) ** r * hyp2f1(r, b, a + b - 1, z));
}

/** E[Y(t) | x, t_x, T]: expected purchases in the next t given the customer's history. */
export function bgNbdConditionalExpectedPurchases(
  p: BgNbdParams,
  t: number,
  x: number,
  tx: number,
  T: number,
): number {
  const { r, alpha, a, b } = p;
  if (t <= 0) return 0;
  const z = t / (alpha + T + t);
  // ((α+T)/(α+T+t))^(r+x) · 2F1(…) in logs: each factor alone can leave the double range for a heavy buyer.
  const log = (r + x) * Math.log((alpha + T) / (alpha + T + t)) + lnHyp2f1(r + x, b + x, a + b + x - 1, z);
  const numerator = ((a + b + x - 1) / (a - 1)) * -Math.expm1(log);
  const alive = bgNbdProbabilityAlive(p, x, tx, T);
  return numerator * alive;
}
