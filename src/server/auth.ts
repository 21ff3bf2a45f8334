import type { FastifyReply, FastifyRequest } from "fastify";
import { type ApiKey, findApiKey, type KeyKind, type Scope } from "../store/api-keys.js";
import type { Store } from "../store/open-store.js";

/**
 * API keys from requests: HTTP Basic (the key as user name, as Segment's libraries send a write key), a
 * Bearer token, or — for ingest only — the body's `writeKey`. Keys are looked up by their SHA-256 hash and
 * cached for a few seconds (by that hash, never the key), so that the hot path does not read the store per
 * request; a revoked key stops working within that time.
 *
 * A missing or unknown key is answered 401; a known key without the scope a call needs, 403; a key over its
 * rate, 429 with Retry-After. Rates are token buckets held in this process's memory (each server process of
 * a scaled-out deployment allows the rate on its own).
 */

const ttlMs = 5_000;

/** Requests per second a key may make when its own limit is not set; the burst is twice that. */
export const defaultRates: Record<KeyKind, number> = { write: 2_000, read: 500, steward: 500, admin: 500 };

interface Bucket {
  tokens: number;
  at: number;
}

export class KeyRing {
  private readonly cache = new Map<string, { key: ApiKey | null; until: number }>();
  private readonly buckets = new Map<string, Bucket>();

  constructor(private readonly store: Store) {}

  async find(key: string): Promise<ApiKey | null> {
    const now = Date.now();
    const hit = this.cache.get(key);
    if (hit && hit.until > now) return hit.key;
    const found = await findApiKey(this.store.db, key);
    if (this.cache.size > 10_000) this.cache.clear();
    this.cache.set(key, { key: found, until: now + ttlMs });
    return found;
  }

  /** Forgets cached keys (after a revocation in this process). */
  forget(): void {
    this.cache.clear();
  }

  /** Takes a token from the key's bucket; returns 0 when allowed, else the seconds until one is free. */
  take(key: ApiKey, now = Date.now()): number {
    const rate = key.rateLimit ?? defaultRates[key.kind];
    if (rate <= 0) return 0;
    const burst = Math.max(1, rate * 2);
    let b = this.buckets.get(key.id);
    if (!b) {
      b = { tokens: burst, at: now };
      if (this.buckets.size > 10_000) this.buckets.clear();
      this.buckets.set(key.id, b);
    }
    b.tokens = Math.min(burst, b.tokens + ((now - b.at) / 1000) * rate);
    b.at = now;
    if (b.tokens >= 1) {
      b.tokens -= 1;
      return 0;
    }
    return Math.max(1, Math.ceil((1 - b.tokens) / rate));
  }
}

/** The key a request's Authorization header carries, if any. */
export function keyInHeader(request: FastifyRequest): string | null {
  const h = request.headers.authorization;
  if (!h) return null;
  const [scheme, value] = h.split(/\s+/, 2);
  if (!value) return null;
  if (scheme?.toLowerCase() === "bearer") return value.trim();
  if (scheme?.toLowerCase() === "basic") {
    const decoded = Buffer.from(value, "base64").toString("utf8");
    const colon = decoded.indexOf(":");
    const user = colon < 0 ? decoded : decoded.slice(0, colon);
    return user.trim() || null;
  }
  return null;
}

/** The scope each of the former kinds of access asks for. */
const scopeOfKind: Record<KeyKind, Scope> = {
  write: "ingest",
  read: "profiles:read",
  steward: "steward",
  admin: "admin",
};

/** Whether a key may do what a scope allows: `admin` may do everything but ingest; `steward` may read. */
export function hasScope(key: ApiKey, scope: Scope): boolean {
  if (key.scopes.includes(scope)) return true;
  if (scope === "ingest") return false;
  if (key.scopes.includes("admin")) return true;
  return scope === "profiles:read" && key.scopes.includes("steward");
}

const keyOfRequest = new WeakMap<FastifyRequest, ApiKey>();

/** The key a request was let in with (after requireKey). */
export function requestKey(request: FastifyRequest): ApiKey | undefined {
  return keyOfRequest.get(request);
}

/**
 * Checks the request's key for a kind of access (write, read, steward, admin) or a scope: answers 401 when the
 * key is missing or unknown, 403 when it lacks the scope, 429 when it is over its rate; returns null then.
 */
export async function requireKey(
  keys: KeyRing,
  request: FastifyRequest,
  reply: FastifyReply,
  kind: KeyKind | Scope,
  fallback: string | null = null,
): Promise<ApiKey | null> {
  const scope: Scope = kind in scopeOfKind ? scopeOfKind[kind as KeyKind] : (kind as Scope);
  const given = keyInHeader(request) ?? fallback;
  if (!given) {
    await reply
      .code(401)
      .header("www-authenticate", 'Basic realm="tessera"')
      .send({
        error: "unauthorized",
        message: `a key with scope ${scope} is required (HTTP Basic user name or Bearer token)`,
      });
    return null;
  }
  const key = await keys.find(given);
  if (!key) {
    await reply
      .code(401)
      .header("www-authenticate", 'Basic realm="tessera"')
      .send({ error: "unauthorized", message: "unknown or revoked key" });
    return null;
  }
  request.log.debug({ keyId: key.id }, "key");
  if (!hasScope(key, scope)) {
    await reply.code(403).send({
      error: "forbidden",
      message: `key ${key.id} has scopes ${key.scopes.join(", ")}; this call needs ${scope}`,
    });
    return null;
  }
  const wait = keys.take(key);
  if (wait > 0) {
    await reply
      .code(429)
      .header("retry-after", String(wait))
      .send({ error: "too many requests", message: `key ${key.id} is over its rate; retry in ${wait} s` });
    return null;
  }
  keyOfRequest.set(request, key);
  return key;
}

/** A route hook that lets in only keys with the scope (401/403/429 otherwise), before the body is read. */
export function keyGuard(keys: KeyRing, kind: KeyKind | Scope) {
  return async (request: FastifyRequest, reply: FastifyReply) => {
    if (!(await requireKey(keys, request, reply, kind))) return reply;
  };
}

/** JSON nested deeper than this is refused: nothing Tessera reads is deeper, and deep input costs stack. */
export const maxJsonDepth = 64;

/** The depth of a JSON text's nesting, counted without parsing it (strings skipped). */
export function jsonDepth(text: string): number {
  let depth = 0;
  let max = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 92) i++;
      else if (c === 34) inString = false;
    } else if (c === 34) inString = true;
    else if (c === 123 || c === 91) {
      depth++;
      if (depth > max) max = depth;
    } else if (c === 125 || c === 93) depth--;
  }
  return max;
}

/**
 * A route hook (preValidation) for the JSON APIs: the server reads every body as bytes (the tracking API
 * accepts any content type); this parses it as UTF-8 JSON, refusing with 400 what is not, or is nested
 * deeper than maxJsonDepth, before the route's schema validates it.
 */
export async function jsonBody(request: FastifyRequest, reply: FastifyReply) {
  const body = request.body;
  if (!Buffer.isBuffer(body)) return;
  if (body.length === 0) {
    request.body = undefined;
    return;
  }
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(body);
  } catch {
    return reply.code(400).send({ error: "bad request", message: "the body is not valid UTF-8" });
  }
  if (jsonDepth(text) > maxJsonDepth)
    return reply
      .code(400)
      .send({ error: "bad request", message: `the body is nested deeper than ${maxJsonDepth} levels` });
  try {
    request.body = JSON.parse(text);
  } catch (e) {
    return reply
      .code(400)
      .send({ error: "bad request", message: `the body is not valid JSON: ${(e as Error).message}` });
  }
}

/**
 * For every call but the tracking API's (which takes its key from the body too): a missing or unknown key is
 * answered 401 before the body or the parameters are even read, whatever the route; the route then checks
 * the scope it needs.
 */
export async function knownKeyFirst(
  keys: KeyRing,
  request: FastifyRequest,
  reply: FastifyReply,
): Promise<void> {
  const given = keyInHeader(request);
  if (given && (await keys.find(given))) return;
  await reply
    .code(401)
    .header("www-authenticate", 'Basic realm="tessera"')
    .send({
      error: "unauthorized",
      message: given ? "unknown or revoked key" : "a key is required (HTTP Basic user name or Bearer token)",
    });
}

/** Routes whose handlers write their own, more detailed audit entries. */
const auditedByRoute = new Set([
  "/v1/consent",
  "/v1/profiles/:id/erase",
  "/v1/admin/keys",
  "/v1/admin/keys/:key",
  "/v1/insights",
  "/v1/admin/privacy-budgets/:recipient",
  "/v1/admin/consent-policy",
]);

/**
 * Every change made over HTTP is audited: a successful POST, PUT, PATCH or DELETE on a /v1 route (merges,
 * splits, review decisions, segments, webhooks…, whoever wrote the route) is logged with the key id, the
 * route, and the golden id it names — never a raw reference, which may be an email.
 */
export function auditChanges(
  app: import("fastify").FastifyInstance,
  write: (e: { actor: string; action: string; subject: string | null; details: unknown }) => Promise<void>,
  trackingPath: RegExp,
): void {
  // Before the answer is sent: a client that saw its change succeed can read it in the log.
  app.addHook("onSend", async (request, reply, payload) => {
    const route = request.routeOptions.url;
    if (
      !route?.startsWith("/v1/") ||
      request.method === "GET" ||
      request.method === "HEAD" ||
      request.method === "OPTIONS"
    )
      return payload;
    if (reply.statusCode >= 400 || trackingPath.test(request.url) || auditedByRoute.has(route))
      return payload;
    const key = requestKey(request);
    const params = (request.params ?? {}) as Record<string, unknown>;
    const ids = Object.values(params).filter((v): v is string => typeof v === "string" && /^T-\d+$/.test(v));
    try {
      await write({
        actor: key?.id ?? "unknown",
        action: `${request.method} ${route}`,
        subject: ids[0] ?? null,
        details: { status: reply.statusCode, ...(ids.length > 1 ? { ids } : {}) },
      });
    } catch (e) {
      request.log.error(e);
    }
    return payload;
  });
}
