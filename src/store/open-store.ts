import SQLite from "better-sqlite3";
import {
  Kysely,
  type Migration,
  type MigrationProvider,
  Migrator,
  PostgresDialect,
  SqliteDialect,
  sql,
} from "kysely";
import pg from "pg";
import { FieldEncryptionPlugin, fieldEncryptionFromEnv } from "../privacy/encryption.js";
import type { DialectName } from "./dialect.js";
import { sourceRecords } from "./migrations/001-source-records.js";
import { goldenProfiles } from "./migrations/002-golden-profiles.js";
import { matchView } from "./migrations/003-match-view.js";
import { qualityFindings } from "./migrations/004-quality-findings.js";
import { scores } from "./migrations/005-scores.js";
import { households } from "./migrations/006-households.js";
import { realtime } from "./migrations/007-realtime.js";
import { audiences } from "./migrations/008-audiences.js";
import { privacy } from "./migrations/009-privacy.js";
import { attribution } from "./migrations/010-attribution.js";
import { leases } from "./migrations/011-leases.js";
import type { Database } from "./schema.js";

export interface StoreLocation {
  /** A PostgreSQL connection string; when absent the store is an SQLite file. */
  url?: string;
  /** The SQLite file (default `tessera.db`). */
  file?: string;
  /** PostgreSQL only: the schema to use (created when missing); tests use one each. */
  schema?: string;
}

export interface Store {
  db: Kysely<Database>;
  dialect: DialectName;
  /** Where the data is, for people: a file path or a URL without its password. */
  describe: string;
  /** SQLite only: the database file, which other threads may open to read in parallel. */
  file?: string;
  /** PostgreSQL only: the schema the store lives in, when not the default. */
  schema?: string;
  close(): Promise<void>;
}

/**
 * Where the store is when nothing is said: `DATABASE_URL` (PostgreSQL, in schema `TESSERA_SCHEMA` when set),
 * else `TESSERA_DB`, else tessera.db.
 */
export function storeLocationFromEnv(env: NodeJS.ProcessEnv = process.env): StoreLocation {
  if (env.DATABASE_URL)
    return { url: env.DATABASE_URL, ...(env.TESSERA_SCHEMA ? { schema: env.TESSERA_SCHEMA } : {}) };
  return { file: env.TESSERA_DB || "tessera.db" };
}

function migrationsFor(dialect: DialectName): Record<string, Migration> {
  return {
    "001-source-records": sourceRecords(dialect),
    "002-golden-profiles": goldenProfiles(dialect),
    "003-match-view": matchView(dialect),
    "004-quality-findings": qualityFindings(dialect),
    "005-scores": scores(dialect),
    "006-households": households(dialect),
    "007-realtime": realtime(dialect),
    "008-audiences": audiences(dialect),
    "009-privacy": privacy(dialect),
    "010-attribution": attribution(dialect),
    "011-leases": leases(dialect),
  };
}

function redact(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = "****";
    return u.toString();
  } catch {
    return "postgres";
  }
}

/** Opens the store and brings its schema up to date. */
export async function openStore(location: StoreLocation = storeLocationFromEnv()): Promise<Store> {
  let db: Kysely<Database>;
  let dialect: DialectName;
  let describe: string;
  if (location.url) {
    dialect = "postgres";
    describe = redact(location.url) + (location.schema ? ` (schema ${location.schema})` : "");
    if (location.schema) {
      if (!/^[a-z_][a-z0-9_]*$/.test(location.schema)) throw new Error(`bad schema name ${location.schema}`);
      const admin = new pg.Client({ connectionString: location.url });
      await admin.connect();
      try {
        await admin.query(`create schema if not exists ${location.schema}`);
      } finally {
        await admin.end();
      }
    }
    const pool = new pg.Pool({
      connectionString: location.url,
      max: 8,
      ...(location.schema ? { options: `-c search_path=${location.schema}` } : {}),
    });
    db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  } else {
    dialect = "sqlite";
    const file = location.file ?? "tessera.db";
    describe = file;
    const database = new SQLite(file);
    database.pragma("journal_mode = WAL");
    database.pragma("synchronous = NORMAL");
    database.pragma("busy_timeout = 5000");
    db = new Kysely<Database>({ dialect: new SqliteDialect({ database }) });
  }
  // Optional field-level encryption at rest (TESSERA_ENCRYPTION_KEY…): see src/privacy/encryption.ts.
  const encryption = fieldEncryptionFromEnv();
  if (encryption) db = db.withPlugin(new FieldEncryptionPlugin(encryption));
  const store: Store = {
    db,
    dialect,
    describe,
    ...(dialect === "sqlite" ? { file: describe } : {}),
    ...(dialect === "postgres" && location.schema ? { schema: location.schema } : {}),
    close: () => db.destroy(),
  };
  await migrate(store);
  return store;
}

export async function migrate(store: Store): Promise<void> {
  const provider: MigrationProvider = { getMigrations: async () => migrationsFor(store.dialect) };
  // The migration tables live in the store's own schema: another schema's lock table must not be mistaken
  // for this one's (Kysely otherwise looks them up through the search path).
  const migrator = new Migrator({
    db: store.db,
    provider,
    ...(store.schema ? { migrationTableSchema: store.schema } : {}),
  });
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === "Error")?.migrationName;
    throw new Error(`migration ${failed ?? ""} failed on ${store.describe}: ${(error as Error).message}`);
  }
}

/** Drops a PostgreSQL schema made for a test; a no-op on SQLite. */
export async function dropSchema(store: Store, schema: string): Promise<void> {
  if (store.dialect !== "postgres") return;
  await sql.raw(`drop schema if exists ${schema} cascade`).execute(store.db);
}
