import {
  type BgNbdParams,
  bgNbdConditionalExpectedPurchases,
  bgNbdExpectedPurchases,
  bgNbdProbabilityAlive,
  type FitResult,
  fitBgNbd,
} from "./bg-nbd.js";
import { fitGammaGamma, type GammaGammaParams, gammaGammaExpectedSpend } from "./gamma-gamma.js";
import { rocAuc } from "./metrics.js";
import {
  fitParetoNbd,
  type ParetoNbdParams,
  paretoNbdConditionalExpectedPurchases,
  paretoNbdExpectedPurchases,
  paretoNbdProbabilityAlive,
} from "./pareto-nbd.js";
import { checkRfm, type RfmRow, rfmData } from "./rfm.js";

/**
 * Customer lifetime value from a purchase model (BG/NBD or Pareto/NBD) and the Gamma-Gamma spend model:
 * probability still active, expected purchases in a horizon, expected spend per purchase, and the value of
 * the purchases to come over the horizon, discounted period by period. And how well it all predicts a
 * holdout period the models did not see.
 */

export type PurchaseModelKind = "bg-nbd" | "pareto-nbd";

export type PurchaseModel =
  | ({ kind: "bg-nbd" } & FitResult<BgNbdParams>)
  | ({ kind: "pareto-nbd" } & FitResult<ParetoNbdParams>);

export function fitPurchaseModel(
  kind: PurchaseModelKind,
  rows: readonly RfmRow[] | readonly { id: string; x: number; tx: number; T: number }[],
  options: { penalty?: number } = {},
): PurchaseModel {
  for (const r of rows) checkRfm(r);
  const data = rfmData(rows);
  return kind === "bg-nbd" ? { kind, ...fitBgNbd(data, options) } : { kind, ...fitParetoNbd(data, options) };
}

export function probabilityAlive(model: PurchaseModel, x: number, tx: number, T: number): number {
  return model.kind === "bg-nbd"
    ? bgNbdProbabilityAlive(model.params, x, tx, T)
    : paretoNbdProbabilityAlive(model.params, x, tx, T);
}

/** E[Y(t) | x, t_x, T]. */
export function expectedPurchases(model: PurchaseModel, t: number, x: number, tx: number, T: number): number {
  return model.kind === "bg-nbd"
    ? bgNbdConditionalExpectedPurchases(model.params, t, x, tx, T)
    : paretoNbdConditionalExpectedPurchases(model.params, t, x, tx, T);
}

/** E[X(t)] of a customer just acquired. */
export function expectedPurchasesNew(model: PurchaseModel, t: number): number {
  return model.kind === "bg-nbd"
    ? bgNbdExpectedPurchases(model.params, t)
    : paretoNbdExpectedPurchases(model.params, t);
}

export interface LifetimeValueOptions {
  /** How many periods ahead. */
  periods: number;
  /** Length of a period in the model's time unit (e.g. 30/7 weeks for a month). */
  periodLength: number;
  /** Discount rate per period (0.01 a month is about 12.7 % a year). */
  discountRate: number;
}

/**
 * Σ over periods i of (E[Y(i·L)] − E[Y((i−1)·L)]) · spend / (1 + d)^i: the discounted value of the purchases
 * expected in each period, at the expected spend per purchase.
 */
export function lifetimeValue(
  model: PurchaseModel,
  spend: number,
  row: { x: number; tx: number; T: number },
  options: LifetimeValueOptions,
): number {
  let value = 0;
  let previous = 0;
  for (let i = 1; i <= options.periods; i++) {
    const cumulative = expectedPurchases(model, i * options.periodLength, row.x, row.tx, row.T);
    value += ((cumulative - previous) * spend) / (1 + options.discountRate) ** i;
    previous = cumulative;
  }
  return value;
}

export interface CustomerValue {
  id: string;
  pAlive: number;
  expectedPurchases: number;
  expectedSpend: number;
  clv: number;
}

export interface ClvModels {
  purchases: PurchaseModel;
  /** Absent when too few customers bought twice to fit spend. */
  spend: FitResult<GammaGammaParams> | null;
}

export function fitClvModels(
  kind: PurchaseModelKind,
  rows: readonly RfmRow[],
  options: { penalty?: number } = {},
): ClvModels {
  const purchases = fitPurchaseModel(kind, rows, options);
  const repeaters = rows.filter((r) => r.x > 0 && r.monetary > 0);
  let spend: FitResult<GammaGammaParams> | null = null;
  if (repeaters.length >= 10) {
    spend = fitGammaGamma(repeaters, options);
    if (spend.params.q <= 1) spend = null;
  }
  return { purchases, spend };
}

/** Mean spend per purchase: Gamma-Gamma's conditional expectation, or the customer's own mean without it. */
export function expectedSpend(models: ClvModels, row: RfmRow): number {
  if (models.spend) return gammaGammaExpectedSpend(models.spend.params, row.x, row.monetary);
  return row.x > 0 ? row.monetary : row.firstSpend;
}

export function customerValues(
  models: ClvModels,
  rows: readonly RfmRow[],
  options: LifetimeValueOptions & { horizon: number },
): CustomerValue[] {
  return rows.map((row) => {
    const spend = expectedSpend(models, row);
    return {
      id: row.id,
      pAlive: probabilityAlive(models.purchases, row.x, row.tx, row.T),
      expectedPurchases: expectedPurchases(models.purchases, options.horizon, row.x, row.tx, row.T),
      expectedSpend: spend,
      clv: lifetimeValue(models.purchases, spend, row, options),
    };
  });
}

export interface HoldoutEvaluation {
  customers: number;
  /** Length of the holdout period in the model's unit. */
  holdoutLength: number;
  purchases: {
    actual: number;
    predicted: number;
    mae: number;
    rmse: number;
    correlation: number;
    /** Customers who bought again in the holdout against those who did not, ranked by expected purchases. */
    auc: number;
    /** Mean predicted and actual holdout purchases by calibration frequency (x = 0 … 7, then 7+). */
    byFrequency: { x: string; customers: number; predicted: number; actual: number }[];
  };
  /** Over customers who bought in the holdout: predicted mean spend against their holdout mean spend. */
  spend: {
    customers: number;
    mae: number;
    correlation: number;
    meanPredicted: number;
    meanActual: number;
  } | null;
  /** Total holdout revenue: Σ predicted purchases · predicted spend against what was spent. */
  revenue: { actual: number; predicted: number } | null;
}

function pearson(a: number[], b: number[]): number {
  const n = a.length;
  if (n < 2) return Number.NaN;
  let ma = 0;
  let mb = 0;
  for (let i = 0; i < n; i++) {
    ma += (a[i] as number) / n;
    mb += (b[i] as number) / n;
  }
  let sab = 0;
  let saa = 0;
  let sbb = 0;
  for (let i = 0; i < n; i++) {
    const da = (a[i] as number) - ma;
    const db = (b[i] as number) - mb;
    sab += da * db;
    saa += da * da;
    sbb += db * db;
  }
  return sab / Math.sqrt(saa * sbb);
}

/** Predictions for the holdout from calibration-period models, against what the customers then did. */
export function evaluateHoldout(
  models: ClvModels,
  rows: readonly RfmRow[],
  holdoutLength: number,
): HoldoutEvaluation {
  const predicted: number[] = [];
  const actual: number[] = [];
  const bought: number[] = [];
  const groups = new Map<string, { customers: number; predicted: number; actual: number }>();
  let revenueActual = 0;
  let revenuePredicted = 0;
  const spendPredicted: number[] = [];
  const spendActual: number[] = [];
  for (const row of rows) {
    if (row.holdoutX === undefined) throw new RangeError(`customer ${row.id} has no holdout counts`);
    const p = expectedPurchases(models.purchases, holdoutLength, row.x, row.tx, row.T);
    predicted.push(p);
    actual.push(row.holdoutX);
    bought.push(row.holdoutX > 0 ? 1 : 0);
    const key = row.x >= 8 ? "8+" : String(row.x);
    const g = groups.get(key) ?? { customers: 0, predicted: 0, actual: 0 };
    g.customers++;
    g.predicted += p;
    g.actual += row.holdoutX;
    groups.set(key, g);
    const spend = expectedSpend(models, row);
    revenuePredicted += p * spend;
    revenueActual += row.holdoutX * (row.holdoutMonetary ?? 0);
    if (row.holdoutX > 0) {
      spendPredicted.push(spend);
      spendActual.push(row.holdoutMonetary ?? 0);
    }
  }
  let abs = 0;
  let sq = 0;
  let totalPredicted = 0;
  let totalActual = 0;
  for (let i = 0; i < predicted.length; i++) {
    const e = (predicted[i] as number) - (actual[i] as number);
    abs += Math.abs(e);
    sq += e * e;
    totalPredicted += predicted[i] as number;
    totalActual += actual[i] as number;
  }
  const n = Math.max(1, predicted.length);
  const order = [...groups.keys()].sort((a, b) => Number.parseInt(a, 10) - Number.parseInt(b, 10));
  let spendMae = 0;
  for (let i = 0; i < spendPredicted.length; i++)
    spendMae += Math.abs((spendPredicted[i] as number) - (spendActual[i] as number)) / spendPredicted.length;
  const mean = (v: number[]) => v.reduce((s, x) => s + x, 0) / Math.max(1, v.length);
  return {
    customers: predicted.length,
    holdoutLength,
    purchases: {
      actual: totalActual,
      predicted: totalPredicted,
      mae: abs / n,
      rmse: Math.sqrt(sq / n),
      correlation: pearson(predicted, actual),
      auc: rocAuc(predicted, bought),
      byFrequency: order.map((x) => {
        const g = groups.get(x) as { customers: number; predicted: number; actual: number };
        return {
          x,
          customers: g.customers,
          predicted: g.predicted / g.customers,
          actual: g.actual / g.customers,
        };
      }),
    },
    spend:
      spendPredicted.length > 0
        ? {
            customers: spendPredicted.length,
            mae: spendMae,
            correlation: pearson(spendPredicted, spendActual),
            meanPredicted: mean(spendPredicted),
            meanActual: mean(spendActual),
          }
        : null,
    revenue: { actual: revenueActual, predicted: revenuePredicted },
  };
}
