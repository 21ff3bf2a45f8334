/**
 * How well a score ranks people by uplift (the gain a message brings them), judged on a randomised test set.
 * Rows sorted by score, best first; after the top k rows, with n_t, n_c treated and control rows and y_t, y_c
 * their outcomes:
 *   Qini curve    Q(k) = y_t − y_c · n_t / n_c   (incremental outcomes among the treated, Radcliffe 2007)
 *   uplift curve  U(k) = (y_t / n_t − y_c / n_c) · k  (incremental outcomes had all k been treated)
 * Tied scores are taken together (the curve moves straight across a tie). The coefficients are areas over
 * the population fraction between the curve and the random line joining (0, 0) to (1, Q(N)), normalised by
 * the same area of the perfect ranking (treated responders first, control responders last), as
 * scikit-uplift's `qini_auc_score` and `uplift_auc_score`: 1 is perfect, 0 is random.
 */

export interface CurvePoint {
  /** Share of the population targeted. */
  fraction: number;
  qini: number;
  uplift: number;
}

export interface UpliftEvaluation {
  points: CurvePoint[];
  /** Normalised Qini coefficient (scikit-uplift's qini_auc_score). */
  qini: number;
  /** Normalised area under the uplift curve (scikit-uplift's uplift_auc_score). */
  auuc: number;
  /** Area between the Qini curve and the random line, per person in the test set. */
  qiniArea: number;
  /** The whole test set's difference in outcome rates (treated − control): the average treatment effect. */
  ate: number;
  /** Uplift within the top 10 %, 20 %, 30 % and 50 % by score (treated rate − control rate). */
  upliftAt: { fraction: number; uplift: number; treated: number; control: number }[];
  rows: number;
}

interface RawCurve {
  k: Float64Array;
  q: Float64Array;
  u: Float64Array;
}

function rawCurve(
  scores: ArrayLike<number>,
  treated: ArrayLike<number>,
  outcome: ArrayLike<number>,
): RawCurve {
  const n = scores.length;
  const order = Array.from({ length: n }, (_, i) => i).sort(
    (a, b) => (scores[b] as number) - (scores[a] as number),
  );
  const k: number[] = [0];
  const q: number[] = [0];
  const u: number[] = [0];
  let nt = 0;
  let nc = 0;
  let yt = 0;
  let yc = 0;
  for (let i = 0; i < n; i++) {
    const r = order[i] as number;
    const y = outcome[r] as number;
    if (treated[r]) {
      nt++;
      yt += y;
    } else {
      nc++;
      yc += y;
    }
    const next = order[i + 1];
    if (next !== undefined && scores[next] === scores[r]) continue;
    k.push(i + 1);
    q.push(yt - (nc > 0 ? (yc * nt) / nc : 0));
    u.push((nt > 0 ? yt / nt : 0) - (nc > 0 ? yc / nc : 0));
    u[u.length - 1] = (u[u.length - 1] as number) * (i + 1);
  }
  return { k: Float64Array.from(k), q: Float64Array.from(q), u: Float64Array.from(u) };
}

/** Trapezoid area over x = k / N, minus the random line's. */
function areaAboveRandom(k: Float64Array, y: Float64Array, n: number): number {
  let area = 0;
  for (let i = 1; i < k.length; i++)
    area += (((k[i] as number) - (k[i - 1] as number)) / n) * (((y[i] as number) + (y[i - 1] as number)) / 2);
  const end = y[y.length - 1] as number;
  return area - end / 2;
}

export function evaluateUplift(
  scores: ArrayLike<number>,
  treated: ArrayLike<number>,
  outcome: ArrayLike<number>,
  points = 100,
): UpliftEvaluation {
  const n = scores.length;
  if (treated.length !== n || outcome.length !== n)
    throw new RangeError(`${n} scores, ${treated.length} treatment flags and ${outcome.length} outcomes`);
  const model = rawCurve(scores, treated, outcome);
  const perfectScores = new Float64Array(n);
  for (let i = 0; i < n; i++)
    perfectScores[i] = (outcome[i] as number) * (treated[i] ? 1 : -1) + (treated[i] ? 1e-9 : 0);
  const perfect = rawCurve(perfectScores, treated, outcome);
  const qArea = areaAboveRandom(model.k, model.q, n);
  const qPerfect = areaAboveRandom(perfect.k, perfect.q, n);
  const uArea = areaAboveRandom(model.k, model.u, n);
  const uPerfect = areaAboveRandom(perfect.k, perfect.u, n);
  const sampled: CurvePoint[] = [];
  let j = 0;
  for (let p = 0; p <= points; p++) {
    const target = (p / points) * n;
    while (j + 1 < model.k.length && (model.k[j + 1] as number) <= target) j++;
    // Interpolate inside a step (ties or between sampled rows).
    const k0 = model.k[j] as number;
    const k1 = (model.k[j + 1] ?? k0) as number;
    const w = k1 > k0 ? (target - k0) / (k1 - k0) : 0;
    const lerp = (a: Float64Array) =>
      (a[j] as number) + w * (((a[j + 1] ?? a[j]) as number) - (a[j] as number));
    sampled.push({ fraction: p / points, qini: lerp(model.q), uplift: lerp(model.u) });
  }
  const order = Array.from({ length: n }, (_, i) => i).sort(
    (a, b) => (scores[b] as number) - (scores[a] as number),
  );
  const upliftAt = [0.1, 0.2, 0.3, 0.5].map((fraction) => {
    const top = order.slice(0, Math.round(fraction * n));
    let nt = 0;
    let nc = 0;
    let yt = 0;
    let yc = 0;
    for (const r of top) {
      if (treated[r]) {
        nt++;
        yt += outcome[r] as number;
      } else {
        nc++;
        yc += outcome[r] as number;
      }
    }
    return {
      fraction,
      uplift: (nt ? yt / nt : 0) - (nc ? yc / nc : 0),
      treated: nt ? yt / nt : 0,
      control: nc ? yc / nc : 0,
    };
  });
  const last = model.u[model.u.length - 1] as number;
  return {
    points: sampled,
    qini: qPerfect > 0 ? qArea / qPerfect : 0,
    auuc: uPerfect > 0 ? uArea / uPerfect : 0,
    qiniArea: qArea,
    ate: n > 0 ? last / n : 0,
    upliftAt,
    rows: n,
  };
}
