import { parentPort, workerData } from "node:worker_threads";
import { type ScoreJob, scoreShare } from "./parallel-score.js";

/** A scoring thread: scores its share of a run's candidate pairs and hands the typed arrays back. */
const { job, partition } = workerData as { job: ScoreJob; partition: { index: number; count: number } };
const share = scoreShare(job, partition);
const left = share.left.slice(0, share.count);
const right = share.right.slice(0, share.count);
const value = share.value.slice(0, share.count);
parentPort?.postMessage({ left, right, value, count: share.count }, [
  left.buffer,
  right.buffer,
  value.buffer,
]);
