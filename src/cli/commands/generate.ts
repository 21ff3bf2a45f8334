import type { Command } from "commander";
import { generate } from "../../synthetic/generate.js";
import { terminalProgress } from "../progress-bar.js";
import { table } from "../table.js";

export function registerGenerate(program: Command): void {
  program
    .command("generate")
    .description("generate realistic multi-source customer data with ground truth")
    .option("-p, --people <n>", "how many real people", "10000")
    .option("--seed <n>", "random seed; the same seed gives the same files", "1")
    .requiredOption("-o, --out <dir>", "output folder")
    .action(async (opts: { people: string; seed: string; out: string }) => {
      const people = Number(opts.people);
      const seed = Number(opts.seed);
      if (!Number.isInteger(people) || people <= 0)
        throw new Error(`--people must be a positive whole number`);
      if (!Number.isInteger(seed)) throw new Error(`--seed must be a whole number`);
      const progress = terminalProgress();
      progress.start("generate", people, "people");
      const report = await generate({
        people,
        seed,
        outDir: opts.out,
        onProgress: (done) => progress.update(done),
      });
      progress.stop(
        `${report.people} people in ${report.households} households, ${report.seconds.toFixed(1)} s`,
      );
      console.log(
        table(
          ["source", "records"],
          Object.entries(report.records).map(([s, n]) => [s, n]),
        ),
      );
      console.log(`\nwritten to ${opts.out} (manifest.json, truth.csv and a mapping per source)`);
    });
}
