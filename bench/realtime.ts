/**
 * The real-time path over loopback: a Tessera server in this process, driven by HTTP clients in a worker
 * thread (bench/realtime-load.ts; both share the machine's two cores), on the embedded SQLite store or
 * PostgreSQL.
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
import { Worker } from "node:worker_threads";
import { runServer } from "../src/server/run.js";
import { createApiKey } from "../src/store/api-keys.js";
import { dropSchema, openStore, type Store } from "../src/store/open-store.js";
import { identify } from "./realtime-load.js";

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

  // 1. preload, from a worker thread
  let t = performance.now();
  const load = (mode: "preload" | "mixed", onSent: (n: number) => void) => {
    // The worker registers tsx's loader first (src/jobs/typescript-worker.mjs), then runs the load script.
    const worker = new Worker(new URL("../src/jobs/typescript-worker.mjs", import.meta.url), {
      workerData: {
        typescriptScript: new URL("./realtime-load.ts", import.meta.url).href,
        url: server.url,
        auth,
        mode,
        from: 0,
        to: profiles,
        profiles,
        clients,
      },
    });
    const done = new Promise<number>((resolve, reject) => {
      worker.on("message", (m: { sent?: number; done?: number }) => {
        if (m.sent) onSent(m.sent);
        if (m.done !== undefined) resolve(m.done);
      });
      worker.once("error", reject);
    });
    return { worker, done };
  };
  let loaded = 0;
  let lastLog = t;
  const preload = load("preload", (n) => {
    loaded += n;
    const now = performance.now();
    if (now - lastLog > 10_000) {
      lastLog = now;
      console.error(`preload ${loaded.toLocaleString("en-US")} / ${profiles.toLocaleString("en-US")}`);
    }
  });
  await preload.done;
  await preload.worker.terminate();
  const preloadS = (performance.now() - t) / 1000;
  console.error(
    `preload: ${profiles} identify (new profiles) in ${preloadS.toFixed(1)} s = ${(profiles / preloadS).toFixed(0)}/s, rss ${rss()}`,
  );

  // 2. sustained mixed load from the worker, with visibility probes from here
  let sent = 0;
  let stop = false;
  const visible: number[] = [];
  t = performance.now();
  const mixedLoad = load("mixed", (n) => {
    sent += n;
  });
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
  mixedLoad.worker.postMessage("stop");
  await Promise.all([mixedLoad.done, probes]);
  await mixedLoad.worker.terminate();
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
