import type {} from "@fastify/swagger";
import type { FastifyInstance } from "fastify";
import { type Kysely, sql } from "kysely";
import { getProfiles } from "../store/entities.js";
import type { Store } from "../store/open-store.js";
import type { Database } from "../store/schema.js";
import { listModelRuns, type ModelRun, topScores } from "../store/scores.js";
import { type KeyRing, requireKey } from "./auth.js";

/**
 * Scores over all profiles (read keys), for the console's lifetime-value page: which scores exist, and one
 * score's distribution — summary figures, a histogram whose last bar holds the long tail, the model run that
 * made it — with the profiles that score highest. Read-only: scores are written by `tessera predict`.
 */

type Db = Kysely<Database>;

export interface ScoreSummary {
  name: string;
  profiles: number;
  min: number;
  max: number;
  mean: number;
  computedAt: string | null;
}

export interface ScoreDistribution extends ScoreSummary {
  sum: number;
  quantiles: { p50: number; p90: number; p99: number };
  /** Equal bins from `from` to `to`; values above `to` are counted in `above`. */
  bins: { from: number; to: number; count: number }[];
  above: { from: number; count: number };
  top: { id: string; name: string | null; value: number; others: Record<string, number> }[];
  run: Pick<
    ModelRun,
    "id" | "kind" | "status" | "finishedAt" | "scored" | "evaluation" | "parameters"
  > | null;
}

const security: { [label: string]: string[] }[] = [{ basic: [] }, { bearer: [] }];

export async function registerScoreRoutes(
  app: FastifyInstance,
  ctx: { store: Store; keys: KeyRing },
): Promise<void> {
  const { store, keys } = ctx;

  app.get(
    "/v1/scores",
    {
      schema: {
        summary: "The scores profiles carry, with how many profiles have each and their range",
        tags: ["scores"],
        security,
      },
    },
    async (request, reply) => {
      if (!(await requireKey(keys, request, reply, "read"))) return reply;
      return { scores: await scoreSummaries(store.db) };
    },
  );

  app.get<{
    Params: { name: string };
    Querystring: { bins?: number; from?: number; to?: number; top?: number };
  }>(
    "/v1/scores/:name",
    {
      schema: {
        summary:
          "One score over every profile: summary, quantiles, a histogram (from..to in `bins` bars, the tail above `to` counted apart) and the top profiles",
        tags: ["scores"],
        security,
        params: { type: "object", properties: { name: { type: "string" } }, required: ["name"] },
        querystring: {
          type: "object",
          properties: {
            bins: { type: "integer", minimum: 1, maximum: 200, default: 20 },
            from: { type: "number", description: "the first bin's lower edge (default 0, or the minimum)" },
            to: { type: "number", description: "the last bin's upper edge (default the 99th percentile)" },
            top: { type: "integer", minimum: 0, maximum: 500, default: 20 },
          },
        },
      },
    },
    async (request, reply) => {
      if (!(await requireKey(keys, request, reply, "read"))) return reply;
      const q = request.query;
      if (q.from !== undefined && q.to !== undefined && !(q.to > q.from))
        return reply
          .code(400)
          .send({ error: "bad request", message: `to (${q.to}) must be above from (${q.from})` });
      const d = await scoreDistribution(store, request.params.name, {
        bins: q.bins ?? 20,
        top: q.top ?? 20,
        ...(q.from !== undefined ? { from: q.from } : {}),
        ...(q.to !== undefined ? { to: q.to } : {}),
      });
      if (!d)
        return reply
          .code(404)
          .send({ error: "not found", message: `no profile has a score named "${request.params.name}"` });
      return d;
    },
  );
}

export async function scoreSummaries(db: Db): Promise<ScoreSummary[]> {
  const rows = await db
    .selectFrom("profile_score")
    .select((eb) => [
      "name",
      eb.fn.countAll<number | string>().as("n"),
      eb.fn.min<number>("value").as("lo"),
      eb.fn.max<number>("value").as("hi"),
      eb.fn.avg<number>("value").as("mean"),
      eb.fn.max("computed_at").as("at"),
    ])
    .groupBy("name")
    .orderBy("name")
    .execute();
  return rows.map((r) => ({
    name: r.name,
    profiles: Number(r.n),
    min: Number(r.lo),
    max: Number(r.hi),
    mean: Number(r.mean),
    computedAt: r.at === null ? null : new Date(r.at as string | Date).toISOString(),
  }));
}

/** A step of 1, 2 or 5 × 10^k at least `raw`, so that bin edges read as round numbers. */
export function niceStep(raw: number): number {
  if (!(raw > 0)) return 1;
  const p = 10 ** Math.floor(Math.log10(raw));
  for (const m of [1, 2, 2.5, 5, 10]) if (m * p >= raw * (1 - 1e-12)) return m * p;
  return 10 * p;
}

async function quantile(db: Db, name: string, n: number, q: number): Promise<number> {
  const row = await db
    .selectFrom("profile_score")
    .select("value")
    .where("name", "=", name)
    .orderBy("value")
    .limit(1)
    .offset(Math.min(n - 1, Math.floor(q * (n - 1))))
    .executeTakeFirst();
  return Number(row?.value ?? 0);
}

export async function scoreDistribution(
  store: Store,
  name: string,
  o: { bins: number; top: number; from?: number; to?: number },
): Promise<ScoreDistribution | null> {
  const db = store.db;
  const agg = await db
    .selectFrom("profile_score")
    .select((eb) => [
      eb.fn.countAll<number | string>().as("n"),
      eb.fn.min<number>("value").as("lo"),
      eb.fn.max<number>("value").as("hi"),
      eb.fn.sum<number>("value").as("sum"),
      eb.fn.max("computed_at").as("at"),
    ])
    .where("name", "=", name)
    .executeTakeFirst();
  const n = Number(agg?.n ?? 0);
  if (!agg || n === 0) return null;
  const min = Number(agg.lo);
  const max = Number(agg.hi);
  const sum = Number(agg.sum);
  const quantiles = {
    p50: await quantile(db, name, n, 0.5),
    p90: await quantile(db, name, n, 0.9),
    p99: await quantile(db, name, n, 0.99),
  };
  // Bins from 0 (or the minimum, when below 0) to the 99th percentile: lifetime values have a long tail
  // that would squeeze every other bar into the first one; the tail is one bar of its own.
  const from = o.from ?? (min >= 0 ? 0 : min);
  const upper = o.to ?? (quantiles.p99 > from ? quantiles.p99 : max > from ? max : from + 1);
  const step = o.to !== undefined ? (upper - from) / o.bins : niceStep((upper - from) / o.bins);
  // A rounded step may cover the range in fewer bins than asked.
  const count =
    o.to !== undefined ? o.bins : Math.max(1, Math.min(o.bins, Math.ceil((upper - from) / step - 1e-9)));
  const bins = Array.from({ length: count }, (_, i) => ({
    from: from + i * step,
    to: from + (i + 1) * step,
    count: 0,
  }));
  const to = from + count * step;
  // (A value on an edge, 0.3 in bins of 0.1, belongs to the bin it starts, whatever the rounding of 0.3 / 0.1.)
  const index =
    store.dialect === "postgres"
      ? sql<number>`floor((value - ${from}) / ${step} + 1e-9)::int`
      : sql<number>`cast((value - ${from}) / ${step} + 1e-9 as integer)`;
  const counts = await db
    .selectFrom("profile_score")
    .select([index.as("bin"), (eb) => eb.fn.countAll<number | string>().as("n")])
    .where("name", "=", name)
    .where("value", ">=", from)
    .where("value", "<=", to)
    .groupBy(sql`1`)
    .execute();
  let inside = 0;
  for (const c of counts) {
    const bin = bins[Math.min(count - 1, Math.max(0, Number(c.bin)))];
    if (bin) bin.count += Number(c.n);
    inside += Number(c.n);
  }
  const below = min < from ? await countWhere(db, name, "<", from) : 0;
  const top = await topScores(db, name, { limit: o.top });
  const ids = top.map((t) => t.entityId);
  const profiles = ids.length > 0 ? await getProfiles(db, ids) : new Map();
  const others = new Map<string, Record<string, number>>();
  if (ids.length > 0) {
    const rows = await db
      .selectFrom("profile_score")
      .select(["entity_id", "name", "value"])
      .where("entity_id", "in", ids)
      .where("name", "!=", name)
      .execute();
    for (const r of rows) {
      const m = others.get(r.entity_id) ?? {};
      m[r.name] = Number(r.value);
      others.set(r.entity_id, m);
    }
  }
  const [run] = await listModelRuns(db, { name, limit: 1 });
  return {
    name,
    profiles: n,
    min,
    max,
    mean: sum / n,
    sum,
    computedAt: agg.at === null ? null : new Date(agg.at as string | Date).toISOString(),
    quantiles,
    bins,
    above: { from: to, count: n - inside - below },
    top: top.map((t) => ({
      id: t.entityId,
      name: profiles.get(t.entityId)?.name?.value.full ?? null,
      value: t.value,
      others: others.get(t.entityId) ?? {},
    })),
    run: run
      ? {
          id: run.id,
          kind: run.kind,
          status: run.status,
          finishedAt: run.finishedAt,
          scored: run.scored,
          evaluation: run.evaluation,
          parameters: run.parameters,
        }
      : null,
  };
}

async function countWhere(db: Db, name: string, op: "<", v: number): Promise<number> {
  const r = await db
    .selectFrom("profile_score")
    .select((eb) => eb.fn.countAll<number | string>().as("n"))
    .where("name", "=", name)
    .where("value", op, v)
    .executeTakeFirst();
  return Number(r?.n ?? 0);
}
