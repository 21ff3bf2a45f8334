import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadMapping } from "../mapping/load-mapping.js";
import type { Store } from "../store/open-store.js";
import { generate } from "../synthetic/generate.js";
import { importSource } from "./import-source.js";
import { masterRecords } from "./master-records.js";

/**
 * For the quality, household and report tests: a small generated data set (people in households, one in ten a
 * fake profile), written once per test file, imported and mastered into a test store.
 */

export interface Fixture {
  dir: string;
  /** Record key → { person, household, fake }. */
  truth: Map<string, { person: string; household: string; fake: boolean }>;
}

export async function makeFixture(people = 300, seed = 7): Promise<Fixture> {
  const dir = mkdtempSync(join(tmpdir(), "tessera-quality-"));
  await generate({ people, seed, outDir: dir, corruption: { fakeProfiles: 0.1 } });
  const truth = new Map<string, { person: string; household: string; fake: boolean }>();
  for (const line of readFileSync(join(dir, "truth.csv"), "utf8").split("\n").slice(1)) {
    const m = /^([^,]*),(".*"|[^,]*),([^,]*),([^,]*),([01])\r?$/.exec(line);
    if (!m) continue;
    const id = m[2]?.startsWith('"') ? (m[2] as string).slice(1, -1).replaceAll('""', '"') : (m[2] as string);
    truth.set(`${m[1]}/${id}`, { person: m[3] as string, household: m[4] as string, fake: m[5] === "1" });
  }
  return { dir, truth };
}

export const fixtureSources = [
  ["crm", "crm.csv"],
  ["orders", "orders.csv"],
  ["web_signups", "web_signups.jsonl"],
  ["app_events", "app_events.jsonl"],
  ["social", "social.jsonl"],
] as const;

export async function loadFixture(store: Store, f: Fixture, now: () => Date): Promise<void> {
  for (const [source, file] of fixtureSources)
    await importSource(store, {
      path: join(f.dir, file),
      mapping: loadMapping(join(f.dir, "mappings", `${source}.json`)),
    });
  await masterRecords(store, { now });
}
