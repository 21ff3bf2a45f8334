/**
 * Special functions the customer-base models need, in log space where a value can overflow: the log-gamma
 * and log-beta functions, log-sum-exp, and the Gaussian hypergeometric function 2F1.
 */

const lanczos = [
  57.15623566586292, -59.59796035547549, 14.136097974741746, -0.4919138160976202, 0.00003399464998481189,
  0.00004652362892704858, -0.00009837447530487956, 0.0001580887032249125, -0.00021026444172410488,
  0.00021743961811521265, -0.0001643181065367639, 0.00008441822398385275, -0.000026190838401581408,
  0.0000036899182659531625,
];

/** ln Γ(x) for x > 0 (Lanczos, relative error ≈ 1e-15); for x < 0, ln |Γ(x)| by reflection. */
export function lnGamma(x: number): number {
  if (x < 0.5) {
    if (Number.isInteger(x)) return Number.POSITIVE_INFINITY;
    // Γ(x) Γ(1 − x) = π / sin(πx)
    return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - lnGamma(1 - x);
  }
  let y = x;
  const tmp0 = x + 5.2421875;
  const tmp = (x + 0.5) * Math.log(tmp0) - tmp0;
  let ser = 0.9999999999999971;
  for (const c of lanczos) ser += c / ++y;
  return tmp + Math.log((2.5066282746310007 * ser) / x);
}

/** The sign of Γ(x): positive for x > 0, alternating between the poles below zero. */
export function gammaSign(x: number): 1 | -1 {
  if (x > 0) return 1;
  return Math.floor(x) % 2 === 0 ? 1 : -1;
}

/** ln B(a, b) = ln Γ(a) + ln Γ(b) − ln Γ(a + b). */
export function lnBeta(a: number, b: number): number {
  return lnGamma(a) + lnGamma(b) - lnGamma(a + b);
}

/** ln(e^a + e^b) without overflow. */
export function logAddExp(a: number, b: number): number {
  if (a === Number.NEGATIVE_INFINITY) return b;
  if (b === Number.NEGATIVE_INFINITY) return a;
  return a > b ? a + Math.log1p(Math.exp(b - a)) : b + Math.log1p(Math.exp(a - b));
}

/** ln(e^a − e^b) for a ≥ b; −∞ when they are equal. */
export function logSubExp(a: number, b: number): number {
  if (b === Number.NEGATIVE_INFINITY) return a;
  if (b > a) throw new RangeError(`logSubExp: ${b} > ${a}`);
  if (a === b) return Number.NEGATIVE_INFINITY;
  const d = b - a;
  // log1p(−e^d) loses precision when e^d is near 1; log(−expm1(d)) does not.
  return a + (d > -Math.LN2 ? Math.log(-Math.expm1(d)) : Math.log1p(-Math.exp(d)));
}

function isNonPositiveInteger(x: number): boolean {
  return x <= 0 && Number.isInteger(x);
}

/**
 * The power series Σ (a)_n (b)_n / (c)_n z^n / n! for |z| < 1 (or terminating), as ln |sum| and its sign:
 * the running sum is rescaled whenever it grows past 1e200, so that a huge value cannot overflow.
 */
function seriesLog(
  a: number,
  b: number,
  c: number,
  z: number,
  maxTerms = 2_000_000,
): { log: number; sign: number } {
  let term = 1;
  let sum = 1;
  let compensation = 0;
  let scale = 0;
  for (let n = 0; n < maxTerms; n++) {
    term *= (((a + n) * (b + n)) / ((c + n) * (n + 1))) * z;
    if (term === 0) break;
    // Kahan summation: long tails otherwise lose digits.
    const y = term - compensation;
    const t = sum + y;
    compensation = t - sum - y;
    sum = t;
    if (Math.abs(sum) > 1e200) {
      sum /= 1e200;
      term /= 1e200;
      compensation /= 1e200;
      scale += 200 * Math.LN10;
    }
    if (Math.abs(term) <= 1e-17 * Math.abs(sum) && n > 2) break;
    if (n === maxTerms - 1)
      throw new RangeError(`hyp2f1(${a}, ${b}; ${c}; ${z}): the series did not converge`);
  }
  return { log: Math.log(Math.abs(sum)) + scale, sign: Math.sign(sum) };
}

function series(a: number, b: number, c: number, z: number): number {
  const { log, sign } = seriesLog(a, b, c, z);
  return sign * Math.exp(log);
}

/** sign · exp(Σ ln Γ(plus) − Σ ln Γ(minus)), the gamma-function ratios of the connection formulas. */
function gammaRatio(plus: number[], minus: number[]): number {
  let log = 0;
  let sign = 1;
  for (const x of plus) {
    if (isNonPositiveInteger(x)) return Number.NaN;
    log += lnGamma(x);
    sign *= gammaSign(x);
  }
  for (const x of minus) {
    if (isNonPositiveInteger(x)) return 0; // 1/Γ at a pole is zero
    log -= lnGamma(x);
    sign *= gammaSign(x);
  }
  return sign * Math.exp(log);
}

/**
 * 2F1 for 0.9 < z < 1 by the connection formula in 1 − z (Abramowitz & Stegun 15.3.6), c − a − b not an
 * integer; with how much its two terms cancel (|left| + |right| over |sum|).
 */
function nearOne(a: number, b: number, c: number, z: number): { value: number; cancellation: number } {
  const w = 1 - z;
  const first = gammaRatio([c, c - a - b], [c - a, c - b]);
  const second = gammaRatio([c, a + b - c], [a, b]);
  const left = first === 0 ? 0 : first * series(a, b, a + b - c + 1, w);
  const right = second === 0 ? 0 : second * w ** (c - a - b) * series(c - a, c - b, c - a - b + 1, w);
  const value = left + right;
  return { value, cancellation: (Math.abs(left) + Math.abs(right)) / Math.abs(value) };
}

/**
 * Terms a series of positive terms may take close to z = 1 before giving up (a RangeError): past this the
 * parameters are extreme, and callers with an integral form of what they need integrate it instead.
 */
const nearOneTerms = 300_000;

/** The connection formula is trusted when its terms cancel by less than this factor. */
const acceptableCancellation = 1e4;

/**
 * ln 2F1 for 0.9 < z < 1 from a series of positive terms: the defining one, or Euler's transformation
 * (1 − z)^(c−a−b) 2F1(c − a, c − b; c; z), whichever has the smaller polynomial growth. Both converge like
 * z^n: slow close to 1, but exact. Null when neither has positive terms.
 */
function positiveSeriesLog(
  a: number,
  b: number,
  c: number,
  z: number,
  maxTerms = nearOneTerms,
): number | null {
  const direct = a > 0 && b > 0 && c > 0;
  const euler = c - a > 0 && c - b > 0 && c > 0;
  if (euler && (!direct || c - a - b < a + b - c))
    return (c - a - b) * Math.log1p(-z) + seriesLog(c - a, c - b, c, z, maxTerms).log;
  if (direct) return seriesLog(a, b, c, z, maxTerms).log;
  return null;
}

/**
 * For 0 ≤ z ≤ 0.9 and positive-term series: Euler's transformation (1 − z)^(c−a−b) 2F1(c − a, c − b; c; z)
 * when its terms shrink sooner than the defining series' (large a, b with c − a, c − b small: a Pareto/NBD
 * likelihood at large r + x needs a handful of terms that way instead of tens of thousands). Null otherwise.
 */
function cheaperSeries(a: number, b: number, c: number, z: number): number | null {
  if (!(a > 0 && b > 0 && c - a > 0 && c - b > 0)) return null;
  if ((c - a) * (c - b) >= a * b) return null;
  return Math.exp((c - a - b) * Math.log1p(-z) + seriesLog(c - a, c - b, c, z).log);
}

/**
 * The Gaussian hypergeometric function 2F1(a, b; c; z) for real z < 1 (and z = 1 when c − a − b > 0).
 * 0 ≤ z ≤ 0.9 by its series; z < 0 by Pfaff's transformation to z/(z − 1); 0.9 < z < 1 by the connection
 * formula in 1 − z, unless its two terms cancel (large parameters), when a series of positive terms is summed
 * instead; near an integer c − a − b, where the formula has removable poles, the series up to z = 0.999 and
 * beyond it the formula interpolated either side of the pole (relative error ≈ 1e-9).
 */
export function hyp2f1(a: number, b: number, c: number, z: number): number {
  if (isNonPositiveInteger(c)) throw new RangeError(`hyp2f1: c = ${c} is a pole`);
  if (z === 0 || a === 0 || b === 0) return 1;
  if (z > 1 || Number.isNaN(z)) throw new RangeError(`hyp2f1: z = ${z} is outside (−∞, 1]`);
  if (z < 0) {
    // Pfaff: 2F1(a, b; c; z) = (1 − z)^−a 2F1(a, c − b; c; z / (z − 1)), with z / (z − 1) in (0, 1).
    return (1 - z) ** -a * hyp2f1(a, c - b, c, z / (z - 1));
  }
  if (isNonPositiveInteger(a) || isNonPositiveInteger(b)) return series(a, b, c, z);
  if (z <= 0.9) return cheaperSeries(a, b, c, z) ?? series(a, b, c, z);
  if (z === 1) {
    if (c - a - b <= 0) return Number.POSITIVE_INFINITY;
    return gammaRatio([c, c - a - b], [c - a, c - b]);
  }
  const m = c - a - b;
  const nearest = Math.round(m);
  const delta = 1e-5;
  if (Math.abs(m - nearest) < delta) {
    // The series still converges (geometrically, ≈ 40,000 terms at z = 0.999) and is exact.
    if (z <= 0.999) return series(a, b, c, z);
    // A removable singularity of the formula: interpolate between evaluations either side of it (error ≈ δ²).
    const below = nearOne(a, b, c - (m - nearest) - delta, z).value;
    const above = nearOne(a, b, c - (m - nearest) + delta, z).value;
    return below + ((m - nearest + delta) / (2 * delta)) * (above - below);
  }
  const near = nearOne(a, b, c, z);
  if (Number.isFinite(near.value) && near.cancellation < acceptableCancellation) return near.value;
  const log = positiveSeriesLog(a, b, c, z);
  return log === null ? series(a, b, c, z) : Math.exp(log);
}

/**
 * ln 2F1(a, b; c; z) for a positive result, without overflow where 2F1 itself exceeds the double range
 * (a heavy buyer's Pareto/NBD likelihood): positive-term series are summed in log scale. A series that
 * needs more than `maxTerms` terms is a RangeError, for callers that have a faster way at extreme parameters.
 */
export function lnHyp2f1(a: number, b: number, c: number, z: number, maxTerms = nearOneTerms): number {
  if (z >= 0 && z < 1 && a > 0 && b > 0 && c > 0) {
    if (z <= 0.9) {
      if (c - a > 0 && c - b > 0 && (c - a) * (c - b) < a * b)
        return (c - a - b) * Math.log1p(-z) + seriesLog(c - a, c - b, c, z, maxTerms).log;
      return seriesLog(a, b, c, z, maxTerms).log;
    }
    const m = c - a - b;
    if (Math.abs(m - Math.round(m)) >= 1e-5) {
      const near = nearOne(a, b, c, z);
      if (near.value > 0 && Number.isFinite(near.value) && near.cancellation < acceptableCancellation)
        return Math.log(near.value);
    }
    const log = positiveSeriesLog(a, b, c, z, maxTerms);
    if (log !== null) return log;
  }
  const value = hyp2f1(a, b, c, z);
  if (!(value > 0)) throw new RangeError(`hyp2f1(${a}, ${b}; ${c}; ${z}) = ${value} is not positive`);
  return Math.log(value);
}
