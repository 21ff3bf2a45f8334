/**
 * The console's search with 1,000,000 golden profiles loaded (issue 12: "search answers in under 200 ms"):
 * profiles, their golden lookups and entities are written straight into an SQLite store (the shape
 * `tessera master` writes, without resolving anything), then a Tessera server in this process answers the same
 * HTTP calls the console makes — by name prefix (2, 3 and 5 letters, full name), email, phone, golden id — and
 * each kind is timed end to end over loopback: p50 / p99 / max.
 *
 *   npx tsx bench/console-search.ts [--profiles 1000000] [--queries 200]
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import Database from "better-sqlite3";
import { runServer } from "../src/server/run.js";
import { createApiKey } from "../src/store/api-keys.js";
import { openStore } from "../src/store/open-store.js";

const { values } = parseArgs({
  options: {
    profiles: { type: "string", default: "1000000" },
    queries: { type: "string", default: "200" },
  },
});
const profiles = Number(values.profiles);
const queries = Number(values.queries);

// Name parts with a realistic spread of prefixes (common ones share their first letters with many people).
const given =
  `james mary robert patricia john jennifer michael linda david elizabeth william barbara richard susan joseph
jessica thomas sarah charles karen christopher lisa daniel nancy matthew betty anthony margaret mark sandra donald ashley
steven kimberly paul emily andrew donna joshua michelle kenneth carol kevin amanda brian melissa george deborah timothy
stephanie ronald rebecca edward sharon jason laura jeffrey cynthia ryan kathleen jacob amy gary angela nicholas shirley
eric anna jonathan brenda stephen pamela larry emma justin nicole scott helen brandon samantha benjamin katherine samuel
christine gregory debra alexander rachel frank carolyn patrick janet raymond catherine jack maria dennis heather jerry
diane tyler ruth aaron julie jose olivia adam joyce nathan virginia henry victoria douglas kelly zachary lauren peter
christina kyle joan ethan evelyn walter judith noah megan jeremy andrea christian cheryl keith hannah roger jacqueline
terry martha gerald gloria harold teresa sean ann austin sara carl madison arthur frances lawrence kathryn dylan janice
jesse jean jordan abigail bryan alice billy judy joe sophia bruce grace gabriel denise logan amber albert doris willie
marilyn alan danielle juan beverly wayne isabella elijah theresa randy diana roy natalie vincent brittany ralph charlotte
eugene marie russell kayla bobby alexis mason lori`.split(/\s+/);
const family =
  `smith johnson williams brown jones garcia miller davis rodriguez martinez hernandez lopez gonzalez wilson
anderson thomas taylor moore jackson martin lee perez thompson white harris sanchez clark ramirez lewis robinson walker
young allen king wright scott torres nguyen hill flores green adams nelson baker hall rivera campbell mitchell carter
roberts gomez phillips evans turner diaz parker cruz edwards collins reyes stewart morris morales murphy cook rogers
gutierrez ortiz morgan cooper peterson bailey reed kelly howard ramos kim cox ward richardson watson brooks chavez wood
james bennett gray mendoza ruiz hughes price alvarez castillo sanders patel myers long ross foster jimenez powell jenkins
perry russell sullivan bell coleman butler henderson barnes gonzales fisher vasquez simmons romero jordan patterson
alexander hamilton graham reynolds griffin wallace moreno west cole hayes bryant herrera gibson ellis tran medina aguilar
stevens murray ford castro marshall owens harrison fernandez mcdonald woods washington kennedy wells vargas henry chen
freeman webb tucker guzman burns crawford olson simpson porter hunter gordon mendez silva shaw snyder mason dixon munoz
hunt hicks holmes palmer wagner black robertson boyd rose stone salazar fox warren mills meyer rice schmidt garza daniels
ferguson nichols stephens soto weaver ryan gardner payne grant dunn kelley spencer hawkins arnold pierce vazquez hansen
peters santos hart bradley knight elliott cunningham duncan armstrong hudson carroll lane riley andrews alvarado ray
delgado berry perkins hoffman johnston matthews pena richards contreras willis carpenter lawrence sandoval`.split(
    /\s+/,
  );

let seed = 12345;
function random(): number {
  // mulberry32: the same people on every run.
  seed = (seed + 0x6d2b79f5) | 0;
  let t = seed;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}
const pick = <T>(xs: T[]): T => xs[Math.floor(random() * xs.length)] as T;

function person(i: number) {
  const g = pick(given);
  const f = pick(family);
  return {
    id: `T-${i + 1}`,
    given: g,
    family: f,
    email: `${g}.${f}${i}@web.de`,
    phone: `+49151${String(i).padStart(8, "0")}`,
  };
}

function quantile(xs: number[], q: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))] ?? Number.NaN;
}

const dir = mkdtempSync(join(tmpdir(), "tessera-console-bench-"));
const file = join(dir, "bench.db");
try {
  // The schema, by the store's own migrations.
  await (await openStore({ file })).close();

  const t0 = performance.now();
  const raw = new Database(file);
  raw.pragma("journal_mode = WAL");
  raw.pragma("synchronous = OFF");
  const at = "2026-11-24T00:00:00.000Z";
  const entity = raw.prepare(
    "insert into entity (id, seq, status, merged_into, absorbed_records, records, created_at, updated_at) values (?, ?, 'active', null, null, 1, ?, ?)",
  );
  const golden = raw.prepare(
    "insert into golden_profile (entity_id, profile, hash, updated_at) values (?, ?, ?, ?)",
  );
  const lookup = raw.prepare("insert into golden_lookup (kind, value, entity_id) values (?, ?, ?)");
  const batch = raw.transaction((from: number, to: number) => {
    for (let i = from; i < to; i++) {
      const p = person(i);
      const record = `crm/C${i}`;
      const lineage = {
        rule: "mostTrusted",
        reason: "the only record",
        record,
        source: "crm",
        observedAt: at,
        records: [record],
        sources: ["crm"],
      };
      const full = `${p.given} ${p.family}`;
      const seen = [{ record, source: "crm", observedAt: at }];
      const profile = {
        name: {
          value: { title: null, given: p.given, middle: null, family: p.family, suffix: null, full },
          lineage,
        },
        dateOfBirth: null,
        gender: null,
        address: null,
        emails: [{ value: p.email, valid: true, type: null, seen }],
        phones: [{ value: p.phone, valid: true, type: "mobile", seen }],
        identifiers: [],
        records: 1,
        sources: ["crm"],
      };
      entity.run(p.id, i + 1, at, at);
      golden.run(p.id, JSON.stringify(profile), String(i), at);
      lookup.run("email", p.email, p.id);
      lookup.run("phone", p.phone, p.id);
      lookup.run("name", full, p.id);
      lookup.run("name", `${p.family} ${p.given}`, p.id);
    }
  });
  for (let i = 0; i < profiles; i += 50_000) {
    batch(i, Math.min(profiles, i + 50_000));
    if ((i / 50_000) % 4 === 3) console.error(`loaded ${(i + 50_000).toLocaleString("en-US")}`);
  }
  raw.exec("analyze");
  raw.close();
  const loadS = (performance.now() - t0) / 1000;
  console.error(`loaded ${profiles.toLocaleString("en-US")} profiles in ${loadS.toFixed(1)} s`);

  const store = await openStore({ file });
  const key = (await createApiKey(store.db, { kind: "read", name: "bench" })).key;
  const server = await runServer(store, { port: 0, webhooks: false });
  const headers = { authorization: `Bearer ${key}` };
  const time = async (path: string) => {
    const t = performance.now();
    const r = await fetch(`${server.url}${path}`, { headers });
    const body = (await r.json()) as { profiles?: unknown[]; id?: string };
    if (r.status !== 200) throw new Error(`${path}: ${r.status} ${JSON.stringify(body)}`);
    return { ms: performance.now() - t, hits: body.profiles?.length ?? (body.id ? 1 : 0) };
  };
  const kinds: Record<string, () => string> = {
    "name, 2 letters": () => `/v1/profiles?limit=50&name=${pick(given).slice(0, 2)}`,
    "name, 3 letters": () => `/v1/profiles?limit=50&name=${pick(family).slice(0, 3)}`,
    "name, 5 letters": () => `/v1/profiles?limit=50&name=${pick(given).slice(0, 5)}`,
    "full name": () => `/v1/profiles?name=${encodeURIComponent(`${pick(given)} ${pick(family)}`)}`,
    email: () => "",
    phone: () =>
      `/v1/profiles?phone=${encodeURIComponent(`+49151${String(Math.floor(random() * profiles)).padStart(8, "0")}`)}`,
    "golden id": () => `/v1/profiles/T-${1 + Math.floor(random() * profiles)}?events=0`,
  };
  // Emails of people picked at random, as the store holds them.
  const emails: string[] = [];
  {
    const rows = await store.db
      .selectFrom("golden_lookup")
      .select("value")
      .where("kind", "=", "email")
      .where(
        "entity_id",
        "in",
        Array.from({ length: 500 }, () => `T-${1 + Math.floor(random() * profiles)}`),
      )
      .execute();
    for (const r of rows) emails.push(r.value);
  }
  kinds.email = () => `/v1/profiles?email=${encodeURIComponent(pick(emails))}`;

  for (let w = 0; w < 20; w++) await time(kinds["name, 3 letters"]?.() as string);
  const results: Record<string, { p50: number; p99: number; max: number; meanHits: number }> = {};
  for (const [kind, make] of Object.entries(kinds)) {
    const ms: number[] = [];
    let hits = 0;
    for (let q = 0; q < queries; q++) {
      const r = await time(make());
      ms.push(r.ms);
      hits += r.hits;
    }
    results[kind] = {
      p50: +quantile(ms, 0.5).toFixed(1),
      p99: +quantile(ms, 0.99).toFixed(1),
      max: +Math.max(...ms).toFixed(1),
      meanHits: +(hits / queries).toFixed(1),
    };
    console.log(
      `${kind.padEnd(16)} p50 ${results[kind].p50.toFixed(1).padStart(6)} ms  p99 ${results[kind].p99.toFixed(1).padStart(6)} ms  max ${results[kind].max.toFixed(1).padStart(6)} ms  hits ${results[kind].meanHits}`,
    );
  }
  console.log(JSON.stringify({ profiles, queries, loadSeconds: +loadS.toFixed(1), results }));
  await server.close();
  await store.close();
} finally {
  rmSync(dir, { recursive: true, force: true });
}
