import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { describe, expect, it } from "vitest";
import { LocalCluster, natsReachable } from "../bus/cluster.js";
import { overlappingPeople, partitionOf, shuffled, type WorkloadEvent } from "../bus/workload.js";
import { LiveIngest } from "../jobs/ingest-events.js";
import { createApiKey } from "../store/api-keys.js";
import { loadLinks } from "../store/entities.js";
import { storedEvents } from "../store/events.js";
import { dropSchema, openStore, type Store } from "../store/open-store.js";
import { latestAttributes } from "../store/source-records.js";

/**
 * The distributed live path: one ingest node and three resolver workers, each a process of its own, on
 * PostgreSQL and NATS JetStream. Events of people whose identifiers overlap (so merges happen across workers)
 * are sent in a shuffled order; a worker is killed with SIGKILL in the middle and replaced. Afterwards every
 * acknowledged event is stored exactly once, and the partition of actor records into profiles — and each
 * record's traits — equal those of one process applying the same events in time order on SQLite.
 */

const databaseUrl = process.env.DATABASE_URL || "postgres://postgres@127.0.0.1:5432/test";
const natsUrl = process.env.NATS_URL || "nats://127.0.0.1:4222";

async function postgresReachable(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 1500 });
  try {
    await client.connect();
    await client.end();
    return true;
  } catch {
    return false;
  }
}

const pgUp = await postgresReachable(databaseUrl);
const natsUp = await natsReachable(natsUrl);
if (!pgUp || !natsUp)
  console.warn(
    `the scale-out test is skipped: ${!pgUp ? `PostgreSQL is not reachable at ${databaseUrl}` : ""}${!pgUp && !natsUp ? " and " : ""}${!natsUp ? `NATS is not reachable at ${natsUrl}` : ""}`,
  );

/** Record key → entity, as groups of record keys. */
async function partition(store: Store): Promise<string[]> {
  const groups = new Map<string, string[]>();
  for (const [key, entity] of await loadLinks(store.db)) {
    const g = groups.get(entity);
    if (g) g.push(key);
    else groups.set(entity, [key]);
  }
  return partitionOf(groups.values());
}

/** JSON with object keys sorted: PostgreSQL's jsonb keeps keys in an order of its own. */
function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(",")}]`;
  if (v && typeof v === "object")
    return `{${Object.keys(v)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical((v as Record<string, unknown>)[k])}`)
      .join(",")}}`;
  return JSON.stringify(v ?? null);
}

/** What identify calls put into each record: name and contacts, without the identifiers. */
async function traits(store: Store, keys: string[]): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const [key, a] of await latestAttributes(store.db, keys))
    out.set(key, canonical([a.name, a.emails, a.phones, a.extra.traits]));
  return out;
}

describe.skipIf(!pgUp || !natsUp)("the live path on 1 ingest node and 3 workers", () => {
  it("applies every acknowledged event once, through a SIGKILL, into the profiles of a single-process run", {
    timeout: 120_000,
  }, async () => {
    const schema = `t_scale_${process.pid}_${Date.now().toString(36)}`;
    const stream = `TESSERA_SCALE_${process.pid}_${Date.now().toString(36)}`.toUpperCase();
    const dir = mkdtempSync(join(tmpdir(), "tessera-scale-"));
    const store = await openStore({ url: databaseUrl, schema });
    let cluster: LocalCluster | null = null;
    let reference: Store | null = null;
    try {
      const key = (await createApiKey(store.db, { kind: "write", name: "load", source: "app" })).key;
      const work = overlappingPeople(480, "app");
      const events = shuffled(work.events, 13);
      cluster = await LocalCluster.start(
        {
          databaseUrl,
          schema,
          natsUrl,
          stream,
          workerArgs: ["--batch", "100", "--ack-wait", "3", "--quiet"],
        },
        3,
      );
      const url = cluster.url;
      const send = async (batch: WorkloadEvent[]): Promise<boolean> => {
        const r = await fetch(`${url}/v1/batch`, {
          method: "POST",
          headers: {
            authorization: `Basic ${Buffer.from(`${key}:`).toString("base64")}`,
            "content-type": "application/json",
          },
          body: JSON.stringify({ batch }),
        }).catch(() => null);
        return r?.status === 200;
      };

      // Six clients send batches of 20; one worker is killed once 40 % are acknowledged, and replaced.
      const acked = new Set<string>();
      let next = 0;
      const client = async () => {
        while (next < events.length) {
          const batch = events.slice(next, next + 20);
          next += 20;
          for (let tries = 0; tries < 5; tries++)
            if (await send(batch)) {
              for (const e of batch) acked.add(e.messageId);
              break;
            }
          // Paced a little, so that the workers are busy when one is killed.
          await new Promise((r) => setTimeout(r, 5));
        }
      };
      const load = Promise.all(Array.from({ length: 6 }, client));
      while (acked.size < events.length * 0.4) await new Promise((r) => setTimeout(r, 10));
      const victim = cluster.workers[0];
      if (!victim) throw new Error("no worker to kill");
      cluster.kill(victim);
      const replacement = cluster.addWorker();
      await load;
      await replacement;
      expect(acked.size).toBe(events.length);
      await cluster.drained(60_000);

      // Every acknowledged event is stored once.
      const rows = await store.db.selectFrom("event").select("message_id").execute();
      const stored = rows.map((r) => r.message_id);
      expect(new Set(stored).size).toBe(stored.length);
      expect(stored.length).toBe(acked.size);
      for (const id of acked) expect(stored.includes(id), id).toBe(true);

      // Each person's records are one profile, and no profile holds two people.
      const live = await partition(store);
      expect(live).toEqual(partitionOf(work.people));
      const entities = await store.db
        .selectFrom("entity")
        .select(["status"])
        .where("status", "=", "active")
        .execute();
      expect(entities.length).toBe(work.people.length);

      // The same events, in time order, through one process on SQLite: the same partition and traits.
      reference = await openStore({ file: join(dir, "reference.db") });
      const one = new LiveIngest(reference);
      for (let offset = 0; ; offset += 500) {
        const page = await storedEvents(store.db, offset, 500);
        if (page.length === 0) break;
        await one.apply(page);
      }
      expect(await partition(reference)).toEqual(live);
      const keys = work.people.flat();
      const mine = await traits(store, keys);
      const theirs = await traits(reference, keys);
      expect(mine.size).toBe(keys.length);
      for (const k of keys) expect(mine.get(k), k).toBe(theirs.get(k));
      // The later identify's name won, though it may have been applied first.
      expect(mine.get("app/user:s0-user")).toContain('"family":"New0"');
    } finally {
      await cluster?.stop();
      await LocalCluster.deleteStream(natsUrl, stream);
      await reference?.close();
      await dropSchema(store, schema);
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
