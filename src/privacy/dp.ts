import { randomBytes, randomInt } from "node:crypto";

/**
 * Differential privacy's noise, sampled safely (pure apart from the random source).
 *
 * Noise is drawn on the integers — the discrete Laplace and discrete Gaussian samplers of Canonne, Kamath and
 * Steinke ("The Discrete Gaussian for Differential Privacy", 2020, algorithms 1–3) — from crypto-secure random
 * bits. Real values (sums) are first put on a grid (a granularity γ: values become whole multiples of γ) and the
 * noise is a whole number of grid steps, so a released value carries no trace of the floating-point artefacts
 * Mironov's attack reads from the low bits of textbook `b·ln(U)` Laplace noise ("On significance of the least
 * significant bits for differential privacy", 2012). The only floating point is in Bernoulli(p) trials with
 * p = γ/k, drawn by comparing a 53-bit uniform with p: the output is still an integer.
 *
 * Calibration: Laplace scale b = Δ₁/ε (ε-DP). Gaussian σ by the analytic Gaussian mechanism (Balle and Wang,
 * 2018: the smallest σ whose privacy profile meets δ at ε, valid for every ε), which is smaller than the
 * classic σ = Δ₂·√(2 ln(1.25/δ))/ε (valid only for ε < 1; `classicGaussianSigma`). The discrete Gaussian
 * with the same σ is at least as private up to a negligible term (CKS 2020, §4).
 */

export interface RandomSource {
  /** A uniform real in [0, 1) with 53 random bits. */
  uniform(): number;
  /** A uniform integer in [0, n). */
  below(n: number): number;
}

// Secure random bytes are drawn 64 KiB at a time and used once each.
let pool = Buffer.alloc(0);
let at = 0;
function eightBytes(): number {
  if (at + 8 > pool.length) {
    pool = randomBytes(65_536);
    at = 0;
  }
  const i = at;
  at += 8;
  return i;
}

export const secureRandom: RandomSource = {
  uniform() {
    const i = eightBytes();
    // 53 bits: 21 from the first word, 32 from the second.
    return ((pool.readUInt32BE(i) >>> 11) * 2 ** 32 + pool.readUInt32BE(i + 4)) / 2 ** 53;
  },
  below(n: number) {
    if (n <= 1) return 0;
    if (n <= 2 ** 48 - 1) return randomInt(n);
    return Math.floor(this.uniform() * n);
  },
};

function bernoulli(p: number, r: RandomSource): boolean {
  return r.uniform() < p;
}

/** Bernoulli(exp(−γ)) for γ ≥ 0 (CKS algorithm 1). */
export function bernoulliExp(gamma: number, r: RandomSource = secureRandom): boolean {
  if (!(gamma >= 0)) throw new Error(`γ must be ≥ 0, not ${gamma}`);
  let g = gamma;
  while (g > 1) {
    if (!bernoulliExp(1, r)) return false;
    g -= 1;
  }
  let k = 1;
  while (bernoulli(g / k, r)) k++;
  return k % 2 === 1;
}

/** Discrete Laplace on the integers with scale t (P(x) ∝ exp(−|x|/t)); CKS algorithm 2 with t = num/den. */
export function discreteLaplace(scale: number, r: RandomSource = secureRandom): number {
  if (!(scale > 0) || !Number.isFinite(scale)) throw new Error(`the Laplace scale must be > 0, not ${scale}`);
  // scale = t/s with integers: s a power of two fine enough for the scales used.
  const s = 1024;
  const t = Math.max(1, Math.round(scale * s));
  for (;;) {
    const u = r.below(t);
    if (!bernoulliExp(u / t, r)) continue;
    let v = 0;
    while (bernoulliExp(1, r)) v++;
    const y = Math.floor((u + t * v) / s);
    const negative = r.below(2) === 1;
    if (negative && y === 0) continue;
    return negative ? -y : y;
  }
}

/** Discrete Gaussian on the integers with parameter σ (P(x) ∝ exp(−x²/2σ²)); CKS algorithm 3. */
export function discreteGaussian(sigma: number, r: RandomSource = secureRandom): number {
  if (!(sigma > 0) || !Number.isFinite(sigma)) throw new Error(`σ must be > 0, not ${sigma}`);
  const t = Math.floor(sigma) + 1;
  const s2 = sigma * sigma;
  for (;;) {
    const y = discreteLaplace(t, r);
    const a = Math.abs(y) - s2 / t;
    if (bernoulliExp((a * a) / (2 * s2), r)) return y;
  }
}

/** The variance of the discrete Laplace with scale t: 2e^{−1/t}/(1−e^{−1/t})². */
export function discreteLaplaceVariance(t: number): number {
  const q = Math.exp(-1 / t);
  return (2 * q) / (1 - q) ** 2;
}

// ---- calibration -----------------------------------------------------------------------------------------

/** erfc with relative error below 1.2e-7 (Numerical Recipes' Chebyshev fit). */
export function erfc(x: number): number {
  const z = Math.abs(x);
  const t = 1 / (1 + 0.5 * z);
  const r =
    t *
    Math.exp(
      -z * z -
        1.26551223 +
        t *
          (1.00002368 +
            t *
              (0.37409196 +
                t *
                  (0.09678418 +
                    t *
                      (-0.18628806 +
                        t *
                          (0.27886807 +
                            t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))),
    );
  return x >= 0 ? r : 2 - r;
}

const phi = (x: number) => 0.5 * erfc(-x / Math.SQRT2);

/** δ of the Gaussian mechanism with σ at ε for L2 sensitivity Δ (Balle and Wang 2018, theorem 8). */
export function gaussianDelta(sigma: number, epsilon: number, sensitivity: number): number {
  const a = sensitivity / (2 * sigma);
  const b = (epsilon * sigma) / sensitivity;
  return phi(a - b) - Math.exp(epsilon) * phi(-a - b);
}

/** The analytic Gaussian mechanism's σ: the smallest σ whose δ at ε is at most the δ asked for. */
export function analyticGaussianSigma(epsilon: number, delta: number, sensitivity: number): number {
  if (!(epsilon > 0) || !(delta > 0 && delta < 1))
    throw new Error("the Gaussian mechanism needs ε > 0 and 0 < δ < 1");
  let lo = 1e-6 * sensitivity;
  let hi = sensitivity;
  while (gaussianDelta(hi, epsilon, sensitivity) > delta) hi *= 2;
  for (let i = 0; i < 100; i++) {
    const mid = (lo + hi) / 2;
    if (gaussianDelta(mid, epsilon, sensitivity) > delta) lo = mid;
    else hi = mid;
  }
  return hi;
}

/** The classic bound σ = Δ√(2 ln(1.25/δ))/ε (Dwork and Roth, theorem A.1; for ε < 1). */
export function classicGaussianSigma(epsilon: number, delta: number, sensitivity: number): number {
  return (sensitivity * Math.sqrt(2 * Math.log(1.25 / delta))) / epsilon;
}

export type Mechanism = "laplace" | "gaussian";

/** Noise for a value of sensitivity Δ (in grid steps) at (ε, δ): the integer number of steps to add. */
export function noiseSteps(
  mechanism: Mechanism,
  epsilon: number,
  delta: number,
  sensitivity: number,
  r: RandomSource = secureRandom,
): number {
  return mechanism === "laplace"
    ? discreteLaplace(sensitivity / epsilon, r)
    : discreteGaussian(analyticGaussianSigma(epsilon, delta, sensitivity), r);
}

/** The spread of that noise, in grid steps: Laplace scale b, or Gaussian σ. */
export function noiseScale(
  mechanism: Mechanism,
  epsilon: number,
  delta: number,
  sensitivity: number,
): number {
  return mechanism === "laplace" ? sensitivity / epsilon : analyticGaussianSigma(epsilon, delta, sensitivity);
}

/**
 * The count a cell must reach, after noise, to be released when the cells come from the data (an open
 * domain, such as cities): with each person in one cell, a cell that exists only because of one person is
 * released with probability at most δ. Laplace: 1 + b·ln(1/(2δ)); Gaussian: 1 + σ·√(2 ln(1/δ)).
 */
export function releaseThreshold(mechanism: Mechanism, scale: number, delta: number): number {
  return mechanism === "laplace"
    ? 1 + scale * Math.log(1 / (2 * delta))
    : 1 + scale * Math.sqrt(2 * Math.log(1 / delta));
}
