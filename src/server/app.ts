import { createGunzip, createInflate } from "node:zlib";
import cors from "@fastify/cors";
import swagger from "@fastify/swagger";
import Fastify, { type FastifyInstance } from "fastify";
import type { EventLog } from "../bus/event-log.js";
import type { LiveIngest } from "../jobs/ingest-events.js";
import { audit } from "../privacy/audit.js";
import { privacyLoggerOptions } from "../privacy/redact.js";
import { segmentLimits } from "../sources/segment.js";
import type { Store } from "../store/open-store.js";
import { registerAdmin } from "./admin.js";
import { registerAttributionRoutes } from "./attribution.js";
import { registerAudienceRoutes } from "./audiences.js";
import { auditChanges, KeyRing, knownKeyFirst } from "./auth.js";
import { registerConsole } from "./console.js";
import { registerImportRoutes } from "./imports.js";
import { registerPrivacyRoutes } from "./privacy.js";
import { registerProfiles } from "./profiles.js";
import { registerScoreRoutes } from "./scores.js";
import { registerStewardRoutes } from "./steward.js";
import { registerTracking } from "./tracking.js";

/**
 * The HTTP server: the Segment-compatible ingest API, the profile API, the admin API and the OpenAPI
 * document (`/openapi.json`). Bodies are read as bytes (JSON whatever the content type, as Segment accepts
 * `text/plain` from browsers), gzip or deflate encoded or not, at most 500 KB after decoding; a body too large
 * or not decodable is answered 400, as Segment does.
 */

/** The ingest calls (long and short paths) and analytics.js settings: the only paths open to any origin. */
const trackingPath =
  /^\/v1\/(?:identify|track|page|screen|group|alias|batch|import|[itpsgab]|projects\/[^/]+\/settings)(?:\?|$)/;

export interface ServerOptions {
  store: Store;
  log: EventLog;
  ingest: LiveIngest;
  logger?: boolean;
  /** How long GET /v1/attribution's answer stands while new events arrive (default 30 s). */
  attributionMaxAgeSeconds?: number;
  /** Where the log goes (default standard output); tests read it. */
  logStream?: { write(line: string): void };
}

export async function buildServer(o: ServerOptions): Promise<FastifyInstance> {
  const app = Fastify({
    // Personal data is kept out of the log: see src/privacy/redact.ts.
    logger: o.logger ? { ...privacyLoggerOptions(), ...(o.logStream ? { stream: o.logStream } : {}) } : false,
    bodyLimit: segmentLimits.batchBytes,
    ajv: { customOptions: { coerceTypes: true } },
  });
  await app.register(swagger, {
    openapi: {
      openapi: "3.1.0",
      info: {
        title: "Tessera",
        version: "0.1.0",
        description:
          "Ingest: the Segment HTTP Tracking API (POST /v1/identify|track|page|screen|group|alias|batch, the short paths /v1/i|t|p|s|g|a|b) with a write key. Profiles and the change feed with a read key; configuration with an admin key.",
      },
      components: {
        securitySchemes: {
          basic: { type: "http", scheme: "basic", description: "the key as user name, empty password" },
          bearer: { type: "http", scheme: "bearer" },
        },
      },
      security: [{ basic: [] }, { bearer: [] }],
    },
  });

  // Browsers send events from customers' own sites: the ingest calls and analytics.js settings answer any
  // origin (the write key is public by design, as Segment's is); profiles and admin are not opened to browsers.
  await app.register(cors, {
    delegator: (request, done) => {
      const path = request.url ?? "";
      const open = trackingPath.test(path);
      done(
        null,
        open ? { origin: true, methods: ["GET", "POST", "OPTIONS"], maxAge: 86_400 } : { origin: false },
      );
    },
  });

  app.removeAllContentTypeParsers();
  app.addContentTypeParser("*", { parseAs: "buffer" }, (_request, body, done) => done(null, body));
  app.addHook("preParsing", async (request, _reply, payload) => {
    const encoding = (request.headers["content-encoding"] ?? "identity").toLowerCase().trim();
    if (encoding === "identity" || encoding === "") return payload;
    if (encoding !== "gzip" && encoding !== "deflate")
      throw Object.assign(new Error(`content-encoding ${encoding} is not supported (gzip, deflate)`), {
        statusCode: 400,
      });
    // Fastify checks the body's length against Content-Length by the bytes received, not those decoded.
    const decoded = Object.assign(payload.pipe(encoding === "gzip" ? createGunzip() : createInflate()), {
      receivedEncodedLength: 0,
    });
    payload.on("data", (chunk: Buffer) => {
      decoded.receivedEncodedLength += chunk.length;
    });
    payload.on("error", (e) => decoded.destroy(e));
    return decoded;
  });
  app.setErrorHandler((error, request, reply) => {
    const e = error as Error & { statusCode?: number; code?: string };
    if (e.code === "FST_ERR_CTP_BODY_TOO_LARGE")
      return reply.code(400).send({
        success: false,
        error: "bad request",
        message: `the body is larger than ${segmentLimits.batchBytes} bytes`,
      });
    if (e.code?.startsWith("Z_") || /incorrect header check|unexpected end of file/i.test(e.message))
      return reply.code(400).send({
        success: false,
        error: "bad request",
        message: `the body could not be decoded: ${e.message}`,
      });
    const status = e.statusCode ?? 500;
    if (status >= 500) request.log.error(e);
    return reply
      .code(status)
      .send({ error: status >= 500 ? "internal error" : "bad request", message: e.message });
  });

  const keys = new KeyRing(o.store);
  // A missing or unknown key is 401 on every /v1 call but the tracking API's, before any route reads its input.
  app.addHook("onRequest", async (request, reply) => {
    const url = request.url ?? "";
    // (Only on routes that exist: an unknown path is still a JSON 404.)
    if (request.routeOptions.url?.startsWith("/v1/") && !trackingPath.test(url))
      await knownKeyFirst(keys, request, reply);
  });
  auditChanges(app, (e) => audit(o.store.db, e), trackingPath);
  registerTracking(app, { keys, log: o.log, ingest: o.ingest });
  registerProfiles(app, { store: o.store, keys });
  registerAdmin(app, { store: o.store, keys });
  await registerAudienceRoutes(app, { store: o.store, keys });
  await registerAttributionRoutes(app, {
    store: o.store,
    keys,
    ...(o.attributionMaxAgeSeconds !== undefined
      ? { attributionMaxAgeSeconds: o.attributionMaxAgeSeconds }
      : {}),
  });
  await registerPrivacyRoutes(app, { store: o.store, keys });
  await registerStewardRoutes(app, { store: o.store, keys });
  await registerScoreRoutes(app, { store: o.store, keys });
  await registerImportRoutes(app, { store: o.store, keys });
  await registerConsole(app, { store: o.store, keys });
  app.get("/openapi.json", { schema: { hide: true } }, async () => app.swagger());
  app.get("/health", { schema: { hide: true } }, async () => ({ ok: true, pending: o.log.pending() }));
  return app;
}
