import { parentPort, workerData } from "node:worker_threads";
import Database from "better-sqlite3";
import type { MatchRecord } from "../model/match-record.js";
import type { StandardizedRecord } from "../model/standardized.js";
import { extractFeatures, type RecordToResolve } from "../resolve/features.js";
import { type LoadChunk, type LoadSetup, labelOf, rowsSql, viewsSql } from "./load-table-sql.js";

/**
 * A loading thread of a resolution run over an SQLite store: reads the chunks of storage ids the main
 * thread hands it (WAL lets readers run beside each other), parses the standardised records, derives the
 * run's features and posts them back batch by batch; the main thread only interns.
 */
const setup = workerData as LoadSetup;
const db = new Database(setup.file, { readonly: true, fileMustExist: true });
const views = setup.mode === "views";
const statement = db
  .prepare(views ? viewsSql(setup.sources) : rowsSql(setup.sources, setup.truth !== null))
  .raw();
const superseded = new Map(setup.latestVersions);

function load(chunk: LoadChunk): void {
  let records: RecordToResolve[] = [];
  let labels: string[] = [];
  const flush = () => {
    const batch = extractFeatures(records, setup.features);
    parentPort?.postMessage({ kind: "batch", chunk: chunk.index, batch, labels });
    records = [];
    labels = [];
  };
  for (const row of statement.iterate(chunk.fromId, chunk.toId, ...(setup.sources ?? []))) {
    if (views) {
      const [, source, sourceRecordId, view] = row as [number, string, string, string];
      const key = `${source}/${sourceRecordId}`;
      records.push({ key, source, standardized: JSON.parse(view) as MatchRecord });
      if (setup.truth) labels.push(labelOf(setup.truth, key, sourceRecordId, undefined));
    } else {
      const [, source, sourceRecordId, version, standardized, attributes] = row as [
        number,
        string,
        string,
        number,
        string,
        string | undefined,
      ];
      const key = `${source}/${sourceRecordId}`;
      // Only records stored in several versions are in the map; an older version is skipped.
      const latest = superseded.get(key);
      if (latest !== undefined && version < latest) continue;
      records.push({ key, source, standardized: JSON.parse(standardized) as StandardizedRecord });
      if (setup.truth) labels.push(labelOf(setup.truth, key, sourceRecordId, attributes));
    }
    if (records.length === setup.batchSize) flush();
  }
  if (records.length > 0) flush();
  parentPort?.postMessage({ kind: "done", chunk: chunk.index });
}

parentPort?.on("message", (chunk: LoadChunk | null) => {
  if (chunk === null) {
    db.close();
    parentPort?.close();
    return;
  }
  load(chunk);
});
