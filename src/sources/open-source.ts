import { stat } from "node:fs/promises";
import { readAccessLog } from "./access-log.js";
import { toSourceError } from "./byte-input.js";
import { readChat } from "./chat.js";
import { readClickstream } from "./clickstream.js";
import { readCsv } from "./csv.js";
import { readEml } from "./email.js";
import { SourceError } from "./errors.js";
import { readJsonLines } from "./jsonl.js";
import { readMbox } from "./mbox.js";
import { readParquet } from "./parquet.js";
import type { ReaderOptions, ReadFormat, ReadItem, SourceLayout, SourceSample } from "./types.js";

const extensions: Record<string, ReadFormat> = {
  csv: "csv",
  tsv: "csv",
  txt: "csv",
  jsonl: "jsonl",
  ndjson: "jsonl",
  json: "jsonl",
  parquet: "parquet",
  eml: "eml",
  mbox: "mbox",
  mbx: "mbox",
  log: "access_log",
};

/**
 * The format a path's extension says, ignoring a final `.gz` (gzip is recognised from the content, so a
 * compressed file is read whatever its name): .csv .tsv .txt → csv; .jsonl .ndjson .json → jsonl;
 * .parquet → parquet; .eml → eml; .mbox .mbx → mbox; .log → access_log; anything else → null. Clickstream
 * events and chat transcripts look like any JSON lines (or CSV), so those formats are only chosen when named.
 */
export function formatOfPath(path: string): ReadFormat | null {
  const name = path.replace(/\.gz$/i, "");
  const dot = name.lastIndexOf(".");
  if (dot === -1 || dot < name.lastIndexOf("/")) return null;
  return extensions[name.slice(dot + 1).toLowerCase()] ?? null;
}

async function resolveFormat(path: string, options: ReaderOptions): Promise<ReadFormat> {
  // Problems with the path itself come first: "no such file" says more than "unknown format".
  try {
    const info = await stat(path);
    if (info.isDirectory()) throw new SourceError("source_is_directory", path, "is a directory, not a file");
  } catch (error) {
    throw toSourceError(error, path);
  }
  const format = options.format ?? formatOfPath(path);
  if (format === null) {
    throw new SourceError(
      "source_unknown_format",
      path,
      "the format is unknown: name it (csv, jsonl, parquet, eml, mbox, access_log, clickstream or chat) or use a .csv, .tsv, .txt, .jsonl, .ndjson, .json, .parquet, .eml, .mbox or .log file (optionally .gz)",
    );
  }
  return format;
}

/**
 * Reads any source file row by row, choosing the reader by `options.format` or else the extension.
 * Throws a `SourceError` only for problems with the whole file; a row that cannot be read is yielded as an
 * `UnreadableRow` and reading goes on.
 */
export async function* readSource(path: string, options: ReaderOptions = {}): AsyncGenerator<ReadItem> {
  const format = await resolveFormat(path, options);
  switch (format) {
    case "csv":
      yield* readCsv(path, options);
      return;
    case "jsonl":
      yield* readJsonLines(path, options);
      return;
    case "parquet":
      yield* readParquet(path, options);
      return;
    case "eml":
      yield* readEml(path, options);
      return;
    case "mbox":
      yield* readMbox(path, options);
      return;
    case "access_log":
      yield* readAccessLog(path, options);
      return;
    case "clickstream":
      yield* readClickstream(path, options);
      return;
    case "chat":
      yield* readChat(path, options);
      return;
  }
}

/**
 * The start of a source, for previews and mapping suggestions: its columns (CSV: the header; Parquet: the
 * schema; JSON lines: the union of the sampled rows' keys, in the order first seen), the first `n` rows that
 * could be read and, for CSV, the encoding and delimiter detection chose.
 */
export async function sampleSource(
  path: string,
  n = 100,
  options: ReaderOptions = {},
): Promise<SourceSample> {
  const format = await resolveFormat(path, options);
  let layout: SourceLayout | null = null;
  const rows: Record<string, unknown>[] = [];
  const keys = new Set<string>();
  const reading = readSource(path, {
    ...options,
    format,
    onLayout: (l) => {
      layout = l;
      options.onLayout?.(l);
    },
  });
  for await (const item of reading) {
    // Checked first, so that even n = 0 reads as far as the layout.
    if (rows.length >= n) break;
    if (item.kind !== "row") continue;
    rows.push(item.values);
    for (const key of Object.keys(item.values)) keys.add(key);
  }
  const found = layout as SourceLayout | null;
  const sample: SourceSample = {
    format,
    // Only CSV and Parquet say their columns up front; other formats' rows say theirs.
    columns: (format !== "csv" && format !== "parquet") || found === null ? [...keys] : found.columns,
    rows,
  };
  if (format === "csv" && found !== null) {
    if (found.encoding !== undefined) sample.encoding = found.encoding;
    if (found.delimiter !== undefined) sample.delimiter = found.delimiter;
  }
  return sample;
}
