import type { RecordAttributes } from "../model/source-record.js";
import type { StandardizedRecord } from "../model/standardized.js";
import { type CustomerActivity, sortActivity } from "../predict/activity.js";
import { loadLinks } from "../store/entities.js";
import { notSuperseded } from "../store/latest-records.js";
import type { Store } from "../store/open-store.js";
import { fromJson, fromTime } from "../store/schema.js";
import { type ProgressReporter, silentProgress } from "./progress.js";

/**
 * Customer activity from the store, per golden profile: every latest source record linked to it is a dated
 * event (named by its source, and its event when it has one: `app_events:Product Viewed`); a record or
 * real-time event that carries an amount is also a transaction (orders; `Order Completed` with revenue),
 * counted once per order id across sources; each record's standardised data says the traits (country,
 * gender, birth year, a valid email or phone) as of when it was observed. Events from the real-time API's
 * `event` table join the same way through their actor records.
 */

/** How a record shows it is a purchase: the extra field holding the amount, optionally only for one source. */
export interface TransactionRule {
  source?: string;
  amount: string;
  currency?: string;
}

export const defaultTransactionRules: TransactionRule[] = [
  { amount: "amount", currency: "currency" },
  { amount: "revenue", currency: "currency" },
  { amount: "order_total", currency: "currency" },
  { amount: "total", currency: "currency" },
];

export interface StoreActivity {
  customers: CustomerActivity[];
  records: number;
  /** Records (and events) whose actor is linked to no profile. */
  unlinked: number;
  transactions: number;
  /** The same order seen again in another source (an app's Order Completed of a shop order). */
  duplicateOrders: number;
  events: number;
  realtimeEvents: number;
  currencies: Record<string, number>;
  /** Records with an amount field that is not a number: how many, and the first few. */
  badAmounts: { count: number; records: string[] };
  /** Epoch ms of the last thing that happened: "now" for the models. */
  latest: number;
}

export interface StoreActivityOptions {
  rules?: TransactionRule[];
  progress?: ProgressReporter;
  pageSize?: number;
}

function amountOf(value: unknown): number | null {
  if (typeof value === "number") return Number.isFinite(value) ? value : null;
  if (typeof value === "string" && value.trim() !== "") {
    const n = Number(value.trim().replace(/^[$€£]/, ""));
    return Number.isFinite(n) ? n : null;
  }
  return null;
}

/** Every customer starts with these; records fill them in as they were said. */
const defaultTraits = () => ({ country: null, gender: null, birth_year: null, has_email: 0, has_phone: 0 });

/** What a record says about the traits: country, gender, birth year, a valid email or phone. */
function traitsOf(s: StandardizedRecord | null): CustomerActivity["traits"] | null {
  if (!s) return null;
  const traits = {
    country: s.addresses.find((a) => a.country)?.country ?? null,
    gender: s.gender ?? null,
    birth_year: s.dateOfBirth?.year ?? null,
    has_email: s.emails.some((e) => e.valid && !e.disposable) ? 1 : null,
    has_phone: s.phones.some((p) => p.valid) ? 1 : null,
  };
  return Object.values(traits).some((v) => v !== null) ? traits : null;
}

export async function loadStoreActivity(
  store: Store,
  options: StoreActivityOptions = {},
): Promise<StoreActivity> {
  const progress = options.progress ?? silentProgress;
  const rules = options.rules ?? defaultTransactionRules;
  const pageSize = options.pageSize ?? 20_000;
  const links = await loadLinks(store.db);
  const byEntity = new Map<string, CustomerActivity>();
  const orders = new Set<string>();
  const out: StoreActivity = {
    customers: [],
    records: 0,
    unlinked: 0,
    transactions: 0,
    duplicateOrders: 0,
    events: 0,
    realtimeEvents: 0,
    currencies: {},
    badAmounts: { count: 0, records: [] },
    latest: Number.NEGATIVE_INFINITY,
  };
  const activityOf = (entityId: string) => {
    let c = byEntity.get(entityId);
    if (!c) {
      c = { id: entityId, transactions: [], events: [], traits: defaultTraits(), observedTraits: [] };
      byEntity.set(entityId, c);
    }
    return c;
  };
  const addTransaction = (
    c: CustomerActivity,
    at: number,
    extra: Record<string, unknown>,
    source: string,
    orderId: string | null,
    key: string,
  ) => {
    for (const rule of rules) {
      if (rule.source && rule.source !== source) continue;
      if (!(rule.amount in extra)) continue;
      const amount = amountOf(extra[rule.amount]);
      if (amount === null) {
        out.badAmounts.count++;
        if (out.badAmounts.records.length < 5)
          out.badAmounts.records.push(`${key} (${rule.amount}: ${String(extra[rule.amount])})`);
        return;
      }
      if (orderId) {
        if (orders.has(orderId)) {
          out.duplicateOrders++;
          return;
        }
        orders.add(orderId);
      }
      const currency =
        rule.currency && typeof extra[rule.currency] === "string"
          ? (extra[rule.currency] as string)
          : undefined;
      if (currency) out.currencies[currency] = (out.currencies[currency] ?? 0) + 1;
      c.transactions.push({
        at,
        amount,
        ...(currency ? { currency } : {}),
        ...(orderId ? { id: orderId } : {}),
      });
      out.transactions++;
      return;
    }
  };

  progress.start("activity: records", null, "records");
  let after = 0;
  for (;;) {
    const rows = await store.db
      .selectFrom("source_record as s")
      .select(["s.id", "s.source", "s.source_record_id", "s.observed_at", "s.attributes", "s.standardized"])
      .where("s.id", ">", after)
      .where(notSuperseded)
      .orderBy("s.id")
      .limit(pageSize)
      .execute();
    for (const r of rows) {
      out.records++;
      const key = `${r.source}/${r.source_record_id}`;
      const entityId = links.get(key);
      if (!entityId) {
        out.unlinked++;
        continue;
      }
      const at = Date.parse(fromTime(r.observed_at));
      if (!Number.isFinite(at)) continue;
      const attributes = fromJson<RecordAttributes>(r.attributes);
      const extra = attributes.extra ?? {};
      const c = activityOf(entityId);
      const event = typeof extra.event === "string" ? extra.event : null;
      c.events.push({ at, name: event ? `${r.source}:${event}` : r.source });
      out.events++;
      const traits = traitsOf(fromJson<StandardizedRecord | null>(r.standardized));
      if (traits) c.observedTraits?.push({ at, traits });
      const orderId = attributes.identifiers?.find((i) => i.type === "order_id")?.value ?? null;
      addTransaction(c, at, extra, r.source, orderId, key);
      if (at > out.latest) out.latest = at;
    }
    progress.update(out.records);
    if (rows.length < pageSize) break;
    after = Number(rows[rows.length - 1]?.id);
  }
  progress.stop(
    `${out.records.toLocaleString("en-US")} records, ${out.transactions.toLocaleString("en-US")} transactions`,
  );

  // Real-time events: their actor record's link says whose they are.
  progress.start("activity: real-time events", null, "events");
  let afterEvent = 0;
  for (;;) {
    const rows = await store.db
      .selectFrom("event")
      .select(["id", "source", "type", "name", "record_key", "timestamp", "body"])
      .where("id", ">", afterEvent)
      .orderBy("id")
      .limit(pageSize)
      .execute();
    for (const r of rows) {
      const entityId = links.get(r.record_key);
      if (!entityId) {
        out.unlinked++;
        continue;
      }
      const at = Date.parse(fromTime(r.timestamp));
      if (!Number.isFinite(at)) continue;
      const c = activityOf(entityId);
      c.events.push({ at, name: `${r.source}:${r.name ?? r.type}` });
      out.realtimeEvents++;
      const body = fromJson<{ properties?: Record<string, unknown> }>(r.body);
      const properties = body.properties ?? {};
      const orderId = typeof properties.order_id === "string" ? properties.order_id : null;
      if (r.type === "track") addTransaction(c, at, properties, r.source, orderId, `event ${r.id}`);
      if (at > out.latest) out.latest = at;
    }
    progress.update(out.realtimeEvents);
    if (rows.length < pageSize) break;
    afterEvent = Number(rows[rows.length - 1]?.id);
  }
  progress.stop(`${out.realtimeEvents.toLocaleString("en-US")} real-time events`);

  out.customers = [...byEntity.values()].map(sortActivity);
  return out;
}
