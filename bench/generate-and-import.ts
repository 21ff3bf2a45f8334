/**
 * Benchmark: generate N people with the synthetic generator, then import every mapped source into a fresh
 * SQLite file (or PostgreSQL with --pg), and report time, rows per second and the peak memory of the process.
 *
 *   npx tsx bench/generate-and-import.ts --people 1000000 [--dir /tmp/tessera-bench] [--pg] [--source crm orders]
 */
import { mkdirSync, readFileSync, rmSync } from "node:fs";
import { cpus, totalmem } from "node:os";
import { join } from "node:path";
import { Command } from "commander";
import { terminalProgress } from "../src/cli/progress-bar.js";
import { importSource } from "../src/jobs/import-source.js";
import { loadMapping } from "../src/mapping/load-mapping.js";
import { openStore } from "../src/store/open-store.js";
import { generate } from "../src/synthetic/generate.js";

const opts = new Command()
  .option("--people <n>", "people to generate", "100000")
  .option("--seed <n>", "seed", "1")
  .option("--dir <dir>", "working folder", "/tmp/tessera-bench")
  .option("--pg", "import into PostgreSQL at $DATABASE_URL instead of SQLite")
  .option("--source <name...>", "import only these sources (default: every mapped source)")
  .parse()
  .opts<{ people: string; seed: string; dir: string; pg?: boolean; source?: string[] }>();

const people = Number(opts.people);
const dataDir = join(opts.dir, `data-${people}`);
rmSync(opts.dir, { recursive: true, force: true });
mkdirSync(opts.dir, { recursive: true });
const peak = () => Math.round(process.resourceUsage().maxRSS / 1024);

const progress = terminalProgress();
let t0 = performance.now();
progress.start("generate", people, "people");
const gen = await generate({
  people,
  seed: Number(opts.seed),
  outDir: dataDir,
  onProgress: (d) => progress.update(d),
});
progress.stop();
const generateSeconds = (performance.now() - t0) / 1000;
const peakAfterGenerate = peak();

const store = opts.pg
  ? await openStore({
      url: process.env.DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test",
      schema: "bench",
    })
  : await openStore({ file: join(opts.dir, "bench.db") });
const manifest = JSON.parse(readFileSync(join(dataDir, "manifest.json"), "utf8")) as {
  sources: { name: string; file: string; mapping: string | null }[];
};
t0 = performance.now();
const rows: string[] = [];
let totalRows = 0;
for (const s of manifest.sources) {
  if (!s.mapping) continue;
  if (opts.source && !opts.source.includes(s.name)) continue;
  const r = await importSource(store, {
    path: join(dataDir, s.file),
    mapping: loadMapping(join(dataDir, s.mapping)),
    progress,
  });
  totalRows += r.rowsRead;
  rows.push(
    `| ${s.name} | ${r.rowsRead.toLocaleString("en-US")} | ${r.quarantined} | ${r.seconds.toFixed(1)} | ${Math.round(r.rowsPerSecond).toLocaleString("en-US")} |`,
  );
}
const importSeconds = (performance.now() - t0) / 1000;
await store.close();

console.log(
  `\n## generate + import, ${people.toLocaleString("en-US")} people (${opts.pg ? "PostgreSQL" : "SQLite"})\n`,
);
console.log(
  `machine: ${cpus().length} × ${cpus()[0]?.model ?? "cpu"}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}\n`,
);
console.log(`| phase | seconds | rows | rows/s |`);
console.log(`|---|---|---|---|`);
console.log(
  `| generate (${Object.values(gen.records)
    .reduce((a, b) => a + b, 0)
    .toLocaleString("en-US")} records, all sources) | ${generateSeconds.toFixed(1)} | | |`,
);
console.log(
  `| import (mapped sources) | ${importSeconds.toFixed(1)} | ${totalRows.toLocaleString("en-US")} | ${Math.round(totalRows / importSeconds).toLocaleString("en-US")} |`,
);
console.log(`\npeak RSS: ${peakAfterGenerate} MiB after generating, ${peak()} MiB overall\n`);
console.log(`| source | rows | quarantined | seconds | rows/s |`);
console.log(`|---|---|---|---|---|`);
for (const r of rows) console.log(r);
