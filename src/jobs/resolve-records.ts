import { readFileSync } from "node:fs";
import { compileComparison } from "../resolve/comparison.js";
import {
  bcubedScores,
  pairwiseScores,
  reductionRatio,
  thresholdTable,
  truthFromLabels,
} from "../resolve/evaluate.js";
import { buildRecordTable, type RecordToResolve } from "../resolve/features.js";
import { type Explanation, explainPair, type MatchModel } from "../resolve/model.js";
import { featuresOf, type ResolveProgress, type ResolveResult, resolveInMemory } from "../resolve/resolve.js";
import { personDefaults, type ResolveSettingsInput, resolveSettings } from "../resolve/settings.js";
import { latestRecords } from "../store/latest-records.js";
import type { Store } from "../store/open-store.js";

export interface ResolveJobOptions {
  /** A settings file (JSON); the person defaults when absent. */
  settingsPath?: string;
  /** A saved model to score with instead of training. */
  modelPath?: string;
  sources?: string[];
  /** Where the truth is, for evaluation: an extra field (`true_cluster`) or a pattern over the record id. */
  truth?: { field: string } | { idPattern: RegExp };
  progress?: ResolveProgress;
}

export interface Evaluation {
  truePairs: number;
  precision: number;
  recall: number;
  f1: number;
  bcubed: { precision: number; recall: number; f1: number };
  reductionRatio: number;
  thresholds: { threshold: number; precision: number; recall: number; f1: number }[];
}

export interface ResolveJobResult {
  result: ResolveResult;
  /** Record keys in table order, `source/sourceRecordId`. */
  keys: string[];
  evaluation: Evaluation | null;
}

export function loadSettings(path?: string): ResolveSettingsInput {
  return path ? (JSON.parse(readFileSync(path, "utf8")) as ResolveSettingsInput) : personDefaults;
}

/** Resolves the latest version of every stored record (of the chosen sources), and evaluates when asked. */
export async function resolveStoredRecords(
  store: Store,
  options: ResolveJobOptions = {},
): Promise<ResolveJobResult> {
  const records: RecordToResolve[] = [];
  const labels: string[] = [];
  const truth = options.truth;
  for await (const page of latestRecords(store, options.sources ? { sources: options.sources } : {})) {
    for (const r of page) {
      records.push({
        key: `${r.source}/${r.sourceRecordId}`,
        source: r.source,
        standardized: r.standardized,
      });
      if (!truth) continue;
      if ("field" in truth) labels.push(String(r.extra[truth.field] ?? `none:${r.id}`));
      else labels.push(truth.idPattern.exec(r.sourceRecordId)?.[1] ?? `none:${r.id}`);
    }
    options.progress?.("load", `${records.length.toLocaleString("en-US")} records`);
  }
  if (records.length === 0) throw new Error("the store holds no records to resolve: import a source first");
  const model = options.modelPath
    ? (JSON.parse(readFileSync(options.modelPath, "utf8")) as MatchModel)
    : undefined;
  const result = resolveInMemory(records, loadSettings(options.settingsPath), {
    ...(model ? { model } : {}),
    ...(options.progress ? { progress: options.progress } : {}),
  });
  let evaluation: Evaluation | null = null;
  if (truth) {
    const t = truthFromLabels(labels);
    const mode =
      result.settings.mode === "link" ? { mode: "link" as const, source: result.table.source } : {};
    const pairwise = pairwiseScores(t, result.clustering.clusterOf, mode);
    const bcubed = bcubedScores(t, result.clustering.clusterOf);
    const table = thresholdTable(t, result.pairs, [0.5, 0.7, 0.8, 0.9, 0.95, 0.99, 0.999], mode);
    evaluation = {
      truePairs: pairwise.truePairs,
      precision: pairwise.precision,
      recall: pairwise.recall,
      f1: pairwise.f1,
      bcubed: { precision: bcubed.precision, recall: bcubed.recall, f1: bcubed.f1 },
      reductionRatio: reductionRatio(result.candidatePairs, records.length, mode),
      thresholds: table.rows.map((r) => ({
        threshold: r.threshold,
        precision: r.precision,
        recall: r.recall,
        f1: r.f1,
      })),
    };
  }
  return { result, keys: result.table.keys, evaluation };
}

/**
 * Why two stored records score what they do under a model: each comparison's level and weight. Term
 * frequencies need the whole population, so every record (of the chosen sources) is loaded.
 */
export async function explainStoredPair(
  store: Store,
  keys: [string, string],
  options: { modelPath: string; settingsPath?: string; sources?: string[] },
): Promise<Explanation> {
  const model = JSON.parse(readFileSync(options.modelPath, "utf8")) as MatchModel;
  const settings = resolveSettings.parse(loadSettings(options.settingsPath));
  const records: RecordToResolve[] = [];
  for await (const page of latestRecords(store, options.sources ? { sources: options.sources } : {})) {
    for (const r of page)
      records.push({
        key: `${r.source}/${r.sourceRecordId}`,
        source: r.source,
        standardized: r.standardized,
      });
  }
  const table = buildRecordTable(records, featuresOf({ ...settings, comparisons: model.specs }));
  const index = keys.map((k) => {
    const i = table.keys.indexOf(k);
    if (i < 0) throw new Error(`no record ${k}: write it as source/id, e.g. crm/C000123`);
    return i;
  });
  const compiled = model.specs.map((s) => compileComparison(s, table));
  return explainPair(model, compiled, index[0] as number, index[1] as number);
}
