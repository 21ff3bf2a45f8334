/**
 * Shared by the quality, fake and household benchmarks: generate N people with the synthetic generator,
 * import the sources that carry people (crm, orders, web_signups, app_events, social), and master them — or
 * reuse a store made before with the same size and seed. Also reads the truth (person, household, fake) per
 * record and gives each entity its majority label.
 */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { importSource } from "../src/jobs/import-source.js";
import { masterRecords } from "../src/jobs/master-records.js";
import { silentProgress } from "../src/jobs/progress.js";
import { loadMapping } from "../src/mapping/load-mapping.js";
import { loadLinks } from "../src/store/entities.js";
import { openStore, type Store } from "../src/store/open-store.js";
import { generate } from "../src/synthetic/generate.js";

export const benchSources = ["crm", "orders", "web_signups", "app_events", "social"];

export interface BenchData {
  store: Store;
  dataDir: string;
  seconds: { generate: number; import: number; master: number };
  records: number;
}

export async function generatedStore(options: {
  people: number;
  seed: number;
  dir: string;
  fresh?: boolean;
  log?: (line: string) => void;
}): Promise<BenchData> {
  const log = options.log ?? (() => {});
  const base = join(options.dir, `q-${options.people}-${options.seed}`);
  const dataDir = join(base, "data");
  const file = join(base, "store.db");
  const seconds = { generate: 0, import: 0, master: 0 };
  if (options.fresh || !existsSync(join(base, "ready"))) {
    rmSync(base, { recursive: true, force: true });
    mkdirSync(base, { recursive: true });
    let t = performance.now();
    log(`generating ${options.people.toLocaleString("en-US")} people (seed ${options.seed})`);
    await generate({ people: options.people, seed: options.seed, outDir: dataDir });
    seconds.generate = (performance.now() - t) / 1000;
    const store = await openStore({ file });
    const manifest = JSON.parse(readFileSync(join(dataDir, "manifest.json"), "utf8")) as {
      sources: { name: string; file: string; mapping: string | null }[];
    };
    t = performance.now();
    for (const s of manifest.sources) {
      if (!s.mapping || !benchSources.includes(s.name)) continue;
      log(`importing ${s.name}`);
      await importSource(store, {
        path: join(dataDir, s.file),
        mapping: loadMapping(join(dataDir, s.mapping)),
        progress: silentProgress,
      });
    }
    seconds.import = (performance.now() - t) / 1000;
    t = performance.now();
    log("mastering");
    await masterRecords(store);
    seconds.master = (performance.now() - t) / 1000;
    await store.close();
    writeFileSync(join(base, "ready"), "1");
  }
  const store = await openStore({ file });
  const records = Number(
    (
      await store.db
        .selectFrom("entity_link")
        .select((eb) => eb.fn.countAll().as("n"))
        .executeTakeFirst()
    )?.n ?? 0,
  );
  return { store, dataDir, seconds, records };
}

export interface TruthRow {
  person: string;
  household: string;
  fake: boolean;
}

export function readTruth(dataDir: string): Map<string, TruthRow> {
  const truth = new Map<string, TruthRow>();
  const lines = readFileSync(join(dataDir, "truth.csv"), "utf8").split("\n");
  for (const line of lines.slice(1)) {
    if (!line) continue;
    // source,source_record_id,person_id,household_id,is_fake — record ids may be quoted and hold commas.
    const m = /^([^,]*),(".*"|[^,]*),([^,]*),([^,]*),([01])\r?$/.exec(line);
    if (!m) continue;
    const id = m[2]?.startsWith('"') ? (m[2] as string).slice(1, -1).replaceAll('""', '"') : (m[2] as string);
    truth.set(`${m[1]}/${id}`, { person: m[3] as string, household: m[4] as string, fake: m[5] === "1" });
  }
  return truth;
}

/** Each entity's majority truth over its records (ties: the smaller label). */
export async function entityTruth(
  store: Store,
  truth: Map<string, TruthRow>,
): Promise<Map<string, { person: string; household: string; fake: boolean; records: number }>> {
  const links = await loadLinks(store.db);
  const votes = new Map<string, Map<string, number>>();
  const rows = new Map<string, TruthRow>();
  for (const [key, entity] of links) {
    const t = truth.get(key);
    if (!t) continue;
    let v = votes.get(entity);
    if (!v) {
      v = new Map();
      votes.set(entity, v);
    }
    v.set(t.person, (v.get(t.person) ?? 0) + 1);
    rows.set(`${entity}\u0001${t.person}`, t);
  }
  const out = new Map<string, { person: string; household: string; fake: boolean; records: number }>();
  for (const [entity, v] of votes) {
    const [person] = [...v].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))[0] as [string, number];
    const t = rows.get(`${entity}\u0001${person}`) as TruthRow;
    out.set(entity, {
      person,
      household: t.household,
      fake: t.fake,
      records: [...v.values()].reduce((a, b) => a + b, 0),
    });
  }
  return out;
}

/** Each real person's profiles, with how many of their records each holds, their sources and true household. */
export async function profilesOfPeople(
  store: Store,
  truth: Map<string, TruthRow>,
): Promise<Map<string, { household: string; records: Map<string, number>; sources: Set<string> }>> {
  const links = await loadLinks(store.db);
  const out = new Map<string, { household: string; records: Map<string, number>; sources: Set<string> }>();
  for (const [key, entity] of links) {
    const t = truth.get(key);
    if (!t || t.fake || !t.household) continue;
    let p = out.get(t.person);
    if (!p) {
      p = { household: t.household, records: new Map(), sources: new Set() };
      out.set(t.person, p);
    }
    p.sources.add(key.slice(0, key.indexOf("/")));
    p.records.set(entity, (p.records.get(entity) ?? 0) + 1);
  }
  return out;
}

/** Of some of a person's profiles, the one holding most of their records (ties: the smaller id). */
export function mostRecords(
  records: Map<string, number>,
  among?: (entity: string) => boolean,
): string | null {
  let best: [string, number] | null = null;
  for (const [entity, n] of records) {
    if (among && !among(entity)) continue;
    if (!best || n > best[1] || (n === best[1] && entity < best[0])) best = [entity, n];
  }
  return best?.[0] ?? null;
}
