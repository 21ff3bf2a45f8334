/**
 * The distributed live path: resolver workers (`tessera worker`, one process each) applying a JetStream stream
 * to PostgreSQL, with 1, 2 and 4 workers.
 *
 *   flock /tmp/bench.lock npx tsx bench/scale-live.ts [--people 8000] [--tracks 4] [--workers 1,2,4] [--batch 500]
 *
 * For each worker count, on a fresh schema and stream: the events — people whose identifiers overlap
 * (src/bus/workload.ts: anonymous browsing, an email on a second device, login, alias, a name change) and
 * `--tracks` more track calls per person — are published to the stream in a shuffled order (as an ingest node
 * would, but straight from here so that neither the HTTP front nor the publishing competes for the cores);
 * then the workers are started, and from the moment the last one is ready, the events still pending divided
 * by the time until the consumer has nothing pending or unacknowledged gives events/s applied. Then the
 * partition is checked against the people (each person one profile).
 * A last run measures the ingest node alone: HTTP batches in, JetStream acknowledgements out.
 */
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { LocalCluster } from "../src/bus/cluster.js";
import { NatsEventLog } from "../src/bus/nats.js";
import { overlappingPeople, partitionOf, shuffled, type WorkloadEvent } from "../src/bus/workload.js";
import type { AcceptedEvent } from "../src/model/event.js";
import { createApiKey } from "../src/store/api-keys.js";
import { loadLinks } from "../src/store/entities.js";
import { dropSchema, openStore } from "../src/store/open-store.js";

const { values } = parseArgs({
  options: {
    people: { type: "string", default: "8000" },
    tracks: { type: "string", default: "4" },
    workers: { type: "string", default: "1,2,4" },
    batch: { type: "string", default: "500" },
  },
});
const databaseUrl = process.env.DATABASE_URL || "postgres://postgres@127.0.0.1:5432/test";
const natsUrl = process.env.NATS_URL || "nats://127.0.0.1:4222";
const people = Number(values.people);
const tracks = Number(values.tracks);

/** The machine's busy and total CPU time so far (clock ticks, from /proc/stat). */
function machineCpu(): { busy: number; total: number } {
  const f = (readFileSync("/proc/stat", "utf8").split("\n")[0] ?? "")
    .trim()
    .split(/\s+/)
    .slice(1)
    .map(Number);
  const total = f.reduce((a, b) => a + b, 0);
  const idle = (f[3] ?? 0) + (f[4] ?? 0);
  return { busy: total - idle, total };
}

/** CPU seconds a process has used (user + system). */
function processCpu(pid: number | undefined): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]?.split(" ") ?? [];
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return 0;
  }
}

/** The workload plus `tracks` track calls per person, after their own events. */
function workload(tag: string) {
  const w = overlappingPeople(people, "app", tag);
  const extra: WorkloadEvent[] = [];
  for (const [p, records] of w.people.entries())
    for (let k = 0; k < tracks; k++) {
      const actor = records[k % records.length] as string;
      const id = actor.slice(actor.indexOf(":") + 1);
      const who = actor.includes("/user:") ? { userId: id } : { anonymousId: id };
      extra.push({
        type: "track",
        messageId: `${tag}${p}-t${k}`,
        timestamp: new Date(
          Date.parse("2026-11-01T00:00:00Z") + p * 1_000_000 + 100_000 + k * 1000,
        ).toISOString(),
        event: "Product Viewed",
        ...who,
      });
    }
  return { events: shuffled([...w.events, ...extra], 7), people: w.people };
}

function accepted(e: WorkloadEvent): AcceptedEvent {
  return {
    source: "app",
    messageId: e.messageId,
    type: e.type,
    userId: e.userId ?? null,
    anonymousId: e.anonymousId ?? null,
    timestamp: e.timestamp,
    receivedAt: e.timestamp,
    sentAt: null,
    body: e as AcceptedEvent["body"],
  };
}

interface Run {
  workers: number;
  events: number;
  seconds: number;
  eventsPerSecond: number;
  profiles: number;
  partitionOk: boolean;
  machineBusy: number;
  workerCores: number;
}

async function run(workers: number): Promise<Run> {
  const tag = `w${workers}-`;
  const schema = `bench_scale_${process.pid}_${workers}`;
  const stream = `TESSERA_BENCH_${process.pid}_${workers}`;
  const store = await openStore({ url: databaseUrl, schema });
  let cluster: LocalCluster | null = null;
  try {
    const { events, people: truth } = workload(tag);
    cluster = await LocalCluster.start(
      { databaseUrl, schema, natsUrl, stream, workerArgs: ["--batch", String(values.batch), "--quiet"] },
      0,
    );
    const log = await NatsEventLog.open({ url: natsUrl, stream, maxPending: 1_000_000 });
    let t = performance.now();
    for (let i = 0; i < events.length; i += 2000) await log.append(events.slice(i, i + 2000).map(accepted));
    await log.close();
    const published = (performance.now() - t) / 1000;
    // The workers start on a full stream; the clock starts when the last is ready, on what is left by then.
    const c = cluster;
    await Promise.all(Array.from({ length: workers }, () => c.addWorker()));
    t = performance.now();
    const cpu0 = machineCpu();
    const workers0 = c.workers.map((w) => processCpu(w.pid));
    const left = await cluster.backlog();
    const measured = left.pending + left.unacknowledged;
    await cluster.drained(400_000);
    const seconds = (performance.now() - t) / 1000;
    const cpu1 = machineCpu();
    const workerCpu = c.workers.reduce((sum, w, i) => sum + processCpu(w.pid) - (workers0[i] ?? 0), 0);
    const machineBusy = (cpu1.busy - cpu0.busy) / (cpu1.total - cpu0.total);
    const groups = new Map<string, string[]>();
    for (const [key, entity] of await loadLinks(store.db))
      groups.set(entity, [...(groups.get(entity) ?? []), key]);
    const partitionOk = JSON.stringify(partitionOf(groups.values())) === JSON.stringify(partitionOf(truth));
    const r = {
      workers,
      events: measured,
      seconds: +seconds.toFixed(1),
      eventsPerSecond: Math.round(measured / seconds),
      profiles: groups.size,
      partitionOk,
      /** Share of the machine's CPU in use meanwhile (all processes: workers, PostgreSQL, NATS, anything else). */
      machineBusy: +machineBusy.toFixed(2),
      /** CPU seconds the workers used, per second of the run (in cores). */
      workerCores: +(workerCpu / seconds).toFixed(2),
    };
    console.error(
      `${workers} worker(s): ${events.length} events published in ${published.toFixed(1)} s; the last ${r.events} applied in ${r.seconds} s = ${r.eventsPerSecond}/s (machine ${Math.round(r.machineBusy * 100)} % busy, workers ${r.workerCores} cores); ${r.profiles} profiles, partition ${partitionOk ? "= people" : "DIFFERS"}`,
    );
    return r;
  } finally {
    await cluster?.stop();
    await LocalCluster.deleteStream(natsUrl, stream);
    await dropSchema(store, schema);
    await store.close();
  }
}

/** The ingest node alone: HTTP batches of 100 from 8 clients, answered once JetStream has them. */
async function ingestOnly(): Promise<{ events: number; seconds: number; eventsPerSecond: number }> {
  const schema = `bench_scale_${process.pid}_ingest`;
  const stream = `TESSERA_BENCH_${process.pid}_INGEST`;
  const store = await openStore({ url: databaseUrl, schema });
  let cluster: LocalCluster | null = null;
  try {
    const key = (await createApiKey(store.db, { kind: "write", name: "bench", source: "app" })).key;
    const { events } = workload("i-");
    cluster = await LocalCluster.start({ databaseUrl, schema, natsUrl, stream }, 0);
    const url = cluster.url;
    let next = 0;
    const t = performance.now();
    const client = async () => {
      while (next < events.length) {
        const batch = events.slice(next, next + 100);
        next += 100;
        for (;;) {
          const r = await fetch(`${url}/v1/batch`, {
            method: "POST",
            headers: {
              authorization: `Basic ${Buffer.from(`${key}:`).toString("base64")}`,
              "content-type": "application/json",
            },
            body: JSON.stringify({ batch }),
          });
          await r.arrayBuffer();
          if (r.status === 200) break;
          if (r.status !== 429) throw new Error(`HTTP ${r.status}`);
          await new Promise((res) => setTimeout(res, 50));
        }
      }
    };
    await Promise.all(Array.from({ length: 8 }, client));
    const seconds = (performance.now() - t) / 1000;
    const r = {
      events: events.length,
      seconds: +seconds.toFixed(1),
      eventsPerSecond: Math.round(events.length / seconds),
    };
    console.error(
      `ingest node alone: ${r.events} events accepted in ${r.seconds} s = ${r.eventsPerSecond}/s`,
    );
    return r;
  } finally {
    await cluster?.stop();
    await LocalCluster.deleteStream(natsUrl, stream);
    await dropSchema(store, schema);
    await store.close();
  }
}

const runs: Run[] = [];
for (const n of String(values.workers).split(",").map(Number)) runs.push(await run(n));
const ingest = await ingestOnly();
const one = runs.find((r) => r.workers === 1)?.eventsPerSecond ?? runs[0]?.eventsPerSecond ?? 1;
console.log(
  JSON.stringify(
    {
      people,
      tracksPerPerson: tracks,
      batch: Number(values.batch),
      runs: runs.map((r) => ({ ...r, ratioToOne: +(r.eventsPerSecond / one).toFixed(2) })),
      ingestNode: ingest,
    },
    null,
    2,
  ),
);
