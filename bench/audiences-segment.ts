/**
 * Segment evaluation at scale: N profiles and M events generated straight into an SQLite store (bulk inserts
 * through one prepared statement per table, not the import), the event rollup built from the events, then a
 * segment over golden traits, events (with windows and a negation) and a score evaluated over every profile:
 * load (reading the columns the rule needs) and evaluation (the bitsets) timed apart, three times; then the
 * segment materialised (members and change-feed rows written), re-evaluated with nothing changed, and estimated
 * on a sample.
 *
 *   flock /tmp/bench.lock npx tsx bench/audiences-segment.ts --profiles 1000000 --events 10000000
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import SQLite from "better-sqlite3";
import { evaluateRule } from "../src/analytics/evaluate-rule.js";
import { seededRandom } from "../src/analytics/kmeans.js";
import { parseRule } from "../src/analytics/segment-rule.js";
import { rebuildRollup } from "../src/jobs/audience-live.js";
import { loadFrame } from "../src/jobs/segment-frame.js";
import { createSegment, estimateRule, evaluateSegment } from "../src/jobs/segments.js";
import { openStore } from "../src/store/open-store.js";

const { values } = parseArgs({
  options: {
    profiles: { type: "string", default: "1000000" },
    events: { type: "string", default: "10000000" },
    keep: { type: "boolean", default: false },
  },
});
const profiles = Number(values.profiles);
const events = Number(values.events);
const now = Date.parse("2026-11-24T12:00:00Z");
const dayMs = 86_400_000;

const cities = [
  ["Springfield", "US"],
  ["Portland", "US"],
  ["Austin", "US"],
  ["Denver", "US"],
  ["Toronto", "CA"],
  ["London", "GB"],
  ["Berlin", "DE"],
  ["Lyon", "FR"],
] as const;
const names: [string, number][] = [
  ["Page Viewed", 0.5],
  ["Product Viewed", 0.25],
  ["Added to Cart", 0.12],
  ["Order Completed", 0.08],
  ["Email Opened", 0.045],
  ["Newsletter Unsubscribed", 0.005],
];

const secs = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

async function main() {
  const dir = mkdtempSync(join(tmpdir(), "tessera-aud-"));
  const file = join(dir, "aud.db");
  const store = await openStore({ file });
  const random = seededRandom(42);
  console.log(
    `${profiles.toLocaleString("en-US")} profiles, ${events.toLocaleString("en-US")} events → ${file}`,
  );

  // ── generate ───────────────────────────────────────────────────────────────────────────────────────────
  let t = performance.now();
  const raw = new SQLite(file);
  raw.pragma("journal_mode = WAL");
  raw.pragma("synchronous = OFF");
  raw.pragma("cache_size = -1000000");
  const at = new Date(now).toISOString();
  const entity = raw.prepare(
    "insert into entity (id, seq, status, merged_into, absorbed_records, records, created_at, updated_at) values (?, ?, 'active', null, null, 1, ?, ?)",
  );
  const link = raw.prepare(
    "insert into entity_link (record_key, entity_id, source, evidence, linked_at) values (?, ?, 'web', '{}', ?)",
  );
  const golden = raw.prepare(
    "insert into golden_profile (entity_id, profile, hash, updated_at) values (?, ?, ?, ?)",
  );
  const score = raw.prepare(
    "insert into profile_score (entity_id, name, value, details, model_run_id, computed_at) values (?, 'clv', ?, null, 'bench', ?)",
  );
  const quality = raw.prepare(
    "insert into profile_quality (entity_id, completeness, validity, conflicts, freshness_days, fake_score, fake_reasons, excluded, details, updated_at) values (?, 1, 1, 0, 0, ?, '[]', ?, '{}', ?)",
  );
  raw.transaction(() => {
    for (let i = 1; i <= profiles; i++) {
      const id = `T-${i}`;
      const [city, country] = cities[Math.floor(random() * cities.length)] as readonly [string, string];
      const lineage = {
        rule: "most_recent",
        reason: "bench",
        record: `web/user:u${i}`,
        source: "web",
        observedAt: at,
        records: [],
        sources: ["web"],
      };
      const profile = {
        name: {
          value: {
            title: null,
            given: `Given${i}`,
            middle: null,
            family: `Family${i}`,
            suffix: null,
            full: `Given${i} Family${i}`,
          },
          lineage,
        },
        dateOfBirth: null,
        gender: null,
        address: {
          value: {
            line: `${i} Main St`,
            streetNumber: String(i),
            street: "Main St",
            unit: null,
            city,
            region: null,
            postcode: null,
            country,
          },
          lineage,
        },
        emails: [{ value: `user${i}@example.org`, valid: true, type: null, seen: [] }],
        phones: [],
        identifiers: [],
        records: 1,
        sources: ["web"],
      };
      entity.run(id, i, at, at);
      link.run(`web/user:u${i}`, id, at);
      golden.run(id, JSON.stringify(profile), `h${i}`, at);
      if (random() < 0.3) score.run(id, Math.round(random() * 500 * 100) / 100, at);
      if (random() < 0.05) quality.run(id, random(), random() < 0.4 ? 1 : 0, at);
    }
  })();
  const profilesMs = performance.now() - t;
  t = performance.now();
  const event = raw.prepare(
    "insert into event (source, message_id, type, name, user_id, anonymous_id, record_key, timestamp, received_at, sent_at, body) values ('web', ?, 'track', ?, ?, null, ?, ?, ?, null, ?)",
  );
  const cumulative = names.map(([, p], i) => names.slice(0, i + 1).reduce((s, [, q]) => s + q, 0) * 0 + p);
  for (let i = 1; i < cumulative.length; i++)
    cumulative[i] = (cumulative[i] as number) + (cumulative[i - 1] as number);
  const batch = 200_000;
  for (let start = 0; start < events; start += batch) {
    raw.transaction(() => {
      for (let i = start; i < Math.min(events, start + batch); i++) {
        const u = 1 + Math.floor(random() * profiles);
        const r = random();
        let k = 0;
        while (k < names.length - 1 && r > (cumulative[k] as number)) k++;
        const name = (names[k] as [string, number])[0];
        const ts = new Date(now - Math.floor(random() * 365 * dayMs)).toISOString();
        const body =
          name === "Order Completed"
            ? `{"properties":{"revenue":${Math.round(random() * 20000) / 100}}}`
            : "{}";
        event.run(`m${i}`, name, `u${u}`, `web/user:u${u}`, ts, ts, body);
      }
    })();
    if ((start / batch) % 10 === 9)
      console.log(`  ${(start + batch).toLocaleString("en-US")} events, ${secs(performance.now() - t)}`);
  }
  raw.close();
  const eventsMs = performance.now() - t;
  console.log(`generate: profiles ${secs(profilesMs)}, events ${secs(eventsMs)}`);

  t = performance.now();
  const rollupRows = await rebuildRollup(store);
  const rollupMs = performance.now() - t;
  console.log(
    `rollup: ${rollupRows.toLocaleString("en-US")} rows from ${events.toLocaleString("en-US")} events in ${secs(rollupMs)}`,
  );

  // ── evaluate ───────────────────────────────────────────────────────────────────────────────────────────
  const rule = parseRule({
    all: [
      { trait: "country", op: "eq", value: "US" },
      { event: "Order Completed", did: true, atLeast: 2, withinDays: 90 },
      { not: { event: "Newsletter Unsubscribed", did: true } },
      {
        any: [
          { score: "clv", op: "gte", value: 100 },
          { trait: "city", op: "in", value: ["Austin", "Denver"] },
        ],
      },
    ],
  });
  const runs: { load: number; evaluate: number; size: number }[] = [];
  for (let i = 0; i < 3; i++) {
    const frame = await loadFrame(store.db, rule, { dialect: store.dialect, now });
    const t0 = performance.now();
    const result = evaluateRule(rule, frame.universe, frame.leafSets);
    runs.push({ load: frame.loadMs, evaluate: performance.now() - t0, size: result.count() });
    console.log(
      `evaluation ${i + 1}: load ${secs(frame.loadMs)}, evaluate ${(performance.now() - t0).toFixed(1)} ms → ${result.count().toLocaleString("en-US")} of ${frame.universe.count().toLocaleString("en-US")} profiles`,
    );
  }
  t = performance.now();
  const created = await createSegment(store, { name: "US repeat buyers", rule }, { now });
  const createMs = performance.now() - t;
  console.log(
    `create (evaluate + write ${created.evaluation.entered.toLocaleString("en-US")} members and change-feed rows): ${secs(createMs)} (load ${secs(created.evaluation.loadMs)}, write ${secs(created.evaluation.writeMs)})`,
  );
  t = performance.now();
  const again = await evaluateSegment(store, created.segment, { now });
  const againMs = performance.now() - t;
  console.log(
    `re-evaluate, nothing changed: ${secs(againMs)} (${again.entered} entered, ${again.left} left)`,
  );
  t = performance.now();
  const estimate = await estimateRule(store, rule, { now });
  console.log(
    `estimate on a sample: ${estimate.size.toLocaleString("en-US")} ± ${estimate.margin.toLocaleString("en-US")} of ${estimate.total.toLocaleString("en-US")} in ${estimate.ms} ms`,
  );
  // What a live tick does per segment: the same rule over the few profiles an event batch touched.
  const scoped: number[] = [];
  for (let i = 0; i < 20; i++) {
    const scope = Array.from({ length: 100 }, () => `T-${1 + Math.floor(random() * profiles)}`);
    const t0 = performance.now();
    const frame = await loadFrame(store.db, rule, { dialect: store.dialect, now, scope });
    evaluateRule(rule, frame.universe, frame.leafSets);
    scoped.push(performance.now() - t0);
  }
  scoped.sort((a, b) => a - b);
  const scopedP50 = scoped[10] as number;
  const scopedMax = scoped[19] as number;
  console.log(
    `live: the rule over 100 touched profiles: p50 ${scopedP50.toFixed(1)} ms, max ${scopedMax.toFixed(1)} ms`,
  );
  const best = runs.reduce((a, b) => (a.load + a.evaluate <= b.load + b.evaluate ? a : b));
  console.log(
    JSON.stringify({
      profiles,
      events,
      generateProfilesS: profilesMs / 1000,
      generateEventsS: eventsMs / 1000,
      rollupS: rollupMs / 1000,
      rollupRows,
      runs,
      bestTotalS: (best.load + best.evaluate) / 1000,
      createS: createMs / 1000,
      reevaluateS: againMs / 1000,
      estimate,
      scopedP50Ms: scopedP50,
      scopedMaxMs: scopedMax,
    }),
  );
  await store.close();
  if (!values.keep) rmSync(dir, { recursive: true, force: true });
  else console.log(`kept ${file}`);
}

await main();
