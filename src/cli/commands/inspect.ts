import type { Command } from "commander";
import { listImportRuns } from "../../store/import-runs.js";
import { listQuarantine } from "../../store/quarantine.js";
import { countRecords, listVersions } from "../../store/source-records.js";
import { type GlobalOptions, withStore } from "../context.js";
import { table } from "../table.js";

export function registerInspect(program: Command): void {
  program
    .command("status")
    .description("what the store holds: records per source and recent imports")
    .action(async () => {
      await withStore(program.opts<GlobalOptions>(), async (store) => {
        console.log(`store: ${store.describe} (${store.dialect})\n`);
        const counts = await countRecords(store);
        console.log(
          table(
            ["source", "records", "versions"],
            counts.map((c) => [c.source, c.records, c.versions]),
          ),
        );
        const runs = await listImportRuns(store, 10);
        console.log("\nrecent imports:");
        console.log(
          table(
            ["run", "source", "status", "read", "accepted", "quarantined", "started"],
            runs.map((r) => [
              r.id.slice(0, 8),
              r.source,
              r.status,
              r.rowsRead,
              r.accepted,
              r.quarantined,
              r.startedAt,
            ]),
          ),
        );
      });
    });

  program
    .command("quarantine")
    .description("rows an import could not accept, with their reasons")
    .option("-r, --run <id>", "one import run (a prefix is enough)")
    .option("-s, --source <name>", "one source")
    .option("-n, --limit <n>", "at most this many rows", "50")
    .option("--json", "print as JSON lines, raw rows included")
    .action(async (opts: { run?: string; source?: string; limit: string; json?: boolean }) => {
      await withStore(program.opts<GlobalOptions>(), async (store) => {
        let runId = opts.run;
        if (runId && runId.length < 36) {
          runId =
            (await listImportRuns(store, 1000)).find((r) => r.id.startsWith(opts.run ?? ""))?.id ?? runId;
        }
        const rows = await listQuarantine(store, {
          ...(runId ? { importRunId: runId } : {}),
          ...(opts.source ? { source: opts.source } : {}),
          limit: Number(opts.limit),
        });
        if (opts.json) {
          for (const r of rows) console.log(JSON.stringify(r));
          return;
        }
        console.log(
          table(
            ["source", "row", "code", "reason", "raw"],
            rows.map((r) => [r.source, r.rowNumber, r.code, r.reason.slice(0, 70), r.raw.slice(0, 40)]),
          ),
        );
      });
    });

  program
    .command("record")
    .description("one source record with all its versions, standardised forms and issues")
    .argument("<source>")
    .argument("<id>", "the source record id")
    .action(async (source: string, id: string) => {
      await withStore(program.opts<GlobalOptions>(), async (store) => {
        const versions = await listVersions(store, source, id);
        if (versions.length === 0) {
          process.exitCode = 1;
          console.error(`no record ${id} in source ${source}`);
          return;
        }
        console.log(JSON.stringify(versions, null, 2));
      });
    });
}
