import type { Issue } from "../model/issue.js";
import type { SourceFormat } from "../model/mapping.js";

/**
 * What `readSource` can read — every format a mapping may name: tables (csv, jsonl, parquet) and the
 * multi-structured ones, each read as one row per document: `eml` (one message), `mbox` (a mailbox, a row
 * per message), `access_log` (a web server log, a row per visit), `clickstream` (page-view events as JSON
 * lines, a row per visit) and `chat` (support chat or call transcript turns, a row per conversation).
 */
export type ReadFormat = SourceFormat;

/** One row as read from a source file: column or top-level key → value, before any mapping. */
export interface SourceRow {
  kind: "row";
  /** 1-based data row number (CSV: the header is not counted; JSON lines: the line number). */
  rowNumber: number;
  values: Record<string, unknown>;
}

/** A row that could not be read; it is quarantined with its reason, never dropped. */
export interface UnreadableRow {
  kind: "unreadable";
  rowNumber: number;
  reason: Issue;
  /** The raw text of the row, cut to at most 64 KiB so that a huge broken field does not fill the store. */
  raw: string;
}

export type ReadItem = SourceRow | UnreadableRow;

export interface ReadProgress {
  bytesRead: number;
  totalBytes: number | null;
  rows: number;
}

export interface ReadOptions {
  format?: ReadFormat;
  /** CSV: force a delimiter instead of detecting it. */
  delimiter?: string;
  /** CSV: force an encoding (any iconv-lite name) instead of detecting it. */
  encoding?: string;
  /** Called now and then (at most every ~100 ms or every 10,000 rows) while reading. */
  onProgress?: (progress: ReadProgress) => void;
  /** Largest field accepted, in bytes; a row with a larger one is unreadable. Default 1 MiB. */
  maxFieldBytes?: number;
}

export interface SourceSample {
  format: ReadFormat;
  columns: string[];
  rows: Record<string, unknown>[];
  /** CSV only: what detection chose. */
  encoding?: string;
  delimiter?: string;
}

/** What a reader learned about a file as a whole, told once before its first row. */
export interface SourceLayout {
  format: ReadFormat;
  /** CSV: the header's column names; Parquet: the schema's top-level columns; JSON lines: none (keys vary by row). */
  columns: string[];
  /** CSV and JSON lines: the encoding the text was decoded with (detected or forced). */
  encoding?: string;
  /** CSV: the delimiter used (detected or forced). */
  delimiter?: string;
}

/** `ReadOptions` plus what callers such as `sampleSource` need besides the rows. */
export interface ReaderOptions extends ReadOptions {
  /** Called once, before the first row is yielded, when the reader knows the file's layout. */
  onLayout?: (layout: SourceLayout) => void;
}
