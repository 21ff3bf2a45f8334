import { writeFileSync } from "node:fs";
import { basename, extname } from "node:path";
import type { Command } from "commander";
import { suggestMapping } from "../../mapping/suggest-mapping.js";
import { sampleSource } from "../../sources/open-source.js";
import { table } from "../table.js";

export function registerSources(program: Command): void {
  const sources = program.command("sources").description("describe and map sources");
  sources
    .command("suggest")
    .description("propose a source mapping from a file's headers and sample values")
    .argument("<file>", "a CSV, JSON lines or Parquet file")
    .option("-s, --source <name>", "the source name (default: the file name)")
    .option("-c, --country <code>", "the source's default country (ISO alpha-2)")
    .option("-n, --sample <rows>", "rows to sample", "200")
    .option("-o, --out <file>", "write the mapping there instead of printing it")
    .action(
      async (file: string, opts: { source?: string; country?: string; sample: string; out?: string }) => {
        const sample = await sampleSource(file, Number(opts.sample));
        const name =
          opts.source ??
          basename(file, extname(file))
            .toLowerCase()
            .replace(/[^a-z0-9_.-]+/g, "_");
        const suggestion = suggestMapping(sample, name, opts.country ? { defaultCountry: opts.country } : {});
        const format = { ...suggestion.mapping, format: sample.format };
        console.error(
          table(
            ["column", "target", "confidence", "why", "example"],
            suggestion.columns.map((c) => [
              c.source,
              c.target ?? "(none)",
              c.confidence.toFixed(2),
              c.why,
              (c.examples[0] ?? "").slice(0, 30),
            ]),
          ),
        );
        const json = `${JSON.stringify(format, null, 2)}\n`;
        if (opts.out) {
          writeFileSync(opts.out, json);
          console.error(
            `\nmapping written to ${opts.out}; review it, then: tessera import ${file} -m ${opts.out}`,
          );
        } else {
          process.stdout.write(json);
        }
      },
    );
}
