import type { FastifyInstance } from "fastify";
import { exportLines, exportToWebhook } from "../jobs/segment-export.js";
import {
  createSegment,
  deleteSegment,
  estimateRule,
  evaluateSegment,
  updateSegment,
} from "../jobs/segments.js";
import { getSegment, listSegments, segmentMemberPage } from "../store/audiences.js";
import { getProfiles } from "../store/entities.js";
import {
  type AudienceRouteContext,
  audiences,
  fail,
  idParam,
  ruleSchema,
  segmentBody,
  view,
} from "./audiences-schemas.js";
import { jsonBody } from "./auth.js";

/**
 * Segments: their rules and live membership, estimates, members a page at a time, and exports (a file or a
 * webhook).
 */
export function registerSegmentRoutes(app: FastifyInstance, ctx: AudienceRouteContext): void {
  const { store, read, steward } = ctx;

  app.get(
    "/v1/segments",
    { onRequest: read, schema: { summary: "Segments with their sizes", ...audiences } },
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
        ...audiences,
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
        ...audiences,
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
    { onRequest: read, schema: { summary: "One segment", ...audiences, params: idParam } },
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
        ...audiences,
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
      schema: { summary: "Delete a segment (its members leave it)", ...audiences, params: idParam },
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
      schema: { summary: "Re-evaluate a segment over every profile now", ...audiences, params: idParam },
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
        ...audiences,
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
        ...audiences,
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
        ...audiences,
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
}
