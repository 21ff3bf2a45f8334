import { z } from "zod";
import { compare, operatorSchema, readPath, unaryOperators } from "./compare.js";

/**
 * Computed traits: per-profile values derived from its events, defined in JSON. Each is a fold: a small state
 * per profile that every new event updates (`foldEvent`), from which the value is read at any moment
 * (`traitValue`), so a batch run (fold every event from an empty state) and the live loop (fold the new ones
 * into the stored state) give the same value. Windowed aggregations keep one bucket per UTC day and drop the
 * days that fell out of the window.
 */

export const dayMs = 86_400_000;

export const traitKinds = [
  "count",
  "sum",
  "average",
  "min",
  "max",
  "first",
  "last",
  "mostFrequent",
  "unique",
  "uniqueCount",
  "rfm",
] as const;
export type TraitKind = (typeof traitKinds)[number];

const needsProperty = new Set<TraitKind>([
  "sum",
  "average",
  "min",
  "max",
  "first",
  "last",
  "mostFrequent",
  "unique",
  "uniqueCount",
  "rfm",
]);

/** At most this many distinct values are kept for unique and mostFrequent (the least seen go first). */
export const maxDistinct = 500;

const filterSchema = z.strictObject({
  property: z.string().min(1),
  op: operatorSchema,
  value: z.unknown().optional(),
});

export const traitDefinitionSchema = z
  .strictObject({
    name: z
      .string()
      .regex(/^[a-z][a-z0-9_]{0,62}$/, "must be lower case letters, digits and _, starting with a letter"),
    description: z.string().optional(),
    kind: z.enum(traitKinds),
    /** Event names counted (a track event's name, a page's name); absent: every event. */
    event: z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]).optional(),
    /** Event types counted (track, page, screen, identify…); absent: every type. */
    type: z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]).optional(),
    /** The property read: `revenue` is `properties.revenue` (or `traits.revenue` of an identify); a path from the body's root starts with properties., traits. or context. */
    property: z.string().min(1).optional(),
    where: z.array(filterSchema).optional(),
    withinDays: z.number().int("must be a whole number of days").positive().max(36_600).optional(),
  })
  .superRefine((d, ctx) => {
    if (needsProperty.has(d.kind) && !d.property)
      ctx.addIssue({ code: "custom", path: ["property"], message: `a ${d.kind} trait needs a property` });
    if ((d.kind === "mostFrequent" || d.kind === "rfm") && d.withinDays !== undefined)
      ctx.addIssue({
        code: "custom",
        path: ["withinDays"],
        message: `a ${d.kind} trait has no window (it reads every event)`,
      });
    for (const [i, f] of (d.where ?? []).entries())
      if (!unaryOperators.has(f.op) && f.value === undefined)
        ctx.addIssue({
          code: "custom",
          path: ["where", i, "value"],
          message: `operator "${f.op}" needs a value`,
        });
  });

export type TraitDefinition = z.infer<typeof traitDefinitionSchema>;

export class TraitDefinitionError extends Error {
  override name = "TraitDefinitionError";
}

/** Checks a definition given as JSON; the error names every field at fault. */
export function parseTraitDefinition(input: unknown): TraitDefinition {
  const r = traitDefinitionSchema.safeParse(input);
  if (r.success) return r.data;
  const name =
    input && typeof input === "object" && typeof (input as { name?: unknown }).name === "string"
      ? ` "${(input as { name: string }).name}"`
      : "";
  throw new TraitDefinitionError(
    `computed trait${name} is not valid: ${r.error.issues.map((i) => `${i.path.join(".") || "definition"}: ${i.message}`).join("; ")}`,
  );
}

/** An event as traits read it. */
export interface TraitEvent {
  name: string | null;
  type: string;
  /** Epoch milliseconds. */
  at: number;
  body: unknown;
}

/** The value of a property of an event (see `property` above). */
export function eventProperty(e: TraitEvent, property: string): unknown {
  const body = e.body as Record<string, unknown> | null;
  if (!body) return undefined;
  if (/^(properties|traits|context)\./.test(property)) return readPath(body, property);
  const inProps = readPath(body.properties, property);
  return inProps !== undefined ? inProps : readPath(body.traits, property);
}

function list(v: string | string[] | undefined): string[] | null {
  return v === undefined ? null : Array.isArray(v) ? v : [v];
}

/** Whether a definition reads an event at all (name, type and filters). */
export function traitReads(def: TraitDefinition, e: TraitEvent): boolean {
  const names = list(def.event);
  if (names && (e.name === null || !names.includes(e.name))) return false;
  const types = list(def.type);
  if (types && !types.includes(e.type)) return false;
  for (const f of def.where ?? []) if (!compare(eventProperty(e, f.property), f.op, f.value)) return false;
  return true;
}

/** [count, sum, min, max] of one day (or of all time). */
type Agg = [number, number, number, number];

export type TraitState =
  | { t: "agg"; all?: Agg; days?: Record<string, Agg> }
  | { t: "at"; at: number; v: unknown }
  | { t: "freq"; c: Record<string, [number, number]> }
  | { t: "rfm"; first: number; last: number; n: number; m: number }
  | { t: "none" };

function toNumber(v: unknown): number | null {
  if (typeof v === "number" && Number.isFinite(v)) return v;
  if (typeof v === "string" && v.trim() !== "" && Number.isFinite(Number(v))) return Number(v);
  return null;
}

function addAgg(a: Agg | undefined, x: number | null, counted: boolean): Agg {
  const out: Agg = a ? [...a] : [0, 0, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY];
  if (counted) out[0]++;
  if (x !== null) {
    out[1] += x;
    if (x < out[2]) out[2] = x;
    if (x > out[3]) out[3] = x;
  }
  return out;
}

function epochDay(ms: number): number {
  return Math.floor(ms / dayMs);
}

/**
 * Folds one event into a state (returns the new state; the old one is not changed). `now` prunes the day
 * buckets a windowed trait no longer needs.
 */
export function foldEvent(
  def: TraitDefinition,
  state: TraitState | null,
  e: TraitEvent,
  now: number,
): TraitState {
  if (!traitReads(def, e)) return state ?? { t: "none" };
  const raw = def.property ? eventProperty(e, def.property) : undefined;
  switch (def.kind) {
    case "count":
    case "sum":
    case "average":
    case "min":
    case "max": {
      const x = def.kind === "count" ? null : toNumber(raw);
      // An aggregation over a property counts only the events that have it as a number.
      const counted = def.kind === "count" || x !== null;
      if (!counted) return state ?? { t: "none" };
      const s = state?.t === "agg" ? state : { t: "agg" as const };
      if (def.withinDays === undefined) return { t: "agg", all: addAgg(s.all, x, true) };
      const day = epochDay(e.at);
      const from = epochDay(now) - def.withinDays + 1;
      if (day < from) return state ?? { t: "none" };
      const days: Record<string, Agg> = {};
      for (const [d, a] of Object.entries(s.days ?? {})) if (Number(d) >= from) days[d] = a;
      days[day] = addAgg(days[day], x, true);
      return { t: "agg", days };
    }
    case "first":
    case "last": {
      if (raw === undefined || raw === null) return state ?? { t: "none" };
      if (state?.t === "at") {
        if (def.kind === "first" && state.at <= e.at) return state;
        if (def.kind === "last" && state.at > e.at) return state;
      }
      if (def.withinDays !== undefined && epochDay(e.at) < epochDay(now) - def.withinDays + 1)
        return state ?? { t: "none" };
      return { t: "at", at: e.at, v: raw };
    }
    case "mostFrequent":
    case "unique":
    case "uniqueCount": {
      if (raw === undefined || raw === null || raw === "") return state ?? { t: "none" };
      const values = Array.isArray(raw) ? raw : [raw];
      const c: Record<string, [number, number]> = { ...(state?.t === "freq" ? state.c : {}) };
      for (const v of values) {
        const k = typeof v === "string" ? v : JSON.stringify(v);
        const was = c[k];
        c[k] = [(was?.[0] ?? 0) + 1, Math.max(was?.[1] ?? 0, e.at)];
      }
      const keys = Object.keys(c);
      if (keys.length > maxDistinct) {
        // Keep the most seen, then the most recent.
        keys.sort((a, b) => c[b]![0] - c[a]![0] || c[b]![1] - c[a]![1]);
        for (const k of keys.slice(maxDistinct)) delete c[k];
      }
      return { t: "freq", c };
    }
    case "rfm": {
      const x = toNumber(raw) ?? 0;
      const s = state?.t === "rfm" ? state : { t: "rfm" as const, first: e.at, last: e.at, n: 0, m: 0 };
      return {
        t: "rfm",
        first: Math.min(s.first, e.at),
        last: Math.max(s.last, e.at),
        n: s.n + 1,
        m: s.m + x,
      };
    }
  }
}

/** The value of a trait now; null when the profile has no event it reads (in the window). */
export function traitValue(def: TraitDefinition, state: TraitState | null, now: number): unknown {
  if (!state || state.t === "none") return def.kind === "count" || def.kind === "uniqueCount" ? 0 : null;
  switch (state.t) {
    case "agg": {
      let a: Agg | undefined = state.all;
      if (def.withinDays !== undefined) {
        const from = epochDay(now) - def.withinDays + 1;
        for (const [d, x] of Object.entries(state.days ?? {}))
          if (Number(d) >= from)
            a = a ? [a[0] + x[0], a[1] + x[1], Math.min(a[2], x[2]), Math.max(a[3], x[3])] : x;
      }
      if (!a || a[0] === 0) return def.kind === "count" ? 0 : null;
      if (def.kind === "count") return a[0];
      if (def.kind === "sum") return round(a[1]);
      if (def.kind === "average") return round(a[1] / a[0]);
      if (def.kind === "min") return a[2];
      return a[3];
    }
    case "at":
      if (def.withinDays !== undefined && epochDay(state.at) < epochDay(now) - def.withinDays + 1)
        return null;
      return state.v;
    case "freq": {
      let entries = Object.entries(state.c);
      if (def.withinDays !== undefined) {
        const cutoff = (epochDay(now) - def.withinDays + 1) * dayMs;
        entries = entries.filter(([, [, last]]) => last >= cutoff);
      }
      if (def.kind === "uniqueCount") return entries.length;
      if (def.kind === "unique") return entries.map(([k]) => k).sort();
      if (entries.length === 0) return null;
      // Most seen; a tie goes to the most recently seen, then to the smaller value.
      entries.sort((a, b) => b[1][0] - a[1][0] || b[1][1] - a[1][1] || (a[0] < b[0] ? -1 : 1));
      return entries[0]![0];
    }
    case "rfm":
      return {
        recencyDays: Math.max(0, epochDay(now) - epochDay(state.last)),
        frequency: state.n,
        monetary: round(state.m),
      };
  }
}

function round(x: number): number {
  return Math.round(x * 1e6) / 1e6;
}
