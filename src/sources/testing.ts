import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { ReadItem, SourceRow, UnreadableRow } from "./types.js";

/** For tests: a private temporary directory, removed by `dispose`. */
export interface TempDir {
  path: string;
  /** Writes a file in the directory and returns its path. */
  file(name: string, content: string | Uint8Array): string;
  dispose(): void;
}

export function tempDir(): TempDir {
  const path = mkdtempSync(join(tmpdir(), "tessera-sources-"));
  return {
    path,
    file(name, content) {
      const file = join(path, name);
      writeFileSync(file, content);
      return file;
    },
    dispose() {
      rmSync(path, { recursive: true, force: true });
    },
  };
}

export interface Collected {
  items: ReadItem[];
  rows: SourceRow[];
  unreadable: UnreadableRow[];
}

export async function collect(items: AsyncIterable<ReadItem>): Promise<Collected> {
  const all: ReadItem[] = [];
  for await (const item of items) all.push(item);
  return {
    items: all,
    rows: all.filter((i): i is SourceRow => i.kind === "row"),
    unreadable: all.filter((i): i is UnreadableRow => i.kind === "unreadable"),
  };
}
