import type { FeatureRow } from "./frame.js";
import { dayMs, type Transaction } from "./rfm.js";

/**
 * What the models know about a customer, whatever it came from: transactions (orders), dated events
 * (every touch: app events, visits, sign-ups, support mails) and traits that do not change with time. The
 * store's records feed it today; the real-time event table can feed the same shape. From it come the
 * features as of any moment — using only what happened before that moment — and labels for what happened
 * in a window after it, so that a model learns from the past exactly what it will be asked about the future.
 */

export interface ActivityEvent {
  /** Epoch ms. */
  at: number;
  /** What happened: a source ("crm", "support") or a source and event ("app_events:Product Viewed"). */
  name: string;
}

/** What one record said about a customer's traits, and when: null values say nothing. */
export interface TraitObservation {
  at: number;
  traits: FeatureRow;
}

export interface CustomerActivity {
  id: string;
  /** Sorted by time. */
  transactions: Transaction[];
  /** Sorted by time. */
  events: ActivityEvent[];
  /**
   * Traits and their defaults (every customer has the same keys, so that every row has the same columns):
   * country, gender, birth year… Taken as they are unless `observedTraits` says otherwise.
   */
  traits: FeatureRow;
  /**
   * Traits as records said them over time, sorted: features as of a moment take the latest value said
   * before it. A trait known only from a later record (the country of a future order's address) must not
   * tell the model about that order.
   */
  observedTraits?: TraitObservation[];
}

/** Sorts a customer's transactions and events by time, in place, and returns it. */
export function sortActivity(c: CustomerActivity): CustomerActivity {
  c.transactions.sort((a, b) => a.at - b.at);
  c.events.sort((a, b) => a.at - b.at);
  c.observedTraits?.sort((a, b) => a.at - b.at);
  return c;
}

export interface ActivityFeatureOptions {
  /** Look-back windows in days for counts and spend (default 30, 90, 365). */
  windows?: number[];
  /** Event names that get counts of their own (default: the 15 most frequent, from `eventVocabulary`). */
  eventNames?: string[];
}

/** The most frequent event names, for per-event counts that mean the same in training and scoring. */
export function eventVocabulary(customers: Iterable<CustomerActivity>, top = 15): string[] {
  const counts = new Map<string, number>();
  for (const c of customers) for (const e of c.events) counts.set(e.name, (counts.get(e.name) ?? 0) + 1);
  return [...counts]
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .slice(0, top)
    .map(([name]) => name);
}

/** First index with `at ≥ t` in a time-sorted list. */
function firstAtOrAfter(items: readonly { at: number }[], t: number): number {
  let lo = 0;
  let hi = items.length;
  while (lo < hi) {
    const m = (lo + hi) >> 1;
    if ((items[m] as { at: number }).at < t) lo = m + 1;
    else hi = m;
  }
  return lo;
}

function firstSeen(c: CustomerActivity): number {
  const t = c.transactions[0]?.at ?? Number.POSITIVE_INFINITY;
  const e = c.events[0]?.at ?? Number.POSITIVE_INFINITY;
  return Math.min(t, e);
}

/**
 * Features of a customer as of `asOf` (epoch ms), from what happened strictly before it; null when nothing
 * had happened yet (the customer was not known then).
 */
export function activityFeatures(
  c: CustomerActivity,
  asOf: number,
  options: ActivityFeatureOptions = {},
): FeatureRow | null {
  const windows = options.windows ?? [30, 90, 365];
  const first = firstSeen(c);
  if (!(first < asOf)) return null;
  const nt = firstAtOrAfter(c.transactions, asOf);
  const ne = firstAtOrAfter(c.events, asOf);
  const row: FeatureRow = { ...c.traits };
  if (c.observedTraits) {
    const known = firstAtOrAfter(c.observedTraits, asOf);
    for (let k = 0; k < known; k++)
      for (const [key, value] of Object.entries((c.observedTraits[k] as TraitObservation).traits))
        if (value !== null && value !== undefined) row[key] = value;
  }
  const birthYear = typeof row.birth_year === "number" ? row.birth_year : null;
  if ("birth_year" in row) {
    delete row.birth_year;
    row.age = birthYear === null ? null : new Date(asOf).getUTCFullYear() - birthYear;
  }
  row.tenure_days = (asOf - first) / dayMs;
  let revenue = 0;
  for (let k = 0; k < nt; k++) revenue += (c.transactions[k] as Transaction).amount;
  row.orders = nt;
  row.revenue = revenue;
  row.mean_order = nt > 0 ? revenue / nt : null;
  row.days_since_last_order = nt > 0 ? (asOf - (c.transactions[nt - 1] as Transaction).at) / dayMs : null;
  row.days_since_first_order = nt > 0 ? (asOf - (c.transactions[0] as Transaction).at) / dayMs : null;
  for (const w of windows) {
    const from = firstAtOrAfter(c.transactions, asOf - w * dayMs);
    let spend = 0;
    for (let k = from; k < nt; k++) spend += (c.transactions[k] as Transaction).amount;
    row[`orders_${w}d`] = nt - from;
    row[`revenue_${w}d`] = spend;
    row[`events_${w}d`] = ne - firstAtOrAfter(c.events, asOf - w * dayMs);
  }
  row.events = ne;
  row.days_since_last_event = ne > 0 ? (asOf - (c.events[ne - 1] as ActivityEvent).at) / dayMs : null;
  const names = options.eventNames ?? [];
  if (names.length > 0) {
    const index = new Map(names.map((n, i) => [n, i]));
    const counts = new Array<number>(names.length).fill(0);
    for (let k = 0; k < ne; k++) {
      const i = index.get((c.events[k] as ActivityEvent).name);
      if (i !== undefined) counts[i] = (counts[i] as number) + 1;
    }
    names.forEach((n, i) => {
      row[`n:${n}`] = counts[i] as number;
    });
  }
  return row;
}

/**
 * What a propensity model predicts, over the window [from, to):
 * - `buy`: at least one transaction;
 * - `churn`: a customer who had bought before `from` buys nothing (others are not asked);
 * - `event:<name>`: at least one event of that name (e.g. `event:app_events:Checkout Started`) — a response.
 */
export type Target = { kind: "buy" } | { kind: "churn" } | { kind: "event"; name: string };

export function parseTarget(text: string): Target {
  if (text === "buy") return { kind: "buy" };
  if (text === "churn") return { kind: "churn" };
  if (text.startsWith("event:") && text.length > 6) return { kind: "event", name: text.slice(6) };
  throw new RangeError(
    `unknown target "${text}": buy, churn, or event:<name> (e.g. event:app_events:Checkout Started)`,
  );
}

export function targetName(t: Target): string {
  return t.kind === "event" ? `event:${t.name}` : t.kind;
}

/** The label over [from, to), or null when the customer is not in the target's population. */
export function activityLabel(c: CustomerActivity, from: number, to: number, target: Target): 0 | 1 | null {
  const inWindow = (items: readonly { at: number }[]) =>
    firstAtOrAfter(items, to) - firstAtOrAfter(items, from);
  switch (target.kind) {
    case "buy":
      return inWindow(c.transactions) > 0 ? 1 : 0;
    case "churn":
      if (firstAtOrAfter(c.transactions, from) === 0) return null;
      return inWindow(c.transactions) > 0 ? 0 : 1;
    case "event": {
      const lo = firstAtOrAfter(c.events, from);
      const hi = firstAtOrAfter(c.events, to);
      for (let k = lo; k < hi; k++) if ((c.events[k] as ActivityEvent).name === target.name) return 1;
      return 0;
    }
  }
}

export interface Snapshot {
  /** Feature rows, one per customer known at the snapshot and in the target's population. */
  rows: FeatureRow[];
  labels: number[];
  ids: string[];
  /** The snapshot time of each row (epoch ms): what a time-aware split splits on. */
  times: number[];
}

/**
 * Training rows from several moments in the past: at each `asOf`, features from before it and the label
 * over the following `horizonDays`. Stacking snapshots gives a model more history and a time-aware test:
 * train on the earlier snapshots, test on the latest.
 */
export function snapshots(
  customers: readonly CustomerActivity[],
  moments: number[],
  horizonDays: number,
  target: Target,
  options: ActivityFeatureOptions = {},
): Snapshot {
  const out: Snapshot = { rows: [], labels: [], ids: [], times: [] };
  for (const asOf of moments) {
    const to = asOf + horizonDays * dayMs;
    for (const c of customers) {
      const label = activityLabel(c, asOf, to, target);
      if (label === null) continue;
      const row = activityFeatures(c, asOf, options);
      if (!row) continue;
      out.rows.push(row);
      out.labels.push(label);
      out.ids.push(c.id);
      out.times.push(asOf);
    }
  }
  return out;
}
