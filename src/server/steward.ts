import type {} from "@fastify/swagger";
import type { FastifyInstance, FastifyReply } from "fastify";
import {
  acceptReviewItem,
  mergeEntities,
  rejectReviewItem,
  StewardError,
  splitEntity,
} from "../jobs/steward.js";
import type { GoldenProfile } from "../master/golden-profile.js";
import type { StandardizedRecord } from "../model/standardized.js";
import { getProfiles } from "../store/entities.js";
import { memberRecordsByKey } from "../store/member-records.js";
import type { Store } from "../store/open-store.js";
import { latestQualityRun, listFindings, profileQualityOf, riskiestProfiles } from "../store/quality.js";
import {
  countOpenReviewItems,
  getReviewItem,
  listDecisions,
  listReviewItems,
  type ReviewItem,
} from "../store/stewardship.js";
import { type KeyRing, requireKey } from "./auth.js";

/**
 * Stewardship over HTTP (issue 12): the review queue (each pair's two records side by side with the match
 * explanation), accept / reject / skip, merge and split from a profile, and the quality figures the console's
 * dashboard draws. Decisions are made by a steward key; the key's name is recorded as who decided.
 */

const security: { [label: string]: string[] }[] = [{ basic: [] }, { bearer: [] }];
const steward = { tags: ["stewardship"], security };

/** The fields a steward compares, in the order shown; values are the record's standardised forms. */
const fieldOrder = ["name", "date of birth", "gender", "address", "emails", "phones", "identifiers"] as const;
type Field = (typeof fieldOrder)[number];

export interface RecordSide {
  key: string;
  source: string;
  entity: string;
  observedAt: string;
  values: Record<Field, string[]>;
  /** The entity's golden profile in brief. */
  profile: { name: string | null; records: number; sources: string[] } | null;
}

export interface FieldComparison {
  field: Field;
  left: string[];
  right: string[];
  /** same: equal values; differ: both have values, none shared; partial: some shared; missing: one side has none. */
  agreement: "same" | "partial" | "differ" | "missing";
}

function recordValues(s: StandardizedRecord): Record<Field, string[]> {
  const n = s.name;
  const name = n ? [n.title, n.given, n.middle, n.family, n.suffix].filter(Boolean).join(" ") : "";
  return {
    name: name ? [name] : [],
    "date of birth": s.dateOfBirth?.iso ? [s.dateOfBirth.iso] : s.dateOfBirth ? [s.dateOfBirth.original] : [],
    gender: s.gender ? [s.gender] : [],
    address: s.addresses.map((a) => a.line).filter((l) => l.length > 0),
    emails: s.emails.map((e) => e.canonical || e.normalized),
    phones: s.phones.map((p) => p.e164 ?? p.original),
    identifiers: s.identifiers.map((i) => `${i.type}:${i.value}`),
  };
}

function agreement(left: string[], right: string[]): FieldComparison["agreement"] {
  if (left.length === 0 || right.length === 0) return "missing";
  const r = new Set(right);
  const shared = left.filter((v) => r.has(v)).length;
  if (shared === 0) return "differ";
  return shared === left.length && left.length === right.length ? "same" : "partial";
}

function brief(p: GoldenProfile | undefined): RecordSide["profile"] {
  return p ? { name: p.name?.value.full ?? null, records: p.records, sources: p.sources } : null;
}

/** A review item with both records' values, compared field by field. */
export async function reviewPair(
  store: Store,
  item: ReviewItem,
): Promise<{ left: RecordSide; right: RecordSide; fields: FieldComparison[] }> {
  const [l, r] = await memberRecordsByKey(store.db, [item.leftKey, item.rightKey]);
  const profiles = await getProfiles(store.db, [item.leftEntity, item.rightEntity]);
  const side = (m: NonNullable<typeof l>, entity: string): RecordSide => ({
    key: m.key,
    source: m.source,
    entity,
    observedAt: m.observedAt,
    values: recordValues(m.standardized),
    profile: brief(profiles.get(entity)),
  });
  const left = side(l as NonNullable<typeof l>, item.leftEntity);
  const right = side(r as NonNullable<typeof r>, item.rightEntity);
  const fields = fieldOrder.map((f) => ({
    field: f,
    left: left.values[f],
    right: right.values[f],
    agreement: agreement(left.values[f], right.values[f]),
  }));
  return { left, right, fields };
}

function itemJson(i: ReviewItem) {
  return {
    id: i.id,
    leftKey: i.leftKey,
    rightKey: i.rightKey,
    leftEntity: i.leftEntity,
    rightEntity: i.rightEntity,
    probability: i.probability,
    impact: i.impact,
    status: i.status,
    createdAt: i.createdAt,
    decidedAt: i.decidedAt,
    decisionId: i.decisionId,
  };
}

async function refused(reply: FastifyReply, e: unknown): Promise<FastifyReply> {
  if (e instanceof StewardError) {
    const status = /^no (entity|review item)/.test(e.message) ? 404 : 409;
    return reply.code(status).send({ error: status === 404 ? "not found" : "conflict", message: e.message });
  }
  throw e;
}

const idParam = {
  type: "object",
  required: ["id"],
  properties: { id: { type: "integer", minimum: 1, description: "the review item" } },
} as const;
const entityParam = {
  type: "object",
  required: ["id"],
  properties: { id: { type: "string", description: "a golden id (T-123) or an alias of one" } },
} as const;
const reasonProp = { reason: { type: "string", maxLength: 2000, description: "why, for the audit log" } };
const reasonBody = { type: "object", properties: reasonProp } as const;

export async function registerStewardRoutes(
  app: FastifyInstance,
  ctx: { store: Store; keys: KeyRing },
): Promise<void> {
  const { store, keys } = ctx;
  await app.register(async (api) => {
    // The server reads every body as bytes (for the Segment calls); these routes take JSON.
    api.addHook("preValidation", async (request) => {
      if (request.method === "POST" && (request.body === undefined || request.body === null))
        request.body = {};
      if (!Buffer.isBuffer(request.body)) return;
      const text = request.body.toString("utf8").trim();
      try {
        request.body = text ? JSON.parse(text) : {};
      } catch (e) {
        throw Object.assign(new Error(`the body is not JSON: ${(e as Error).message}`), { statusCode: 400 });
      }
    });

    api.get(
      "/v1/session",
      {
        schema: {
          summary: "The key a request signs in with: its kind (read, steward, admin) and name",
          ...steward,
        },
      },
      async (request, reply) => {
        const key = await requireKey(keys, request, reply, "read");
        if (!key) return reply;
        return { kind: key.kind, name: key.name };
      },
    );

    api.get<{ Querystring: { limit?: number; exclude?: string } }>(
      "/v1/review",
      {
        schema: {
          summary: "The open review items, the ones whose decision changes most first",
          ...steward,
          querystring: {
            type: "object",
            properties: {
              limit: { type: "integer", minimum: 1, maximum: 500 },
              exclude: {
                type: "string",
                description: "comma-separated item ids to leave out (skipped ones)",
              },
            },
          },
        },
      },
      async (request, reply) => {
        if (!(await requireKey(keys, request, reply, "read"))) return reply;
        const limit = request.query.limit ?? 50;
        const exclude = new Set(
          (request.query.exclude ?? "")
            .split(",")
            .map((s) => Number(s.trim()))
            .filter((n) => Number.isInteger(n) && n > 0),
        );
        const items = (await listReviewItems(store.db, limit + exclude.size))
          .filter((i) => !exclude.has(i.id))
          .slice(0, limit);
        const profiles = await getProfiles(store.db, [
          ...new Set(items.flatMap((i) => [i.leftEntity, i.rightEntity])),
        ]);
        return {
          open: await countOpenReviewItems(store.db),
          items: items.map((i) => ({
            ...itemJson(i),
            leftName: profiles.get(i.leftEntity)?.name?.value.full ?? null,
            rightName: profiles.get(i.rightEntity)?.name?.value.full ?? null,
          })),
        };
      },
    );

    api.get<{ Params: { id: number } }>(
      "/v1/review/:id",
      {
        schema: {
          summary: "One review item: the two records side by side, field by field, and the match explanation",
          ...steward,
          params: idParam,
        },
      },
      async (request, reply) => {
        if (!(await requireKey(keys, request, reply, "read"))) return reply;
        const item = await getReviewItem(store.db, request.params.id);
        if (!item)
          return reply.code(404).send({ error: "not found", message: `no review item ${request.params.id}` });
        return { item: itemJson(item), ...(await reviewPair(store, item)), explanation: item.explanation };
      },
    );

    for (const action of ["accept", "reject"] as const)
      api.post<{ Params: { id: number }; Body: { reason?: string } }>(
        `/v1/review/:id/${action}`,
        {
          schema: {
            summary:
              action === "accept"
                ? "Accept a pair: the two records are one person, their entities merge"
                : "Reject a pair: not a match, remembered and honoured by every later run",
            ...steward,
            params: idParam,
            body: reasonBody,
          },
        },
        async (request, reply) => {
          const key = await requireKey(keys, request, reply, "steward");
          if (!key) return reply;
          const who = { by: key.name, ...(request.body?.reason ? { reason: request.body.reason } : {}) };
          try {
            return action === "accept"
              ? await acceptReviewItem(store, request.params.id, who)
              : await rejectReviewItem(store, request.params.id, who);
          } catch (e) {
            return refused(reply, e);
          }
        },
      );

    api.post<{ Params: { id: number } }>(
      "/v1/review/:id/skip",
      {
        schema: {
          summary: "Skip a pair for now: nothing is decided; answers the next open item after it",
          ...steward,
          params: idParam,
        },
      },
      async (request, reply) => {
        if (!(await requireKey(keys, request, reply, "steward"))) return reply;
        const item = await getReviewItem(store.db, request.params.id);
        if (!item)
          return reply.code(404).send({ error: "not found", message: `no review item ${request.params.id}` });
        if (item.status !== "open")
          return reply
            .code(409)
            .send({ error: "conflict", message: `review item ${item.id} is already ${item.status}` });
        const open = await listReviewItems(store.db, 500);
        const at = open.findIndex((i) => i.id === item.id);
        const next = open[at + 1] ?? null;
        return { item: item.id, status: "skipped", next: next?.id ?? null };
      },
    );

    api.post<{ Params: { id: string }; Body: { with: string; reason?: string } }>(
      "/v1/profiles/:id/merge",
      {
        schema: {
          summary: "Merge another profile into this one (the older id survives; the other becomes its alias)",
          ...steward,
          params: entityParam,
          body: {
            type: "object",
            required: ["with"],
            properties: { with: { type: "string", minLength: 1 }, ...reasonProp },
          },
        },
      },
      async (request, reply) => {
        const key = await requireKey(keys, request, reply, "steward");
        if (!key) return reply;
        const b = request.body;
        try {
          return await mergeEntities(store, request.params.id, b.with, {
            by: key.name,
            ...(b.reason ? { reason: b.reason } : {}),
          });
        } catch (e) {
          return refused(reply, e);
        }
      },
    );

    api.post<{ Params: { id: string }; Body: { records: string[]; reason?: string } }>(
      "/v1/profiles/:id/split",
      {
        schema: {
          summary: "Split records off a profile (the larger part keeps the id; the other gets a new one)",
          ...steward,
          params: entityParam,
          body: {
            type: "object",
            required: ["records"],
            properties: {
              records: {
                type: "array",
                minItems: 1,
                items: { type: "string", description: "a record key, source/id" },
              },
              ...reasonProp,
            },
          },
        },
      },
      async (request, reply) => {
        const key = await requireKey(keys, request, reply, "steward");
        if (!key) return reply;
        const b = request.body;
        try {
          return await splitEntity(store, request.params.id, b.records, {
            by: key.name,
            ...(b.reason ? { reason: b.reason } : {}),
          });
        } catch (e) {
          return refused(reply, e);
        }
      },
    );

    api.get<{ Params: { id: string } }>(
      "/v1/profiles/:id/stewardship",
      {
        schema: {
          summary:
            "A profile's quality and fake-risk flags, open findings and the steward decisions about it",
          ...steward,
          params: entityParam,
        },
      },
      async (request, reply) => {
        if (!(await requireKey(keys, request, reply, "read"))) return reply;
        const id = request.params.id;
        return {
          quality: await profileQualityOf(store.db, id),
          findings: await listFindings(store.db, { subject: id, status: "open", limit: 100 }),
          decisions: await listDecisions(store.db, { entity: id, limit: 100 }),
        };
      },
    );

    api.get(
      "/v1/quality",
      {
        schema: {
          summary:
            "The latest quality run's figures (completeness, validity, conflicts, freshness, fakes, generic values) and the riskiest profiles",
          tags: ["quality"],
          security,
        },
      },
      async (request, reply) => {
        if (!(await requireKey(keys, request, reply, "read"))) return reply;
        const run = await latestQualityRun<unknown>(store.db);
        if (!run)
          return reply
            .code(404)
            .send({ error: "not found", message: "no quality run yet: run tessera quality run" });
        const risky = await riskiestProfiles(store.db, { minScore: 0.3, limit: 20 });
        const names = await getProfiles(
          store.db,
          risky.map((r) => r.entityId),
        );
        return {
          run: run.id,
          at: run.at,
          summary: run.summary,
          riskiest: risky.map((r) => ({
            id: r.entityId,
            name: names.get(r.entityId)?.name?.value.full ?? null,
            fakeScore: r.fakeScore,
            reasons: r.fakeReasons,
            excluded: r.excluded,
          })),
        };
      },
    );

    api.get(
      "/v1/overview",
      {
        schema: {
          summary: "What the store holds: active profiles, records per source, open review items",
          tags: ["stewardship"],
          security,
        },
      },
      async (request, reply) => {
        if (!(await requireKey(keys, request, reply, "read"))) return reply;
        const entities = await store.db
          .selectFrom("entity")
          .select((eb) => eb.fn.countAll<number>().as("n"))
          .where("status", "=", "active")
          .executeTakeFirst();
        const sources = await store.db
          .selectFrom("entity_link")
          .select((eb) => ["source", eb.fn.countAll<number>().as("n")])
          .groupBy("source")
          .orderBy("source")
          .execute();
        return {
          profiles: Number(entities?.n ?? 0),
          sources: sources.map((s) => ({ source: s.source, records: Number(s.n) })),
          openReview: await countOpenReviewItems(store.db),
        };
      },
    );
  });
}
