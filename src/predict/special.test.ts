import { describe, expect, it } from "vitest";
import { hyp2f1, lnBeta, lnGamma, lnHyp2f1, logAddExp, logSubExp } from "./special.js";

/** The defining series summed term by term until the terms vanish: slow near z = 1, but a plain reference. */
function bruteSeries(a: number, b: number, c: number, z: number): number {
  let term = 1;
  let sum = 1;
  for (let n = 0; n < 5_000_000; n++) {
    term *= (((a + n) * (b + n)) / ((c + n) * (n + 1))) * z;
    sum += term;
    if (Math.abs(term) < 1e-18 * Math.abs(sum)) break;
  }
  return sum;
}

describe("lnGamma", () => {
  it("matches factorials and Γ(1/2) = √π", () => {
    let factorial = 1;
    for (let n = 1; n <= 30; n++) {
      factorial *= n;
      expect(lnGamma(n + 1)).toBeCloseTo(Math.log(factorial), 10);
    }
    expect(lnGamma(0.5)).toBeCloseTo(Math.log(Math.sqrt(Math.PI)), 13);
    expect(lnGamma(1)).toBeCloseTo(0, 14);
  });

  it("is finite where Γ overflows, and follows Stirling there", () => {
    const x = 1e6;
    const stirling = (x - 0.5) * Math.log(x) - x + 0.5 * Math.log(2 * Math.PI) + 1 / (12 * x);
    expect(lnGamma(x)).toBeCloseTo(stirling, 6);
  });

  it("gives ln|Γ| below zero by reflection", () => {
    // Γ(−1/2) = −2√π
    expect(lnGamma(-0.5)).toBeCloseTo(Math.log(2 * Math.sqrt(Math.PI)), 12);
    expect(lnBeta(2, 3)).toBeCloseTo(Math.log(1 / 12), 13);
  });
});

describe("log-space sums", () => {
  it("adds and subtracts without overflow", () => {
    expect(logAddExp(1000, 1000)).toBeCloseTo(1000 + Math.LN2, 12);
    expect(logSubExp(1000, 1000 - Math.LN2)).toBeCloseTo(1000 - Math.LN2, 12);
    expect(logSubExp(0, -1e-12)).toBeCloseTo(Math.log(1e-12), 6);
    expect(logSubExp(3, 3)).toBe(Number.NEGATIVE_INFINITY);
    expect(() => logSubExp(1, 2)).toThrow(RangeError);
  });
});

describe("hyp2f1", () => {
  it("matches closed forms across (−∞, 1)", () => {
    for (const z of [-5, -0.9, -0.3, 0.1, 0.5, 0.89, 0.91, 0.99, 0.9995, 0.999999]) {
      // 2F1(1, 1; 2; z) = −ln(1 − z)/z; c − a − b = 0 is the formula's removable pole (relative error ≈ 1e-9)
      expect(hyp2f1(1, 1, 2, z) / (-Math.log1p(-z) / z)).toBeCloseTo(1, 8);
      // 2F1(a, b; b; z) = (1 − z)^−a
      expect(hyp2f1(0.7, 2.5, 2.5, z) / (1 - z) ** -0.7).toBeCloseTo(1, 10);
    }
    for (const x of [0.2, 0.6, 0.9, 0.99]) {
      // 2F1(1/2, 1/2; 3/2; x²) = arcsin(x)/x
      expect(hyp2f1(0.5, 0.5, 1.5, x * x)).toBeCloseTo(Math.asin(x) / x, 9);
    }
  });

  it("agrees with the plain series where the connection formula has a removable pole (c − a − b integer)", () => {
    // c − a − b = 0, 1 and 2: the formula in 1 − z divides by Γ at a pole there.
    for (const [a, b, c] of [
      [1.5, 1.5, 3],
      [0.5, 1.5, 3],
      [0.25, 1.75, 4],
    ] as const) {
      for (const z of [0.8, 0.95, 0.9995]) {
        expect(hyp2f1(a, b, c, z) / bruteSeries(a, b, c, z)).toBeCloseTo(1, 8);
      }
    }
  });

  it("agrees with the plain series for the BG/NBD and Pareto/NBD arguments", () => {
    // 2F1(r + x, b + x; a + b + x − 1; z) with CDNOW-like parameters, and 2F1(a, b; a + 1; z).
    for (const [a, b, c, z] of [
      [2.24, 4.43, 5.2, 0.3],
      [2.24, 4.43, 5.2, 0.9],
      [12.2, 14.4, 15.2, 0.85],
      [3.16, 1.6, 4.16, 0.95],
      [1.8, 0.6, 2.8, 0.999],
    ] as const) {
      expect(hyp2f1(a, b, c, z) / bruteSeries(a, b, c, z)).toBeCloseTo(1, 11);
    }
  });

  it("stays accurate where the connection formula's terms cancel (a heavy buyer's parameters)", () => {
    const [a, b, c, z] = [1278.08, 4.524, 1279.08, 0.98];
    expect(hyp2f1(a, b, c, z) / bruteSeries(a, b, c, z)).toBeCloseTo(1, 10);
  });

  it("gives ln 2F1 where 2F1 itself overflows, as the integral gives it", () => {
    // 2F1(5, 400; 6; 0.95) ≈ e^1200 is past the double range.
    const direct = lnHyp2f1(5, 400, 6, 0.95);
    expect(direct).toBeGreaterThan(710);
    expect(Number.isFinite(direct)).toBe(true);
    // 2F1(a, b; a + 1; z) = a ∫₀¹ t^(a−1) (1 − zt)^(−b) dt, integrated in u = 1 − t on panels finer near u = 0.
    const g = (u: number) => 4 * Math.log1p(-u) - 400 * Math.log1p(-0.95 * (1 - u));
    const top = g(0);
    const nodes = [0, -0.5384693101056831, 0.5384693101056831, -0.906179845938664, 0.906179845938664];
    const weights = [
      0.5688888888888889, 0.4786286704993665, 0.4786286704993665, 0.2369268850561891, 0.2369268850561891,
    ];
    let integral = 0;
    const edges = [0, ...Array.from({ length: 121 }, (_, i) => 10 ** (-8 + i / 15))].filter((e) => e <= 1);
    for (let k = 0; k + 1 < edges.length; k++) {
      const lo = edges[k] as number;
      const half = ((edges[k + 1] as number) - lo) / 2;
      for (let i = 0; i < 5; i++)
        integral +=
          (weights[i] as number) * half * Math.exp(g(lo + half + half * (nodes[i] as number)) - top);
    }
    expect(direct / (Math.log(5) + top + Math.log(integral))).toBeCloseTo(1, 9);
    const [a, b, c, z] = [30, 45, 40, 0.93];
    expect(lnHyp2f1(a, b, c, z)).toBeCloseTo(Math.log(bruteSeries(a, b, c, z)), 8);
  });

  it("terminates for a non-positive integer a and refuses a pole c or z > 1", () => {
    // 2F1(−2, b; c; z) = 1 − 2bz/c + b(b+1)z²/(c(c+1))
    expect(hyp2f1(-2, 3, 4, 0.9)).toBeCloseTo(1 - (2 * 3 * 0.9) / 4 + (3 * 4 * 0.81) / (4 * 5), 12);
    expect(() => hyp2f1(1, 1, -1, 0.5)).toThrow(RangeError);
    expect(() => hyp2f1(1, 1, 2, 1.5)).toThrow(RangeError);
    // Gauss at z = 1: Γ(c)Γ(c−a−b)/(Γ(c−a)Γ(c−b)); 2F1(1, 1; 3; 1) = 2
    expect(hyp2f1(1, 1, 3, 1)).toBeCloseTo(2, 12);
  });
});
