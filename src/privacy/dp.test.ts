import { describe, expect, it } from "vitest";
import {
  analyticGaussianSigma,
  bernoulliExp,
  classicGaussianSigma,
  discreteGaussian,
  discreteLaplace,
  discreteLaplaceVariance,
  gaussianDelta,
  noiseScale,
  secureRandom,
} from "./dp.js";

/**
 * The noise is checked statistically: 20,000 draws from the secure source, their spread against the scale the
 * budget implies. The tolerances are ~8 standard errors of the estimates, so a correct sampler fails with
 * probability far below 1e-9, while a sampler off by a factor (a wrong calibration) fails at once.
 */

const n = 20_000;
function moments(xs: number[]) {
  const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
  const variance = xs.reduce((a, b) => a + (b - mean) ** 2, 0) / (xs.length - 1);
  const mad = xs.reduce((a, b) => a + Math.abs(b - mean), 0) / xs.length;
  return { mean, sd: Math.sqrt(variance), mad };
}

describe("noise", () => {
  it("Bernoulli(exp(−γ)) has the right rate", () => {
    for (const g of [0.3, 1, 2.5]) {
      let hits = 0;
      for (let i = 0; i < n; i++) if (bernoulliExp(g)) hits++;
      const p = Math.exp(-g);
      expect(Math.abs(hits / n - p)).toBeLessThan(8 * Math.sqrt((p * (1 - p)) / n));
    }
  });

  it("the discrete Laplace's spread matches the scale Δ/ε: sd = √2·b, mean absolute deviation = b", () => {
    for (const epsilon of [0.1, 0.5, 1]) {
      const b = noiseScale("laplace", epsilon, 0, 1);
      expect(b).toBeCloseTo(1 / epsilon, 12);
      const xs = Array.from({ length: n }, () => discreteLaplace(b));
      expect(xs.every(Number.isInteger)).toBe(true);
      const m = moments(xs);
      const sd = Math.sqrt(discreteLaplaceVariance(b));
      expect(Math.abs(m.mean)).toBeLessThan((8 * sd) / Math.sqrt(n));
      // Laplace: the sd's relative standard error is about √(5/4n); 8 of them is ~6%.
      expect(Math.abs(m.sd / sd - 1)).toBeLessThan(0.07);
      if (b >= 5) expect(Math.abs(m.mad / b - 1)).toBeLessThan(0.06);
    }
  });

  it("the discrete Gaussian's spread matches the σ the (ε, δ) budget implies", () => {
    for (const [epsilon, delta] of [
      [0.5, 1e-6],
      [1, 1e-5],
      [2, 1e-6],
    ] as const) {
      const sigma = noiseScale("gaussian", epsilon, delta, 1);
      const xs = Array.from({ length: n }, () => discreteGaussian(sigma));
      const m = moments(xs);
      expect(Math.abs(m.mean)).toBeLessThan((8 * sigma) / Math.sqrt(n));
      // Gaussian: the sd's relative standard error is 1/√(2n) = 0.5%; 8 of them is 4%.
      expect(Math.abs(m.sd / sigma - 1)).toBeLessThan(0.04);
      expect(Math.abs(m.mad / (sigma * Math.sqrt(2 / Math.PI)) - 1)).toBeLessThan(0.04);
    }
  });

  it("calibrates the analytic Gaussian to meet δ exactly and below the classic bound", () => {
    const s = analyticGaussianSigma(0.5, 1e-6, 1);
    expect(gaussianDelta(s, 0.5, 1)).toBeLessThanOrEqual(1e-6 * 1.0001);
    expect(gaussianDelta(s * 0.99, 0.5, 1)).toBeGreaterThan(1e-6);
    expect(s).toBeLessThan(classicGaussianSigma(0.5, 1e-6, 1));
    // Known value (Balle and Wang's calibration; ε = 1, δ = 1e-5, Δ = 1): σ ≈ 3.73.
    expect(analyticGaussianSigma(1, 1e-5, 1)).toBeCloseTo(3.73, 1);
  });

  it("draws 53-bit uniforms in [0, 1)", () => {
    const xs = Array.from({ length: n }, () => secureRandom.uniform());
    expect(Math.min(...xs)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...xs)).toBeLessThan(1);
    expect(Math.abs(moments(xs).mean - 0.5)).toBeLessThan(8 * Math.sqrt(1 / 12 / n));
  });
});
