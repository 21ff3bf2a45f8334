import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import SQLite from "better-sqlite3";
import { Kysely, type Migration, Migrator, SqliteDialect } from "kysely";
import { describe, expect, it } from "vitest";
import { createApiKey, findApiKey, hashKey, listApiKeys, revokeApiKey } from "./api-keys.js";
import { sourceRecords } from "./migrations/001-source-records.js";
import { goldenProfiles } from "./migrations/002-golden-profiles.js";
import { matchView } from "./migrations/003-match-view.js";
import { qualityFindings } from "./migrations/004-quality-findings.js";
import { scores } from "./migrations/005-scores.js";
import { households } from "./migrations/006-households.js";
import { realtime } from "./migrations/007-realtime.js";
import { audiences } from "./migrations/008-audiences.js";
import { openStore } from "./open-store.js";
import type { Database } from "./schema.js";

/** Keys made before migration 009 (stored in clear) are hashed in place and keep working. */
describe("API keys across migration 009", () => {
  it("hashes the keys of an older store, which still authenticate; the clear keys are gone", async () => {
    const dir = mkdtempSync(join(tmpdir(), "tessera-keys-"));
    const file = join(dir, "old.db");
    try {
      const old = new Kysely<unknown>({ dialect: new SqliteDialect({ database: new SQLite(file) }) });
      const upTo8: Record<string, Migration> = {
        "001-source-records": sourceRecords("sqlite"),
        "002-golden-profiles": goldenProfiles("sqlite"),
        "003-match-view": matchView("sqlite"),
        "004-quality-findings": qualityFindings("sqlite"),
        "005-scores": scores("sqlite"),
        "006-households": households("sqlite"),
        "007-realtime": realtime("sqlite"),
        "008-audiences": audiences("sqlite"),
      };
      const { error } = await new Migrator({
        db: old,
        provider: { getMigrations: async () => upTo8 },
      }).migrateToLatest();
      expect(error).toBeUndefined();
      const at = "2026-01-01T00:00:00.000Z";
      await (old as unknown as Kysely<Record<string, Record<string, unknown>>>)
        .insertInto("api_key")
        .values([
          {
            key: "wk_old-write-key-0123456789",
            kind: "write",
            name: "site",
            source: "web",
            created_at: at,
            revoked_at: null,
          },
          {
            key: "rk_old-read-key-0123456789",
            kind: "read",
            name: "app",
            source: null,
            created_at: at,
            revoked_at: null,
          },
        ])
        .execute();
      await old.destroy();

      const store = await openStore({ file });
      try {
        const raw = JSON.stringify(
          await (store.db as Kysely<Database>).selectFrom("api_key").selectAll().execute(),
        );
        expect(raw).not.toContain("old-write-key");
        expect(raw).toContain(hashKey("wk_old-write-key-0123456789"));
        const found = await findApiKey(store.db, "wk_old-write-key-0123456789");
        expect(found).toMatchObject({
          kind: "write",
          source: "web",
          scopes: ["ingest"],
          key: "wk_old-write-key-0123456789",
        });
        expect((await findApiKey(store.db, "rk_old-read-key-0123456789"))?.scopes).toEqual(["profiles:read"]);
        expect(await findApiKey(store.db, "rk_old-read-key-012345678")).toBeNull();
        const made = await createApiKey(store.db, { kind: "steward", name: "dpo" });
        expect((await listApiKeys(store.db)).map((k) => k.id)).toContain(made.id);
        expect(await revokeApiKey(store.db, made.id)).toBe(true);
        expect(await findApiKey(store.db, made.key)).toBeNull();
        await expect(createApiKey(store.db, { kind: "read", name: "x", scopes: ["ingest"] })).rejects.toThrow(
          /source/,
        );
      } finally {
        await store.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
