import { randomUUID } from "node:crypto";
import type {} from "@fastify/swagger";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { type EventLog, OverloadedError } from "../bus/event-log.js";
import type { LiveIngest } from "../jobs/ingest-events.js";
import { type EventType, eventTypes, shortPathTypes } from "../model/event.js";
import { PayloadError, readSegmentPayload, segmentLimits, writeKeyInBody } from "../sources/segment.js";
import { type KeyRing, keyInHeader, requireKey } from "./auth.js";

/**
 * The Segment HTTP Tracking API, unchanged: `POST /v1/identify|track|page|screen|group|alias|batch` (and
 * `/v1/import`), the browser's short paths `/v1/i|t|p|s|g|a|b`, and the settings analytics.js loads. A
 * request is answered 200 only when its events are durable. As Segment does, a request whose JSON reads is
 * answered 200 even when some of its events are invalid; those are quarantined with the reason and listed in
 * the answer's `rejected`. A request none of whose events is valid gets 400.
 */

export interface TrackingContext {
  keys: KeyRing;
  log: EventLog;
  ingest: LiveIngest;
}

const strictUtf8 = new TextDecoder("utf-8", { fatal: true });

function badRequest(reply: FastifyReply, message: string) {
  return reply.code(400).send({ success: false, error: "bad request", message });
}

/** The JSON a request carries; throws PayloadError naming what is wrong. */
export function parseBody(body: unknown): unknown {
  if (!Buffer.isBuffer(body) || body.length === 0) throw new PayloadError("the body is empty");
  let text: string;
  try {
    text = strictUtf8.decode(body);
  } catch {
    throw new PayloadError("the body is not valid UTF-8");
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new PayloadError(`the body is not valid JSON: ${(e as Error).message}`);
  }
}

const callOf = (segment: string): EventType | "batch" | null => {
  if (segment === "batch" || segment === "b" || segment === "import") return "batch";
  if ((eventTypes as readonly string[]).includes(segment)) return segment as EventType;
  return shortPathTypes[segment] ?? null;
};

export function registerTracking(app: FastifyInstance, ctx: TrackingContext): void {
  const handler = async (request: FastifyRequest<{ Params: { call: string } }>, reply: FastifyReply) => {
    const call = callOf(request.params.call);
    if (!call)
      return reply
        .code(404)
        .send({ success: false, error: "not found", message: `no call /v1/${request.params.call}` });
    const receivedAt = new Date();
    let json: unknown;
    try {
      json = parseBody(request.body);
    } catch (e) {
      return badRequest(reply, (e as Error).message);
    }
    if (call !== "batch" && (request.body as Buffer).length > segmentLimits.eventBytes)
      return badRequest(
        reply,
        `the event is ${(request.body as Buffer).length} bytes; the limit is ${segmentLimits.eventBytes}`,
      );
    const key = await requireKey(
      ctx.keys,
      request,
      reply,
      "write",
      keyInHeader(request) ? null : writeKeyInBody(json),
    );
    if (!key) return reply;
    let read: ReturnType<typeof readSegmentPayload>;
    try {
      read = readSegmentPayload(json, call, {
        source: key.source as string,
        receivedAt,
        newMessageId: randomUUID,
      });
    } catch (e) {
      if (e instanceof PayloadError) return badRequest(reply, e.message);
      throw e;
    }
    const rejected = read.rejected.map(({ index, field, message }) => ({ index, field, message }));
    if (read.rejected.length > 0) await ctx.ingest.quarantine(key.source as string, read.rejected);
    if (read.events.length === 0)
      return reply
        .code(400)
        .send({ success: false, error: "bad request", message: "no valid event", rejected });
    try {
      await ctx.log.append(read.events);
    } catch (e) {
      if (e instanceof OverloadedError)
        return reply
          .code(429)
          .header("retry-after", String(e.retryAfterSeconds))
          .send({ success: false, error: "too many requests", message: e.message });
      throw e;
    }
    return reply.send(rejected.length > 0 ? { success: true, rejected } : { success: true });
  };
  app.post("/v1/:call", { schema: { hide: true } }, handler);

  // What analytics.js loads before it sends anything: where to send events (here).
  app.get<{ Params: { writeKey: string } }>(
    "/v1/projects/:writeKey/settings",
    { schema: { hide: true } },
    async (request, reply) => {
      const key = await ctx.keys.find(request.params.writeKey);
      if (key?.kind !== "write")
        return reply.code(401).send({ error: "unauthorized", message: "unknown write key" });
      const host = request.headers.host ?? "localhost";
      return {
        integrations: {
          "Segment.io": {
            apiKey: key.key,
            apiHost: `${host}/v1`,
            protocol: request.protocol,
            addBundledMetadata: true,
            unbundledIntegrations: [],
          },
        },
        plan: {
          track: { __default: { enabled: true, integrations: {} } },
          identify: { __default: { enabled: true } },
          group: { __default: { enabled: true } },
        },
        edgeFunction: {},
        analyticsNextEnabled: true,
        middlewareSettings: {},
        enabledMiddleware: {},
        metrics: { sampleRate: 0 },
        legacyVideoPluginsEnabled: false,
        remotePlugins: [],
      };
    },
  );
}
