import { availableParallelism } from "node:os";
import { Worker } from "node:worker_threads";
import {
  type AnyBlockingRule,
  type BlockingMode,
  type BlockingOptions,
  forEachCandidatePair,
} from "./blocking.js";
import { compileComparison } from "./comparison.js";
import { type MatchModel, pairScorer } from "./model.js";
import { PairBuffer } from "./pair-buffer.js";
import type { RecordTable } from "./record-table.js";

/**
 * Scoring every candidate pair, the hot loop of a run: in this thread, or shared out over worker threads
 * (each lays the blocks out again and scores its round-robin share of them, so every pair is scored once).
 * The weights carry no prior (the model's prior is taken as ½), so that the prior can be estimated after.
 */
export interface ScoreJob {
  table: RecordTable;
  model: MatchModel;
  rules: AnyBlockingRule[];
  mode: BlockingMode;
  blocking: BlockingOptions;
}

export interface ScoredShare {
  left: Int32Array;
  right: Int32Array;
  value: Float64Array;
  count: number;
}

/** Scores one share (or all) of the candidate pairs in this thread. */
export function scoreShare(job: ScoreJob, partition?: { index: number; count: number }): ScoredShare {
  const compiled = job.model.specs.map((s) => compileComparison(s, job.table));
  const scorer = pairScorer({ ...job.model, prior: 0.5 }, compiled);
  const buffer = new PairBuffer(1 << 20);
  forEachCandidatePair(
    job.table,
    job.rules,
    job.mode,
    { ...job.blocking, ...(partition ? { partition } : {}) },
    (i, j) => buffer.push(i, j, scorer.weight(i, j)),
  );
  return { left: buffer.left, right: buffer.right, value: buffer.value, count: buffer.count };
}

/** Below this many records, starting threads costs more than it saves. */
const parallelFrom = 100_000;

export async function scoreCandidatePairs(
  job: ScoreJob,
  threads = availableParallelism(),
  minRecords = parallelFrom,
): Promise<ScoredShare> {
  if (threads < 2 || job.table.size < minRecords) return scoreShare(job);
  const here = import.meta.url;
  const isTypeScript = here.endsWith(".ts");
  const script = new URL(isTypeScript ? "./score-worker.ts" : "./score-worker.js", here);
  const entry = isTypeScript ? new URL("../jobs/typescript-worker.mjs", here) : script;
  // Keys stay here: the threads need only the features.
  const table = { ...job.table, keys: [] };
  const shares = await Promise.all(
    Array.from(
      { length: threads },
      (_, index) =>
        new Promise<ScoredShare>((resolve, reject) => {
          const worker = new Worker(entry, {
            workerData: {
              typescriptScript: script.href,
              job: { ...job, table },
              partition: { index, count: threads },
            },
          });
          worker.once("message", (share: ScoredShare) => {
            resolve(share);
            void worker.terminate();
          });
          worker.once("error", reject);
          worker.once("exit", (code) => {
            if (code !== 0) reject(new Error(`a scoring thread stopped with exit code ${code}`));
          });
        }),
    ),
  );
  const count = shares.reduce((sum, s) => sum + s.count, 0);
  const out: ScoredShare = {
    left: new Int32Array(count),
    right: new Int32Array(count),
    value: new Float64Array(count),
    count,
  };
  let at = 0;
  for (const s of shares) {
    out.left.set(s.left.subarray(0, s.count), at);
    out.right.set(s.right.subarray(0, s.count), at);
    out.value.set(s.value.subarray(0, s.count), at);
    at += s.count;
  }
  return out;
}
