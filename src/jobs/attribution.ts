import {
  type AttributeOptions,
  type AttributionReport,
  attribute,
} from "../analytics/attribution/attribute.js";
import { type ChannelRule, classifyVisit } from "../analytics/attribution/channel-rules.js";
import {
  type Conversion,
  type CreditBy,
  type JourneyCounts,
  journeysOf,
  type Touchpoint,
} from "../analytics/attribution/journeys.js";
import { PathTableBuilder, splitPath } from "../analytics/attribution/paths.js";
import { readSource } from "../sources/open-source.js";
import { type LedgerSend, ledgerSends, saveAttributionRun, touchEvents } from "../store/attribution.js";
import type { Store } from "../store/open-store.js";
import { findColumn } from "./predict-input.js";
import { type ProgressReporter, silentProgress } from "./progress.js";

/**
 * Attribution as a use-case: journeys from a CSV of paths (ChannelAttribution's layout) or from the store's
 * events and message ledger, credit by every model asked for, and the run kept in the store when wanted.
 */

export interface AttributionJobOptions extends AttributeOptions {
  by?: CreditBy;
  lookbackDays?: number;
  /** Track event names that are conversions (default: Order Completed). */
  conversionEvents?: string[];
  rules?: ChannelRule[];
  includeDirect?: boolean;
  /** Read the message ledger's sends as touchpoints when the store has one (default true). */
  includeLedger?: boolean;
  /** Only events from this time on (ISO). */
  since?: string;
  halfLifeDays?: number;
  repeatMinutes?: number;
  /** CSV: the separator between touchpoints in a path (default ">"). */
  separator?: string;
  delimiter?: string;
  progress?: ProgressReporter;
}

export interface JobReport extends AttributionReport {
  input: string;
  lookbackDays: number | null;
  /** Store input: conversions that had no touchpoint in their window (counted, credited to nothing). */
  conversionsWithoutTouchpoints: number;
  valueWithoutTouchpoints: number;
  /** Store input: whether the message ledger was read, and how many sends it gave. */
  ledger: { read: boolean; sends: number } | null;
  /** CSV input: rows that were skipped, with the first few reasons. */
  skipped: number;
  problems: string[];
}

export const defaultConversionEvents = ["Order Completed"];

function nonNegative(v: unknown): number | null {
  if (v === undefined || v === null || v === "") return 0;
  const n = typeof v === "number" ? v : Number(String(v).trim());
  return Number.isFinite(n) && n >= 0 ? n : null;
}

/** Attribution over a file of paths with their counts: `path;total_conversions;total_conversion_value;total_null`. */
export async function attributionFromCsv(
  path: string,
  options: AttributionJobOptions = {},
): Promise<JobReport> {
  const progress = options.progress ?? silentProgress;
  const separator = options.separator ?? ">";
  const builder = new PathTableBuilder(options.halfLifeDays ?? 7);
  let columns: string[] = [];
  let cols: { path: string; conv: string; value: string | null; nulls: string | null } | null = null;
  const problems: string[] = [];
  let skipped = 0;
  let rows = 0;
  progress.start(`read ${path}`, null, "rows");
  for await (const item of readSource(path, {
    ...(options.delimiter ? { delimiter: options.delimiter } : {}),
    onLayout: (layout) => {
      columns = layout.columns;
    },
  })) {
    if (!cols) {
      if (columns.length === 0 && item.kind === "row") columns = Object.keys(item.values);
      const p = findColumn(columns, ["path", "channel_path", "journey", "paths"]);
      const c = findColumn(columns, ["total_conversions", "conversions", "conversion", "converted"]);
      if (!p || !c)
        throw new Error(
          `${path}: a journeys file needs a path column and a conversions column (e.g. path;total_conversions;total_conversion_value;total_null); it has ${columns.join(", ") || "no columns"}`,
        );
      cols = {
        path: p,
        conv: c,
        value: findColumn(columns, ["total_conversion_value", "conversion_value", "value", "revenue"]),
        nulls: findColumn(columns, ["total_null", "total_nulls", "nulls", "null"]),
      };
    }
    rows++;
    if (item.kind === "unreadable") {
      skipped++;
      if (problems.length < 5) problems.push(`row ${item.rowNumber}: ${item.reason.message}`);
      continue;
    }
    const v = item.values;
    const touchpoints = splitPath(String(v[cols.path] ?? ""), separator);
    const conversions = nonNegative(v[cols.conv]);
    const value = cols.value ? nonNegative(v[cols.value]) : 0;
    const nulls = cols.nulls ? nonNegative(v[cols.nulls]) : 0;
    const bad =
      touchpoints.length === 0
        ? `${cols.path} is empty`
        : conversions === null
          ? `${cols.conv} "${v[cols.conv]}" is not a count`
          : value === null
            ? `${cols.value} "${v[cols.value ?? ""]}" is not a non-negative amount`
            : nulls === null
              ? `${cols.nulls} "${v[cols.nulls ?? ""]}" is not a count`
              : null;
    if (bad) {
      skipped++;
      if (problems.length < 5) problems.push(`row ${item.rowNumber}: ${bad}`);
      continue;
    }
    builder.add({ touchpoints, conversions: conversions ?? 0, value: value ?? 0, nulls: nulls ?? 0 });
    if (rows % 50_000 === 0) progress.update(rows);
  }
  progress.stop(`${rows.toLocaleString("en-US")} rows${skipped ? `, ${skipped} skipped` : ""}`);
  const table = builder.build();
  const report = attribute(table, options, "path touchpoint");
  return {
    ...report,
    input: path,
    lookbackDays: null,
    conversionsWithoutTouchpoints: 0,
    valueWithoutTouchpoints: 0,
    ledger: null,
    skipped,
    problems,
  };
}

export interface PathRow {
  /** Touchpoints as a list, or as text joined by the separator. */
  path: string | string[];
  conversions?: number;
  value?: number;
  nulls?: number;
}

export class JourneyInputError extends Error {
  constructor(
    readonly row: number,
    readonly field: string,
    message: string,
  ) {
    super(`row ${row}: ${field} ${message}`);
    this.name = "JourneyInputError";
  }
}

/** Attribution over paths given in memory (the API's upload); a bad row is an error naming it and its field. */
export function attributionFromPaths(
  rows: readonly PathRow[],
  options: AttributionJobOptions = {},
): JobReport {
  const builder = new PathTableBuilder(options.halfLifeDays ?? 7);
  rows.forEach((r, i) => {
    const touchpoints = Array.isArray(r.path)
      ? r.path.map((x) => String(x).trim()).filter(Boolean)
      : typeof r.path === "string"
        ? splitPath(r.path, options.separator ?? ">")
        : [];
    if (touchpoints.length === 0) throw new JourneyInputError(i + 1, "path", "has no touchpoints");
    const count = (field: "conversions" | "value" | "nulls") => {
      const v = r[field] ?? 0;
      if (typeof v !== "number" || !Number.isFinite(v) || v < 0)
        throw new JourneyInputError(i + 1, field, `must be a non-negative number, not ${JSON.stringify(v)}`);
      return v;
    };
    builder.add({
      touchpoints,
      conversions: count("conversions"),
      value: count("value"),
      nulls: count("nulls"),
    });
  });
  const report = attribute(builder.build(), options, "path touchpoint");
  return {
    ...report,
    input: "upload",
    lookbackDays: null,
    conversionsWithoutTouchpoints: 0,
    valueWithoutTouchpoints: 0,
    ledger: null,
    skipped: 0,
    problems: [],
  };
}

function text(v: unknown): string | null {
  return typeof v === "string" && v.trim() !== "" ? v : null;
}

function obj(v: unknown): Record<string, unknown> {
  return v !== null && typeof v === "object" ? (v as Record<string, unknown>) : {};
}

/** The value of a conversion event: properties.revenue, else total, else value (numbers or numeric text). */
export function conversionValue(body: Record<string, unknown>): number {
  const p = obj(body.properties);
  for (const k of ["revenue", "total", "value"]) {
    const v = p[k];
    const n = typeof v === "number" ? v : typeof v === "string" ? Number(v) : Number.NaN;
    if (Number.isFinite(n)) return n;
  }
  return 0;
}

interface Person {
  touches: Touchpoint[];
  conversions: Conversion[];
}

/** Attribution over the store: page/screen visits and ledger sends as touchpoints, conversion events. */
export async function attributionFromStore(
  store: Store,
  options: AttributionJobOptions = {},
): Promise<JobReport> {
  const progress = options.progress ?? silentProgress;
  const conversionEvents = options.conversionEvents ?? defaultConversionEvents;
  const people = new Map<string, Person>();
  const person = (key: string) => {
    let p = people.get(key);
    if (!p) {
      p = { touches: [], conversions: [] };
      people.set(key, p);
    }
    return p;
  };
  const convNames = new Set(conversionEvents);
  let events = 0;
  progress.start("read events", null, "events");
  for await (const page of touchEvents(
    store.db,
    conversionEvents,
    options.since ? { since: options.since } : {},
  )) {
    for (const e of page) {
      const key = e.entityId ?? `record:${e.recordKey}`;
      const at = Date.parse(e.timestamp);
      if (e.type === "track" && e.name !== null && convNames.has(e.name)) {
        person(key).conversions.push({ at, value: conversionValue(e.body) });
        continue;
      }
      const ctx = obj(e.body.context);
      const campaign = obj(ctx.campaign);
      const pageCtx = obj(ctx.page);
      const props = obj(e.body.properties);
      const t = classifyVisit(
        {
          source: text(campaign.source),
          medium: text(campaign.medium),
          campaign: text(campaign.name) ?? text(campaign.campaign),
          referrer: text(pageCtx.referrer) ?? text(props.referrer),
          url: text(pageCtx.url) ?? text(props.url),
        },
        {
          ...(options.rules ? { rules: options.rules } : {}),
          ...(options.includeDirect !== undefined ? { includeDirect: options.includeDirect } : {}),
        },
      );
      if (t) person(key).touches.push({ at, channel: t.channel, campaign: t.campaign });
    }
    events += page.length;
    progress.update(events);
  }
  progress.stop(`${events.toLocaleString("en-US")} events`);
  let sends: LedgerSend[] | null = null;
  if (options.includeLedger !== false) {
    sends = await ledgerSends(store.db, store.dialect, options.since ? { since: options.since } : {});
    for (const s of sends ?? [])
      person(s.entityId).touches.push({ at: Date.parse(s.sentAt), channel: s.channel, campaign: s.campaign });
  }
  const builder = new PathTableBuilder(options.halfLifeDays ?? 7);
  const counts: JourneyCounts = {
    journeys: 0,
    converting: 0,
    conversionsWithoutTouchpoints: 0,
    valueWithoutTouchpoints: 0,
  };
  const jo = {
    lookbackDays: options.lookbackDays ?? 30,
    by: options.by ?? "channel",
    ...(options.repeatMinutes !== undefined ? { repeatMinutes: options.repeatMinutes } : {}),
  };
  for (const p of people.values()) journeysOf(p.touches, p.conversions, jo, (j) => builder.add(j), counts);
  const report = attribute(builder.build(), options, jo.by);
  return {
    ...report,
    input: "store",
    lookbackDays: jo.lookbackDays,
    conversionsWithoutTouchpoints: counts.conversionsWithoutTouchpoints,
    valueWithoutTouchpoints: counts.valueWithoutTouchpoints,
    ledger: options.includeLedger === false ? null : { read: sends !== null, sends: sends?.length ?? 0 },
    skipped: 0,
    problems: [],
  };
}

/** Keeps a run (its options without callbacks, and its report) for the API and the console. */
export async function saveAttribution(
  store: Store,
  report: JobReport,
  options: AttributionJobOptions,
): Promise<number> {
  const { progress: _p, onModel: _o, ...kept } = options;
  return saveAttributionRun(store.db, { input: report.input, by: report.by, options: kept, report });
}
