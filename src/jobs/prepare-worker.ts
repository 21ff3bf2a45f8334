import { parentPort, workerData } from "node:worker_threads";
import { compileMapping } from "../mapping/compile-mapping.js";
import type { SourceMapping } from "../model/mapping.js";
import type { ReadItem } from "../sources/types.js";
import type { StandardizeOptions } from "../standardize/record.js";
import { prepareRow } from "./prepare-row.js";

/** A worker thread of an import: prepares the batches of rows the main thread reads. */
const { mapping, importedAt, standardizeOptions } = workerData as {
  mapping: SourceMapping;
  importedAt: string;
  standardizeOptions: Omit<StandardizeOptions, "now"> & { now: string };
};
const compiled = compileMapping(mapping);
const options: StandardizeOptions = { ...standardizeOptions, now: new Date(standardizeOptions.now) };

parentPort?.on("message", (message: { id: number; items: ReadItem[] }) => {
  const prepared = message.items.map((item) => prepareRow(compiled, item, importedAt, options));
  parentPort?.postMessage({ id: message.id, prepared });
});
