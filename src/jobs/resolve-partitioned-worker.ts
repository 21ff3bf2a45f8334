import { parentPort, workerData } from "node:worker_threads";
import { type PartitionSetup, scorePartition } from "./resolve-partitioned-score.js";

/** A scoring thread of a partitioned run: scores the partitions the main thread hands it, one at a time. */
const setup = (workerData as { setup: PartitionSetup }).setup;
parentPort?.on("message", (p: number | null) => {
  if (p === null) {
    parentPort?.close();
    return;
  }
  parentPort?.postMessage(scorePartition(setup, p));
});
