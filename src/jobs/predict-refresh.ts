import type { Store } from "../store/open-store.js";
import { listModelRuns } from "../store/scores.js";
import { type ClvOptions, predictClvOnStore } from "./predict-clv.js";
import { type LookalikeJobOptions, predictLookalikeOnStore } from "./predict-lookalike.js";
import { type PropensityJobOptions, predictPropensityOnStore } from "./predict-propensity.js";
import { type ProgressReporter, silentProgress } from "./progress.js";

/**
 * Refreshing every score on a schedule: each score name's latest completed run is run again with the
 * options it was run with, on the store as it is now — new records, new profiles, a later "now". What a
 * cron job or the server's scheduler calls (`tessera predict refresh`).
 */

export interface RefreshResult {
  name: string;
  kind: string;
  /** The run it repeated, and the new one (null when it failed). */
  from: string;
  runId: string | null;
  scored: number;
  error: string | null;
}

export async function refreshScores(
  store: Store,
  options: { progress?: ProgressReporter; log?: (line: string) => void; names?: string[] } = {},
): Promise<RefreshResult[]> {
  const log = options.log ?? (() => {});
  const progress = options.progress ?? silentProgress;
  const latest = new Map<string, Awaited<ReturnType<typeof listModelRuns>>[number]>();
  for (const run of await listModelRuns(store.db, { limit: 10_000 })) {
    if (run.status !== "completed" || latest.has(run.name)) continue;
    if (options.names && !options.names.includes(run.name)) continue;
    latest.set(run.name, run);
  }
  // Lifetime value first: propensity and lookalike seeds may be defined on it.
  const order = [...latest.values()].sort(
    (a, b) =>
      ["clv", "propensity", "lookalike"].indexOf(a.kind) - ["clv", "propensity", "lookalike"].indexOf(b.kind),
  );
  const results: RefreshResult[] = [];
  for (const run of order) {
    const saved = (run.inputs.options ?? {}) as Record<string, unknown>;
    log(`refresh: ${run.name} (as run ${run.id})`);
    try {
      let runId: string | null;
      let scored: number;
      if (run.kind === "clv") {
        const { report } = await predictClvOnStore(store, { ...(saved as ClvOptions), progress, log });
        runId = report.runId;
        scored = report.scored;
      } else if (run.kind === "propensity") {
        const report = await predictPropensityOnStore(store, {
          ...(saved as unknown as PropensityJobOptions),
          progress,
          log,
        });
        runId = report.runId;
        scored = report.scored;
      } else {
        const report = await predictLookalikeOnStore(store, {
          ...(saved as unknown as LookalikeJobOptions),
          progress,
          log,
        });
        runId = report.runId;
        scored = report.candidates;
      }
      results.push({ name: run.name, kind: run.kind, from: run.id, runId, scored, error: null });
    } catch (error) {
      results.push({
        name: run.name,
        kind: run.kind,
        from: run.id,
        runId: null,
        scored: 0,
        error: (error as Error).message,
      });
    }
  }
  return results;
}
