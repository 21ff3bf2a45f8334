/**
 * `decide` with the ledger behind it: N messages (email, sms, push over 8 campaigns) with clicks, and the time of
 * one decision (policy + Thompson over the ledger's responses) with the arm counts read each time (the CLI) and
 * from the API's 5-second memo. SQLite file, and PostgreSQL when DATABASE_URL (or the local default) answers.
 *   npx tsx bench/decide.ts [messages=1000000]
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sql } from "kysely";
import { insertProfiles } from "../src/jobs/audience-fixture.js";
import { decide } from "../src/jobs/decide.js";
import { writePolicy } from "../src/jobs/ledger.js";
import { dropSchema, openStore, type Store } from "../src/store/open-store.js";

const n = Number(process.argv[2] ?? 1_000_000);

async function fill(store: Store): Promise<void> {
  await insertProfiles(store.db, [
    { seq: 1, name: "Bo Chan", email: "bo@example.org", phone: "+33612345678" },
  ]);
  await writePolicy(store, { channels: ["email", "sms", "push"], quietHours: null, minPAlive: null });
  const channels = ["email", "sms", "push"];
  const rate = [0.08, 0.03, 0.05];
  const day = 86_400_000;
  const t0 = Date.parse("2026-06-01T00:00:00Z");
  for (let i = 0; i < n; i += 2_000) {
    const rows = [];
    for (let j = i; j < Math.min(n, i + 2_000); j++)
      rows.push({
        message_key: null,
        entity_id: `T-${2 + (j % 100_000)}`,
        channel: channels[j % 3] as string,
        campaign: `c${j % 8}`,
        template: null,
        sent_at: new Date(t0 + (j % 150) * day).toISOString(),
        properties: null,
        recorded_at: new Date(t0).toISOString(),
      });
    const ids = await store.db
      .insertInto("message")
      .values(rows)
      .returning(["id", "channel", "entity_id"])
      .execute();
    const responses = ids
      .filter((m, k) => ((k * 2654435761) % 1000) / 1000 < (rate[channels.indexOf(m.channel)] as number))
      .map((m) => ({
        message_id: Number(m.id),
        entity_id: m.entity_id,
        channel: m.channel,
        kind: "clicked",
        at: new Date(t0 + 151 * day).toISOString(),
        properties: null,
        recorded_at: new Date(t0).toISOString(),
      }));
    if (responses.length > 0) await store.db.insertInto("message_response").values(responses).execute();
  }
  if (store.dialect === "postgres") await sql`analyze`.execute(store.db);
}

async function time(store: Store, label: string, maxAge: number, reps: number): Promise<void> {
  const ms: number[] = [];
  let last = null as Awaited<ReturnType<typeof decide>> | null;
  for (let i = 0; i < reps; i++) {
    const s = performance.now();
    last = await decide(store, { profile: "T-1", seed: i }, { armsMaxAgeMs: maxAge });
    ms.push(performance.now() - s);
  }
  ms.sort((a, b) => a - b);
  const q = (p: number) => (ms[Math.min(ms.length - 1, Math.floor(p * ms.length))] as number).toFixed(1);
  console.log(
    `${store.dialect} ${label}: p50 ${q(0.5)} ms, p95 ${q(0.95)} ms over ${reps}; arms ${last?.choice?.arms.map((a) => `${a.arm} ${a.successes}/${a.sends}`).join(", ")}`,
  );
}

for (const engine of ["sqlite", "postgres"] as const) {
  const dir = mkdtempSync(join(tmpdir(), "tessera-decide-"));
  const schema = `bench_decide_${process.pid}`;
  const url = process.env.DATABASE_URL || "postgres://postgres@127.0.0.1:5432/test";
  let store: Store;
  try {
    store =
      engine === "sqlite" ? await openStore({ file: join(dir, "d.db") }) : await openStore({ url, schema });
  } catch (e) {
    console.log(`${engine}: not reachable (${(e as Error).message})`);
    rmSync(dir, { recursive: true, force: true });
    continue;
  }
  try {
    const s = performance.now();
    await fill(store);
    console.log(
      `${engine}: ${n.toLocaleString("en-US")} messages written in ${((performance.now() - s) / 1000).toFixed(1)} s`,
    );
    await time(store, "counts read each time (CLI)", 0, 20);
    await time(store, "counts memoised 5 s (API)", 5_000, 200);
  } finally {
    await dropSchema(store, schema);
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
