import { randomBytes } from "node:crypto";
import type { Kysely } from "kysely";
import { type Database, fromTime } from "./schema.js";

/**
 * API keys: write keys for ingest (each names the source its events are recorded under), read keys for
 * profiles, steward keys for stewardship (review, merge, split; they may also read), admin keys for
 * configuration (an admin key may do anything but ingest).
 */

export type KeyKind = "write" | "read" | "steward" | "admin";

export interface ApiKey {
  key: string;
  kind: KeyKind;
  name: string;
  source: string | null;
  createdAt: string;
  revokedAt: string | null;
}

const prefix: Record<KeyKind, string> = { write: "wk_", read: "rk_", steward: "sk_", admin: "ak_" };

export async function createApiKey(
  db: Kysely<Database>,
  k: { kind: KeyKind; name: string; source?: string; key?: string; at?: string },
): Promise<ApiKey> {
  if (k.kind === "write" && !k.source) throw new Error("a write key needs the source its events go to");
  if (k.source !== undefined && !/^[a-z0-9][a-z0-9_.-]*$/i.test(k.source))
    throw new Error(`"${k.source}" is not a source name: use letters, digits, '_', '-' or '.'`);
  const key = k.key ?? `${prefix[k.kind]}${randomBytes(18).toString("base64url")}`;
  const at = k.at ?? new Date().toISOString();
  await db
    .insertInto("api_key")
    .values({ key, kind: k.kind, name: k.name, source: k.source ?? null, created_at: at, revoked_at: null })
    .execute();
  return { key, kind: k.kind, name: k.name, source: k.source ?? null, createdAt: at, revokedAt: null };
}

function toKey(r: {
  key: string;
  kind: KeyKind;
  name: string;
  source: string | null;
  created_at: string | Date;
  revoked_at: string | Date | null;
}): ApiKey {
  return {
    key: r.key,
    kind: r.kind,
    name: r.name,
    source: r.source,
    createdAt: fromTime(r.created_at),
    revokedAt: r.revoked_at ? fromTime(r.revoked_at) : null,
  };
}

export async function listApiKeys(db: Kysely<Database>): Promise<ApiKey[]> {
  return (await db.selectFrom("api_key").selectAll().orderBy("created_at").execute()).map(toKey);
}

/** The key if it exists and is not revoked. */
export async function findApiKey(db: Kysely<Database>, key: string): Promise<ApiKey | null> {
  const r = await db
    .selectFrom("api_key")
    .selectAll()
    .where("key", "=", key)
    .where("revoked_at", "is", null)
    .executeTakeFirst();
  return r ? toKey(r) : null;
}

export async function revokeApiKey(
  db: Kysely<Database>,
  key: string,
  at = new Date().toISOString(),
): Promise<boolean> {
  const r = await db.updateTable("api_key").set({ revoked_at: at }).where("key", "=", key).executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}
