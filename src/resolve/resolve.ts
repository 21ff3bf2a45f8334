import { type BlockingPlan, forEachCandidatePair, planBlocking, sampleRulePairs } from "./blocking.js";
import { parseBlockingKey } from "./blocking-key.js";
import { type Clustering, clusterPairs } from "./cluster.js";
import { type ComparisonSpec, type CompiledComparison, compileComparison } from "./comparison.js";
import { buildRecordTable, type RecordToResolve, withoutValues } from "./features.js";
import { logit2, type MatchModel, probabilityOf } from "./model.js";
import { PairBuffer } from "./pair-buffer.js";
import { type ScoredShare, type ScoreJob, scoreCandidatePairs, scoreShare } from "./parallel-score.js";
import type { RecordTable } from "./record-table.js";
import { type ResolveSettings, type ResolveSettingsInput, resolveSettings } from "./settings.js";
import { comparisonModels, estimateU, expectationMaximisation, levelMatrix, seededRandom } from "./train.js";

/**
 * A whole resolution run over records in memory: build features, block, train the model when none is
 * given, score every candidate pair, apply deterministic rules, cluster. Pure: the job that calls it
 * reads the records from the store and writes the result back.
 */

export type ResolveProgress = (stage: string, detail?: string) => void;

export interface ResolveResult {
  table: RecordTable;
  settings: ResolveSettings;
  model: MatchModel;
  plan: BlockingPlan;
  candidatePairs: number;
  /**
   * Scored pairs kept (probability ≥ 0.01), then deterministic matches and steward merges (probability 1): the
   * last `forced` pairs.
   */
  pairs: { left: Int32Array; right: Int32Array; probability: Float64Array; count: number; forced: number };
  clustering: Clustering;
  seconds: Record<string, number>;
}

export function featuresOf(settings: ResolveSettings): Set<string> {
  const features = new Set<string>();
  for (const c of settings.comparisons) {
    for (const l of c.levels) {
      features.add(l.feature);
      if (l.kind === "swapped") features.add(l.other);
    }
  }
  const rules = [...settings.blocking, ...(settings.training.blocking ?? []), ...settings.deterministic];
  for (const r of rules)
    for (const t of parseBlockingKey(r.expression, r.name).terms) features.add(t.feature);
  return features;
}

function totalPairs(table: RecordTable, mode: ResolveSettings["mode"]): number {
  const n = table.size;
  if (mode !== "link") return (n * (n - 1)) / 2;
  const perSource = new Map<number, number>();
  for (let r = 0; r < n; r++)
    perSource.set(table.source[r] as number, (perSource.get(table.source[r] as number) ?? 0) + 1);
  let same = 0;
  for (const k of perSource.values()) same += (k * (k - 1)) / 2;
  return (n * (n - 1)) / 2 - same;
}

export function trainModel(
  table: RecordTable,
  compiled: CompiledComparison[],
  settings: ResolveSettings,
  progress: ResolveProgress = () => {},
): MatchModel {
  const link = settings.mode === "link";
  progress("train", "estimating u from random pairs");
  const u = estimateU(table, compiled, {
    samples: settings.training.uSamples,
    seed: settings.training.seed,
    link,
  });
  const estimates: number[][][] = compiled.map(() => []);
  const rounds: Record<string, unknown>[] = [];
  for (const rule of settings.training.blocking ?? settings.blocking) {
    const ruleFeatures = new Set(parseBlockingKey(rule.expression, rule.name).terms.map((t) => t.feature));
    const exclude = new Set(
      compiled.flatMap((c, k) => (c.features.some((f) => ruleFeatures.has(f)) ? [k] : [])),
    );
    const pairs = sampleRulePairs(
      table,
      rule,
      settings.mode,
      settings.training.maxPairsPerRule,
      seededRandom(settings.training.seed),
      settings.maxBlockSize,
    );
    progress("train", `EM on ${pairs.count.toLocaleString("en-US")} pairs of "${rule.name}"`);
    if (pairs.count === 0) continue;
    const em = expectationMaximisation(levelMatrix(compiled, pairs.left, pairs.right, pairs.count), u, {
      exclude,
    });
    em.m.forEach((m, k) => {
      if (m) (estimates[k] as number[][]).push(m);
    });
    rounds.push({
      rule: rule.name,
      pairs: pairs.count,
      iterations: em.iterations,
      converged: em.converged,
      matchRate: em.matchRate,
    });
  }
  const m = estimates.map((list, k) => {
    if (list.length === 0) {
      throw new Error(
        `no training rule left comparison "${compiled[k]?.name}" free to learn: add a training blocking rule that does not use its fields`,
      );
    }
    const levels = (list[0] as number[]).length;
    return Array.from(
      { length: levels },
      (_, l) => list.reduce((a, e) => a + (e[l] as number), 0) / list.length,
    );
  });
  const specs = settings.comparisons as ComparisonSpec[];
  return {
    format: "tessera-match-model",
    version: 1,
    prior: 1e-4,
    comparisons: comparisonModels(
      compiled,
      m,
      u,
      specs.map((s) => s.termFrequency),
    ),
    specs,
    training: { uSamples: settings.training.uSamples, rounds },
  };
}

/**
 * The prior: the match rate among candidate pairs (EM on the rate alone, weights fixed), scaled to all
 * possible pairs. It assumes blocking finds nearly every match, which the plan's rules are built for.
 */
function estimatePrior(weights: Float64Array, count: number, candidates: number, possible: number): number {
  let rate = 0.1;
  for (let iteration = 0; iteration < 200; iteration++) {
    const base = Math.log2(rate) - Math.log2(1 - rate);
    let sum = 0;
    for (let p = 0; p < count; p++) sum += probabilityOf(base + (weights[p] as number));
    const next = Math.min(1 - 1e-9, Math.max(1e-12, sum / count));
    if (Math.abs(next - rate) < 1e-9) {
      rate = next;
      break;
    }
    rate = next;
  }
  return Math.min(0.5, Math.max(1e-12, (rate * candidates) / Math.max(1, possible)));
}

export interface ResolveOptions {
  /** Score with this model instead of training one. */
  model?: MatchModel;
  progress?: ResolveProgress;
  /** Record keys that must never share an entity (a steward's "not a match"). */
  cannotLink?: readonly (readonly [string, string])[];
  /** Record keys that must share an entity (a steward's merge). */
  mustLink?: readonly (readonly [string, string])[];
  /**
   * Values that identify nobody, per feature (generic values found by the quality run): treated as missing,
   * so that they neither block nor score a pair.
   */
  excludedValues?: Readonly<Record<string, readonly string[]>>;
}

/** Steward decisions by record key → record numbers; a key not in this run is skipped (its record is gone). */
function decisionIndex(table: RecordTable) {
  let index: Map<string, number> | null = null;
  return (pairs: readonly (readonly [string, string])[], what: string): [number, number][] => {
    if (pairs.length === 0) return [];
    index ??= new Map(table.keys.map((k, r) => [k, r]));
    const out: [number, number][] = [];
    for (const [a, b] of pairs) {
      const i = index.get(a);
      const j = index.get(b);
      if (a === b) throw new Error(`${what} pairs a record with itself: ${a}`);
      if (i !== undefined && j !== undefined) out.push([i, j]);
    }
    return out;
  };
}

/** The features a run needs: those of its comparisons (a saved model's own) and of its rules. */
export function runFeatures(input: ResolveSettingsInput, model?: MatchModel): Set<string> {
  const settings = resolveSettings.parse(input);
  // A saved model brings its own comparisons: the table must hold the features those read.
  return featuresOf({ ...settings, comparisons: model?.specs ?? settings.comparisons });
}

export function resolveInMemory(
  records: RecordToResolve[],
  input: ResolveSettingsInput,
  options: ResolveOptions = {},
): ResolveResult {
  const t = performance.now();
  options.progress?.("features", `${records.length.toLocaleString("en-US")} records`);
  const table = buildRecordTable(records, runFeatures(input, options.model));
  return resolveTable(table, input, options, { features: (performance.now() - t) / 1000 });
}

/** A whole run over a table already built (records loaded batch by batch, e.g. by parallel workers). */
export function resolveTable(
  table: RecordTable,
  input: ResolveSettingsInput,
  options: ResolveOptions = {},
  seconds: Record<string, number> = {},
): ResolveResult {
  const run = beginRun(table, input, options, seconds);
  return endRun(run, scoreShare(run.job));
}

/** The same run with the candidate pairs scored by worker threads (`threads`, default the cores). */
export async function resolveTableInThreads(
  table: RecordTable,
  input: ResolveSettingsInput,
  options: ResolveOptions & { threads?: number } = {},
  seconds: Record<string, number> = {},
): Promise<ResolveResult> {
  const run = beginRun(table, input, options, seconds);
  return endRun(run, await scoreCandidatePairs(run.job, options.threads));
}

interface Run {
  table: RecordTable;
  settings: ResolveSettings;
  options: ResolveOptions;
  plan: BlockingPlan;
  model: MatchModel;
  job: ScoreJob;
  lap: (stage: string) => void;
  seconds: Record<string, number>;
}

/** Compile, plan, train: everything before the candidate pairs are scored. */
function beginRun(
  given: RecordTable,
  input: ResolveSettingsInput,
  options: ResolveOptions,
  seconds: Record<string, number>,
): Run {
  const progress = options.progress ?? (() => {});
  const table = options.excludedValues ? withoutValues(given, options.excludedValues) : given;
  const settings = resolveSettings.parse(input);
  let t = performance.now();
  const lap = (stage: string) => {
    const now = performance.now();
    seconds[stage] = (seconds[stage] ?? 0) + (now - t) / 1000;
    t = now;
  };
  const specs = options.model?.specs ?? settings.comparisons;
  const compiled = specs.map((s) => compileComparison(s, table));
  lap("features");

  const blockingOptions = {
    maxBlockSize: settings.maxBlockSize,
    splitLargeBlocks: settings.splitLargeBlocks,
  };
  const plan = planBlocking(table, settings.blocking, settings.mode, blockingOptions);
  progress("blocking", `${plan.totalPairs.toLocaleString("en-US")} candidate pairs`);
  lap("plan");

  const model = options.model ?? trainModel(table, compiled, settings, progress);
  lap("train");
  progress("score", `scoring ${plan.totalPairs.toLocaleString("en-US")} pairs`);
  const job: ScoreJob = {
    table,
    model,
    rules: settings.blocking,
    mode: settings.mode,
    blocking: blockingOptions,
  };
  return { table, settings, options, plan, model, job, lap, seconds };
}

/** Prior, deterministic and steward decisions, clustering: everything after scoring. */
function endRun(run: Run, share: ScoredShare): ResolveResult {
  const { table, settings, options, plan, model, lap, seconds } = run;
  const progress = options.progress ?? (() => {});
  const blockingOptions = run.job.blocking;
  // Weights without the prior, so that the prior can be estimated from them.
  const scored = PairBuffer.from(share.left, share.right, share.value, share.count);
  const candidatePairs = scored.count;
  lap("score");
  progress("score", `${candidatePairs.toLocaleString("en-US")} pairs scored`);

  if (!options.model) {
    model.prior = estimatePrior(scored.value, scored.count, candidatePairs, totalPairs(table, settings.mode));
  }
  const priorWeight = logit2(model.prior);
  // Every candidate pair becomes a probability in place: clustering reads the low ones too, as evidence that
  // two records of one linked component are different people. Deterministic matches replace their scored
  // pair, so that clustering sees every pair once; a steward's merges join them.
  const deterministic = new Set<number>();
  const forced = new PairBuffer();
  if (settings.deterministic.length > 0) {
    forEachCandidatePair(table, settings.deterministic, settings.mode, blockingOptions, (i, j) => {
      deterministic.add(i * table.size + j);
      forced.push(i, j, 1);
    });
  }
  const keyIndex = decisionIndex(table);
  for (const [i, j] of keyIndex(options.mustLink ?? [], "mustLink")) forced.push(i, j, 1);
  const kept = new PairBuffer();
  for (let p = 0; p < scored.count; p++) {
    const i = scored.left[p] as number;
    const j = scored.right[p] as number;
    let probability = probabilityOf(priorWeight + (scored.value[p] as number));
    if (deterministic.size > 0 && deterministic.has(i * table.size + j)) probability = Number.NaN;
    scored.value[p] = probability;
    if (probability >= 0.01) kept.push(i, j, probability);
  }
  for (let p = 0; p < forced.count; p++) {
    scored.push(forced.left[p] as number, forced.right[p] as number, 1);
    kept.push(forced.left[p] as number, forced.right[p] as number, 1);
  }
  const cannot = keyIndex(options.cannotLink ?? [], "cannotLink");
  lap("prior");

  const clustering = clusterPairs(
    table.size,
    { left: scored.left, right: scored.right, probability: scored.value, count: scored.count },
    {
      threshold: settings.threshold,
      maxClusterSize: settings.clustering.maxClusterSize,
      ...(settings.clustering.minDensity !== undefined ? { minDensity: settings.clustering.minDensity } : {}),
      ...(cannot.length > 0
        ? {
            cannotLink: {
              left: Int32Array.from(cannot, (c) => c[0]),
              right: Int32Array.from(cannot, (c) => c[1]),
              count: cannot.length,
            },
          }
        : {}),
    },
  );
  lap("cluster");
  progress("cluster", `${clustering.clusters.toLocaleString("en-US")} entities`);
  return {
    table,
    settings,
    model,
    plan,
    candidatePairs,
    pairs: {
      left: kept.left,
      right: kept.right,
      probability: kept.value,
      count: kept.count,
      forced: forced.count,
    },
    clustering,
    seconds,
  };
}
