/**
 * The load of bench/realtime.ts, in a worker thread of its own so that building and sending requests does not
 * share the server's event loop: `preload` sends identify calls for users [from, to); `mixed` sends the
 * sustained mix until told to stop. Each client keeps one request of 100 events in flight.
 */
import { parentPort, workerData } from "node:worker_threads";

interface Job {
  url: string;
  auth: string;
  mode: "preload" | "mixed";
  from: number;
  to: number;
  profiles: number;
  clients: number;
}

const job = workerData as Job;
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

export function identify(u: number, tag = "") {
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
const salt = `${process.pid}-${Date.now().toString(36)}`;
function mixed(u: number) {
  const r = Math.random();
  const messageId = `mx-${salt}-${seq++}`;
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

async function post(batch: unknown[]): Promise<void> {
  for (;;) {
    const r = await fetch(`${job.url}/v1/batch`, {
      method: "POST",
      headers: { authorization: job.auth, "content-type": "application/json" },
      body: JSON.stringify({ batch }),
    });
    await r.arrayBuffer();
    if (r.status === 200) return;
    if (r.status !== 429) throw new Error(`HTTP ${r.status}`);
    await new Promise((res) => setTimeout(res, 50));
  }
}

if (parentPort) {
  const port = parentPort;
  let stop = false;
  port.on("message", (m) => {
    if (m === "stop") stop = true;
  });
  let next = job.from;
  let sent = 0;
  await Promise.all(
    Array.from({ length: job.clients }, async () => {
      if (job.mode === "preload") {
        while (next < job.to) {
          const from = next;
          next += 100;
          const batch = Array.from({ length: Math.min(100, job.to - from) }, (_, k) => identify(from + k));
          await post(batch);
          sent += batch.length;
          port.postMessage({ sent: batch.length });
        }
      } else {
        while (!stop) {
          const batch = Array.from({ length: 100 }, () => mixed(Math.floor(Math.random() * job.profiles)));
          await post(batch);
          sent += batch.length;
          port.postMessage({ sent: batch.length });
        }
      }
    }),
  );
  port.postMessage({ done: sent });
}
