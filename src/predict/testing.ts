import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

/**
 * For tests and benchmarks: the public data sets with ground truth, found at `$TESSERA_DATASETS` or at
 * `../shared/datasets` beside the repository. They are optional: a suite that needs one skips, saying why.
 */

const defaultRoot = fileURLToPath(new URL("../../../shared/datasets/", import.meta.url));

export function datasetsRoot(): string {
  return process.env.TESSERA_DATASETS ?? defaultRoot;
}

/** The path of a data set's file, or null when it is not there. */
export function datasetFile(dataset: string, file: string): string | null {
  const path = `${datasetsRoot().replace(/\/$/, "")}/${dataset}/${file}`;
  return existsSync(path) ? path : null;
}

export function missingDataset(dataset: string, file: string): string {
  return `${dataset}/${file} is not in ${datasetsRoot()} (set TESSERA_DATASETS to the folder of the public data sets)`;
}

/** A small delimited file without quoted fields, as rows of column → text. */
export function readSimpleTable(path: string, delimiter = ","): Record<string, string>[] {
  const lines = readFileSync(path, "utf8").replace(/\r/g, "").trim().split("\n");
  const header = (lines[0] ?? "").split(delimiter).map((h) => h.trim());
  return lines.slice(1).map((line) => {
    const cells = line.split(delimiter);
    const row: Record<string, string> = {};
    header.forEach((h, i) => {
      row[h] = (cells[i] ?? "").trim();
    });
    return row;
  });
}
