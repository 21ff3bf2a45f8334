import type { CustomerActivity } from "../predict/activity.js";
import { sortActivity } from "../predict/activity.js";
import type { FeatureRow } from "../predict/frame.js";
import type { Transaction } from "../predict/rfm.js";
import { readSource } from "../sources/open-source.js";
import type { ProgressReporter } from "./progress.js";

/**
 * Plain files as prediction input, outside a loaded store: a table of feature rows (propensity, lookalike),
 * a transaction log (customer, date, amount — CLV and buy/churn propensity), or a CLV summary (frequency,
 * recency, T). Rows the reader cannot read are counted and named, never dropped silently.
 */

export interface InputTable {
  path: string;
  columns: string[];
  rows: FeatureRow[];
  /** Rows the reader could not read: how many, and the first few with their reason. */
  unreadable: number;
  problems: string[];
}

export async function readInputTable(
  path: string,
  options: { delimiter?: string; progress?: ProgressReporter } = {},
): Promise<InputTable> {
  const rows: FeatureRow[] = [];
  const problems: string[] = [];
  let unreadable = 0;
  let columns: string[] = [];
  options.progress?.start(`read ${path}`, null, "rows");
  for await (const item of readSource(path, {
    ...(options.delimiter ? { delimiter: options.delimiter } : {}),
    onLayout: (layout) => {
      columns = layout.columns;
    },
  })) {
    if (item.kind === "unreadable") {
      unreadable++;
      if (problems.length < 5) problems.push(`row ${item.rowNumber}: ${item.reason.message}`);
      continue;
    }
    rows.push(item.values as FeatureRow);
    if (rows.length % 10_000 === 0) options.progress?.update(rows.length);
  }
  if (columns.length === 0) {
    const seen = new Set<string>();
    for (const r of rows.slice(0, 1000)) for (const k of Object.keys(r)) seen.add(k);
    columns = [...seen];
  }
  options.progress?.stop(
    `${rows.length.toLocaleString("en-US")} rows${unreadable ? `, ${unreadable} unreadable` : ""}`,
  );
  return { path, columns, rows, unreadable, problems };
}

/** The first of these names that is a column (case-insensitive), or null. */
export function findColumn(columns: readonly string[], candidates: readonly string[]): string | null {
  const lower = new Map(columns.map((c) => [c.toLowerCase(), c]));
  for (const c of candidates) {
    const hit = lower.get(c.toLowerCase());
    if (hit) return hit;
  }
  return null;
}

function requireColumn(
  table: InputTable,
  given: string | undefined,
  candidates: string[],
  what: string,
): string {
  if (given) {
    if (!table.columns.includes(given))
      throw new Error(`${table.path} has no column "${given}" (it has ${table.columns.join(", ")})`);
    return given;
  }
  const found = findColumn(table.columns, candidates);
  if (!found)
    throw new Error(
      `${table.path}: which column is the ${what}? None of ${candidates.join(", ")} is there (it has ${table.columns.join(", ")}); name it with --${what}-column`,
    );
  return found;
}

/** A date as epoch ms: ISO 8601 (with or without time) or YYYYMMDD; null when it is neither. */
export function parseDate(text: string): number | null {
  const t = text.trim();
  const compact = /^(\d{4})(\d{2})(\d{2})$/.exec(t);
  if (compact) {
    const ms = Date.UTC(Number(compact[1]), Number(compact[2]) - 1, Number(compact[3]));
    return Number.isNaN(ms) ? null : ms;
  }
  if (!/^\d{4}-\d{2}-\d{2}/.test(t)) return null;
  const ms = Date.parse(t.length === 10 ? `${t}T00:00:00Z` : t);
  return Number.isNaN(ms) ? null : ms;
}

export interface TransactionColumns {
  customer?: string;
  date?: string;
  amount?: string;
  /** Rows with an event name and no amount are events (for event targets). */
  event?: string;
}

/**
 * A transaction log as customer activity: one row per purchase (customer, date, amount, and a currency
 * column when there is one), optionally with an event column for other dated events. A bad date or amount is an error naming the row.
 */
export function activityFromTable(
  table: InputTable,
  columns: TransactionColumns = {},
): {
  customers: CustomerActivity[];
  columns: Required<Omit<TransactionColumns, "event">> & { event: string | null };
} {
  const customer = requireColumn(
    table,
    columns.customer,
    ["customer_id", "customer", "entity_id", "user_id", "id"],
    "customer",
  );
  const date = requireColumn(
    table,
    columns.date,
    ["date", "order_date", "timestamp", "at", "time", "observed_at"],
    "date",
  );
  const event = columns.event ?? findColumn(table.columns, ["event", "event_name"]);
  const amountColumn =
    columns.amount ??
    findColumn(table.columns, ["amount", "revenue", "dollar_value", "value", "total", "spend"]);
  const currencyColumn = findColumn(table.columns, ["currency"]);
  if (!amountColumn && !event)
    throw new Error(
      `${table.path}: no amount column (amount, revenue, value, total…): name it with --amount-column`,
    );
  const byId = new Map<string, CustomerActivity>();
  table.rows.forEach((row, i) => {
    const id = String(row[customer] ?? "").trim();
    if (!id) throw new Error(`${table.path} row ${i + 1}: no ${customer}`);
    const text = String(row[date] ?? "");
    const at = parseDate(text);
    if (at === null)
      throw new Error(
        `${table.path} row ${i + 1}: "${text}" in ${date} is not a date (YYYY-MM-DD, ISO 8601 or YYYYMMDD)`,
      );
    let c = byId.get(id);
    if (!c) {
      c = { id, transactions: [], events: [], traits: {} };
      byId.set(id, c);
    }
    const rawAmount = amountColumn ? row[amountColumn] : undefined;
    const name = event ? String(row[event] ?? "").trim() : "";
    if (rawAmount !== undefined && String(rawAmount).trim() !== "") {
      const amount = Number(String(rawAmount).trim());
      if (!Number.isFinite(amount))
        throw new Error(
          `${table.path} row ${i + 1}: "${String(rawAmount)}" in ${amountColumn} is not an amount`,
        );
      const currency = currencyColumn ? String(row[currencyColumn] ?? "").trim() : "";
      c.transactions.push({ at, amount, ...(currency ? { currency } : {}) } satisfies Transaction);
      c.events.push({ at, name: name || "purchase" });
    } else if (name) c.events.push({ at, name });
  });
  return {
    customers: [...byId.values()].map(sortActivity),
    columns: { customer, date, amount: amountColumn ?? "", event },
  };
}
