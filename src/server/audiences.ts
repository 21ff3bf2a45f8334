import type {} from "@fastify/swagger";
import type { FastifyInstance } from "fastify";
import { traitKinds } from "../analytics/computed-traits.js";
import { latestMicroSegments, runMicroSegments } from "../jobs/audience-microsegments.js";
import { defineTrait, removeTrait } from "../jobs/computed-traits.js";
import { getTraitDefinition, listTraitDefinitions } from "../store/audiences.js";
import type { Store } from "../store/open-store.js";
import { registerLedgerRoutes } from "./audiences-ledger.js";
import { audiences, fail } from "./audiences-schemas.js";
import { registerSegmentRoutes } from "./audiences-segments.js";
import { jsonBody, type KeyRing, keyGuard } from "./auth.js";

/**
 * Audiences (issue 8): segments (rules, live membership, estimates, members, exports), computed traits, the
 * message ledger, the contact policy and `POST /v1/decide`, and micro-segments. Reads take a read key;
 * definitions, exports and the ledger a steward key.
 */

export async function registerAudienceRoutes(
  app: FastifyInstance,
  ctx: { store: Store; keys: KeyRing },
): Promise<void> {
  const { store, keys } = ctx;
  const read = keyGuard(keys, "read");
  const steward = keyGuard(keys, "steward");

  // The order of registration is the order of the paths in the OpenAPI document.
  registerSegmentRoutes(app, { store, read, steward });

  // ── computed traits ───────────────────────────────────────────────────────────────────────────────────
  app.get(
    "/v1/traits",
    { onRequest: read, schema: { summary: "Computed-trait definitions", ...audiences } },
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
        ...audiences,
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
    { onRequest: read, schema: { summary: "One computed-trait definition", ...audiences } },
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
    { onRequest: steward, schema: { summary: "Delete a computed trait and its values", ...audiences } },
    async (request, reply) => {
      if (!(await removeTrait(store, request.params.name)))
        return reply
          .code(404)
          .send({ error: "not found", message: `no computed trait ${request.params.name}` });
      return reply.code(204).send();
    },
  );

  registerLedgerRoutes(app, { store, read, steward });

  // ── micro-segments ────────────────────────────────────────────────────────────────────────────────────
  app.get(
    "/v1/microsegments",
    { onRequest: read, schema: { summary: "The last micro-segment run", ...audiences } },
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
        ...audiences,
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
