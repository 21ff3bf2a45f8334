import type { Command } from "commander";
import { runDemo } from "../../jobs/demo.js";
import { masterRecords } from "../../jobs/master-records.js";
import { type GlobalOptions, withStore } from "../context.js";
import { terminalProgress } from "../progress-bar.js";
import { printImportReports } from "../report.js";

export function registerDemo(program: Command): void {
  program
    .command("demo")
    .description(
      "the quick start: generate the demo data set, import it, and resolve it into golden profiles",
    )
    .option("-p, --people <n>", "people in the demo data set", "2000")
    .option("--seed <n>", "random seed", "42")
    .option("-d, --data <dir>", "where the demo data set lives", "demo-data")
    .action(async (opts: { people: string; seed: string; data: string }) => {
      const global = program.opts<GlobalOptions>();
      await withStore(global, async (store) => {
        console.log(`Tessera demo — store: ${store.describe}\n`);
        const report = await runDemo(store, {
          dataDir: opts.data,
          people: Number(opts.people),
          seed: Number(opts.seed),
          progress: terminalProgress(),
        });
        console.log(
          `\n${report.generated ? "Generated" : "Reused"} the demo data set in ${report.dataDir} ` +
            `(${opts.people} people, seed ${opts.seed}); imported:\n`,
        );
        printImportReports(report.imports);
        if (report.notImported.length > 0) {
          console.log(
            `\nAlso generated, for readers still to come: ${report.notImported
              .map((s) => `${s.file} (${s.records.toLocaleString("en-US")} records)`)
              .join(", ")}.`,
          );
        }
        // Then the point of it all: one golden profile per person, with stable ids.
        const master = await masterRecords(store, {
          progress: (stage, detail) => {
            if (!process.stdout.isTTY) console.error(`${stage}: ${detail ?? ""}`);
          },
        });
        console.log(
          `\nResolved ${master.records.toLocaleString("en-US")} records into ${master.entities.toLocaleString("en-US")} ` +
            `golden profiles (${master.created.toLocaleString("en-US")} new, ${master.unchanged.toLocaleString("en-US")} unchanged, ` +
            `${master.merged} merged, ${master.split} split); ${master.reviewItems} uncertain pairs wait for review.`,
        );
        console.log(
          `\nNext: tessera profiles show T-1 · tessera review · tessera status · tessera record crm <id> · tessera quarantine`,
        );
      });
    });
}
