import type {} from "@fastify/swagger";
import type { FastifyInstance, FastifyReply } from "fastify";
import { TraitDefinitionError, traitKinds } from "../analytics/computed-traits.js";
import { PolicyError } from "../analytics/contact-policy.js";
import { latestMicroSegments, runMicroSegments } from "../jobs/audience-microsegments.js";
import { defineTrait, removeTrait } from "../jobs/computed-traits.js";
import { type DecideInput, decide } from "../jobs/decide.js";
import {
  LedgerError,
  profileMessages,
  readPolicy,
  recordMessageResponse,
  recordSent,
  writePolicy,
} from "../jobs/ledger.js";
import { LookupError } from "../jobs/profile-api.js";
import { ExportError, exportLines, exportToWebhook } from "../jobs/segment-export.js";
import {
  createSegment,
  deleteSegment,
  estimateRule,
  evaluateSegment,
  SegmentError,
  updateSegment,
} from "../jobs/segments.js";
import {
  getSegment,
  getTraitDefinition,
  listSegments,
  listTraitDefinitions,
  type SegmentRow,
  segmentMemberPage,
} from "../store/audiences.js";
import { getProfiles } from "../store/entities.js";
import type { Store } from "../store/open-store.js";
import { jsonBody, type KeyRing, keyGuard } from "./auth.js";

/**
 * Audiences (issue 8): segments (rules, live membership, estimates, members, exports), computed traits, the
 * message ledger, the contact policy and `POST /v1/decide`, and micro-segments. Reads take a read key;
 * definitions, exports and the ledger a steward key.
 */

const security: { [label: string]: string[] }[] = [{ basic: [] }, { bearer: [] }];
const segments = { tags: ["audiences"], security };

const ruleSchema = {
  type: "object",
  description:
    'a segment rule: {all:[…]}, {any:[…]}, {not:…}, {trait, op, value}, {computed, op, value}, {event, did, atLeast?, withinDays?, where?}, {score, op, value}, {household:{size?, member?}}, {quality, op?, value?}, {consent:{purpose, channel?, state}}, {segment:"S-1"} — see docs/audiences.md',
} as const;
const segmentBody = {
  type: "object",
  properties: {
    name: { type: "string", minLength: 1, maxLength: 120 },
    description: { type: ["string", "null"], maxLength: 2000 },
    rule: ruleSchema,
  },
} as const;
const idParam = {
  type: "object",
  properties: { id: { type: "string", maxLength: 100 } },
  required: ["id"],
} as const;

function view(s: SegmentRow) {
  return {
    id: s.id,
    name: s.name,
    description: s.description,
    rule: s.rule,
    size: s.size,
    createdAt: s.createdAt,
    updatedAt: s.updatedAt,
    evaluatedAt: s.evaluatedAt,
  };
}

function fail(reply: FastifyReply, e: unknown) {
  if (e instanceof SegmentError)
    return reply.code(e.status).send({
      error: e.status === 404 ? "not found" : e.status === 409 ? "conflict" : "bad request",
      message: e.message,
      ...(e.issues.length > 0 ? { issues: e.issues } : {}),
    });
  if (e instanceof LedgerError || e instanceof ExportError)
    return reply.code(e.status).send({
      error: e.status === 404 ? "not found" : e.status >= 500 ? "bad gateway" : "bad request",
      message: e.message,
    });
  if (e instanceof TraitDefinitionError || e instanceof PolicyError || e instanceof LookupError)
    return reply.code(400).send({ error: "bad request", message: e.message });
  throw e;
}

export async function registerAudienceRoutes(
  app: FastifyInstance,
  ctx: { store: Store; keys: KeyRing },
): Promise<void> {
  const { store, keys } = ctx;
  const read = keyGuard(keys, "read");
  const steward = keyGuard(keys, "steward");

  // ── segments ──────────────────────────────────────────────────────────────────────────────────────────
  app.get(
    "/v1/segments",
    { onRequest: read, schema: { summary: "Segments with their sizes", ...segments } },
    async () => ({
      segments: (await listSegments(store.db)).map(view),
    }),
  );

  app.post<{ Body: { name: string; rule: unknown; description?: string | null } }>(
    "/v1/segments",
    {
      onRequest: steward,
      preValidation: jsonBody,
      schema: {
        summary: "Create a segment: its members are computed at once and kept current as events arrive",
        ...segments,
        body: { ...segmentBody, required: ["name", "rule"] },
      },
    },
    async (request, reply) => {
      try {
        const r = await createSegment(store, request.body);
        return reply.code(201).send({ ...view(r.segment), evaluation: r.evaluation });
      } catch (e) {
        return fail(reply, e);
      }
    },
  );

  app.post<{ Body: { rule: unknown } }>(
    "/v1/segments/estimate",
    {
      onRequest: read,
      preValidation: jsonBody,
      schema: {
        summary:
          "How many profiles a rule selects now (exact up to 50,000 profiles, else from a random sample with a 95% margin)",
        ...segments,
        body: { type: "object", required: ["rule"], properties: { rule: ruleSchema } },
      },
    },
    async (request, reply) => {
      try {
        return await estimateRule(store, request.body.rule);
      } catch (e) {
        return fail(reply, e);
      }
    },
  );

  app.get<{ Params: { id: string } }>(
    "/v1/segments/:id",
    { onRequest: read, schema: { summary: "One segment", ...segments, params: idParam } },
    async (request, reply) => {
      const s = await getSegment(store.db, request.params.id);
      if (!s) return reply.code(404).send({ error: "not found", message: `no segment ${request.params.id}` });
      return view(s);
    },
  );

  app.put<{ Params: { id: string }; Body: { name?: string; rule?: unknown; description?: string | null } }>(
    "/v1/segments/:id",
    {
      onRequest: steward,
      preValidation: jsonBody,
      schema: {
        summary: "Change a segment's name, description or rule (a new rule is evaluated at once)",
        ...segments,
        params: idParam,
        body: segmentBody,
      },
    },
    async (request, reply) => {
      try {
        const r = await updateSegment(store, request.params.id, request.body ?? {});
        return { ...view(r.segment), evaluation: r.evaluation };
      } catch (e) {
        return fail(reply, e);
      }
    },
  );

  app.delete<{ Params: { id: string } }>(
    "/v1/segments/:id",
    {
      onRequest: steward,
      schema: { summary: "Delete a segment (its members leave it)", ...segments, params: idParam },
    },
    async (request, reply) => {
      try {
        if (!(await deleteSegment(store, request.params.id)))
          return reply.code(404).send({ error: "not found", message: `no segment ${request.params.id}` });
        return reply.code(204).send();
      } catch (e) {
        return fail(reply, e);
      }
    },
  );

  app.post<{ Params: { id: string } }>(
    "/v1/segments/:id/refresh",
    {
      onRequest: steward,
      schema: { summary: "Re-evaluate a segment over every profile now", ...segments, params: idParam },
    },
    async (request, reply) => {
      const s = await getSegment(store.db, request.params.id);
      if (!s) return reply.code(404).send({ error: "not found", message: `no segment ${request.params.id}` });
      return evaluateSegment(store, s, { cause: "refresh asked for" });
    },
  );

  app.get<{ Params: { id: string }; Querystring: { limit?: number; after?: string } }>(
    "/v1/segments/:id/members",
    {
      onRequest: read,
      schema: {
        summary: "A segment's members in id order, a page at a time",
        ...segments,
        params: idParam,
        querystring: {
          type: "object",
          properties: {
            limit: { type: "integer", minimum: 1, maximum: 10000 },
            after: { type: "string", description: "the `next` of the previous page" },
          },
        },
      },
    },
    async (request, reply) => {
      const s = await getSegment(store.db, request.params.id);
      if (!s) return reply.code(404).send({ error: "not found", message: `no segment ${request.params.id}` });
      try {
        const page = await segmentMemberPage(store.db, s.id, {
          limit: request.query.limit ?? 100,
          after: request.query.after ?? null,
        });
        const profiles = await getProfiles(
          store.db,
          page.members.map((m) => m.entityId),
        );
        return {
          segment: { id: s.id, name: s.name },
          total: s.size,
          members: page.members.map((m) => {
            const p = profiles.get(m.entityId);
            return {
              id: m.entityId,
              since: m.since,
              name: p?.name?.value.full ?? null,
              email: p?.emails[0]?.value ?? null,
            };
          }),
          next: page.next,
        };
      } catch (e) {
        return reply.code(400).send({ error: "bad request", message: (e as Error).message });
      }
    },
  );

  app.get<{
    Params: { id: string };
    Querystring: { format?: "csv" | "jsonl"; purpose?: string; channel?: string };
  }>(
    "/v1/segments/:id/export",
    {
      onRequest: steward,
      schema: {
        summary:
          "Export a segment's contactable members as CSV or JSON lines (people without consent for the purpose and channel are left out; the count is in X-Tessera-Withheld trailers of the log)",
        ...segments,
        params: idParam,
        querystring: {
          type: "object",
          properties: {
            format: { type: "string", enum: ["csv", "jsonl"] },
            purpose: { type: "string", maxLength: 64, description: "consent purpose (default marketing)" },
            channel: { type: "string", maxLength: 64 },
          },
        },
      },
    },
    async (request, reply) => {
      const s = await getSegment(store.db, request.params.id);
      if (!s) return reply.code(404).send({ error: "not found", message: `no segment ${request.params.id}` });
      const format = request.query.format ?? "csv";
      const tally = { exported: 0, withheld: {} as Record<string, number> };
      const chunks: string[] = [];
      for await (const c of exportLines(
        store,
        s.id,
        format,
        {
          ...(request.query.purpose ? { purpose: request.query.purpose } : {}),
          ...(request.query.channel ? { channel: request.query.channel } : {}),
        },
        tally,
      ))
        chunks.push(c);
      const withheld = Object.values(tally.withheld).reduce((a, b) => a + b, 0);
      return reply
        .header(
          "content-type",
          format === "csv" ? "text/csv; charset=utf-8" : "application/x-ndjson; charset=utf-8",
        )
        .header("content-disposition", `attachment; filename="${s.id}.${format}"`)
        .header("x-tessera-exported", String(tally.exported))
        .header("x-tessera-withheld", String(withheld))
        .send(chunks.join(""));
    },
  );

  app.post<{
    Params: { id: string };
    Body: { url: string; secret: string; batchSize?: number; purpose?: string; channel?: string };
  }>(
    "/v1/segments/:id/export/webhook",
    {
      onRequest: steward,
      preValidation: jsonBody,
      schema: {
        summary: "Send a segment's contactable members to a webhook destination in signed batches",
        ...segments,
        params: idParam,
        body: {
          type: "object",
          required: ["url", "secret"],
          properties: {
            url: { type: "string", maxLength: 2000 },
            secret: { type: "string", minLength: 16, maxLength: 200 },
            batchSize: { type: "integer", minimum: 1, maximum: 10000 },
            purpose: { type: "string", maxLength: 64 },
            channel: { type: "string", maxLength: 64 },
          },
        },
      },
    },
    async (request, reply) => {
      try {
        return await exportToWebhook(store, request.params.id, request.body);
      } catch (e) {
        return fail(reply, e);
      }
    },
  );

  // ── computed traits ───────────────────────────────────────────────────────────────────────────────────
  app.get(
    "/v1/traits",
    { onRequest: read, schema: { summary: "Computed-trait definitions", ...segments } },
    async () => ({
      traits: (await listTraitDefinitions(store.db)).map((t) => ({
        name: t.name,
        definition: t.definition,
        createdAt: t.createdAt,
        updatedAt: t.updatedAt,
        computedAt: t.computedAt,
      })),
    }),
  );

  app.post<{ Body: unknown }>(
    "/v1/traits",
    {
      onRequest: steward,
      preValidation: jsonBody,
      schema: {
        summary:
          "Define (or redefine) a computed trait and compute it over the stored events; it is kept current as events arrive",
        ...segments,
        body: {
          type: "object",
          required: ["name", "kind"],
          properties: {
            name: { type: "string" },
            kind: {
              type: "string",
              enum: [...traitKinds],
            },
            event: { description: "an event name or a list of them" },
            type: { description: "an event type or a list of them" },
            property: { type: "string" },
            where: { type: "array" },
            withinDays: { type: "integer", minimum: 1 },
          },
        },
      },
    },
    async (request, reply) => {
      try {
        const r = await defineTrait(store, request.body);
        return reply.code(201).send(r);
      } catch (e) {
        return fail(reply, e);
      }
    },
  );

  app.get<{ Params: { name: string } }>(
    "/v1/traits/:name",
    { onRequest: read, schema: { summary: "One computed-trait definition", ...segments } },
    async (request, reply) => {
      const t = await getTraitDefinition(store.db, request.params.name);
      if (!t)
        return reply
          .code(404)
          .send({ error: "not found", message: `no computed trait ${request.params.name}` });
      return t;
    },
  );

  app.delete<{ Params: { name: string } }>(
    "/v1/traits/:name",
    { onRequest: steward, schema: { summary: "Delete a computed trait and its values", ...segments } },
    async (request, reply) => {
      if (!(await removeTrait(store, request.params.name)))
        return reply
          .code(404)
          .send({ error: "not found", message: `no computed trait ${request.params.name}` });
      return reply.code(204).send();
    },
  );

  // ── the message ledger, the contact policy, decide ────────────────────────────────────────────────────
  app.post<{
    Body: {
      profile: string;
      channel: string;
      campaign?: string;
      template?: string;
      messageKey?: string;
      sentAt?: string;
      properties?: Record<string, unknown>;
    };
  }>(
    "/v1/messages",
    {
      onRequest: steward,
      preValidation: jsonBody,
      schema: {
        summary:
          "Record a message sent (to a golden id, alias or type:value); with a messageKey it is recorded once however often it is posted",
        ...segments,
        body: {
          type: "object",
          required: ["profile", "channel"],
          properties: {
            profile: { type: "string", maxLength: 600 },
            channel: { type: "string", maxLength: 32 },
            campaign: { type: "string", maxLength: 200 },
            template: { type: "string", maxLength: 200 },
            messageKey: { type: "string", maxLength: 200 },
            sentAt: { type: "string", maxLength: 40 },
            properties: { type: "object" },
          },
        },
      },
    },
    async (request, reply) => {
      try {
        const r = await recordSent(store, request.body);
        return reply.code(r.created ? 201 : 200).send(r.message);
      } catch (e) {
        return fail(reply, e);
      }
    },
  );

  app.post<{
    Params: { id: string };
    Body: { kind: string; at?: string; properties?: Record<string, unknown> };
  }>(
    "/v1/messages/:id/responses",
    {
      onRequest: steward,
      preValidation: jsonBody,
      schema: {
        summary:
          "Record a response to a message (id, or key:<messageKey>): delivered, bounced, opened, clicked, converted, unsubscribed, complained",
        ...segments,
        params: { type: "object", properties: { id: { type: "string", maxLength: 210 } }, required: ["id"] },
        body: {
          type: "object",
          required: ["kind"],
          properties: {
            kind: { type: "string" },
            at: { type: "string", maxLength: 40 },
            properties: { type: "object" },
          },
        },
      },
    },
    async (request, reply) => {
      try {
        const r = await recordMessageResponse(store, request.params.id, request.body);
        return reply.code(201).send(r);
      } catch (e) {
        return fail(reply, e);
      }
    },
  );

  app.get<{ Params: { id: string }; Querystring: { limit?: number } }>(
    "/v1/profiles/:id/messages",
    {
      onRequest: read,
      schema: {
        summary: "A profile's messages, newest first, with their responses",
        ...segments,
        params: { type: "object", properties: { id: { type: "string", maxLength: 600 } }, required: ["id"] },
        querystring: {
          type: "object",
          properties: { limit: { type: "integer", minimum: 1, maximum: 1000 } },
        },
      },
    },
    async (request, reply) => {
      try {
        return { messages: await profileMessages(store, request.params.id, request.query.limit ?? 100) };
      } catch (e) {
        return fail(reply, e);
      }
    },
  );

  app.get(
    "/v1/policy",
    { onRequest: read, schema: { summary: "The contact policy", ...segments } },
    async () => readPolicy(store),
  );

  app.put<{ Body: unknown }>(
    "/v1/policy",
    {
      onRequest: steward,
      preValidation: jsonBody,
      schema: {
        summary:
          "Replace the contact policy: channels, purpose, frequency caps per channel and overall, quiet hours, p_alive threshold, suppressing responses",
        ...segments,
        body: { type: "object" },
      },
    },
    async (request, reply) => {
      try {
        return await writePolicy(store, request.body);
      } catch (e) {
        return fail(reply, e);
      }
    },
  );

  app.post<{ Body: DecideInput }>(
    "/v1/decide",
    {
      onRequest: read,
      preValidation: jsonBody,
      schema: {
        summary:
          "Whether, and on which channel, a profile may be messaged now: the contact policy's check of each channel, then Thompson sampling over the ledger's responses among the allowed ones (or the first allowed, strategy preference), with the posteriors and draws",
        ...segments,
        body: {
          type: "object",
          required: ["profile"],
          properties: {
            profile: { type: "string", maxLength: 600 },
            channels: { type: "array", items: { type: "string", maxLength: 32 }, maxItems: 20 },
            at: { type: "string", maxLength: 40 },
            purpose: { type: "string", maxLength: 64 },
            strategy: { type: "string", enum: ["thompson", "preference"] },
            success: { type: "array", items: { type: "string", maxLength: 32 }, minItems: 1, maxItems: 10 },
            byMessage: { type: "boolean" },
            sinceDays: { type: "number", exclusiveMinimum: 0, maximum: 3660 },
            seed: { type: "integer" },
          },
        },
      },
    },
    async (request, reply) => {
      try {
        // The ledger's counts are re-read at most every few seconds: decisions are asked many times a second.
        return await decide(store, request.body, { armsMaxAgeMs: 5_000 });
      } catch (e) {
        return fail(reply, e);
      }
    },
  );

  // ── micro-segments ────────────────────────────────────────────────────────────────────────────────────
  app.get(
    "/v1/microsegments",
    { onRequest: read, schema: { summary: "The last micro-segment run", ...segments } },
    async (_r, reply) => {
      const m = await latestMicroSegments(store);
      if (!m)
        return reply
          .code(404)
          .send({ error: "not found", message: "no micro-segment run yet (POST /v1/microsegments)" });
      return m;
    },
  );

  app.post<{ Body: { minK?: number; maxK?: number; seed?: number } | undefined }>(
    "/v1/microsegments",
    {
      onRequest: steward,
      preValidation: jsonBody,
      schema: {
        summary:
          "Cluster profiles by behaviour and RFM (k-means, k chosen by silhouette) and describe each cluster",
        ...segments,
      },
    },
    async (request, reply) => {
      try {
        return await runMicroSegments(store, request.body ?? {});
      } catch (e) {
        return reply.code(400).send({ error: "bad request", message: (e as Error).message });
      }
    },
  );
}
