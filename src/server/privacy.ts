import type {} from "@fastify/swagger";
import type { FastifyInstance, FastifyReply } from "fastify";
import { findEntityId, LookupError } from "../jobs/profile-api.js";
import { accessExport } from "../privacy/access.js";
import { audit, listAudit } from "../privacy/audit.js";
import { BudgetExceededError, getBudget, listReleases, setBudget } from "../privacy/budget.js";
import {
  ConsentError,
  type ConsentInput,
  consentHistory,
  consentOf,
  consentPolicy,
  entitiesOfSubjects,
  mayContact,
  recordConsent,
  setConsentPolicy,
} from "../privacy/consent.js";
import { ErasureError, erasePerson, getErasure } from "../privacy/erase.js";
import { computeInsights, InsightError, type InsightQuery } from "../privacy/insights.js";
import type { ApiKey } from "../store/api-keys.js";
import type { Store } from "../store/open-store.js";
import { jsonBody, type KeyRing, keyGuard, requestKey } from "./auth.js";

/**
 * Privacy (issue 11): consent (record with consent:write or steward keys; read with read keys), erasure
 * (steward), the right of access (steward: it is everything held on a person), the audit log (admin), and
 * privacy-safe insights (see insights.ts).
 */

const security: { [label: string]: string[] }[] = [{ basic: [] }, { bearer: [] }];
const profileRef = {
  type: "object",
  properties: { id: { type: "string", maxLength: 600 } },
  required: ["id"],
} as const;

const consentItem = {
  type: "object",
  required: ["subject", "purpose", "state"],
  additionalProperties: false,
  properties: {
    subject: {
      type: "string",
      maxLength: 600,
      description: "a golden id (T-42), or type:value — email:…, phone:…, user_id:…, record:source/id",
    },
    purpose: { type: "string", maxLength: 64, description: "marketing, analytics, profiling… or * for all" },
    channel: {
      type: ["string", "null"],
      maxLength: 64,
      description: "email, sms, push… (default: every channel)",
    },
    state: { type: "string", enum: ["granted", "denied", "revoked"] },
    at: { type: "string", maxLength: 40, description: "when it was given (default: now)" },
    source: { type: "string", maxLength: 200, description: "where: a form, a CMP, a call centre…" },
  },
} as const;

function bad(reply: FastifyReply, e: unknown) {
  if (e instanceof ConsentError)
    return reply.code(400).send({ error: "bad request", field: e.field, message: e.message });
  if (e instanceof LookupError) return reply.code(400).send({ error: "bad request", message: e.message });
  throw e;
}

export async function registerPrivacyRoutes(
  app: FastifyInstance,
  ctx: { store: Store; keys: KeyRing },
): Promise<void> {
  const { store, keys } = ctx;

  app.post<{ Body: ConsentInput | { consents: ConsentInput[] } }>(
    "/v1/consent",
    {
      onRequest: keyGuard(keys, "consent:write"),
      preValidation: jsonBody,
      schema: {
        summary:
          "Record consent per purpose and channel (granted, denied, revoked), for a profile or an identifier",
        tags: ["privacy"],
        security,
        body: {
          oneOf: [
            consentItem,
            {
              type: "object",
              required: ["consents"],
              additionalProperties: false,
              properties: { consents: { type: "array", items: consentItem, minItems: 1, maxItems: 1000 } },
            },
          ],
        },
      },
    },
    async (request, reply) => {
      const key = requestKey(request) as ApiKey;
      const items = "consents" in request.body ? request.body.consents : [request.body];
      try {
        const { recorded, subjects } = await recordConsent(store.db, items, key.id);
        const entities = new Set<string>();
        for (const set of (await entitiesOfSubjects(store.db, [...new Set(subjects)])).values())
          for (const e of set) entities.add(e);
        for (const e of entities)
          await audit(store.db, {
            actor: key.id,
            action: "consent.record",
            subject: e,
            details: items.map(({ purpose, channel, state }) => ({
              purpose,
              channel: channel ?? "*",
              state,
            })),
          });
        return reply.code(201).send({ recorded, profiles: [...entities] });
      } catch (e) {
        return bad(reply, e);
      }
    },
  );

  app.get<{ Params: { id: string }; Querystring: { history?: boolean } }>(
    "/v1/profiles/:id/consent",
    {
      onRequest: keyGuard(keys, "read"),
      preValidation: jsonBody,
      schema: {
        summary: "A profile's consent now, one per purpose and channel (history=true: every statement)",
        tags: ["privacy"],
        security,
        params: profileRef,
        querystring: { type: "object", properties: { history: { type: "boolean" } } },
      },
    },
    async (request, reply) => {
      try {
        const found = await findEntityId(store, request.params.id);
        if (!found)
          return reply.code(404).send({ error: "not found", message: `no profile ${request.params.id}` });
        return {
          id: found.id,
          consent: await consentOf(store.db, found.id),
          ...(request.query.history ? { history: await consentHistory(store.db, found.id) } : {}),
        };
      } catch (e) {
        return bad(reply, e);
      }
    },
  );

  app.post<{ Body: { profiles: string[]; purpose: string; channel?: string } }>(
    "/v1/consent/check",
    {
      onRequest: keyGuard(keys, "read"),
      preValidation: jsonBody,
      schema: {
        summary: "Whether profiles may be contacted for a purpose on a channel, and why",
        tags: ["privacy"],
        security,
        body: {
          type: "object",
          required: ["profiles", "purpose"],
          additionalProperties: false,
          properties: {
            profiles: { type: "array", items: { type: "string", maxLength: 40 }, maxItems: 10_000 },
            purpose: { type: "string", maxLength: 64 },
            channel: { type: "string", maxLength: 64 },
          },
        },
      },
    },
    async (request, _reply) => {
      const b = request.body;
      const may = await mayContact(store.db, b.profiles, b.purpose, b.channel);
      return { permissions: Object.fromEntries(may) };
    },
  );

  app.get(
    "/v1/admin/consent-policy",
    {
      onRequest: keyGuard(keys, "admin"),
      preValidation: jsonBody,
      schema: { summary: "The consent policy", tags: ["privacy"], security },
    },
    async (_request, _reply) => {
      return consentPolicy(store.db);
    },
  );

  app.put<{ Body: { default: "allow" | "deny"; purposes?: Record<string, "allow" | "deny"> } }>(
    "/v1/admin/consent-policy",
    {
      onRequest: keyGuard(keys, "admin"),
      preValidation: jsonBody,
      schema: {
        summary:
          "Set what no recorded consent means: allow (opt-out regime) or deny (opt-in), per purpose if wanted",
        tags: ["privacy"],
        security,
        body: {
          type: "object",
          required: ["default"],
          additionalProperties: false,
          properties: {
            default: { type: "string", enum: ["allow", "deny"] },
            purposes: {
              type: "object",
              maxProperties: 200,
              additionalProperties: { type: "string", enum: ["allow", "deny"] },
            },
          },
        },
      },
    },
    async (request, _reply) => {
      const key = requestKey(request) as ApiKey;
      const policy = { default: request.body.default, purposes: request.body.purposes ?? {} };
      await setConsentPolicy(store.db, policy);
      await audit(store.db, { actor: key.id, action: "consent.policy", details: policy });
      return policy;
    },
  );

  app.post<{ Params: { id: string }; Body: { reason?: string } | undefined }>(
    "/v1/profiles/:id/erase",
    {
      onRequest: keyGuard(keys, "steward"),
      preValidation: jsonBody,
      schema: {
        summary:
          "Erase a person everywhere (right to erasure); keeps only salted hashes of their identifiers; answers the receipt",
        tags: ["privacy"],
        security,
        params: profileRef,
      },
    },
    async (request, reply) => {
      const key = requestKey(request) as ApiKey;
      const body = request.body as unknown;
      const reason =
        body && typeof body === "object" && typeof (body as { reason?: unknown }).reason === "string"
          ? ((body as { reason: string }).reason.slice(0, 500) as string)
          : undefined;
      try {
        const receipt = await erasePerson(store, request.params.id, {
          by: key.id,
          ...(reason ? { reason } : {}),
        });
        return receipt;
      } catch (e) {
        if (e instanceof ErasureError)
          return reply.code(404).send({ error: "not found", message: e.message });
        return bad(reply, e);
      }
    },
  );

  app.get<{ Params: { id: string } }>(
    "/v1/admin/erasures/:id",
    {
      onRequest: keyGuard(keys, "steward"),
      preValidation: jsonBody,
      schema: { summary: "An erasure's receipt", tags: ["privacy"], security },
    },
    async (request, reply) => {
      const r = await getErasure(store.db, request.params.id);
      return r ?? reply.code(404).send({ error: "not found" });
    },
  );

  app.get<{ Params: { id: string } }>(
    "/v1/profiles/:id/access",
    {
      onRequest: keyGuard(keys, "steward"),
      preValidation: jsonBody,
      schema: {
        summary: "Right of access: everything held on a person as one JSON document (audited)",
        tags: ["privacy"],
        security,
        params: profileRef,
      },
    },
    async (request, reply) => {
      const key = requestKey(request) as ApiKey;
      try {
        const doc = await accessExport(store, request.params.id, { by: key.id });
        if (!doc)
          return reply.code(404).send({ error: "not found", message: `no profile ${request.params.id}` });
        return reply
          .header("content-disposition", `attachment; filename="access-${doc.profile.id}.json"`)
          .send(doc);
      } catch (e) {
        return bad(reply, e);
      }
    },
  );

  app.get<{
    Querystring: {
      subject?: string;
      action?: string;
      actor?: string;
      after?: number;
      limit?: number;
      since?: string;
    };
  }>(
    "/v1/admin/audit",
    {
      onRequest: keyGuard(keys, "admin"),
      preValidation: jsonBody,
      schema: {
        summary: "The audit log: full-profile reads and every change, with the key id that did it",
        tags: ["privacy"],
        security,
        querystring: {
          type: "object",
          additionalProperties: false,
          properties: {
            subject: { type: "string", maxLength: 100 },
            action: { type: "string", maxLength: 100 },
            actor: { type: "string", maxLength: 100 },
            since: { type: "string", maxLength: 40 },
            after: { type: "integer", minimum: 0 },
            limit: { type: "integer", minimum: 1, maximum: 1000 },
          },
        },
      },
    },
    async (request, _reply) => {
      const entries = await listAudit(store.db, request.query);
      return {
        entries,
        next: entries.length > 0 ? entries[entries.length - 1]?.id : (request.query.after ?? 0),
      };
    },
  );

  app.post<{ Body: Omit<InsightQuery, "protection"> & { protection: Record<string, unknown> } }>(
    "/v1/insights",
    {
      onRequest: keyGuard(keys, "insights"),
      preValidation: jsonBody,
      schema: {
        summary:
          "Privacy-safe aggregates (counts, sums, means, distributions) by geography, age band, spend band, segment…, with small-cell suppression or differential privacy charged to the key's recipient budget",
        tags: ["insights"],
        security,
        body: {
          type: "object",
          required: ["by", "measures", "protection"],
          additionalProperties: false,
          properties: {
            by: { type: "array", items: { type: "string", maxLength: 300 }, maxItems: 4 },
            measures: { type: "array", items: { type: "string", maxLength: 300 }, minItems: 1, maxItems: 8 },
            clip: {
              type: "object",
              maxProperties: 8,
              additionalProperties: { type: "array", items: { type: "number" }, minItems: 2, maxItems: 2 },
            },
            protection: {
              type: "object",
              required: ["kind"],
              additionalProperties: false,
              properties: {
                kind: { type: "string", enum: ["suppression", "dp"] },
                minCell: { type: "integer", minimum: 2, maximum: 1000 },
                mechanism: { type: "string", enum: ["laplace", "gaussian"] },
                epsilon: { type: "number", exclusiveMinimum: 0, maximum: 10 },
                delta: { type: "number", minimum: 0, maximum: 0.01 },
              },
            },
          },
        },
      },
    },
    async (request, reply) => {
      const key = requestKey(request) as ApiKey;
      const b = request.body;
      const p = b.protection;
      // A DP release is always charged to the key's own recipient: a caller cannot name another's budget.
      const protection =
        p.kind === "dp"
          ? {
              kind: "dp" as const,
              mechanism: p.mechanism as "laplace" | "gaussian",
              epsilon: Number(p.epsilon),
              ...(p.delta !== undefined ? { delta: Number(p.delta) } : {}),
              ...(p.minCell !== undefined ? { minCell: Number(p.minCell) } : {}),
              recipient: key.recipient,
            }
          : {
              kind: "suppression" as const,
              ...(p.minCell !== undefined ? { minCell: Number(p.minCell) } : {}),
            };
      try {
        const r = await computeInsights(store, {
          by: b.by,
          measures: b.measures,
          ...(b.clip ? { clip: b.clip } : {}),
          protection,
        });
        await audit(store.db, {
          actor: key.id,
          action: "insights.release",
          subject: protection.kind === "dp" ? key.recipient : null,
          details: {
            by: b.by,
            measures: b.measures,
            protection: protection.kind,
            epsilon: p.epsilon ?? null,
            cells: r.cells.length,
          },
        });
        return r;
      } catch (e) {
        if (e instanceof InsightError)
          return reply.code(400).send({ error: "bad request", field: e.field, message: e.message });
        if (e instanceof BudgetExceededError) {
          await audit(store.db, {
            actor: key.id,
            action: "insights.refused",
            subject: key.recipient,
            details: e.asked,
          });
          return reply
            .code(409)
            .send({ error: "privacy budget exceeded", message: e.message, budget: e.budget });
        }
        throw e;
      }
    },
  );

  app.get(
    "/v1/insights/budget",
    {
      onRequest: keyGuard(keys, "insights"),
      schema: { summary: "The calling key's privacy budget and releases", tags: ["insights"], security },
    },
    async (request) => {
      const key = requestKey(request) as ApiKey;
      return {
        budget: await getBudget(store, key.recipient),
        releases: await listReleases(store.db, key.recipient),
      };
    },
  );

  app.put<{ Params: { recipient: string }; Body: { epsilon: number; delta: number } }>(
    "/v1/admin/privacy-budgets/:recipient",
    {
      onRequest: keyGuard(keys, "admin"),
      preValidation: jsonBody,
      schema: {
        summary: "Set a recipient's total (ε, δ) budget",
        tags: ["insights"],
        security,
        params: {
          type: "object",
          properties: { recipient: { type: "string", pattern: "^[\\w.@:-]{1,100}$" } },
        },
        body: {
          type: "object",
          required: ["epsilon", "delta"],
          additionalProperties: false,
          properties: {
            epsilon: { type: "number", minimum: 0, maximum: 100 },
            delta: { type: "number", minimum: 0, maximum: 0.01 },
          },
        },
      },
    },
    async (request) => {
      const key = requestKey(request) as ApiKey;
      const b = await setBudget(store, request.params.recipient, request.body.epsilon, request.body.delta);
      await audit(store.db, {
        actor: key.id,
        action: "budget.set",
        subject: request.params.recipient,
        details: request.body,
      });
      return b;
    },
  );
}
