import { readFileSync } from "node:fs";
import { compileComparison } from "../resolve/comparison.js";
import {
  bcubedScores,
  pairwiseScores,
  reductionRatio,
  thresholdTable,
  truthFromLabels,
} from "../resolve/evaluate.js";
import { withoutValues } from "../resolve/features.js";
import { type Explanation, explainPair, type MatchModel } from "../resolve/model.js";
import {
  type ResolveProgress,
  type ResolveResult,
  resolveTableInThreads,
  runFeatures,
} from "../resolve/resolve.js";
import { personDefaults, type ResolveSettingsInput, resolveSettings } from "../resolve/settings.js";
import type { Store } from "../store/open-store.js";
import { genericValueExclusions } from "../store/quality.js";
import { loadRecordTable } from "./load-table.js";

export interface ResolveJobOptions {
  /** A settings file (JSON); the person defaults when absent. */
  settingsPath?: string;
  /** A saved model to score with instead of training. */
  modelPath?: string;
  sources?: string[];
  /** Where the truth is, for evaluation: an extra field (`true_cluster`) or a pattern over the record id. */
  truth?: { field: string } | { idPattern: RegExp };
  progress?: ResolveProgress;
  /** Loading threads over an SQLite store (default: the cores); 0 loads in this thread. */
  threads?: number;
  /** Steward decisions by record key: never the same entity / always the same entity. */
  cannotLink?: readonly (readonly [string, string])[];
  mustLink?: readonly (readonly [string, string])[];
  /**
   * Values left out of matching, per feature. Default: the generic values the last quality run found
   * (`tessera quality run`); `{}` leaves nothing out.
   */
  excludedValues?: Readonly<Record<string, readonly string[]>>;
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
  const model = options.modelPath
    ? (JSON.parse(readFileSync(options.modelPath, "utf8")) as MatchModel)
    : undefined;
  const settings = loadSettings(options.settingsPath);
  const truth = options.truth;
  const started = performance.now();
  const { table, labels } = await loadRecordTable(store, {
    features: runFeatures(settings, model),
    ...(options.sources ? { sources: options.sources } : {}),
    ...(truth ? { truth } : {}),
    ...(options.threads !== undefined ? { threads: options.threads } : {}),
    progress: (n) => options.progress?.("load", `${n.toLocaleString("en-US")} records`),
    onBackfill: (done, total) =>
      options.progress?.(
        "match views",
        `written for ${done.toLocaleString("en-US")} of ${total.toLocaleString("en-US")} records (once, for a store from before them)`,
      ),
  });
  if (table.size === 0) throw new Error("the store holds no records to resolve: import a source first");
  const excludedValues = options.excludedValues ?? (await genericValueExclusions(store.db));
  const result = await resolveTableInThreads(
    table,
    settings,
    {
      ...(options.threads !== undefined ? { threads: Math.max(1, options.threads) } : {}),
      ...(model ? { model } : {}),
      ...(options.progress ? { progress: options.progress } : {}),
      ...(options.cannotLink ? { cannotLink: options.cannotLink } : {}),
      ...(options.mustLink ? { mustLink: options.mustLink } : {}),
      ...(Object.keys(excludedValues).length > 0 ? { excludedValues } : {}),
    },
    { load: (performance.now() - started) / 1000 },
  );
  let evaluation: Evaluation | null = null;
  if (labels) {
    const t = truthFromLabels(labels);
    const mode =
      result.settings.mode === "link" ? { mode: "link" as const, source: result.table.source } : {};
    const pairwise = pairwiseScores(t, result.clustering.clusterOf, mode);
    const bcubed = bcubedScores(t, result.clustering.clusterOf);
    const thresholds = thresholdTable(t, result.pairs, [0.5, 0.7, 0.8, 0.9, 0.95, 0.99, 0.999], mode);
    evaluation = {
      truePairs: pairwise.truePairs,
      precision: pairwise.precision,
      recall: pairwise.recall,
      f1: pairwise.f1,
      bcubed: { precision: bcubed.precision, recall: bcubed.recall, f1: bcubed.f1 },
      reductionRatio: reductionRatio(result.candidatePairs, table.size, mode),
      thresholds: thresholds.rows.map((r) => ({
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
  options: {
    modelPath: string;
    settingsPath?: string;
    sources?: string[];
    excludedValues?: Readonly<Record<string, readonly string[]>>;
  },
): Promise<Explanation> {
  const model = JSON.parse(readFileSync(options.modelPath, "utf8")) as MatchModel;
  const settings = resolveSettings.parse(loadSettings(options.settingsPath));
  const loaded = await loadRecordTable(store, {
    features: runFeatures(settings, model),
    ...(options.sources ? { sources: options.sources } : {}),
  });
  const table = withoutValues(
    loaded.table,
    options.excludedValues ?? (await genericValueExclusions(store.db)),
  );
  const index = keys.map((k) => {
    const i = table.keys.indexOf(k);
    if (i < 0) throw new Error(`no record ${k}: write it as source/id, e.g. crm/C000123`);
    return i;
  });
  const compiled = model.specs.map((s) => compileComparison(s, table));
  return explainPair(model, compiled, index[0] as number, index[1] as number);
}
