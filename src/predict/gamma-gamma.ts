import { type FitResult, standardErrorsFromLog } from "./bg-nbd.js";
import { fitLogParameters } from "./optimize.js";
import { lnGamma } from "./special.js";

/**
 * The Gamma-Gamma model of spend per transaction (Fader, Hardie & Lee 2005, "RFM and CLV"; Colombo & Jiang
 * 1999): a customer's transaction values are Gamma(p, ν) around their mean, with ν ~ Gamma(q, γ) across
 * customers. Fitted on customers with at least one repeat purchase, from x and their mean spend m_x.
 */

export interface GammaGammaParams {
  p: number;
  q: number;
  gamma: number;
}

export interface SpendRow {
  x: number;
  monetary: number;
}

export function gammaGammaLogLikelihood(params: GammaGammaParams, x: number, m: number): number {
  const { p, q, gamma } = params;
  const px = p * x;
  return (
    lnGamma(px + q) -
    lnGamma(px) -
    lnGamma(q) +
    q * Math.log(gamma) +
    (px - 1) * Math.log(m) +
    px * Math.log(x) -
    (px + q) * Math.log(gamma + m * x)
  );
}

function toParams(v: ArrayLike<number>): GammaGammaParams {
  return { p: v[0] as number, q: v[1] as number, gamma: v[2] as number };
}

/** Fits on the rows with x > 0 and m > 0 (the others carry no information on spend). */
export function fitGammaGamma(
  rows: readonly SpendRow[],
  options: { penalty?: number } = {},
): FitResult<GammaGammaParams> {
  const used = rows.filter((r) => r.x > 0 && r.monetary > 0);
  if (used.length === 0)
    throw new RangeError("Gamma-Gamma: no customer with a repeat purchase and a positive spend");
  const x = Float64Array.from(used, (r) => r.x);
  const m = Float64Array.from(used, (r) => r.monetary);
  const n = used.length;
  const penalty = options.penalty ?? 0;
  const total = (g: GammaGammaParams) => {
    let ll = 0;
    for (let i = 0; i < n; i++) ll += gammaGammaLogLikelihood(g, x[i] as number, m[i] as number);
    return ll;
  };
  const objective = (u: Float64Array) => {
    const g = toParams(Array.from(u, Math.exp));
    let f = -total(g) / n;
    if (penalty > 0) f += penalty * (g.p ** 2 + g.q ** 2 + g.gamma ** 2);
    return f;
  };
  let mean = 0;
  for (const v of m) mean += v / n;
  const fit = fitLogParameters(objective, [1, 2, mean]);
  const params = toParams(Array.from(fit.x, Math.exp));
  const se = standardErrorsFromLog((u) => objective(u) * n, fit.x);
  return {
    params,
    logLikelihood: total(params),
    standardErrors: se ? toParams(se) : null,
    customers: n,
    iterations: fit.iterations,
    converged: fit.converged,
    atBound: fit.atBound,
  };
}

/**
 * E[M | x, m_x]: the expected spend per transaction of a customer, a weighted mean of their own average and
 * the population's (pγ/(q − 1)); with x = 0, the population mean.
 */
export function gammaGammaExpectedSpend(params: GammaGammaParams, x: number, m: number): number {
  const { p, q, gamma } = params;
  if (q <= 1) throw new RangeError(`Gamma-Gamma: q = ${q} ≤ 1 gives no finite mean spend`);
  if (x <= 0) return (p * gamma) / (q - 1);
  return (p * (gamma + x * m)) / (p * x + q - 1);
}
