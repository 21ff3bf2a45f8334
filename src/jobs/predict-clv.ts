import type { CustomerActivity } from "../predict/activity.js";
import {
  type ClvModels,
  type CustomerValue,
  customerValues,
  evaluateHoldout,
  fitClvModels,
  type HoldoutEvaluation,
  type PurchaseModelKind,
} from "../predict/clv.js";
import { dayMs, type RfmRow, rfmSummary } from "../predict/rfm.js";
import type { Store } from "../store/open-store.js";
import { failModelRun, finishModelRun, startModelRun, writeScores } from "../store/scores.js";
import { loadStoreActivity, type StoreActivity } from "./predict-activity.js";
import { findColumn, type InputTable } from "./predict-input.js";
import { storableOptions } from "./predict-options.js";
import { type ProgressReporter, silentProgress } from "./progress.js";

/**
 * Lifetime value end to end: customers' transactions → recency/frequency summaries → a purchase model
 * (BG/NBD or Pareto/NBD) and Gamma-Gamma for spend, first fitted on a calibration period and judged on the
 * holdout after it, then refitted on everything to score each customer: probability still active, expected
 * purchases and spend over the horizon, and the discounted value of it (CLV). On the store, the scores go
 * on the profiles (`clv`, `p_alive`, `expected_purchases`, `expected_spend`) with the run that made them.
 */

export interface ClvOptions {
  model?: PurchaseModelKind;
  /** Days per time unit of the model (default 7: weeks, the papers' unit). */
  unitDays?: number;
  /** Horizon of expected purchases and lifetime value, in days (default 365). */
  horizonDays?: number;
  /** Days per discounting period (default 30). */
  periodDays?: number;
  /** Yearly discount rate (default 0.10). */
  annualDiscount?: number;
  /** Length of the holdout used to judge the models, in days (default 180, less when the history is short). */
  holdoutDays?: number;
  /** "Now" (epoch ms): default the day of the last purchase. */
  asOf?: number;
  /** Currency → factor into the reporting currency (e.g. { EUR: 1.08 }); amounts in others are used as they are. */
  rates?: Record<string, number>;
  penalty?: number;
  progress?: ProgressReporter;
  log?: (line: string) => void;
}

export interface ClvFit {
  model: PurchaseModelKind;
  parameters: Record<string, number>;
  standardErrors: Record<string, number> | null;
  logLikelihood: number;
  customers: number;
  converged: boolean;
  atBound: boolean;
  spend: {
    parameters: Record<string, number>;
    standardErrors: Record<string, number> | null;
    logLikelihood: number;
    customers: number;
  } | null;
}

export interface ClvReport {
  runId: string | null;
  model: PurchaseModelKind;
  unitDays: number;
  horizonDays: number;
  asOf: string | null;
  customers: number;
  fit: ClvFit;
  /** Models fitted before the holdout, judged on it; null (with the reason in `warnings`) when it could not be done. */
  holdout: (HoldoutEvaluation & { calibrationEnd: string; fit: ClvFit }) | null;
  summary: {
    totalClv: number;
    meanClv: number;
    medianClv: number;
    /** Share of all value in the top 10 % of customers. */
    top10Share: number;
    meanPAlive: number;
    expectedPurchases: number;
  };
  currencies: Record<string, number>;
  warnings: string[];
  scored: number;
}

function describeFit(models: ClvModels): ClvFit {
  const p = models.purchases;
  return {
    model: p.kind,
    parameters: { ...p.params },
    standardErrors: p.standardErrors ? { ...p.standardErrors } : null,
    logLikelihood: p.logLikelihood,
    customers: p.customers,
    converged: p.converged,
    atBound: p.atBound,
    spend: models.spend
      ? {
          parameters: { ...models.spend.params },
          standardErrors: models.spend.standardErrors ? { ...models.spend.standardErrors } : null,
          logLikelihood: models.spend.logLikelihood,
          customers: models.spend.customers,
        }
      : null,
  };
}

function summarise(values: CustomerValue[]): ClvReport["summary"] {
  const clv = values.map((v) => v.clv).sort((a, b) => b - a);
  const total = clv.reduce((s, v) => s + v, 0);
  const top = clv.slice(0, Math.max(1, Math.round(clv.length / 10))).reduce((s, v) => s + v, 0);
  return {
    totalClv: total,
    meanClv: total / Math.max(1, clv.length),
    medianClv: clv[Math.floor(clv.length / 2)] ?? 0,
    top10Share: total > 0 ? top / total : 0,
    meanPAlive: values.reduce((s, v) => s + v.pAlive, 0) / Math.max(1, values.length),
    expectedPurchases: values.reduce((s, v) => s + v.expectedPurchases, 0),
  };
}

/** Converts amounts with the given rates; returns the currencies seen and a warning when they were mixed. */
function convertCurrencies(
  customers: CustomerActivity[],
  rates: Record<string, number> | undefined,
  warnings: string[],
) {
  const seen: Record<string, number> = {};
  for (const c of customers)
    for (const t of c.transactions) {
      if (!t.currency) continue;
      seen[t.currency] = (seen[t.currency] ?? 0) + 1;
    }
  const kinds = Object.keys(seen);
  if (rates) {
    const missing = kinds.filter((k) => rates[k] === undefined);
    if (missing.length > 0)
      warnings.push(`no rate for ${missing.join(", ")}: those amounts are used as they are`);
    for (const c of customers)
      for (const t of c.transactions)
        if (t.currency && rates[t.currency] !== undefined) t.amount *= rates[t.currency] as number;
  } else if (kinds.length > 1) {
    warnings.push(
      `amounts are in ${kinds.length} currencies (${kinds.join(", ")}) and were added as they are: give rates (--rates EUR=1.08,GBP=1.27) to convert them`,
    );
  }
  return seen;
}

/** The whole CLV computation over customers' transactions (from the store or a file). */
export function clvFromActivity(
  customers: CustomerActivity[],
  options: ClvOptions = {},
): { report: Omit<ClvReport, "runId" | "scored">; values: CustomerValue[]; rows: RfmRow[] } {
  const log = options.log ?? (() => {});
  const kind = options.model ?? "bg-nbd";
  const unitDays = options.unitDays ?? 7;
  const horizonDays = options.horizonDays ?? 365;
  const periodDays = options.periodDays ?? 30;
  const periods = Math.max(1, Math.round(horizonDays / periodDays));
  const discountRate = (1 + (options.annualDiscount ?? 0.1)) ** (periodDays / 365) - 1;
  const warnings: string[] = [];
  const currencies = convertCurrencies(customers, options.rates, warnings);
  let first = Number.POSITIVE_INFINITY;
  let last = Number.NEGATIVE_INFINITY;
  for (const c of customers)
    for (const t of c.transactions) {
      first = Math.min(first, t.at);
      last = Math.max(last, t.at);
    }
  if (!Number.isFinite(first)) throw new Error("no transactions: nothing to fit a lifetime-value model to");
  const asOf = options.asOf ?? last;
  const span = (asOf - first) / dayMs;
  const holdoutDays = options.holdoutDays ?? Math.min(180, Math.floor(span / 3));
  const lifetime = {
    periods,
    periodLength: periodDays / unitDays,
    discountRate,
    horizon: horizonDays / unitDays,
  };

  let holdout: ClvReport["holdout"] = null;
  if (holdoutDays >= 7) {
    const calibrationEnd = asOf - holdoutDays * dayMs;
    const calRows = rfmSummary(customers, { calibrationEnd, observationEnd: asOf, unitDays });
    log(
      `holdout: fitting on ${calRows.length.toLocaleString("en-US")} customers up to ${new Date(calibrationEnd).toISOString().slice(0, 10)}, judging the next ${holdoutDays} days`,
    );
    try {
      const calModels = fitClvModels(
        kind,
        calRows,
        options.penalty !== undefined ? { penalty: options.penalty } : {},
      );
      holdout = {
        ...evaluateHoldout(calModels, calRows, holdoutDays / unitDays),
        calibrationEnd: new Date(calibrationEnd).toISOString(),
        fit: describeFit(calModels),
      };
    } catch (error) {
      warnings.push(`no holdout evaluation: ${(error as Error).message}`);
    }
  } else warnings.push(`the history (${Math.round(span)} days) is too short for a holdout evaluation`);

  const rows = rfmSummary(customers, { calibrationEnd: asOf, unitDays });
  log(`fit: ${kind} and Gamma-Gamma on ${rows.length.toLocaleString("en-US")} customers`);
  const models = fitClvModels(kind, rows, options.penalty !== undefined ? { penalty: options.penalty } : {});
  if (!models.spend)
    warnings.push("too few repeat buyers to fit spend: each customer's own mean spend is used");
  if (models.purchases.atBound)
    warnings.push(
      "a parameter of the purchase model ended at its bound: the data show no drop-out or no heterogeneity",
    );
  const values = customerValues(models, rows, lifetime);
  return {
    report: {
      model: kind,
      unitDays,
      horizonDays,
      asOf: new Date(asOf).toISOString(),
      customers: rows.length,
      fit: describeFit(models),
      holdout,
      summary: summarise(values),
      currencies,
      warnings,
    },
    values,
    rows,
  };
}

/**
 * A CLV summary file (frequency, recency, T and optionally monetary_value, as lifetimes and the CDNOW
 * papers write it) fitted as it is: no holdout, times in whatever unit the file uses.
 */
export function clvFromSummary(
  table: InputTable,
  options: ClvOptions = {},
): { report: Omit<ClvReport, "runId" | "scored">; values: CustomerValue[] } {
  const col = (names: string[]) => findColumn(table.columns, names);
  const x = col(["frequency", "x"]);
  const tx = col(["recency", "t_x"]);
  const T = col(["T", "age"]);
  const m = col(["monetary_value", "monetary", "zbar", "m"]);
  const id = col(["id", "customer_id", "customer"]);
  if (!x || !tx || !T)
    throw new Error(`${table.path} is not a CLV summary: it needs frequency, recency and T columns`);
  const num = (v: unknown, i: number, name: string) => {
    const n = Number(String(v ?? "").trim());
    if (!Number.isFinite(n))
      throw new Error(`${table.path} row ${i + 1}: "${String(v)}" in ${name} is not a number`);
    return n;
  };
  const rows: RfmRow[] = table.rows.map((r, i) => ({
    id: id ? String(r[id]) : String(i + 1),
    x: num(r[x], i, x),
    tx: num(r[tx], i, tx),
    T: num(r[T], i, T),
    monetary: m ? num(r[m], i, m) : 0,
    firstSpend: m ? num(r[m], i, m) : 0,
    firstDay: 0,
  }));
  const kind = options.model ?? "bg-nbd";
  const unitDays = options.unitDays ?? 7;
  const horizonDays = options.horizonDays ?? 365;
  const periodDays = options.periodDays ?? 30;
  const models = fitClvModels(kind, rows, options.penalty !== undefined ? { penalty: options.penalty } : {});
  const warnings: string[] = [
    "a summary file has no dates: no holdout evaluation; times are in the file's unit",
  ];
  const values = customerValues(models, rows, {
    periods: Math.max(1, Math.round(horizonDays / periodDays)),
    periodLength: periodDays / unitDays,
    discountRate: (1 + (options.annualDiscount ?? 0.1)) ** (periodDays / 365) - 1,
    horizon: horizonDays / unitDays,
  });
  return {
    report: {
      model: kind,
      unitDays,
      horizonDays,
      asOf: null,
      customers: rows.length,
      fit: describeFit(models),
      holdout: null,
      summary: summarise(values),
      currencies: {},
      warnings,
    },
    values,
  };
}

/** Loads the store's activity, computes CLV, and writes the four scores and the model run. */
export async function predictClvOnStore(
  store: Store,
  options: ClvOptions = {},
): Promise<{ report: ClvReport; activity: StoreActivity }> {
  const log = options.log ?? (() => {});
  const activity = await loadStoreActivity(store, { progress: options.progress ?? silentProgress });
  const inputs = {
    model: options.model ?? "bg-nbd",
    unitDays: options.unitDays ?? 7,
    horizonDays: options.horizonDays ?? 365,
    periodDays: options.periodDays ?? 30,
    annualDiscount: options.annualDiscount ?? 0.1,
    records: activity.records,
    transactions: activity.transactions,
    duplicateOrders: activity.duplicateOrders,
    badAmounts: activity.badAmounts,
    rates: options.rates ?? null,
    options: storableOptions(options),
  };
  const runId = await startModelRun(store.db, { kind: "clv", name: "clv", inputs });
  try {
    // "Now" is the last purchase seen unless said otherwise: records observed at import time (a source with
    // no dates) must not make every customer look silent since.
    const { report, values, rows } = clvFromActivity(activity.customers, options);
    if (activity.badAmounts.count > 0)
      report.warnings.push(
        `${activity.badAmounts.count} records have an amount that is not a number and were not counted as purchases: ${activity.badAmounts.records.join("; ")}`,
      );
    const rowById = new Map(rows.map((r) => [r.id, r]));
    const currencyOf = new Map(
      activity.customers.map((c) => [c.id, c.transactions.find((t) => t.currency)?.currency ?? null]),
    );
    const horizonDays = report.horizonDays;
    log(`write: ${values.length.toLocaleString("en-US")} profiles`);
    const details = (v: CustomerValue) => {
      const r = rowById.get(v.id) as RfmRow;
      return {
        horizonDays,
        model: report.model,
        repeatPurchases: r.x,
        daysSinceLastPurchase: Math.round((r.T - r.tx) * report.unitDays),
        daysSinceFirstPurchase: Math.round(r.T * report.unitDays),
        currency: options.rates ? "converted" : (currencyOf.get(v.id) ?? null),
      };
    };
    await writeScores(
      store.db,
      "clv",
      runId,
      values.map((v) => ({
        entityId: v.id,
        value: v.clv,
        details: {
          ...details(v),
          pAlive: v.pAlive,
          expectedPurchases: v.expectedPurchases,
          expectedSpend: v.expectedSpend,
        },
      })),
    );
    await writeScores(
      store.db,
      "p_alive",
      runId,
      values.map((v) => ({ entityId: v.id, value: v.pAlive, details: details(v) })),
    );
    await writeScores(
      store.db,
      "expected_purchases",
      runId,
      values.map((v) => ({ entityId: v.id, value: v.expectedPurchases, details: details(v) })),
    );
    await writeScores(
      store.db,
      "expected_spend",
      runId,
      values.map((v) => ({ entityId: v.id, value: v.expectedSpend, details: details(v) })),
    );
    const full: ClvReport = { ...report, runId, scored: values.length };
    await finishModelRun(store.db, runId, {
      parameters: full.fit as unknown as Record<string, unknown>,
      evaluation: full.holdout as unknown as Record<string, unknown> | null,
      model: { fit: full.fit, summary: full.summary, warnings: full.warnings },
      scored: values.length,
    });
    return { report: full, activity };
  } catch (error) {
    await failModelRun(store.db, runId, (error as Error).message);
    throw error;
  }
}
