import { existsSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { loadMapping } from "../mapping/load-mapping.js";
import type { Store } from "../store/open-store.js";
import { generate } from "../synthetic/generate.js";
import { type ImportReport, importSource } from "./import-source.js";
import { type ProgressReporter, silentProgress } from "./progress.js";

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
