import type { Command } from "commander";
import { importSource } from "../../jobs/import-source.js";
import { compileMapping } from "../../mapping/compile-mapping.js";
import { loadMapping } from "../../mapping/load-mapping.js";
import { type GlobalOptions, withStore } from "../context.js";
import { terminalProgress } from "../progress-bar.js";
import { printImportReports } from "../report.js";

export function registerImport(program: Command): void {
  program
    .command("import")
    .description("import a source file (CSV, JSON lines, Parquet) through a source mapping")
    .argument("<file>", "the file to import")
    .requiredOption("-m, --mapping <file>", "source mapping (.json or .yaml); see `tessera sources suggest`")
    .option("-s, --source <name>", "override the source name of the mapping")
    .option("--json", "print the import report as JSON")
    .action(async (file: string, opts: { mapping: string; source?: string; json?: boolean }) => {
      const global = program.opts<GlobalOptions>();
      let mapping = loadMapping(opts.mapping);
      if (opts.source) mapping = compileMapping({ ...mapping.mapping, source: opts.source }, opts.mapping);
      const report = await withStore(global, (store) =>
        importSource(store, { path: file, mapping, progress: terminalProgress() }),
      );
      if (opts.json) console.log(JSON.stringify(report, null, 2));
      else printImportReports([report]);
      if (report.quarantined > 0 && !opts.json) {
        console.log(`\n${report.quarantined} rows quarantined: tessera quarantine --run ${report.runId}`);
      }
    });
}
