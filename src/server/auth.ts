import type { FastifyReply, FastifyRequest } from "fastify";
import { type ApiKey, findApiKey, type KeyKind } from "../store/api-keys.js";
import type { Store } from "../store/open-store.js";

/**
 * API keys from requests: HTTP Basic (the key as user name, as Segment's libraries send a write key), a
 * Bearer token, or — for ingest only — the body's `writeKey`. Keys are cached for a few seconds, so that the
 * hot path does not read the store per request; a revoked key stops working within that time.
 */

const ttlMs = 5_000;

export class KeyRing {
  private readonly cache = new Map<string, { key: ApiKey | null; until: number }>();

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

/** Which kinds of key may call what: a steward key may also read, an admin key may read and steward. */
const allowed: Record<KeyKind, KeyKind[]> = {
  write: ["write"],
  read: ["read", "steward", "admin"],
  steward: ["steward", "admin"],
  admin: ["admin"],
};

/** Checks the request's key for a kind of access; answers 401 and returns null when it is missing or wrong. */
export async function requireKey(
  keys: KeyRing,
  request: FastifyRequest,
  reply: FastifyReply,
  kind: KeyKind,
  fallback: string | null = null,
): Promise<ApiKey | null> {
  const given = keyInHeader(request) ?? fallback;
  if (!given) {
    await reply
      .code(401)
      .header("www-authenticate", 'Basic realm="tessera"')
      .send({
        error: "unauthorized",
        message: `a ${kind} key is required (HTTP Basic user name or Bearer token)`,
      });
    return null;
  }
  const key = await keys.find(given);
  if (!key || !allowed[kind].includes(key.kind)) {
    await reply.code(401).send({
      error: "unauthorized",
      message: key ? `this is a ${key.kind} key; a ${kind} key is required` : "unknown key",
    });
    return null;
  }
  return key;
}
