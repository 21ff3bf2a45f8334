import { existsSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { loadMapping } from "../mapping/load-mapping.js";
import { type ApiKey, createApiKey, type KeyKind, kindScopes } from "../store/api-keys.js";
import type { Store } from "../store/open-store.js";
import { generate } from "../synthetic/generate.js";
import { buildHouseholds, type HouseholdReport } from "./households.js";
import { type ImportReport, importSource } from "./import-source.js";
import { type MasterReport, masterRecords } from "./master-records.js";
import { predictClvOnStore } from "./predict-clv.js";
import { type ProgressReporter, silentProgress } from "./progress.js";
import { type QualityRunReport, runQuality } from "./quality.js";

export interface DemoOptions {
  dataDir: string;
  people: number;
  seed: number;
  progress?: ProgressReporter;
}

export interface DemoManifestSource {
  name: string;
  file: string;
  format: string;
  mapping: string | null;
  records: number;
}

export interface DemoReport {
  dataDir: string;
  generated: boolean;
  imports: ImportReport[];
  /** Sources whose readers come later (access logs, mailboxes): generated but not imported yet. */
  notImported: DemoManifestSource[];
}

/**
 * The main job of `npm start` on the embedded default: make the demo data set (once) and import every
 * source that has a mapping into the store.
 */
export async function runDemo(store: Store, options: DemoOptions): Promise<DemoReport> {
  const progress = options.progress ?? silentProgress;
  const dataDir = resolve(options.dataDir);
  const manifestPath = join(dataDir, "manifest.json");
  let generated = false;
  if (!existsSync(manifestPath) || !matches(manifestPath, options)) {
    progress.start("generate demo data", options.people, "people");
    await generate({
      people: options.people,
      seed: options.seed,
      outDir: dataDir,
      onProgress: (done) => progress.update(done),
    });
    progress.stop();
    generated = true;
  }
  const manifest = JSON.parse(readFileSync(manifestPath, "utf8")) as { sources: DemoManifestSource[] };
  const imports: ImportReport[] = [];
  const notImported: DemoManifestSource[] = [];
  for (const source of manifest.sources) {
    if (!source.mapping) {
      notImported.push(source);
      continue;
    }
    const mapping = loadMapping(join(dataDir, source.mapping));
    imports.push(await importSource(store, { path: join(dataDir, source.file), mapping, progress }));
  }
  return { dataDir, generated, imports, notImported };
}

function matches(manifestPath: string, options: DemoOptions): boolean {
  try {
    const m = JSON.parse(readFileSync(manifestPath, "utf8")) as { people?: number; seed?: number };
    return m.people === options.people && m.seed === options.seed;
  } catch {
    return false;
  }
}

export interface DemoPipelineOptions extends DemoOptions {
  /** Also judge data quality, find households and score lifetime value (default true): what the console shows. */
  enrich?: boolean;
  /** Make a key for the console of this kind (default steward), named after the demo. */
  consoleKey?: KeyKind | false;
  /** Each stage as it starts and ends (a stage that failed says why; the demo carries on without it). */
  onStage?: (stage: string, detail: string) => void;
}

export interface DemoPipelineReport {
  demo: DemoReport;
  master: MasterReport;
  quality: QualityRunReport | null;
  households: HouseholdReport | null;
  /** Profiles given a lifetime value. */
  scored: number | null;
  /** Stages that could not run, with why. */
  skipped: { stage: string; reason: string }[];
  key: ApiKey | null;
}

/**
 * Everything `npm start` does before serving: the demo data imported, resolved into golden profiles with a
 * review queue, then quality, households and lifetime value so that every page of the console has something
 * to show, and a key to sign in with. The browser tests run this same pipeline on a smaller data set.
 */
export async function runDemoPipeline(
  store: Store,
  options: DemoPipelineOptions,
): Promise<DemoPipelineReport> {
  const stage = options.onStage ?? (() => {});
  const demo = await runDemo(store, options);
  stage("master", "resolving records into golden profiles");
  const master = await masterRecords(store, { progress: (s, d) => stage(`master: ${s}`, d ?? "") });
  const skipped: DemoPipelineReport["skipped"] = [];
  const optional = async <T>(name: string, run: () => Promise<T>): Promise<T | null> => {
    stage(name, "started");
    try {
      return await run();
    } catch (e) {
      skipped.push({ stage: name, reason: (e as Error).message });
      stage(name, `skipped: ${(e as Error).message}`);
      return null;
    }
  };
  let quality: QualityRunReport | null = null;
  let households: HouseholdReport | null = null;
  let scored: number | null = null;
  if (options.enrich !== false) {
    quality = await optional("quality", () => runQuality(store));
    households = await optional("households", () => buildHouseholds(store));
    scored = await optional("lifetime value", async () => (await predictClvOnStore(store)).report.scored);
  }
  const kind = options.consoleKey ?? "steward";
  const key = kind
    ? await createApiKey(store.db, {
        kind,
        name: kind === "steward" ? "demo steward" : `demo ${kind}`,
        // The console's steward also looks at the insights page (privacy-safe aggregates need their own scope).
        ...(kind === "steward" ? { scopes: [...kindScopes.steward, "insights" as const] } : {}),
      })
    : null;
  return { demo, master, quality, households, scored, skipped, key };
}
