import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import type { Kysely } from "kysely";
import { type Database, fromJson, fromTime } from "./schema.js";

/**
 * API keys. A key carries scopes: `ingest` (send events; the key names the source they are recorded under),
 * `profiles:read` (profiles, search, the change feed, consent), `consent:write` (record consent, for a
 * consent-management platform), `insights` (privacy-safe aggregates only, charged to the key's recipient),
 * `steward` (review, merge, split, erase; with `profiles:read`) and `admin` (configuration, keys, the audit
 * log; an admin key may do anything but ingest). The four kinds of earlier versions are presets of scopes:
 * write = ingest, read = profiles:read, steward = steward + profiles:read, admin = admin.
 *
 * Only a SHA-256 hash of a key is stored: the key (144 random bits after its prefix) is shown once, when it is
 * made. A key is listed by its key id — its first characters and a few of its hash's — which is what logs,
 * the audit log and revocation use.
 */

export type KeyKind = "write" | "read" | "steward" | "admin";
export const scopes = ["ingest", "profiles:read", "consent:write", "insights", "steward", "admin"] as const;
export type Scope = (typeof scopes)[number];

export const kindScopes: Record<KeyKind, Scope[]> = {
  write: ["ingest"],
  read: ["profiles:read"],
  steward: ["steward", "profiles:read"],
  admin: ["admin"],
};

export interface ApiKey {
  /** The key itself: only when it was just made, or when it was found by the key a request presented. */
  key: string;
  /** The public key id, shown in lists and logs: `rk_AbCd.3fa9c1`. */
  id: string;
  kind: KeyKind;
  scopes: Scope[];
  name: string;
  source: string | null;
  /** Requests per second (token bucket, burst twice that); null: the kind's default; 0: no limit. */
  rateLimit: number | null;
  /** Whose privacy budget the key's insights are charged to (default: the key id). */
  recipient: string;
  createdAt: string;
  revokedAt: string | null;
}

const prefix: Record<KeyKind, string> = { write: "wk_", read: "rk_", steward: "sk_", admin: "ak_" };

export function hashKey(key: string): string {
  return createHash("sha256").update(key, "utf8").digest("hex");
}

export function keyIdOf(key: string, hash = hashKey(key)): string {
  return `${key.slice(0, 7)}.${hash.slice(0, 6)}`;
}

export function parseScopes(text: string): Scope[] {
  const list = text
    .split(/[,\s]+/)
    .map((s) => s.trim())
    .filter(Boolean);
  for (const s of list)
    if (!(scopes as readonly string[]).includes(s))
      throw new Error(`"${s}" is not a scope: use ${scopes.join(", ")}`);
  return list as Scope[];
}

export async function createApiKey(
  db: Kysely<Database>,
  k: {
    kind: KeyKind;
    name: string;
    source?: string;
    key?: string;
    at?: string;
    scopes?: Scope[];
    rateLimit?: number | null;
    recipient?: string;
  },
): Promise<ApiKey> {
  const granted = [...new Set(k.scopes ?? kindScopes[k.kind])];
  if (granted.length === 0) throw new Error("a key needs at least one scope");
  for (const s of granted)
    if (!(scopes as readonly string[]).includes(s))
      throw new Error(`"${s}" is not a scope: use ${scopes.join(", ")}`);
  if (granted.includes("ingest") && !k.source)
    throw new Error("an ingest key needs the source its events go to");
  if (k.source !== undefined && !/^[a-z0-9][a-z0-9_.-]*$/i.test(k.source))
    throw new Error(`"${k.source}" is not a source name: use letters, digits, '_', '-' or '.'`);
  if (k.rateLimit != null && !(Number.isFinite(k.rateLimit) && k.rateLimit >= 0))
    throw new Error(`a rate limit is a number of requests per second ≥ 0, not ${k.rateLimit}`);
  if (k.recipient !== undefined && !/^[\w.@:-]{1,100}$/.test(k.recipient))
    throw new Error(`"${k.recipient}" is not a recipient name: letters, digits and . _ - @ :`);
  const key = k.key ?? `${prefix[k.kind]}${randomBytes(18).toString("base64url")}`;
  const hash = hashKey(key);
  const id = keyIdOf(key, hash);
  const at = k.at ?? new Date().toISOString();
  await db
    .insertInto("api_key")
    .values({
      key: id,
      key_hash: hash,
      kind: k.kind,
      scopes: JSON.stringify(granted),
      name: k.name,
      source: k.source ?? null,
      rate_limit: k.rateLimit ?? null,
      recipient: k.recipient ?? null,
      created_at: at,
      revoked_at: null,
    })
    .execute();
  return {
    key,
    id,
    kind: k.kind,
    scopes: granted,
    name: k.name,
    source: k.source ?? null,
    rateLimit: k.rateLimit ?? null,
    recipient: k.recipient ?? id,
    createdAt: at,
    revokedAt: null,
  };
}

interface KeyRow {
  key: string;
  key_hash: string | null;
  kind: KeyKind;
  scopes: unknown;
  name: string;
  source: string | null;
  rate_limit: number | null;
  recipient: string | null;
  created_at: string | Date;
  revoked_at: string | Date | null;
}

function toKey(r: KeyRow, key = ""): ApiKey {
  return {
    key,
    id: r.key,
    kind: r.kind,
    scopes: r.scopes ? fromJson<Scope[]>(r.scopes) : kindScopes[r.kind],
    name: r.name,
    source: r.source,
    rateLimit: r.rate_limit === null ? null : Number(r.rate_limit),
    recipient: r.recipient ?? r.key,
    createdAt: fromTime(r.created_at),
    revokedAt: r.revoked_at ? fromTime(r.revoked_at) : null,
  };
}

/** Every key, without the keys themselves (only hashes are stored). */
export async function listApiKeys(db: Kysely<Database>): Promise<ApiKey[]> {
  return (await db.selectFrom("api_key").selectAll().orderBy("created_at").execute()).map((r) => toKey(r));
}

/** The key a request presented, if it exists and is not revoked. */
export async function findApiKey(db: Kysely<Database>, key: string): Promise<ApiKey | null> {
  if (key.length === 0 || key.length > 512) return null;
  const hash = hashKey(key);
  const r = await db
    .selectFrom("api_key")
    .selectAll()
    .where("key_hash", "=", hash)
    .where("revoked_at", "is", null)
    .executeTakeFirst();
  // The index lookup already matched the hash; compare again in constant time for good measure.
  if (!r?.key_hash || !timingSafeEqual(Buffer.from(r.key_hash), Buffer.from(hash))) return null;
  return toKey(r, key);
}

/** A key by its key id, revoked or not. */
export async function getApiKey(db: Kysely<Database>, id: string): Promise<ApiKey | null> {
  const r = await db.selectFrom("api_key").selectAll().where("key", "=", id).executeTakeFirst();
  return r ? toKey(r) : null;
}

/** Revokes a key given by its key id or by the key itself. */
export async function revokeApiKey(
  db: Kysely<Database>,
  idOrKey: string,
  at = new Date().toISOString(),
): Promise<boolean> {
  const r = await db
    .updateTable("api_key")
    .set({ revoked_at: at })
    .where((eb) => eb.or([eb("key", "=", idOrKey), eb("key_hash", "=", hashKey(idOrKey))]))
    .where("revoked_at", "is", null)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}
