import { parentPort, workerData } from "node:worker_threads";
import Database from "better-sqlite3";
import type { MatchViewRow } from "../store/match-views.js";
import { viewsSql } from "./load-table-sql.js";
import { type ScannedPage, type ScanSetup, scanPage } from "./resolve-partitioned-scan.js";

/**
 * A scanning thread of a partitioned run over an SQLite store: reads the ranges of row ids the main thread
 * hands it (WAL lets readers run beside each other), scans them page by page and posts each page back; the
 * main thread writes them to the spill files in row order.
 */
export interface ScanChunk {
  index: number;
  fromId: number;
  toId: number;
  /** The run's number of the chunk's first record. */
  gidBase: number;
}

const { setup, file, sources } = workerData as { setup: ScanSetup; file: string; sources: string[] | null };
const db = new Database(file, { readonly: true, fileMustExist: true });
const statement = db.prepare(viewsSql(sources)).raw();
const pageSize = 20_000;

const post = (chunk: number, page: ScannedPage) =>
  parentPort?.postMessage(
    { kind: "page", chunk, page },
    page.terms.map((t) => t.buffer as ArrayBuffer),
  );

parentPort?.on("message", (chunk: ScanChunk | null) => {
  if (chunk === null) {
    db.close();
    parentPort?.close();
    return;
  }
  let rows: MatchViewRow[] = [];
  let base = chunk.gidBase;
  for (const row of statement.iterate(chunk.fromId, chunk.toId, ...(sources ?? []))) {
    const [, source, sourceRecordId, view] = row as [number, string, string, string];
    rows.push({ source, sourceRecordId, view });
    if (rows.length === pageSize) {
      post(chunk.index, scanPage(setup, rows, base));
      base += rows.length;
      rows = [];
    }
  }
  if (rows.length > 0) post(chunk.index, scanPage(setup, rows, base));
  parentPort?.postMessage({ kind: "done", chunk: chunk.index });
});
