import { Worker } from "node:worker_threads";
import type { CompiledMapping } from "../mapping/compile-mapping.js";
import type { ReadItem } from "../sources/types.js";
import type { StandardizeOptions } from "../standardize/record.js";
import { type PreparedRow, prepareRow } from "./prepare-row.js";

/**
 * Prepares batches of rows, in worker threads when asked to, and hands results back in the order the
 * batches were given (a record seen twice in a file must be versioned in file order).
 */
export interface PreparePool {
  /** Queues a batch; the promise resolves, in submission order, with its prepared rows. */
  prepare(items: ReadItem[]): Promise<PreparedRow[]>;
  close(): Promise<void>;
}

export function inlinePool(
  compiled: CompiledMapping,
  importedAt: string,
  options: StandardizeOptions,
): PreparePool {
  return {
    prepare: async (items) => items.map((item) => prepareRow(compiled, item, importedAt, options)),
    close: async () => {},
  };
}

export function workerPool(
  compiled: CompiledMapping,
  importedAt: string,
  options: StandardizeOptions,
  size: number,
): PreparePool {
  const here = import.meta.url;
  const isTypeScript = here.endsWith(".ts");
  const script = new URL(isTypeScript ? "./prepare-worker.ts" : "./prepare-worker.js", here);
  // Running from TypeScript sources (tsx, vitest), the worker first registers tsx's loader.
  const entry = isTypeScript ? new URL("./typescript-worker.mjs", here) : script;
  const workerData = {
    typescriptScript: script.href,
    mapping: compiled.mapping,
    importedAt,
    standardizeOptions: { ...options, now: (options.now ?? new Date(importedAt)).toISOString() },
  };
  const pending = new Map<number, { resolve: (rows: PreparedRow[]) => void; reject: (e: Error) => void }>();
  let failure: Error | null = null;
  const workers = Array.from({ length: size }, () => {
    const worker = new Worker(entry, { workerData });
    worker.on("message", (m: { id: number; prepared: PreparedRow[] }) => {
      pending.get(m.id)?.resolve(m.prepared);
      pending.delete(m.id);
    });
    worker.on("error", (error) => {
      failure = error;
      for (const p of pending.values()) p.reject(error);
      pending.clear();
    });
    return worker;
  });
  let next = 0;
  return {
    prepare(items) {
      if (failure) return Promise.reject(failure);
      const id = next++;
      const worker = workers[id % workers.length] as Worker;
      return new Promise((resolve, reject) => {
        pending.set(id, { resolve, reject });
        worker.postMessage({ id, items });
      });
    },
    async close() {
      await Promise.all(workers.map((w) => w.terminate()));
    },
  };
}
