import type {} from "@fastify/swagger";
import type { FastifyInstance } from "fastify";
import { changeFeed, getProfileDocument, LookupError, searchProfiles } from "../jobs/profile-api.js";
import { audit } from "../privacy/audit.js";
import { eventsOfEntity } from "../store/events.js";
import type { Store } from "../store/open-store.js";
import { type KeyRing, requireKey } from "./auth.js";

/**
 * The profile API (read keys): one profile, search, the events timeline, and the change feed. Each read of a
 * full profile is written to the audit log.
 */

export interface ProfileContext {
  store: Store;
  keys: KeyRing;
}

const profileRef = {
  type: "object",
  properties: {
    id: {
      type: "string",
      description:
        "a golden id (T-123) or alias, or type:value — email:…, phone:…, user_id:…, anonymous_id:…, record:source/id",
    },
  },
  required: ["id"],
} as const;

export function registerProfiles(app: FastifyInstance, ctx: ProfileContext): void {
  const { store, keys } = ctx;

  app.get<{ Params: { id: string }; Querystring: { events?: number } }>(
    "/v1/profiles/:id",
    {
      schema: {
        summary: "One golden profile: traits with lineage, identities, records, recent events",
        tags: ["profiles"],
        params: profileRef,
        querystring: {
          type: "object",
          properties: { events: { type: "integer", minimum: 0, maximum: 1000 } },
        },
      },
    },
    async (request, reply) => {
      const key = await requireKey(keys, request, reply, "read");
      if (!key) return reply;
      try {
        const doc = await getProfileDocument(store, request.params.id, {
          events: request.query.events ?? 20,
        });
        if (!doc)
          return reply.code(404).send({ error: "not found", message: `no profile ${request.params.id}` });
        // Every read of a full profile is audited: by key id and golden id (never the email it was asked by).
        await audit(store.db, { actor: key.id, action: "profile.read", subject: doc.id });
        return doc;
      } catch (e) {
        if (e instanceof LookupError)
          return reply.code(400).send({ error: "bad request", message: e.message });
        throw e;
      }
    },
  );

  app.get<{
    Params: { id: string };
    Querystring: { limit?: number; before?: string; type?: string; name?: string };
  }>(
    "/v1/profiles/:id/events",
    {
      schema: {
        summary: "A profile's events timeline, newest first, a page at a time",
        tags: ["profiles"],
        params: profileRef,
        querystring: {
          type: "object",
          properties: {
            limit: { type: "integer", minimum: 1, maximum: 1000 },
            before: { type: "string", description: "the `next` cursor of the previous page" },
            type: { type: "string", description: "comma-separated event types (track,page…)" },
            name: { type: "string", description: "a track event's or page's name" },
          },
        },
      },
    },
    async (request, reply) => {
      if (!(await requireKey(keys, request, reply, "read"))) return reply;
      try {
        const doc = await getProfileDocument(store, request.params.id, { events: 0 });
        if (!doc)
          return reply.code(404).send({ error: "not found", message: `no profile ${request.params.id}` });
        const q = request.query;
        return await eventsOfEntity(store.db, doc.id, {
          ...(q.limit ? { limit: q.limit } : {}),
          ...(q.before ? { before: q.before } : {}),
          ...(q.type ? { types: q.type.split(",").map((t) => t.trim()) } : {}),
          ...(q.name ? { name: q.name } : {}),
        });
      } catch (e) {
        if (e instanceof LookupError || (e instanceof Error && /cursor/.test(e.message)))
          return reply.code(400).send({ error: "bad request", message: e.message });
        throw e;
      }
    },
  );

  app.get<{ Querystring: { email?: string; phone?: string; name?: string; limit?: number } }>(
    "/v1/profiles",
    {
      schema: {
        summary: "Search profiles by email, phone or name",
        tags: ["profiles"],
        querystring: {
          type: "object",
          properties: {
            email: { type: "string" },
            phone: { type: "string" },
            name: {
              type: "string",
              description: "a prefix of given-family or family-given, any case or accents",
            },
            limit: { type: "integer", minimum: 1, maximum: 200 },
          },
        },
      },
    },
    async (request, reply) => {
      if (!(await requireKey(keys, request, reply, "read"))) return reply;
      try {
        return { profiles: await searchProfiles(store, request.query) };
      } catch (e) {
        if (e instanceof LookupError)
          return reply.code(400).send({ error: "bad request", message: e.message });
        throw e;
      }
    },
  );

  app.get<{ Querystring: { after?: number; limit?: number } }>(
    "/v1/changes",
    {
      schema: {
        summary:
          "The change feed: profile changes (created, updated, merged, split, deleted) after a sequence number",
        tags: ["changes"],
        querystring: {
          type: "object",
          properties: {
            after: { type: "integer", minimum: 0 },
            limit: { type: "integer", minimum: 1, maximum: 1000 },
          },
        },
      },
    },
    async (request, reply) => {
      if (!(await requireKey(keys, request, reply, "read"))) return reply;
      const changes = await changeFeed(store, request.query.after ?? 0, request.query.limit ?? 100);
      return {
        changes,
        next: changes.length > 0 ? changes[changes.length - 1]?.seq : (request.query.after ?? 0),
      };
    },
  );
}
