import { existsSync, readFileSync } from "node:fs";

/**
 * Reads one of our bundled data files (`src/standardize/data/*`) once, at module load. `tsc` does not copy
 * data files, so code compiled to `dist/standardize/` falls back to the sources' data folder.
 */
const LOCATIONS = ["./data/", "../../src/standardize/data/"];

export function readDataFile(name: string): string {
  for (const location of LOCATIONS) {
    const url = new URL(`${location}${name}`, import.meta.url);
    if (existsSync(url)) return readFileSync(url, "utf8");
  }
  throw new Error(`standardize: data file ${name} not found next to ${import.meta.url}`);
}

/** A list file: one entry per line; blank lines and `#` comments skipped; entries trimmed and lower-cased. */
export function readListFile(name: string): string[] {
  const entries: string[] = [];
  for (const rawLine of readDataFile(name).split("\n")) {
    const line = rawLine.trim();
    if (line === "" || line.startsWith("#")) continue;
    entries.push(line.toLowerCase());
  }
  return entries;
}
