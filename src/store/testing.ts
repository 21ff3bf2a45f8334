import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { dropSchema, openStore, type Store } from "./open-store.js";

/**
 * For tests: every store-backed suite runs once per engine. SQLite always; PostgreSQL at `DATABASE_URL`
 * (CI sets it), or at the local default when it answers. Each opened store is private to its test:
 * a fresh SQLite file, or a fresh PostgreSQL schema dropped afterwards.
 */
export interface TestStore {
  store: Store;
  dispose(): Promise<void>;
}

export interface TestEngine {
  name: "sqlite" | "postgres";
  open(): Promise<TestStore>;
}

const localPostgres = "postgres://postgres@127.0.0.1:5432/test";

async function reachable(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 1500 });
  try {
    await client.connect();
    await client.end();
    return true;
  } catch {
    return false;
  }
}

let postgresUrl: Promise<string | null> | undefined;

function findPostgres(): Promise<string | null> {
  postgresUrl ??= (async () => {
    if (process.env.DATABASE_URL) return process.env.DATABASE_URL;
    if (await reachable(localPostgres)) return localPostgres;
    console.warn("PostgreSQL not reachable and DATABASE_URL unset: store suites run on SQLite only");
    return null;
  })();
  return postgresUrl;
}

let counter = 0;

export async function testEngines(): Promise<TestEngine[]> {
  const engines: TestEngine[] = [
    {
      name: "sqlite",
      async open() {
        const dir = mkdtempSync(join(tmpdir(), "tessera-test-"));
        const store = await openStore({ file: join(dir, "test.db") });
        return {
          store,
          async dispose() {
            await store.close();
            rmSync(dir, { recursive: true, force: true });
          },
        };
      },
    },
  ];
  const url = await findPostgres();
  if (url) {
    engines.push({
      name: "postgres",
      async open() {
        const schema = `t_${process.pid}_${Date.now().toString(36)}_${counter++}`;
        const store = await openStore({ url, schema });
        return {
          store,
          async dispose() {
            await dropSchema(store, schema);
            await store.close();
          },
        };
      },
    });
  }
  return engines;
}
