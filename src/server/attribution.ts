import type { FastifyInstance, FastifyReply } from "fastify";
import { allModels, isModelName, type ModelName } from "../analytics/attribution/credit.js";
import {
  type AttributionJobOptions,
  attributionFromPaths,
  attributionFromStore,
  JourneyInputError,
  type PathRow,
} from "../jobs/attribution.js";
import { PayloadError } from "../sources/segment.js";
import { latestAttributionRun, tableExists } from "../store/attribution.js";
import type { Store } from "../store/open-store.js";
import { type KeyRing, requireKey } from "./auth.js";
import { parseBody } from "./tracking.js";

/**
 * Attribution (read keys): the credit tables computed from the store's journeys, from paths posted in the
 * request, or the latest run kept by `tessera attribution --save`.
 */

interface Query {
  model?: string;
  models?: string;
  by?: string;
  lookbackDays?: number;
  conversionEvents?: string;
  direct?: boolean;
  ledger?: boolean;
  coalition?: string;
  since?: string;
}

class BadQuery extends Error {}

function optionsOf(q: Query & { separator?: string }): AttributionJobOptions {
  const names = (q.models ?? q.model)
    ?.split(",")
    .map((s) => s.trim())
    .filter(Boolean);
  for (const n of names ?? [])
    if (!isModelName(n)) throw new BadQuery(`model "${n}" is not one of ${allModels.join(", ")}`);
  if (q.by !== undefined && q.by !== "channel" && q.by !== "campaign")
    throw new BadQuery(`by must be channel or campaign, not ${q.by}`);
  if (q.coalition !== undefined && q.coalition !== "subset" && q.coalition !== "exact")
    throw new BadQuery(`coalition must be subset or exact, not ${q.coalition}`);
  return {
    ...(names && names.length > 0 ? { models: names as ModelName[] } : {}),
    ...(q.by ? { by: q.by as "channel" | "campaign" } : {}),
    ...(q.lookbackDays ? { lookbackDays: q.lookbackDays } : {}),
    ...(q.conversionEvents
      ? {
          conversionEvents: q.conversionEvents
            .split(",")
            .map((s) => s.trim())
            .filter(Boolean),
        }
      : {}),
    ...(q.direct !== undefined ? { includeDirect: q.direct } : {}),
    ...(q.ledger !== undefined ? { includeLedger: q.ledger } : {}),
    ...(q.coalition ? { coalition: q.coalition as "subset" | "exact" } : {}),
    ...(q.since ? { since: q.since } : {}),
    ...(q.separator ? { separator: q.separator } : {}),
  };
}

const queryProperties = {
  model: { type: "string", description: `one model or a comma-separated list: ${allModels.join(", ")}` },
  models: { type: "string", description: "the same as model" },
  by: { type: "string", enum: ["channel", "campaign"] },
  lookbackDays: { type: "number", exclusiveMinimum: 0 },
  conversionEvents: {
    type: "string",
    description: "track event names that are conversions, comma-separated",
  },
  direct: {
    type: "boolean",
    description: "count visits without campaign or referrer as direct (default true)",
  },
  ledger: { type: "boolean", description: "read the message ledger's sends as touchpoints (default true)" },
  coalition: { type: "string", enum: ["subset", "exact"] },
  since: { type: "string", description: "only events from this time on (ISO 8601)" },
} as const;

function bad(reply: FastifyReply, e: unknown) {
  if (e instanceof BadQuery || e instanceof JourneyInputError || e instanceof RangeError)
    return reply.code(400).send({ error: "bad request", message: e.message });
  throw e;
}

/**
 * What attribution over the store reads — events, who they belong to (merges and splits write the change log)
 * and the message ledger — as one value: while it stays the same, so does every answer.
 */
async function storeVersion(store: Store, ledger: boolean): Promise<string> {
  const newest = async (table: "event" | "message" | "entity_change", column: "id" | "seq") =>
    (
      await store.db
        .selectFrom(table)
        .select((eb) => eb.fn.max(column as "id").as("v"))
        .executeTakeFirst()
    )?.v ?? 0;
  const sent = ledger ? await newest("message", "id") : 0;
  return `${await newest("event", "id")}:${await newest("entity_change", "seq")}:${sent}`;
}

/**
 * Answers to GET /v1/attribution, per question: one computation at a time per question (requests arriving while
 * it runs share it), reused while the store's journeys are unchanged, and for `maxAgeSeconds` after that while
 * events keep arriving — a console refreshing its charts does not read every event each time. The answers to the
 * 64 questions computed last are kept.
 */
export class AttributionMemo {
  private readonly answers = new Map<string, { version: string; at: number; answer: Promise<unknown> }>();
  private ledger: Promise<boolean> | null = null;
  constructor(
    private readonly store: Store,
    private readonly maxAgeSeconds = 30,
    private readonly now: () => number = Date.now,
  ) {}

  async get(
    options: AttributionJobOptions,
  ): Promise<{ answer: unknown; cache: "hit" | "stale" | "miss"; computedAt: number }> {
    const key = JSON.stringify(options);
    this.ledger ??= tableExists(this.store.db, this.store.dialect, "message");
    const version = await storeVersion(this.store, await this.ledger);
    const held = this.answers.get(key);
    if (held) {
      const cache =
        held.version === version ? "hit" : this.now() - held.at < this.maxAgeSeconds * 1000 ? "stale" : null;
      if (cache) return { answer: await held.answer, cache, computedAt: held.at };
    }
    const at = this.now();
    const answer = attributionFromStore(this.store, options);
    this.answers.delete(key);
    this.answers.set(key, { version, at, answer });
    // The oldest questions go first: a map keeps its insertion order.
    while (this.answers.size > 64) this.answers.delete(this.answers.keys().next().value as string);
    try {
      return { answer: await answer, cache: "miss", computedAt: at };
    } catch (e) {
      if (this.answers.get(key)?.answer === answer) this.answers.delete(key);
      throw e;
    }
  }
}

export async function registerAttributionRoutes(
  app: FastifyInstance,
  ctx: { store: Store; keys: KeyRing; attributionMaxAgeSeconds?: number },
): Promise<void> {
  const { store, keys } = ctx;
  const memo = new AttributionMemo(store, ctx.attributionMaxAgeSeconds);

  app.get<{ Querystring: Query }>(
    "/v1/attribution",
    {
      schema: {
        summary: "Credit per channel (or campaign) by every attribution model, over the store's journeys",
        tags: ["attribution"],
        querystring: { type: "object", properties: queryProperties },
      },
    },
    async (request, reply) => {
      if (!(await requireKey(keys, request, reply, "read"))) return reply;
      try {
        const { answer, cache, computedAt } = await memo.get(optionsOf(request.query));
        reply
          .header("x-tessera-cache", cache)
          .header("x-tessera-computed-at", new Date(computedAt).toISOString());
        return answer;
      } catch (e) {
        return bad(reply, e);
      }
    },
  );

  app.post(
    "/v1/attribution",
    {
      bodyLimit: 64 * 1024 * 1024,
      schema: {
        summary:
          "Credit per touchpoint over uploaded paths: a JSON body {paths: [{path, conversions, value, nulls}], model?, by?, separator?, coalition?}",
        tags: ["attribution"],
      },
    },
    async (request, reply) => {
      if (!(await requireKey(keys, request, reply, "read"))) return reply;
      try {
        const body = parseBody(request.body);
        if (body === null || typeof body !== "object" || !Array.isArray((body as { paths?: unknown }).paths))
          throw new BadQuery("the body needs paths: an array of {path, conversions, value, nulls}");
        const { paths, ...rest } = body as { paths: PathRow[] } & Query & { separator?: string };
        for (const [k, v] of Object.entries(rest))
          if (v !== undefined && typeof v !== "string" && typeof v !== "number" && typeof v !== "boolean")
            throw new BadQuery(`${k} must be a string, number or boolean`);
        return attributionFromPaths(paths, optionsOf(rest));
      } catch (e) {
        if (e instanceof PayloadError)
          return reply.code(400).send({ error: "bad request", message: e.message });
        return bad(reply, e);
      }
    },
  );

  app.get<{ Querystring: { by?: string } }>(
    "/v1/attribution/runs/latest",
    {
      schema: {
        summary: "The latest attribution run kept in the store",
        tags: ["attribution"],
        querystring: { type: "object", properties: { by: { type: "string" } } },
      },
    },
    async (request, reply) => {
      if (!(await requireKey(keys, request, reply, "read"))) return reply;
      const run = await latestAttributionRun(store.db, request.query.by ? { by: request.query.by } : {});
      if (!run)
        return reply.code(404).send({ error: "not found", message: "no attribution run has been kept" });
      return run;
    },
  );
}
