/**
 * Privacy costs on a store of live profiles (SQLite or PostgreSQL):
 *
 *   npx tsx bench/privacy.ts --people 20000 [--engine sqlite|postgres]
 *
 * 1. load: N people by identify (email, phone, name) plus two track events each, through LiveIngest;
 * 2. erasure: 10 people erased one by one (rules, the sweep of every text column, tombstones): time each;
 * 3. the live path's tombstone check: withoutErased over 30,000 events, with the 10 people's hashes kept;
 * 4. insights over every profile: suppression by city × age band, and DP (Laplace) by age band;
 * 5. noise: discrete Laplace and Gaussian draws per second from the secure source.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { LiveIngest } from "../src/jobs/ingest-events.js";
import { discreteGaussian, discreteLaplace } from "../src/privacy/dp.js";
import { erasePerson } from "../src/privacy/erase.js";
import { computeInsights } from "../src/privacy/insights.js";
import { accepted } from "../src/privacy/testing.js";
import { withoutErased } from "../src/privacy/tombstones.js";
import { dropSchema, openStore, type Store } from "../src/store/open-store.js";

const { values } = parseArgs({
  options: { people: { type: "string", default: "20000" }, engine: { type: "string", default: "sqlite" } },
});
const people = Number(values.people);
const cities = ["London", "Leeds", "York", "Bath", "Hull", "Ely", "Derby", "Truro"];

function quantile(xs: number[], q: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))] ?? Number.NaN;
}

function person(i: number, at: string) {
  return [
    accepted(
      {
        type: "identify",
        userId: `user-${i}`,
        anonymousId: `anon-${i}`,
        traits: {
          email: `person.${i}@bench.example`,
          phone: `+4420794${String(i).padStart(5, "0")}`,
          firstName: `Given${i}`,
          lastName: `Family${i}`,
          birthday: `${1940 + (i % 60)}-03-0${1 + (i % 9)}`,
          address: { city: cities[i % cities.length] },
        },
      },
      at,
    ),
    accepted(
      { type: "track", userId: `user-${i}`, event: "Order Completed", properties: { revenue: i % 200 } },
      at,
    ),
    accepted({ type: "page", anonymousId: `anon-${i}`, name: "Home" }, at),
  ];
}

async function main() {
  const dir = mkdtempSync(join(tmpdir(), "tessera-privacy-"));
  const schema = `bench_privacy_${process.pid}`;
  const store: Store =
    values.engine === "postgres"
      ? await openStore({
          url: process.env.DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test",
          schema,
        })
      : await openStore({ file: join(dir, "p.db") });
  try {
    const ingest = new LiveIngest(store);
    let t = performance.now();
    const at = "2026-11-20T10:00:00.000Z";
    for (let i = 0; i < people; i += 500) {
      const batch = [];
      for (let j = i; j < Math.min(people, i + 500); j++) batch.push(...person(j, at));
      await ingest.apply(batch);
    }
    console.log(
      `loaded ${people} people, ${people * 3} events in ${((performance.now() - t) / 1000).toFixed(1)} s (${store.describe.replace(/\/\/.*@/, "//")})`,
    );

    const times: number[] = [];
    let deleted = 0;
    for (let k = 0; k < 10; k++) {
      const i = Math.floor((k * people) / 10) + 3;
      t = performance.now();
      const r = await erasePerson(store, `user_id:user-${i}`, { by: "bench" });
      times.push(performance.now() - t);
      deleted += Object.values(r.deleted).reduce((a, b) => a + b, 0);
      if (r.residue.length > 0) console.log("residue", r.residue);
    }
    console.log(
      `erasure: p50 ${quantile(times, 0.5).toFixed(0)} ms, max ${Math.max(...times).toFixed(0)} ms per person (${deleted / 10} rows each)`,
    );

    const events = [];
    for (let i = 0; i < 10_000; i++) events.push(...person(people + i, at));
    for (let k = 0; k < 10; k++) events.push(...person(Math.floor((k * people) / 10) + 3, at));
    t = performance.now();
    const kept = await withoutErased(store.db, events);
    const s = (performance.now() - t) / 1000;
    console.log(
      `tombstone check: ${events.length} events in ${s.toFixed(2)} s (${Math.round(events.length / s).toLocaleString("en-US")} events/s), dropped ${events.length - kept.length}`,
    );

    t = performance.now();
    const sup = await computeInsights(store, {
      by: ["city", "age_band"],
      measures: ["count", "mean:revenue"],
      protection: { kind: "suppression", minCell: 10 },
    });
    const st = performance.now() - t;
    const hidden = sup.cells.filter((c) => c.count === null).length;
    console.log(
      `insights, suppression: ${sup.cells.length} cells (${hidden} hidden) over ${people - 10} profiles in ${(st / 1000).toFixed(2)} s`,
    );
    t = performance.now();
    const dp = await computeInsights(store, {
      by: ["age_band"],
      measures: ["count", "sum:revenue"],
      clip: { revenue: [0, 200] },
      protection: { kind: "dp", mechanism: "laplace", epsilon: 0.5, recipient: "bench" },
    });
    console.log(
      `insights, DP: ${dp.cells.length} cells in ${((performance.now() - t) / 1000).toFixed(2)} s; budget left ε ${dp.budget?.remainingEpsilon}`,
    );

    for (const [name, draw] of [
      ["discrete Laplace b=10", () => discreteLaplace(10)],
      ["discrete Gaussian σ=10", () => discreteGaussian(10)],
    ] as const) {
      t = performance.now();
      for (let i = 0; i < 200_000; i++) draw();
      console.log(
        `${name}: ${Math.round(200_000 / ((performance.now() - t) / 1000)).toLocaleString("en-US")} draws/s`,
      );
    }
  } finally {
    if (store.dialect === "postgres") await dropSchema(store, schema);
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
