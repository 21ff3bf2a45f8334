import type { FastifyInstance } from "fastify";
import { type DecideInput, decide } from "../jobs/decide.js";
import {
  profileMessages,
  readPolicy,
  recordMessageResponse,
  recordSent,
  type SendInput,
  writePolicy,
} from "../jobs/ledger.js";
import { type AudienceRouteContext, audiences, fail } from "./audiences-schemas.js";
import { jsonBody } from "./auth.js";

/** The message ledger (messages sent and their responses), the contact policy and `POST /v1/decide`. */
export function registerLedgerRoutes(app: FastifyInstance, ctx: AudienceRouteContext): void {
  const { store, read, steward } = ctx;

  app.post<{ Body: SendInput }>(
    "/v1/messages",
    {
      onRequest: steward,
      preValidation: jsonBody,
      schema: {
        summary:
          "Record a message sent (to a golden id, alias or type:value); with a messageKey it is recorded once however often it is posted",
        ...audiences,
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
        ...audiences,
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
        ...audiences,
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
    { onRequest: read, schema: { summary: "The contact policy", ...audiences } },
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
        ...audiences,
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
        ...audiences,
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
}
