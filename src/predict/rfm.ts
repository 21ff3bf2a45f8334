/**
 * Transactions and the recency–frequency summary the customer-base models read. A customer's transactions
 * on one calendar day (UTC) are one purchase, as in the CDNOW papers; "repeat" purchases are those after
 * the first day. Time is counted in a unit of days (7: weeks, the papers' unit).
 */

export const dayMs = 86_400_000;

/** One purchase event: when (epoch milliseconds), how much, and optionally its currency and order id. */
export interface Transaction {
  at: number;
  amount: number;
  currency?: string;
  id?: string;
}

/** x repeat purchases, the last at t_x, observed for T since the first; m the mean repeat spend. */
export interface RfmRow {
  id: string;
  /** Repeat purchases (purchase days after the first) in the calibration period. */
  x: number;
  /** Time of the last purchase since the first, in the unit. */
  tx: number;
  /** Time from the first purchase to the end of calibration, in the unit. */
  T: number;
  /** Mean spend of the repeat purchase days (0 when x = 0). */
  monetary: number;
  /** Spend on the first day. */
  firstSpend: number;
  /** Epoch day of the first purchase. */
  firstDay: number;
  /** After calibration, when a holdout period is asked for: its purchase days and their mean spend. */
  holdoutX?: number;
  holdoutMonetary?: number;
}

/** The summary as columns, with identical (x, t_x, T) customers optionally folded into weights. */
export interface RfmData {
  x: Float64Array;
  tx: Float64Array;
  T: Float64Array;
  weight: Float64Array;
}

export interface RfmOptions {
  /** End of calibration, epoch ms (inclusive day). */
  calibrationEnd: number;
  /** End of the holdout period, epoch ms: when given, holdout purchases are counted. */
  observationEnd?: number;
  /** Days per time unit (default 7). */
  unitDays?: number;
}

export function epochDay(ms: number): number {
  return Math.floor(ms / dayMs);
}

/**
 * Summarises each customer's transactions: customers whose first purchase is after calibration are left out.
 * A transaction with a non-finite amount or time is an error naming the customer.
 */
export function rfmSummary(
  customers: Iterable<{ id: string; transactions: readonly Transaction[] }>,
  options: RfmOptions,
): RfmRow[] {
  const unit = options.unitDays ?? 7;
  const calEnd = epochDay(options.calibrationEnd);
  const obsEnd = options.observationEnd === undefined ? null : epochDay(options.observationEnd);
  const out: RfmRow[] = [];
  for (const c of customers) {
    const days = new Map<number, number>();
    for (const t of c.transactions) {
      if (!Number.isFinite(t.at)) throw new RangeError(`customer ${c.id}: a transaction has no valid time`);
      if (!Number.isFinite(t.amount))
        throw new RangeError(
          `customer ${c.id}: the transaction at ${new Date(t.at).toISOString()} has no amount`,
        );
      const d = epochDay(t.at);
      days.set(d, (days.get(d) ?? 0) + t.amount);
    }
    if (days.size === 0) continue;
    const sorted = [...days.keys()].sort((a, b) => a - b);
    const first = sorted[0] as number;
    if (first > calEnd) continue;
    let x = 0;
    let last = first;
    let repeatSpend = 0;
    let holdoutX = 0;
    let holdoutSpend = 0;
    for (const d of sorted) {
      if (d === first) continue;
      if (d <= calEnd) {
        x++;
        last = d;
        repeatSpend += days.get(d) as number;
      } else if (obsEnd !== null && d <= obsEnd) {
        holdoutX++;
        holdoutSpend += days.get(d) as number;
      }
    }
    const row: RfmRow = {
      id: c.id,
      x,
      tx: (last - first) / unit,
      T: (calEnd - first) / unit,
      monetary: x > 0 ? repeatSpend / x : 0,
      firstSpend: days.get(first) as number,
      firstDay: first,
    };
    if (obsEnd !== null) {
      row.holdoutX = holdoutX;
      row.holdoutMonetary = holdoutX > 0 ? holdoutSpend / holdoutX : 0;
    }
    out.push(row);
  }
  return out;
}

/** Checks a summary row: 0 ≤ t_x ≤ T, x a whole number ≥ 0, t_x = 0 when x = 0; the error names the row. */
export function checkRfm(row: { id: string; x: number; tx: number; T: number }): void {
  const { id, x, tx, T } = row;
  if (!(Number.isInteger(x) && x >= 0))
    throw new RangeError(`customer ${id}: frequency ${x} is not a whole number ≥ 0`);
  if (!(Number.isFinite(tx) && tx >= 0))
    throw new RangeError(`customer ${id}: recency ${tx} is not a number ≥ 0`);
  if (!(Number.isFinite(T) && T >= tx))
    throw new RangeError(`customer ${id}: T ${T} is less than recency ${tx}`);
  if (x === 0 && tx !== 0) throw new RangeError(`customer ${id}: recency ${tx} with no repeat purchase`);
  if (x > 0 && T <= 0) throw new RangeError(`customer ${id}: repeat purchases with T = ${T}`);
}

/** Columns for fitting; identical (x, t_x, T) customers become one row with their count as weight. */
export function rfmData(rows: readonly { x: number; tx: number; T: number }[], fold = true): RfmData {
  if (!fold) {
    return {
      x: Float64Array.from(rows, (r) => r.x),
      tx: Float64Array.from(rows, (r) => r.tx),
      T: Float64Array.from(rows, (r) => r.T),
      weight: new Float64Array(rows.length).fill(1),
    };
  }
  const groups = new Map<string, { x: number; tx: number; T: number; w: number }>();
  for (const r of rows) {
    const key = `${r.x}|${r.tx}|${r.T}`;
    const g = groups.get(key);
    if (g) g.w++;
    else groups.set(key, { x: r.x, tx: r.tx, T: r.T, w: 1 });
  }
  const list = [...groups.values()];
  return {
    x: Float64Array.from(list, (g) => g.x),
    tx: Float64Array.from(list, (g) => g.tx),
    T: Float64Array.from(list, (g) => g.T),
    weight: Float64Array.from(list, (g) => g.w),
  };
}
