import type { Command } from "commander";
import { type DemoPipelineReport, runDemoPipeline } from "../../jobs/demo.js";
import { runServer } from "../../server/run.js";
import { openStore } from "../../store/open-store.js";
import { type GlobalOptions, locationFrom } from "../context.js";
import { terminalProgress } from "../progress-bar.js";
import { printImportReports } from "../report.js";

interface DemoFlags {
  people: string;
  seed: string;
  data: string;
  serve: boolean;
  enrich: boolean;
  port: string;
  host: string;
}

function n(x: number): string {
  return x.toLocaleString("en-US");
}

function printReport(r: DemoPipelineReport, flags: DemoFlags): void {
  console.log(
    `\n${r.demo.generated ? "Generated" : "Reused"} the demo data set in ${r.demo.dataDir} ` +
      `(${flags.people} people, seed ${flags.seed}); imported:\n`,
  );
  printImportReports(r.demo.imports);
  if (r.demo.notImported.length > 0)
    console.log(
      `\nAlso generated, for readers still to come: ${r.demo.notImported
        .map((s) => `${s.file} (${n(s.records)} records)`)
        .join(", ")}.`,
    );
  const m = r.master;
  console.log(
    `\nResolved ${n(m.records)} records into ${n(m.entities)} golden profiles (${n(m.created)} new, ${n(m.unchanged)} unchanged, ` +
      `${m.merged} merged, ${m.split} split); ${m.reviewItems} uncertain pairs wait for review.`,
  );
  if (r.quality)
    console.log(
      `Quality: ${n(r.quality.findings)} findings, ${n(r.quality.summary.fakes.likely)} likely fakes, ` +
        `mean profile completeness ${(r.quality.summary.profiles.meanCompleteness * 100).toFixed(1)}%.`,
    );
  if (r.households) console.log(`Households: ${n(r.households.households)} found.`);
  if (r.scored !== null) console.log(`Lifetime value: ${n(r.scored)} profiles scored.`);
  for (const s of r.skipped) console.log(`(${s.stage} did not run: ${s.reason})`);
}

export function registerDemo(program: Command): void {
  program
    .command("demo")
    .description(
      "the quick start: generate the demo data set, import it, resolve it into golden profiles, judge its quality, then serve the web console",
    )
    .option("-p, --people <n>", "people in the demo data set", "2000")
    .option("--seed <n>", "random seed", "42")
    .option("-d, --data <dir>", "where the demo data set lives", "demo-data")
    .option("--no-serve", "stop after preparing the store (for scripts); by default the console is served")
    .option("--no-enrich", "skip quality, households and lifetime value")
    .option("--port <port>", "port of the console and API", "8080")
    .option("--host <host>", "address to listen on", "127.0.0.1")
    .action(async (flags: DemoFlags) => {
      const people = Number(flags.people);
      if (!Number.isInteger(people) || people < 10)
        throw new Error(`--people must be a whole number of at least 10, not ${flags.people}`);
      const store = await openStore(locationFrom(program.opts<GlobalOptions>()));
      let serving = false;
      try {
        console.log(`Tessera demo — store: ${store.describe}\n`);
        const report = await runDemoPipeline(store, {
          dataDir: flags.data,
          people,
          seed: Number(flags.seed),
          progress: terminalProgress(),
          enrich: flags.enrich,
          consoleKey: flags.serve ? "steward" : false,
          onStage: (stage, detail) => {
            if (!process.stdout.isTTY || !stage.startsWith("master:")) console.error(`${stage}: ${detail}`);
          },
        });
        printReport(report, flags);
        if (!flags.serve) {
          console.log(
            `\nNext: tessera serve · tessera profiles show T-1 · tessera review · tessera status · tessera quarantine`,
          );
          return;
        }
        const server = await runServer(store, {
          port: Number(flags.port),
          host: flags.host,
          onError: (e) => console.error(`error: ${(e as Error).message}`),
        });
        serving = true;
        const url = server.url;
        console.log(`\nThe Tessera console is running at ${url}/`);
        if (report.key) {
          console.log(`Sign in with the steward key ${report.key.key} (shown once), or open:`);
          console.log(`  ${url}/#key=${encodeURIComponent(report.key.key)}`);
        }
        console.log(`The API is at ${url}/v1 (OpenAPI: ${url}/openapi.json). Ctrl-C stops the server.`);
        const stop = async () => {
          console.error("\nstopping: finishing what was accepted");
          await server.close();
          await store.close();
          process.exit(0);
        };
        process.once("SIGINT", stop);
        process.once("SIGTERM", stop);
      } finally {
        if (!serving) await store.close();
      }
    });
}
