import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { connect } from "nats";
import { afterAll, describe, expect, it } from "vitest";
import { natsReachable } from "../bus/cluster.js";
import { createApiKey } from "../store/api-keys.js";
import { openStore } from "../store/open-store.js";
import { runServer } from "./run.js";

/**
 * Durability: the server is killed with SIGKILL while it takes a load; after a restart every event it
 * acknowledged is stored exactly once, and the client's retries of the unacknowledged ones apply nothing twice.
 */

const dir = mkdtempSync(join(tmpdir(), "tessera-kill-"));
const db = join(dir, "kill.db");
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function start(port: number): Promise<ChildProcess> {
  const child = spawn(
    process.execPath,
    ["--import", "tsx", "src/cli/main.ts", "--db", db, "serve", "--port", String(port), "--no-webhooks"],
    {
      stdio: ["ignore", "ignore", "pipe"],
      env: { ...process.env, NATS_URL: "" },
    },
  );
  return new Promise((resolve, reject) => {
    let said = "";
    child.stderr?.on("data", (d: Buffer) => {
      said += d.toString();
      if (said.includes("tessera serving on")) resolve(child);
    });
    child.once("exit", (code) => reject(new Error(`server exited with ${code}: ${said}`)));
  });
}

const event = (i: number) => ({
  type: i % 5 === 0 ? "identify" : "track",
  messageId: `kill-${i}`,
  userId: `user-${i % 300}`,
  anonymousId: `anon-${i % 450}`,
  event: "Clicked",
  traits: { email: `person${i % 300}@mail.shop` },
});

async function send(port: number, key: string, batch: ReturnType<typeof event>[]): Promise<boolean> {
  try {
    const r = await fetch(`http://127.0.0.1:${port}/v1/batch`, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        authorization: `Basic ${Buffer.from(`${key}:`).toString("base64")}`,
      },
      body: JSON.stringify({ batch }),
    });
    return r.status === 200;
  } catch {
    return false;
  }
}

describe("a server killed with SIGKILL during a load", () => {
  it("keeps every acknowledged event exactly once, and retries apply nothing twice", {
    timeout: 120_000,
  }, async () => {
    const store = await openStore({ file: db });
    const key = (await createApiKey(store.db, { kind: "write", name: "load", source: "app" })).key;
    await store.close();
    const port = 20000 + (process.pid % 20000);
    let child = await start(port);

    const total = 6000;
    const acked = new Set<number>();
    let next = 0;
    const worker = async () => {
      while (next < total) {
        const from = next;
        next += 50;
        const batch = Array.from({ length: Math.min(50, total - from) }, (_, k) => event(from + k));
        if (await send(port, key, batch)) for (let k = 0; k < batch.length; k++) acked.add(from + k);
      }
    };
    const load = Promise.all(Array.from({ length: 8 }, worker));
    while (acked.size < 1500) await new Promise((r) => setTimeout(r, 20));
    child.kill("SIGKILL");
    await load;
    expect(acked.size).toBeGreaterThan(0);
    expect(acked.size).toBeLessThan(total);

    // Every acknowledged event is there, once.
    const after = await openStore({ file: db });
    const rows = await after.db.selectFrom("event").select("message_id").execute();
    const stored = new Set(rows.map((r) => r.message_id));
    expect(stored.size).toBe(rows.length);
    for (const i of acked) expect(stored.has(`kill-${i}`), `kill-${i}`).toBe(true);
    await after.close();

    // The client retries everything after the restart: nothing is applied twice.
    child = await start(port);
    for (let from = 0; from < total; from += 100)
      expect(
        await send(
          port,
          key,
          Array.from({ length: 100 }, (_, k) => event(from + k)),
        ),
      ).toBe(true);
    child.kill("SIGTERM");
    await new Promise((r) => child.once("exit", r));
    const end = await openStore({ file: db });
    expect((await end.db.selectFrom("event").select("id").execute()).length).toBe(total);
    // One actor record per user (300) and per anonymous id never seen with a user... every user id holds one profile.
    const users = await end.db
      .selectFrom("identity as i")
      .innerJoin("entity_link as l", "l.record_key", "i.record_key")
      .select(["i.value", "l.entity_id"])
      .where("i.kind", "=", "user_id")
      .execute();
    expect(users.length).toBe(300);
    expect(new Set(users.map((u) => u.entity_id)).size).toBe(300);
    const records = await end.db
      .selectFrom("source_record")
      .select("source_record_id")
      .where("version", "=", 1)
      .execute();
    expect(new Set(records.map((r) => r.source_record_id)).size).toBe(records.length);
    await end.close();
  });
});

const natsUrl = process.env.NATS_URL || "nats://127.0.0.1:4222";
const natsUp = await natsReachable(natsUrl);
if (!natsUp) console.warn(`NATS not reachable at ${natsUrl}: the JetStream test is skipped`);

describe.skipIf(!natsUp)("events through NATS JetStream", () => {
  it("are acknowledged once stored in the stream and applied by the resolver worker", {
    timeout: 60_000,
  }, async () => {
    const url = natsUrl;
    const file = join(dir, "nats.db");
    const store = await openStore({ file });
    const key = (await createApiKey(store.db, { kind: "write", name: "nats", source: "app" })).key;
    const read = (await createApiKey(store.db, { kind: "read", name: "r" })).key;
    const stream = `TESSERA_TEST_${process.pid}_${Date.now().toString(36)}`.toUpperCase();
    const server = await runServer(store, { port: 0, natsUrl: url, stream, webhooks: false });
    const batch = [
      { type: "identify", messageId: "n-1", userId: "nats-user", traits: { email: "nats.user@mail.shop" } },
      { type: "track", messageId: "n-2", userId: "nats-user", event: "Signed Up" },
      { type: "track", messageId: "n-2", userId: "nats-user", event: "Signed Up" },
    ];
    const r = await fetch(`${server.url}/v1/batch`, {
      method: "POST",
      headers: { authorization: `Bearer ${key}` },
      body: JSON.stringify({ batch }),
    });
    expect(r.status).toBe(200);
    let profile: { id?: string; events?: { events: unknown[] } } = {};
    for (let tries = 0; tries < 100 && (profile.events?.events.length ?? 0) < 2; tries++) {
      await new Promise((res) => setTimeout(res, 100));
      const p = await fetch(`${server.url}/v1/profiles/user_id:nats-user`, {
        headers: { authorization: `Bearer ${read}` },
      });
      if (p.status === 200) profile = (await p.json()) as typeof profile;
    }
    expect(profile.events?.events).toHaveLength(2);
    await server.close();
    const nc = await connect({ servers: url });
    await (await nc.jetstreamManager()).streams.delete(stream);
    await nc.close();
    await store.close();
  });
});
