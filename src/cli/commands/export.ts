import type { Command } from "commander";
import { type ExportFormat, exportGolden } from "../../jobs/golden-profiles.js";
import { type GlobalOptions, withStore } from "../context.js";

export function registerExport(program: Command): void {
  program
    .command("export")
    .description("export data: golden profiles as CSV (flat) or JSON lines (with lineage)")
    .argument("<what>", "what to export: golden")
    .option("--format <format>", "csv, jsonl or parquet", "csv")
    .requiredOption("-o, --out <file>", "the file to write")
    .action(async (what: string, flags: { format: string; out: string }) => {
      if (what !== "golden") throw new Error(`nothing called "${what}" to export: tessera export golden`);
      await withStore(program.opts<GlobalOptions>(), async (store) => {
        const count = await exportGolden(store, flags.format as ExportFormat, flags.out);
        console.log(`${count.toLocaleString("en-US")} golden profiles written to ${flags.out}`);
      });
    });
}
