import type { Kysely } from "kysely";
import { ageBandOf, ageBands } from "../enrich/derive.js";
import type { GoldenProfile } from "../master/golden-profile.js";
import { goldenProfiles } from "../store/entities.js";
import type { Store } from "../store/open-store.js";
import { fromJson } from "../store/schema.js";
import { type Budget, spend } from "./budget.js";
import {
  type Mechanism,
  noiseScale,
  noiseSteps,
  type RandomSource,
  releaseThreshold,
  secureRandom,
} from "./dp.js";
import { marginLines, suppressSmallCells } from "./suppression.js";
import { listTables } from "./tables.js";

/**
 * Privacy-safe aggregated insights: counts, sums, means and distributions of golden profiles by geography, age
 * band, gender, bands of any value (spend from a score or from orders, income from a score…), saved audiences
 * or enrichment fields — with one of two protections (or both):
 *
 * - small-cell suppression: cells of fewer than k people hidden, with complementary suppression so that no
 *   hidden cell can be worked out from the published totals (see suppression.ts);
 * - differential privacy: discrete Laplace or Gaussian noise (see dp.ts) on every count and sum, each person
 *   contributing to exactly one cell (one value per dimension) with their values clipped to a declared range,
 *   the (ε, δ) split evenly over the measures and charged to the recipient's budget first (budget.ts). Cells
 *   of an open domain (countries, cities…) are released only when their noisy count passes a threshold that
 *   bounds by δ the chance that a cell made by one person shows. Totals are sums of released noisy cells.
 *
 * Profiles the quality run marks `excluded` (likely fakes) are left out.
 */

export type Protection =
  | { kind: "suppression"; minCell?: number }
  | {
      kind: "dp";
      mechanism: Mechanism;
      epsilon: number;
      delta?: number;
      recipient: string;
      /** Then also hide noisy counts below this (post-processing, free). */
      minCell?: number;
    };

export interface InsightQuery {
  /** Dimensions: country, region, city, gender, age_band, source, segment:<audience>, band:<value>:<edges>, enrichment:<field>. */
  by: string[];
  /** count, sum:<value>, mean:<value>, histogram:<value>:<edges>; value: score:<name>, events, revenue, age, records. */
  measures: string[];
  /** Per value, the range each person's value is clipped to (needed for sums and means under DP). */
  clip?: Record<string, [number, number]>;
  protection: Protection;
}

export interface InsightCell {
  key: Record<string, string>;
  count: number | null;
  suppressed?: "primary" | "complementary";
  sums?: Record<string, number | null>;
  means?: Record<string, number | null>;
  histograms?: Record<string, number[] | null>;
}

export interface InsightResult {
  by: string[];
  measures: string[];
  people: number | null;
  cells: InsightCell[];
  /** Totals by line: the grand total, and with two dimensions row and column totals (null when withheld). */
  totals: { key: Record<string, string>; count: number | null; sums?: Record<string, number | null> }[];
  protection: Protection & { noise?: Record<string, { scale: number; kind: string }>; threshold?: number };
  budget?: Budget;
  notes: string[];
}

export class InsightError extends Error {
  override name = "InsightError";
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
  }
}

interface PersonRow {
  dims: string[];
  values: Map<string, number | null>;
}

const unknown = "unknown";

/** A cell's sums, means or histograms, made when first needed. */
function fieldOf<F extends "sums" | "means" | "histograms">(
  cell: InsightCell,
  field: F,
): NonNullable<InsightCell[F]> {
  const existing = cell[field];
  if (existing) return existing as NonNullable<InsightCell[F]>;
  const made = {} as NonNullable<InsightCell[F]>;
  cell[field] = made;
  return made;
}
const closedDomains = (dim: string): string[] | null => {
  if (dim === "age_band") return [...ageBands, unknown];
  if (dim.startsWith("segment:")) return ["in", "out"];
  if (dim.startsWith("band:")) return bandLabels(parseEdges(dim.split(":").slice(-1)[0] ?? "", dim));
  return null;
};

function parseEdges(text: string, field: string): number[] {
  const edges = text.split(",").map((x) => Number(x.trim()));
  if (
    edges.length < 1 ||
    edges.some((x) => !Number.isFinite(x)) ||
    edges.some((x, i) => i > 0 && x <= (edges[i - 1] as number))
  )
    throw new InsightError(field, `"${text}" is not a rising list of band edges (e.g. 0,100,500)`);
  return edges;
}

function bandLabels(edges: number[]): string[] {
  const out = [`< ${edges[0]}`];
  for (let i = 0; i + 1 < edges.length; i++) out.push(`${edges[i]}–${edges[i + 1]}`);
  out.push(`≥ ${edges[edges.length - 1]}`, unknown);
  return out;
}

function bandOf(v: number | null, edges: number[]): string {
  const labels = bandLabels(edges);
  if (v === null || !Number.isFinite(v)) return unknown;
  if (v < (edges[0] as number)) return labels[0] as string;
  for (let i = 0; i + 1 < edges.length; i++) if (v < (edges[i + 1] as number)) return labels[i + 1] as string;
  return labels[edges.length] as string;
}

const valuePattern = /^(score:[\w.-]{1,64}|events|revenue|age|records)$/;
const dimPattern =
  /^(country|region|city|gender|age_band|source|segment:[\w .-]{1,100}|enrichment:[\w.-]{1,64}|band:(score:[\w.-]{1,64}|events|revenue|age|records):[-\d.,\s]{1,200})$/;

function measureValue(m: string): string | null {
  if (m === "count") return null;
  const [kind, ...rest] = m.split(":");
  if (kind === "sum" || kind === "mean") return rest.join(":");
  if (kind === "histogram") return rest.slice(0, -1).join(":");
  return null;
}

export function validateQuery(q: InsightQuery): void {
  if (!Array.isArray(q.by) || q.by.length > 4) throw new InsightError("by", "give up to four dimensions");
  q.by.forEach((d, i) => {
    if (typeof d !== "string" || !dimPattern.test(d))
      throw new InsightError(`by[${i}]`, `"${String(d).slice(0, 80)}" is not a dimension`);
    if (d.startsWith("band:")) parseEdges(d.split(":").slice(-1)[0] ?? "", `by[${i}]`);
  });
  if (!Array.isArray(q.measures) || q.measures.length === 0 || q.measures.length > 8)
    throw new InsightError("measures", "give one to eight measures");
  q.measures.forEach((m, i) => {
    const ok =
      m === "count" ||
      (/^(sum|mean):/.test(m) && valuePattern.test(measureValue(m) ?? "")) ||
      (/^histogram:/.test(m) &&
        valuePattern.test(measureValue(m) ?? "") &&
        parseEdges(m.split(":").slice(-1)[0] ?? "", `measures[${i}]`).length > 0);
    if (!ok)
      throw new InsightError(
        `measures[${i}]`,
        `"${String(m).slice(0, 80)}" is not a measure (count, sum:<value>, mean:<value>, histogram:<value>:<edges>)`,
      );
  });
  const p = q.protection;
  if (p.kind === "suppression") {
    if (p.minCell !== undefined && !(Number.isInteger(p.minCell) && p.minCell >= 2))
      throw new InsightError("protection.minCell", "the minimum cell size is a whole number ≥ 2");
  } else if (p.kind === "dp") {
    if (!(p.epsilon > 0 && p.epsilon <= 10))
      throw new InsightError("protection.epsilon", "ε must be in (0, 10]");
    if (p.mechanism !== "laplace" && p.mechanism !== "gaussian")
      throw new InsightError("protection.mechanism", "laplace or gaussian");
    if (p.delta !== undefined && !(p.delta >= 0 && p.delta < 0.01))
      throw new InsightError("protection.delta", "δ must be in [0, 0.01)");
    if (p.mechanism === "gaussian" && !(p.delta && p.delta > 0))
      throw new InsightError("protection.delta", "the Gaussian mechanism needs δ > 0");
    for (const m of q.measures) {
      const v = measureValue(m);
      if (v && !m.startsWith("histogram:") && !q.clip?.[v])
        throw new InsightError(
          "clip",
          `under differential privacy "${m}" needs the range its values are clipped to (clip.${v} = [low, high])`,
        );
    }
  } else throw new InsightError("protection.kind", "suppression or dp");
}

async function loadPeople(store: Store, q: InsightQuery): Promise<PersonRow[]> {
  const db = store.db;
  const excluded = new Set(
    (await db.selectFrom("profile_quality").select("entity_id").where("excluded", "=", 1).execute()).map(
      (r) => r.entity_id,
    ),
  );
  const values = new Set<string>();
  for (const d of q.by) if (d.startsWith("band:")) values.add(d.split(":").slice(1, -1).join(":"));
  for (const m of q.measures) {
    const v = measureValue(m);
    if (v) values.add(v);
  }
  const scores = new Map<string, Map<string, number>>();
  for (const v of values)
    if (v.startsWith("score:")) {
      const rows = await db
        .selectFrom("profile_score")
        .select(["entity_id", "value"])
        .where("name", "=", v.slice(6))
        .execute();
      scores.set(v, new Map(rows.map((r) => [r.entity_id, Number(r.value)])));
    }
  const enrichment = new Map<string, Map<string, string>>();
  for (const d of [...q.by, "enrichment:ageBand"])
    if (d.startsWith("enrichment:")) {
      const rows = await db
        .selectFrom("entity_enrichment")
        .select(["entity_id", "value"])
        .where("field", "=", d.slice(11))
        .execute();
      enrichment.set(d, new Map(rows.map((r) => [r.entity_id, String(fromJson<unknown>(r.value))])));
    }
  const segments = new Map<string, Set<string>>();
  const tables = q.by.some((d) => d.startsWith("segment:")) ? await listTables(store) : new Map();
  for (const d of q.by)
    if (d.startsWith("segment:")) {
      const rows = await db
        .selectFrom("saved_audience_member")
        .select("entity_id")
        .where("audience", "=", d.slice(8))
        .execute();
      const members = new Set(rows.map((r) => r.entity_id));
      // Segments of the audiences part (issue 8), by id, when that table exists.
      if (tables.has("segment_member")) {
        const loose = db as unknown as Kysely<Record<string, Record<string, string>>>;
        const more = await loose
          .selectFrom("segment_member")
          .select("entity_id")
          .where("segment_id", "=", d.slice(8))
          .execute();
        for (const r of more) members.add(r.entity_id as string);
      }
      segments.set(d, members);
    }
  const activity = new Map<string, { events: number; revenue: number }>();
  if (values.has("events") || values.has("revenue")) {
    const rows = await db
      .selectFrom("event as e")
      .innerJoin("entity_link as l", "l.record_key", "e.record_key")
      .select(["l.entity_id", "e.type", "e.body"])
      .execute();
    for (const r of rows) {
      const a = activity.get(r.entity_id) ?? { events: 0, revenue: 0 };
      a.events++;
      if (r.type === "track") {
        const rev = Number(fromJson<{ properties?: { revenue?: unknown } }>(r.body).properties?.revenue);
        if (Number.isFinite(rev)) a.revenue += rev;
      }
      activity.set(r.entity_id, a);
    }
  }
  const now = Date.now();
  const valueFor = (v: string, id: string, p: GoldenProfile): number | null => {
    if (v.startsWith("score:")) return scores.get(v)?.get(id) ?? null;
    if (v === "events") return activity.get(id)?.events ?? 0;
    if (v === "revenue") return activity.get(id)?.revenue ?? 0;
    if (v === "records") return p.records;
    if (v === "age") {
      const dob = p.dateOfBirth?.value;
      const t = dob ? Date.parse(dob) : Number.NaN;
      return Number.isFinite(t) ? Math.floor((now - t) / (365.2425 * 86_400_000)) : null;
    }
    return null;
  };
  const dimOf = (d: string, id: string, p: GoldenProfile, vals: Map<string, number | null>): string => {
    const a = p.address?.value;
    switch (d) {
      case "country":
        return a?.country ?? unknown;
      case "region":
        return enrichment.get("enrichment:region")?.get(id) ?? a?.region ?? unknown;
      case "city":
        return a?.city ?? unknown;
      case "gender":
        return p.gender?.value ?? unknown;
      case "source":
        return p.sources[0] ?? unknown;
      case "age_band": {
        const e = enrichment.get("enrichment:ageBand")?.get(id);
        if (e) return e;
        const age = valueFor("age", id, p);
        return age === null ? unknown : ageBandOf(age);
      }
    }
    if (d.startsWith("segment:")) return segments.get(d)?.has(id) ? "in" : "out";
    if (d.startsWith("enrichment:")) return enrichment.get(d)?.get(id) ?? unknown;
    if (d.startsWith("band:")) {
      const parts = d.split(":");
      return bandOf(
        vals.get(parts.slice(1, -1).join(":")) ?? null,
        parseEdges(parts[parts.length - 1] ?? "", d),
      );
    }
    return unknown;
  };
  const people: PersonRow[] = [];
  for await (const page of goldenProfiles(store))
    for (const { id, profile } of page) {
      if (excluded.has(id)) continue;
      const vals = new Map<string, number | null>();
      for (const v of values) vals.set(v, valueFor(v, id, profile));
      people.push({ dims: q.by.map((d) => dimOf(d, id, profile, vals)), values: vals });
    }
  return people;
}

/** The grid values are rounded to before noise, and each person's bound in grid steps. */
function grid(lo: number, hi: number): { step: number; bound: number } {
  const m = Math.max(Math.abs(lo), Math.abs(hi), 1e-9);
  const step = 10 ** Math.floor(Math.log10(m / 1000));
  return { step, bound: Math.ceil(m / step) };
}

export async function computeInsights(
  store: Store,
  q: InsightQuery,
  o: { random?: RandomSource } = {},
): Promise<InsightResult> {
  validateQuery(q);
  const r = o.random ?? secureRandom;
  const p = q.protection;
  const notes: string[] = [];
  const run = async (): Promise<Omit<InsightResult, "budget">> => {
    const people = await loadPeople(store, q);
    // Exact aggregation per cell.
    const cellIndex = new Map<string, number>();
    const keys: string[][] = [];
    const domains = q.by.map(closedDomains);
    if (p.kind === "dp" && domains.every((d) => d !== null)) {
      // A closed domain: every cell is released, people or not.
      const cross = (i: number, prefix: string[]): void => {
        if (i === q.by.length) {
          cellIndex.set(JSON.stringify(prefix), keys.length);
          keys.push(prefix);
          return;
        }
        for (const v of domains[i] as string[]) cross(i + 1, [...prefix, v]);
      };
      cross(0, []);
    }
    const counts: number[] = [];
    const sums = new Map<string, number[]>();
    const hists = new Map<string, number[][]>();
    const valuesUsed = [...new Set(q.measures.map(measureValue).filter((v): v is string => v !== null))];
    const cellOf = (dims: string[]) => {
      const k = JSON.stringify(dims);
      let i = cellIndex.get(k);
      if (i === undefined) {
        i = keys.length;
        cellIndex.set(k, i);
        keys.push(dims);
      }
      return i;
    };
    for (const person of people) {
      const i = cellOf(person.dims);
      counts[i] = (counts[i] ?? 0) + 1;
      for (const m of q.measures) {
        const v = measureValue(m);
        if (!v) continue;
        let x = person.values.get(v) ?? null;
        if (m.startsWith("histogram:")) {
          const edges = parseEdges(m.split(":").slice(-1)[0] ?? "", m);
          const bins = bandLabels(edges);
          const b = bins.indexOf(bandOf(x, edges));
          const h = hists.get(m) ?? [];
          const row = h[i] ?? new Array<number>(bins.length).fill(0);
          row[b] = (row[b] ?? 0) + 1;
          h[i] = row;
          hists.set(m, h);
          continue;
        }
        if (x === null) x = 0;
        const c = q.clip?.[v];
        if (c) x = Math.min(c[1], Math.max(c[0], x));
        const s = sums.get(v) ?? [];
        s[i] = (s[i] ?? 0) + x;
        sums.set(v, s);
      }
    }
    for (let i = 0; i < keys.length; i++) counts[i] = counts[i] ?? 0;
    const cells: InsightCell[] = keys.map((k, i) => ({
      key: Object.fromEntries(q.by.map((d, j) => [d, k[j] as string])),
      count: counts[i] as number,
    }));
    const protection: InsightResult["protection"] = { ...p };
    if (p.kind === "dp") {
      const parts = q.measures.filter((m) => m !== "count").length + 1;
      const eps = p.epsilon / parts;
      const delta = (p.delta ?? 0) / parts;
      const noise: Record<string, { scale: number; kind: string }> = {};
      const countScale = noiseScale(p.mechanism, eps, delta, 1);
      noise.count = {
        scale: countScale,
        kind: p.mechanism === "laplace" ? "discrete Laplace b" : "discrete Gaussian σ",
      };
      const noisy = counts.map((c) => c + noiseSteps(p.mechanism, eps, delta, 1, r));
      const open = domains.some((d) => d === null);
      let threshold = 0;
      if (open) {
        if (!((p.delta ?? 0) > 0))
          throw new InsightError(
            "protection.delta",
            `${q.by.filter((_, i) => domains[i] === null).join(", ")} come from the data: releasing its cells needs δ > 0`,
          );
        threshold = releaseThreshold(p.mechanism, countScale, delta);
        protection.threshold = threshold;
      }
      const released = noisy.map((c) => !open || c >= threshold);
      cells.forEach((cell, i) => {
        cell.count = Math.max(0, noisy[i] as number);
        if (p.minCell && cell.count < p.minCell) {
          cell.count = null;
          cell.suppressed = "primary";
        }
      });
      for (const v of valuesUsed) {
        const clip = q.clip?.[v];
        const sumMeasures = q.measures.filter((m) => m === `sum:${v}` || m === `mean:${v}`);
        if (sumMeasures.length === 0 || !clip) continue;
        const g = grid(clip[0], clip[1]);
        noise[`sum:${v}`] = {
          scale: noiseScale(p.mechanism, eps, delta, g.bound) * g.step,
          kind: noise.count.kind,
        };
        const s = sums.get(v) ?? [];
        cells.forEach((cell, i) => {
          const steps = Math.round((s[i] ?? 0) / g.step) + noiseSteps(p.mechanism, eps, delta, g.bound, r);
          const total = steps * g.step;
          if (q.measures.includes(`sum:${v}`)) fieldOf(cell, "sums")[v] = cell.count === null ? null : total;
          if (q.measures.includes(`mean:${v}`))
            fieldOf(cell, "means")[v] =
              cell.count === null || (noisy[i] as number) <= 0
                ? null
                : Math.min(clip[1], Math.max(clip[0], total / (noisy[i] as number)));
        });
      }
      for (const [m, h] of hists) {
        const bins = bandLabels(parseEdges(m.split(":").slice(-1)[0] ?? "", m)).length;
        noise[m] = noise.count;
        cells.forEach((cell, i) => {
          fieldOf(cell, "histograms")[m] =
            cell.count === null
              ? null
              : Array.from({ length: bins }, (_, b) =>
                  Math.max(0, (h[i]?.[b] ?? 0) + noiseSteps(p.mechanism, eps, delta, 1, r)),
                );
        });
      }
      protection.noise = noise;
      const kept = cells.filter((_, i) => released[i]);
      if (open)
        notes.push(
          `${cells.length - kept.length} cells below the release threshold ${threshold.toFixed(1)} are not shown`,
        );
      const totals = [
        {
          key: {},
          count: kept.reduce((a, c) => a + (c.count ?? 0), 0),
          sums: Object.fromEntries(
            valuesUsed
              .filter((v) => q.measures.includes(`sum:${v}`))
              .map((v) => [v, kept.reduce((a, c) => a + (c.sums?.[v] ?? 0), 0)]),
          ),
        },
      ];
      notes.push(
        `ε ${p.epsilon} and δ ${p.delta ?? 0} split evenly over ${parts} quantities (count${parts > 1 ? " and each sum or histogram" : ""})`,
      );
      return { by: q.by, measures: q.measures, people: null, cells: kept, totals, protection, notes };
    }
    // Small-cell suppression.
    const k = p.minCell ?? 10;
    const lines = marginLines(keys, q.by.length);
    const { hidden, withheldLines } = suppressSmallCells(counts, lines, k);
    for (const [i, why] of hidden) {
      const cell = cells[i] as InsightCell;
      cell.count = null;
      cell.suppressed = why;
    }
    for (const v of valuesUsed) {
      const s = sums.get(v) ?? [];
      cells.forEach((cell, i) => {
        if (q.measures.includes(`sum:${v}`)) fieldOf(cell, "sums")[v] = hidden.has(i) ? null : (s[i] ?? 0);
        if (q.measures.includes(`mean:${v}`))
          fieldOf(cell, "means")[v] =
            hidden.has(i) || !counts[i] ? null : (s[i] ?? 0) / (counts[i] as number);
      });
    }
    for (const [m, h] of hists)
      cells.forEach((cell, i) => {
        const row = h[i] ?? [];
        // A distribution's small bins are themselves small cells: hidden bins are shown as null.
        fieldOf(cell, "histograms")[m] = hidden.has(i)
          ? null
          : row.map((x) => (x > 0 && x < k ? Number.NaN : x));
      });
    // The grand total, then (two dimensions) each row's and each column's, named by the value they fix.
    const firstValues = new Set(keys.map((x) => x[0])).size;
    const totals = lines.map((line, li) => {
      const key: Record<string, string> = {};
      if (li > 0) {
        // marginLines lists the grand total, then the lines of each first-dimension value, then the second's.
        const fixed = li <= firstValues ? 0 : 1;
        key[q.by[fixed] as string] = (keys[line[0] as number] as string[])[fixed] as string;
      }
      const withheld = withheldLines.has(li);
      return {
        key,
        count: withheld ? null : line.reduce((a, i) => a + (counts[i] ?? 0), 0),
        sums: Object.fromEntries(
          valuesUsed
            .filter((v) => q.measures.includes(`sum:${v}`))
            .map((v) => [v, withheld ? null : line.reduce((a, i) => a + (sums.get(v)?.[i] ?? 0), 0)]),
        ),
      };
    });
    notes.push(
      `cells of 1 to ${k - 1} people hidden (${[...hidden.values()].filter((w) => w === "primary").length}), and ${[...hidden.values()].filter((w) => w === "complementary").length} more so that they cannot be worked out from the totals`,
    );
    if (hists.size > 0) notes.push("in distributions, bins of 1 to k−1 people are shown as null");
    for (const c of cells)
      if (c.histograms)
        for (const m of Object.keys(c.histograms))
          c.histograms[m] =
            c.histograms[m]?.map((x) => (Number.isNaN(x) ? (null as unknown as number) : x)) ?? null;
    return {
      by: q.by,
      measures: q.measures,
      people: people.length >= k ? people.length : null,
      cells,
      totals,
      protection,
      notes,
    };
  };
  if (p.kind === "dp") {
    const { result, budget } = await spend(
      store,
      p.recipient,
      {
        epsilon: p.epsilon,
        delta: p.delta ?? 0,
        mechanism: p.mechanism,
        query: { by: q.by, measures: q.measures, clip: q.clip ?? {} },
      },
      run,
    );
    return { ...result, budget };
  }
  return run();
}
