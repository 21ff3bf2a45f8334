/**
 * Benchmark: master a store filled by bench/generate-and-import.ts — load the latest version of every record,
 * resolve, assign stable golden ids, derive golden profiles by survivorship, and write entities, links,
 * profiles, lookups, the change log and the review queue — then, with --rerun, master the same data again
 * (every id kept, nothing written but the review queue).
 *
 *   npx tsx bench/golden-profiles.ts --db /tmp/tessera-1m/master.db [--rerun]
 *   npx tsx bench/golden-profiles.ts --url postgres://postgres@127.0.0.1:5432/bench --copy-from /tmp/tessera-1m/bench.db
 *
 * --copy-from first copies the sources and source records of an SQLite store into the PostgreSQL one (not
 * timed as mastering). Prints seconds per stage, counts, and peak resident memory.
 */
import { cpus, totalmem } from "node:os";
import { Command } from "commander";
import { masterRecords } from "../src/jobs/master-records.js";
import { openStore, type Store } from "../src/store/open-store.js";

const opts = new Command()
  .option("--db <file>", "the SQLite store to master")
  .option("--url <url>", "a PostgreSQL store to master instead")
  .option("--schema <name>", "PostgreSQL only: the schema to use (created when missing)")
  .option("--copy-from <file>", "PostgreSQL only: copy the records of this SQLite store in first")
  .option("--copy-only", "copy, do not master")
  .option("--settings <file>", "resolution settings (default: the person defaults)")
  .option("--rerun", "master a second time and report it too")
  .option("--json", "print one JSON object")
  .parse()
  .opts<{
    db?: string;
    url?: string;
    schema?: string;
    copyOnly?: boolean;
    copyFrom?: string;
    settings?: string;
    rerun?: boolean;
    json?: boolean;
  }>();

if (!opts.db && !opts.url) throw new Error("say which store: --db <file> or --url <postgres url>");
const peak = () => Math.round(process.resourceUsage().maxRSS / 1024);
const log = (line: string) => {
  if (!opts.json) console.error(line);
};

/**
 * PostgreSQL's jsonb refuses an escaped lone UTF-16 surrogate (\udc80), which SQLite's text keeps: such a
 * string becomes well-formed (the lone half → U+FFFD) on the way.
 */
function wellFormed(json: string): string {
  if (!/\\u[dD][89a-fA-F]/.test(json)) return json;
  return JSON.stringify(JSON.parse(json), (_k, v) =>
    typeof v === "string" ? (v as string & { toWellFormed(): string }).toWellFormed() : v,
  );
}

async function copyRecords(from: string, to: Store): Promise<number> {
  const source = await openStore({ file: from });
  let copied = 0;
  try {
    const sources = await source.db.selectFrom("source").selectAll().execute();
    for (const s of sources)
      await to.db
        .insertInto("source")
        .values({
          ...s,
          mapping: String(s.mapping),
          created_at: String(s.created_at),
          updated_at: String(s.updated_at),
        })
        .onConflict((oc) => oc.doNothing())
        .execute();
    // Resume after the records already copied (ids are kept, so the copy is the same store).
    const last = await to.db
      .selectFrom("source_record")
      .select((eb) => eb.fn.max("id").as("id"))
      .executeTakeFirst();
    let after = Number(last?.id ?? 0);
    for (;;) {
      const rows = await source.db
        .selectFrom("source_record")
        .selectAll()
        .where("id", ">", after)
        .orderBy("id")
        .limit(5000)
        .execute();
      if (rows.length === 0) break;
      after = Number(rows[rows.length - 1]?.id);
      await to.db.transaction().execute(async (trx) => {
        for (let i = 0; i < rows.length; i += 500) {
          await trx
            .insertInto("source_record")
            .values(
              rows.slice(i, i + 500).map((r) => ({
                ...r,
                id: Number(r.id),
                observed_at: String(r.observed_at),
                imported_at: String(r.imported_at),
                attributes: wellFormed(String(r.attributes)),
                standardized: wellFormed(String(r.standardized)),
                issues: wellFormed(String(r.issues)),
              })) as never,
            )
            .execute();
        }
      });
      copied += rows.length;
      if (copied % 200_000 < 5000) log(`copy: ${copied.toLocaleString("en-US")} records`);
    }
  } finally {
    await source.close();
  }
  return copied;
}

const store = await openStore(
  opts.url ? { url: opts.url, ...(opts.schema ? { schema: opts.schema } : {}) } : { file: opts.db as string },
);
let copied = 0;
if (opts.copyFrom) {
  if (store.dialect !== "postgres") throw new Error("--copy-from copies into PostgreSQL: give --url");
  const t = performance.now();
  copied = await copyRecords(opts.copyFrom, store);
  log(`copied ${copied.toLocaleString("en-US")} records in ${((performance.now() - t) / 1000).toFixed(1)} s`);
}

const runs = [];
let batches = 0;
for (let run = 0; run < (opts.copyOnly ? 0 : opts.rerun ? 2 : 1); run++) {
  const started = performance.now();
  const report = await masterRecords(store, {
    ...(opts.settings ? { settingsPath: opts.settings } : {}),
    progress: (stage, detail) => {
      // With --expose-gc, a full collection every 40 batches written: the native memory of the statements
      // is invisible to V8, which with a large heap limit would otherwise let resident memory grow.
      batches++;
      if (stage === "write" && batches % 40 === 0) (globalThis as { gc?: () => void }).gc?.();
      log(
        `${((performance.now() - started) / 1000).toFixed(1)}s ${stage}: ${detail ?? ""} (rss peak ${peak()} MiB)`,
      );
    },
  });
  runs.push({ ...report, totalSeconds: (performance.now() - started) / 1000, peakMiB: peak() });
}
await store.close();

const result = {
  command: `npx tsx bench/golden-profiles.ts ${process.argv.slice(2).join(" ")}`,
  machine: `${cpus().length} × ${cpus()[0]?.model ?? "cpu"}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}`,
  date: new Date().toISOString().slice(0, 10),
  store: store.describe,
  copied,
  runs,
};
if (opts.json) console.log(JSON.stringify(result, null, 2));
else
  for (const [i, r] of runs.entries()) {
    console.log(
      `run ${i + 1}: ${r.records.toLocaleString("en-US")} records → ${r.entities.toLocaleString("en-US")} entities in ${r.totalSeconds.toFixed(1)} s; peak RSS ${r.peakMiB} MiB`,
    );
    console.log(
      `  created ${r.created}, updated ${r.updated}, unchanged ${r.unchanged}, merged ${r.merged}, split ${r.split}, deleted ${r.deleted}; review ${r.reviewItems} of ${r.reviewCandidates}`,
    );
    console.log(
      `  seconds: ${Object.entries(r.seconds)
        .map(([k, v]) => `${k} ${v.toFixed(1)}`)
        .join(", ")}`,
    );
  }
