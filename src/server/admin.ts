import type {} from "@fastify/swagger";
import type { FastifyInstance } from "fastify";
import { audit } from "../privacy/audit.js";
import {
  type ApiKey,
  createApiKey,
  type KeyKind,
  listApiKeys,
  revokeApiKey,
  type Scope,
  scopes,
} from "../store/api-keys.js";
import type { Store } from "../store/open-store.js";
import {
  addWebhook,
  deactivateWebhook,
  listDeliveries,
  listWebhooks,
  redeliverDead,
} from "../store/webhooks.js";
import { jsonBody, type KeyRing, keyGuard, requestKey } from "./auth.js";

/** A key as listed: everything but the key itself (which is not stored anyway). */
const publicKey = ({ key: _secret, ...rest }: ApiKey) => rest;

/** Configuration (admin keys): API keys and webhooks with their deliveries and dead letters. */
export function registerAdmin(app: FastifyInstance, ctx: { store: Store; keys: KeyRing }): void {
  const { store, keys } = ctx;
  const security: { [label: string]: string[] }[] = [{ basic: [] }, { bearer: [] }];
  const admin = { tags: ["admin"], security };

  app.get(
    "/v1/admin/keys",
    {
      onRequest: keyGuard(keys, "admin"),
      preValidation: jsonBody,
      schema: { summary: "API keys", ...admin },
    },
    async (_request, _reply) => {
      return { keys: (await listApiKeys(store.db)).map(publicKey) };
    },
  );

  app.post<{
    Body: {
      kind: KeyKind;
      name: string;
      source?: string;
      scopes?: Scope[];
      rateLimit?: number | null;
      recipient?: string;
    };
  }>(
    "/v1/admin/keys",
    {
      onRequest: keyGuard(keys, "admin"),
      preValidation: jsonBody,
      schema: {
        summary:
          "Create an API key; the key is in the answer and never shown again (only its hash is stored). Ingest keys name the source their events go to",
        ...admin,
        body: {
          type: "object",
          required: ["kind", "name"],
          additionalProperties: false,
          properties: {
            kind: { type: "string", enum: ["write", "read", "steward", "admin"] },
            name: { type: "string", minLength: 1, maxLength: 200 },
            source: { type: "string", maxLength: 100 },
            scopes: {
              type: "array",
              items: { type: "string", enum: [...scopes] },
              minItems: 1,
              description: "instead of the kind's scopes",
            },
            rateLimit: {
              type: ["number", "null"],
              minimum: 0,
              description: "requests per second (burst twice that); 0 for none; default by kind",
            },
            recipient: { type: "string", description: "whose privacy budget its insights spend" },
          },
        },
      },
    },
    async (request, reply) => {
      const by = requestKey(request) as ApiKey;
      try {
        const made = await createApiKey(store.db, request.body);
        await audit(store.db, {
          actor: by.id,
          action: "key.create",
          subject: made.id,
          details: { kind: made.kind, scopes: made.scopes, name: made.name },
        });
        return reply.code(201).send(made);
      } catch (e) {
        return reply.code(400).send({ error: "bad request", message: (e as Error).message });
      }
    },
  );

  app.delete<{ Params: { key: string } }>(
    "/v1/admin/keys/:key",
    {
      onRequest: keyGuard(keys, "admin"),
      preValidation: jsonBody,
      schema: { summary: "Revoke an API key (by its key id, or the key itself)", ...admin },
    },
    async (request, reply) => {
      const by = requestKey(request) as ApiKey;
      if (!(await revokeApiKey(store.db, request.params.key)))
        return reply.code(404).send({ error: "not found" });
      keys.forget();
      await audit(store.db, { actor: by.id, action: "key.revoke", subject: request.params.key.slice(0, 16) });
      return { revoked: true };
    },
  );

  app.get(
    "/v1/admin/webhooks",
    {
      onRequest: keyGuard(keys, "admin"),
      preValidation: jsonBody,
      schema: { summary: "Webhooks on the change feed", ...admin },
    },
    async (_request, _reply) => {
      return { webhooks: (await listWebhooks(store.db)).map((w) => ({ ...w, secret: "…" })) };
    },
  );

  app.post<{ Body: { url: string; secret: string; kinds?: string[]; from?: number } }>(
    "/v1/admin/webhooks",
    {
      onRequest: keyGuard(keys, "admin"),
      preValidation: jsonBody,
      schema: {
        summary:
          "Add a webhook: changes are POSTed signed with HMAC-SHA256 of `timestamp.body` under the secret",
        ...admin,
        body: {
          type: "object",
          required: ["url", "secret"],
          properties: {
            url: { type: "string" },
            secret: { type: "string", minLength: 16 },
            kinds: {
              type: "array",
              items: { type: "string", enum: ["created", "updated", "merged", "split", "deleted"] },
            },
            from: {
              type: "integer",
              minimum: 0,
              description: "start after this change (default: the end of the feed)",
            },
          },
        },
      },
    },
    async (request, reply) => {
      try {
        const w = await addWebhook(store.db, request.body);
        return reply.code(201).send({ ...w, secret: "…" });
      } catch (e) {
        return reply.code(400).send({ error: "bad request", message: (e as Error).message });
      }
    },
  );

  app.delete<{ Params: { id: number } }>(
    "/v1/admin/webhooks/:id",
    {
      onRequest: keyGuard(keys, "admin"),
      preValidation: jsonBody,
      schema: {
        summary: "Stop a webhook",
        ...admin,
        params: { type: "object", properties: { id: { type: "integer" } } },
      },
    },
    async (request, reply) => {
      if (!(await deactivateWebhook(store.db, request.params.id)))
        return reply.code(404).send({ error: "not found" });
      return { active: false };
    },
  );

  app.get<{ Params: { id: number }; Querystring: { status?: "pending" | "delivered" | "dead" } }>(
    "/v1/admin/webhooks/:id/deliveries",
    {
      onRequest: keyGuard(keys, "admin"),
      preValidation: jsonBody,
      schema: {
        summary: "A webhook's deliveries; status=dead is the dead-letter list",
        ...admin,
        params: { type: "object", properties: { id: { type: "integer" } } },
        querystring: {
          type: "object",
          properties: { status: { type: "string", enum: ["pending", "delivered", "dead"] } },
        },
      },
    },
    async (request, _reply) => {
      return { deliveries: await listDeliveries(store.db, request.params.id, request.query.status) };
    },
  );

  app.post<{ Params: { id: number } }>(
    "/v1/admin/webhooks/:id/redeliver",
    {
      onRequest: keyGuard(keys, "admin"),
      preValidation: jsonBody,
      schema: {
        summary: "Send a webhook's dead letters again",
        ...admin,
        params: { type: "object", properties: { id: { type: "integer" } } },
      },
    },
    async (request, _reply) => {
      return { requeued: await redeliverDead(store.db, request.params.id, new Date().toISOString()) };
    },
  );
}
