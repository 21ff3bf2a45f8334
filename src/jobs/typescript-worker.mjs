// Starts a worker thread whose script is TypeScript (when Tessera runs from its sources through tsx or
// vitest): registers tsx's loader in this thread, then imports the script named in workerData.
import { workerData } from "node:worker_threads";
import { register } from "tsx/esm/api";

register();
await import(workerData.typescriptScript);
