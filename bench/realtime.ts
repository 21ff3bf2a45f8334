/**
 * The real-time path over loopback: a Tessera server in this process, driven by HTTP clients in this process
 * (so both share the machine's cores), on the embedded SQLite store or PostgreSQL.
 *
 *   npx tsx bench/realtime.ts --profiles 100000 [--engine sqlite|postgres] [--seconds 30]
 *
 * 1. preload: identify calls for N users (each a new profile with an email and a name), batches of 100;
 * 2. sustained: a mix of 70 % track, 15 % page, 15 % identify for existing users, for --seconds;
 *    meanwhile every 50 ms a new user's identify is sent and its profile polled until visible: p50/p99 of
 *    request → profile visible;
 * 3. lookups: 2,000 GET /v1/profiles/user_id:… of random users: p50/p99.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { runServer } from "../src/server/run.js";
import { createApiKey } from "../src/store/api-keys.js";
import { dropSchema, openStore, type Store } from "../src/store/open-store.js";

const { values } = parseArgs({
  options: {
    profiles: { type: "string", default: "100000" },
    engine: { type: "string", default: "sqlite" },
    seconds: { type: "string", default: "30" },
    clients: { type: "string", default: "8" },
  },
});
const profiles = Number(values.profiles);
const seconds = Number(values.seconds);
const clients = Number(values.clients);

const given = [
  "Ana",
  "Ben",
  "Chloe",
  "Dev",
  "Elif",
  "Femi",
  "Greta",
  "Hiro",
  "Ines",
  "Jonas",
  "Kira",
  "Liam",
];
const family = ["Okafor", "Lindqvist", "Moreau", "Tanaka", "Silva", "Novak", "Haddad", "Kowalski", "Byrne"];

function identify(u: number, tag = "") {
  return {
    type: "identify",
    messageId: `id-${tag}${u}`,
    userId: `user-${tag}${u}`,
    anonymousId: `anon-${tag}${u}`,
    traits: {
      email: `person.${tag}${u}@mail.shop`,
      firstName: given[u % given.length],
      lastName: `${family[(u >> 4) % family.length]}${u % 97}`,
    },
  };
}

let seq = 0;
function mixed(u: number) {
  const r = Math.random();
  const messageId = `mx-${process.pid}-${seq++}`;
  if (r < 0.7)
    return {
      type: "track",
      messageId,
      userId: `user-${u}`,
      event: "Product Viewed",
      properties: { sku: `S${u % 500}` },
    };
  if (r < 0.85) return { type: "page", messageId, anonymousId: `anon-${u}`, name: "Home" };
  return { type: "identify", messageId, userId: `user-${u}`, traits: { plan: r < 0.9 ? "pro" : "free" } };
}

function quantile(xs: number[], q: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))] ?? Number.NaN;
}

async function main() {
  const dir = mkdtempSync(join(tmpdir(), "tessera-rt-"));
  const schema = `bench_rt_${process.pid}`;
  const store: Store =
    values.engine === "postgres"
      ? await openStore({
          url: process.env.DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test",
          schema,
        })
      : await openStore({ file: join(dir, "rt.db") });
  const write = (await createApiKey(store.db, { kind: "write", name: "bench", source: "app" })).key;
  const read = (await createApiKey(store.db, { kind: "read", name: "bench" })).key;
  const server = await runServer(store, { port: 0, webhooks: false });
  const auth = `Basic ${Buffer.from(`${write}:`).toString("base64")}`;
  const post = async (batch: unknown[]) => {
    for (;;) {
      const r = await fetch(`${server.url}/v1/batch`, {
        method: "POST",
        headers: { authorization: auth, "content-type": "application/json" },
        body: JSON.stringify({ batch }),
      });
      await r.arrayBuffer();
      if (r.status === 200) return;
      if (r.status !== 429) throw new Error(`HTTP ${r.status}`);
      await new Promise((res) => setTimeout(res, 50));
    }
  };
  const rss = () => `${(process.memoryUsage().rss / 2 ** 30).toFixed(2)} GiB`;

  // 1. preload
  let t = performance.now();
  let next = 0;
  let lastLog = t;
  await Promise.all(
    Array.from({ length: clients }, async () => {
      while (next < profiles) {
        const from = next;
        next += 100;
        await post(Array.from({ length: Math.min(100, profiles - from) }, (_, k) => identify(from + k)));
        const now = performance.now();
        if (now - lastLog > 10_000) {
          lastLog = now;
          console.error(
            `preload ${Math.min(next, profiles).toLocaleString("en-US")} / ${profiles.toLocaleString("en-US")}`,
          );
        }
      }
    }),
  );
  const preloadS = (performance.now() - t) / 1000;
  console.error(
    `preload: ${profiles} identify (new profiles) in ${preloadS.toFixed(1)} s = ${(profiles / preloadS).toFixed(0)}/s, rss ${rss()}`,
  );

  // 2. sustained mixed load, with visibility probes
  let sent = 0;
  let stop = false;
  const visible: number[] = [];
  t = performance.now();
  const load = Promise.all(
    Array.from({ length: clients }, async () => {
      while (!stop) {
        const batch = Array.from({ length: 100 }, () => mixed(Math.floor(Math.random() * profiles)));
        await post(batch);
        sent += batch.length;
      }
    }),
  );
  let probe = 0;
  const probes = (async () => {
    while (!stop) {
      const u = probe++;
      const start = performance.now();
      await post([identify(u, "probe")]);
      for (;;) {
        const r = await fetch(`${server.url}/v1/profiles/email:person.probe${u}@mail.shop?events=0`, {
          headers: { authorization: `Bearer ${read}` },
        });
        await r.arrayBuffer();
        if (r.status === 200) break;
        await new Promise((res) => setTimeout(res, 2));
      }
      visible.push(performance.now() - start);
      await new Promise((res) => setTimeout(res, 50));
    }
  })();
  await new Promise((res) => setTimeout(res, seconds * 1000));
  stop = true;
  await Promise.all([load, probes]);
  const loadS = (performance.now() - t) / 1000;
  console.error(`sustained: ${sent} events in ${loadS.toFixed(1)} s = ${(sent / loadS).toFixed(0)}/s`);

  // 3. lookups
  const lookups: number[] = [];
  for (let i = 0; i < 2000; i++) {
    const u = Math.floor(Math.random() * profiles);
    const s = performance.now();
    const r = await fetch(`${server.url}/v1/profiles/user_id:user-${u}?events=5`, {
      headers: { authorization: `Bearer ${read}` },
    });
    await r.arrayBuffer();
    if (r.status !== 200) throw new Error(`lookup of user-${u}: HTTP ${r.status}`);
    lookups.push(performance.now() - s);
  }
  const result = {
    engine: values.engine,
    profiles,
    preload: { seconds: +preloadS.toFixed(1), eventsPerSecond: Math.round(profiles / preloadS) },
    sustained: { seconds: +loadS.toFixed(1), events: sent, eventsPerSecond: Math.round(sent / loadS) },
    visibleMs: {
      n: visible.length,
      p50: +quantile(visible, 0.5).toFixed(1),
      p99: +quantile(visible, 0.99).toFixed(1),
    },
    lookupMs: {
      n: lookups.length,
      p50: +quantile(lookups, 0.5).toFixed(2),
      p99: +quantile(lookups, 0.99).toFixed(2),
    },
    rss: rss(),
  };
  console.log(JSON.stringify(result, null, 2));
  await server.close();
  if (values.engine === "postgres") await dropSchema(store, schema);
  await store.close();
  rmSync(dir, { recursive: true, force: true });
}

await main();
