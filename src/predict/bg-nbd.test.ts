import { describe, expect, it } from "vitest";
import {
  type BgNbdParams,
  bgNbdConditionalExpectedPurchases,
  bgNbdExpectedPurchases,
  bgNbdLogLikelihood,
  bgNbdProbabilityAlive,
  fitBgNbd,
} from "./bg-nbd.js";
import {
  fitParetoNbd,
  lnA0ByHypergeometric,
  lnA0ByQuadrature,
  type ParetoNbdParams,
  paretoNbdConditionalExpectedPurchases,
  paretoNbdExpectedPurchases,
  paretoNbdProbabilityAlive,
} from "./pareto-nbd.js";
import { Random } from "./random.js";
import { rfmData } from "./rfm.js";
import { datasetFile, missingDataset, readSimpleTable } from "./testing.js";

/** |estimate − published| within one unit of the last digit printed in the paper. */
function withinLastDigit(estimate: number, published: string): void {
  const decimals = published.split(".")[1]?.length ?? 0;
  expect(Math.abs(estimate - Number(published))).toBeLessThanOrEqual(10 ** -decimals);
}

const summary = datasetFile("cdnow", "cdnow_customers_summary.csv");

describe.skipIf(!summary)(
  `CDNOW (${summary ? "present" : missingDataset("cdnow", "cdnow_customers_summary.csv")})`,
  () => {
    const rows = summary
      ? readSimpleTable(summary).map((r) => ({
          x: Number(r.frequency),
          tx: Number(r.recency),
          T: Number(r.T),
        }))
      : [];

    it("reproduces the published BG/NBD fit: r 0.243, α 4.414, a 0.793, b 2.426, ln L −9582.4", () => {
      expect(rows).toHaveLength(2357);
      const fit = fitBgNbd(rfmData(rows));
      expect(fit.converged).toBe(true);
      withinLastDigit(fit.params.r, "0.243");
      withinLastDigit(fit.params.alpha, "4.414");
      withinLastDigit(fit.params.a, "0.793");
      withinLastDigit(fit.params.b, "2.426");
      withinLastDigit(fit.logLikelihood, "-9582.4");
      // Standard errors as lifetimes reports them for this fit (0.013, 0.378, 0.186, 0.705).
      expect(fit.standardErrors?.r).toBeCloseTo(0.0126, 3);
      expect(fit.standardErrors?.alpha).toBeCloseTo(0.378, 2);
    });

    it("reproduces the published Pareto/NBD fit: r 0.55, α 10.58, s 0.61, β 11.67, ln L −9595.0", () => {
      const fit = fitParetoNbd(rfmData(rows));
      withinLastDigit(fit.params.r, "0.55");
      withinLastDigit(fit.params.alpha, "10.58");
      withinLastDigit(fit.params.s, "0.61");
      withinLastDigit(fit.params.beta, "11.67");
      withinLastDigit(fit.logLikelihood, "-9595.0");
    });

    it("folding identical customers into weights changes nothing", () => {
      const folded = fitBgNbd(rfmData(rows, true));
      const plain = fitBgNbd(rfmData(rows, false), { start: folded.params });
      expect(plain.logLikelihood).toBeCloseTo(folded.logLikelihood, 4);
    });
  },
);

const cdnowParams: BgNbdParams = { r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 };
const paretoParams: ParetoNbdParams = { r: 0.553, alpha: 10.578, s: 0.606, beta: 11.669 };

describe("BG/NBD expressions", () => {
  it("P(alive) is 1 without repeat purchases and falls the longer a buyer has been silent", () => {
    expect(bgNbdProbabilityAlive(cdnowParams, 0, 0, 30)).toBe(1);
    const recent = bgNbdProbabilityAlive(cdnowParams, 4, 30, 32);
    const silent = bgNbdProbabilityAlive(cdnowParams, 4, 5, 32);
    expect(recent).toBeGreaterThan(silent);
    expect(silent).toBeGreaterThan(0);
  });

  it("a customer just acquired expects E[X(t)], and the expectation grows with t", () => {
    for (const t of [1, 10, 39, 78, 400]) {
      expect(bgNbdConditionalExpectedPurchases(cdnowParams, t, 0, 0, 0)).toBeCloseTo(
        bgNbdExpectedPurchases(cdnowParams, t),
        8,
      );
    }
    let last = 0;
    for (const t of [5, 20, 52, 104, 520, 5200]) {
      const e = bgNbdConditionalExpectedPurchases(cdnowParams, t, 3, 30, 38.86);
      expect(e).toBeGreaterThan(last);
      last = e;
    }
  });

  it("E[X(t)] is the mean of purchases simulated from the model", () => {
    const rng = new Random(7);
    const t = 39;
    let total = 0;
    const n = 40_000;
    for (let i = 0; i < n; i++) {
      const lambda = rng.gamma(cdnowParams.r, cdnowParams.alpha);
      const p = rng.beta(cdnowParams.a, cdnowParams.b);
      let now = 0;
      for (;;) {
        now += rng.exponential(lambda);
        if (now > t) break;
        total++;
        if (rng.next() < p) break;
      }
    }
    expect(total / n).toBeCloseTo(bgNbdExpectedPurchases(cdnowParams, t), 1);
  });

  it("a heavy buyer's likelihood stays finite (logs, not powers)", () => {
    const ll = bgNbdLogLikelihood(cdnowParams, 400, 500, 520);
    expect(Number.isFinite(ll)).toBe(true);
    expect(Number.isFinite(bgNbdConditionalExpectedPurchases(cdnowParams, 52, 400, 500, 520))).toBe(true);
  });
});

/** Customers simulated from known parameters, observed for 26–78 weeks. */
function simulate(kind: "bg-nbd" | "pareto-nbd", n: number, seed: number) {
  const rng = new Random(seed);
  const rows: { x: number; tx: number; T: number }[] = [];
  for (let i = 0; i < n; i++) {
    const T = 26 + rng.next() * 52;
    let x = 0;
    let tx = 0;
    let now = 0;
    if (kind === "bg-nbd") {
      const lambda = rng.gamma(0.6, 4);
      const p = rng.beta(1.2, 3.5);
      for (;;) {
        now += rng.exponential(lambda);
        if (now > T) break;
        x++;
        tx = now;
        if (rng.next() < p) break;
      }
    } else {
      const lambda = rng.gamma(0.6, 4);
      const lifetime = rng.exponential(rng.gamma(0.8, 12));
      const end = Math.min(T, lifetime);
      for (;;) {
        now += rng.exponential(lambda);
        if (now > end) break;
        x++;
        tx = now;
      }
    }
    rows.push({ x, tx, T });
  }
  return rows;
}

describe("fits recover the parameters customers were simulated from", () => {
  it("BG/NBD: every true parameter within three standard errors", () => {
    const fit = fitBgNbd(rfmData(simulate("bg-nbd", 4000, 11)));
    const se = fit.standardErrors as BgNbdParams;
    const truth: BgNbdParams = { r: 0.6, alpha: 4, a: 1.2, b: 3.5 };
    for (const k of ["r", "alpha", "a", "b"] as const)
      expect(Math.abs(fit.params[k] - truth[k]), k).toBeLessThan(3 * se[k]);
  });

  it("Pareto/NBD: every true parameter within three standard errors", () => {
    const fit = fitParetoNbd(rfmData(simulate("pareto-nbd", 4000, 12)));
    const se = fit.standardErrors as ParetoNbdParams;
    const truth: ParetoNbdParams = { r: 0.6, alpha: 4, s: 0.8, beta: 12 };
    for (const k of ["r", "alpha", "s", "beta"] as const)
      expect(Math.abs(fit.params[k] - truth[k]), k).toBeLessThan(3 * se[k]);
  });
});

describe("Pareto/NBD expressions", () => {
  it("P(alive) is 1 when the last purchase is now and falls with silence", () => {
    expect(paretoNbdProbabilityAlive(paretoParams, 3, 30, 30)).toBe(1);
    expect(paretoNbdProbabilityAlive(paretoParams, 3, 30, 38)).toBeGreaterThan(
      paretoNbdProbabilityAlive(paretoParams, 3, 10, 38),
    );
  });

  it("a customer just acquired expects E[X(t)]; s = 1 takes the logarithmic limit", () => {
    expect(paretoNbdConditionalExpectedPurchases(paretoParams, 39, 0, 0, 0)).toBeCloseTo(
      paretoNbdExpectedPurchases(paretoParams, 39),
      8,
    );
    const near = { ...paretoParams, s: 1 + 1e-7 };
    const at = { ...paretoParams, s: 1 };
    expect(paretoNbdExpectedPurchases(at, 52)).toBeCloseTo(paretoNbdExpectedPurchases(near, 52), 5);
  });

  it("the likelihood's 2F1 form agrees with quadrature of its integral form", () => {
    for (const p of [
      paretoParams,
      { ...paretoParams, alpha: 14, beta: 3 },
      { r: 2, alpha: 0.5, s: 3, beta: 40 },
    ])
      for (const [x, tx, T] of [
        [0, 0, 38],
        [2, 30.43, 38.86],
        [10, 5, 39],
        [50, 20, 70],
      ] as const)
        expect(lnA0ByHypergeometric(p, x, tx, T)).toBeCloseTo(lnA0ByQuadrature(p, x, tx, T), 9);
  });

  it("works when α < β and when α ≥ β (the two forms of the likelihood)", () => {
    const swapped = { ...paretoParams, alpha: 14, beta: 3 };
    const p = paretoNbdProbabilityAlive(swapped, 2, 10, 39);
    expect(p).toBeGreaterThan(0);
    expect(p).toBeLessThan(1);
  });
});
