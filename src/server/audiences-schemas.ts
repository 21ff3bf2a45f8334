import type { FastifyReply } from "fastify";
import { TraitDefinitionError } from "../analytics/computed-traits.js";
import { PolicyError } from "../analytics/contact-policy.js";
import { LedgerError } from "../jobs/ledger.js";
import { LookupError } from "../jobs/profile-api.js";
import { ExportError } from "../jobs/segment-export.js";
import { SegmentError } from "../jobs/segments.js";
import type { SegmentRow } from "../store/audiences.js";
import type { Store } from "../store/open-store.js";
import type { keyGuard } from "./auth.js";

/**
 * What the audience routes (audiences.ts, audiences-segments.ts, audiences-ledger.ts) share: their OpenAPI
 * tag and security, the segment schemas, the segment view and the mapping of the jobs' errors to answers.
 */

/** What a group of audience routes is registered with: the store and the read and steward key checks. */
export interface AudienceRouteContext {
  store: Store;
  read: ReturnType<typeof keyGuard>;
  steward: ReturnType<typeof keyGuard>;
}

const security: { [label: string]: string[] }[] = [{ basic: [] }, { bearer: [] }];
/** Spread into every audience route's schema: one tag and the same keys in the OpenAPI document. */
export const audiences = { tags: ["audiences"], security };

export const ruleSchema = {
  type: "object",
  description:
    'a segment rule: {all:[…]}, {any:[…]}, {not:…}, {trait, op, value}, {computed, op, value}, {event, did, atLeast?, withinDays?, where?}, {score, op, value}, {household:{size?, member?}}, {quality, op?, value?}, {consent:{purpose, channel?, state}}, {segment:"S-1"} — see docs/audiences.md',
} as const;
export const segmentBody = {
  type: "object",
  properties: {
    name: { type: "string", minLength: 1, maxLength: 120 },
    description: { type: ["string", "null"], maxLength: 2000 },
    rule: ruleSchema,
  },
} as const;
export const idParam = {
  type: "object",
  properties: { id: { type: "string", maxLength: 100 } },
  required: ["id"],
} as const;

/** A segment as the API shows it. */
export function view(s: SegmentRow) {
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

/** Answers a job's error with its status and message; any other error is thrown on. */
export function fail(reply: FastifyReply, e: unknown) {
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
