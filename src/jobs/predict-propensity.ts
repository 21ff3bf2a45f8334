import {
  activityFeatures,
  type CustomerActivity,
  eventVocabulary,
  parseTarget,
  snapshots,
  type Target,
  targetName,
} from "../predict/activity.js";
import {
  applySchema,
  type FeatureRow,
  type Frame,
  frameFromRows,
  labelsFrom,
  schemaOf,
} from "../predict/frame.js";
import type { GbdtOptions } from "../predict/gbdt.js";
import type { BinaryEvaluation } from "../predict/metrics.js";
import {
  explainRows,
  type ModelKind,
  type ModelReport,
  type PropensityModel,
  type PropensityResult,
  predictPropensity,
  type SplitSpec,
  trainPropensity,
} from "../predict/propensity.js";
import { dayMs } from "../predict/rfm.js";
import type { Store } from "../store/open-store.js";
import { failModelRun, finishModelRun, startModelRun, writeScores } from "../store/scores.js";
import { loadStoreActivity } from "./predict-activity.js";
import { activityFromTable, findColumn, type InputTable, parseDate } from "./predict-input.js";
import { storableOptions } from "./predict-options.js";
import { type ProgressReporter, silentProgress } from "./progress.js";

/**
 * Propensity end to end. On customers' activity (the store, or a transaction log): snapshots of the past —
 * features as of each moment, the label over the horizon after it — train on the earlier moments and test on
 * the latest (time-aware), then score every customer as of now. On a feature table (a CSV with a target
 * column): split by a time column when there is one, else at random (stratified) or in file order.
 */

export interface PropensityJobOptions {
  /** buy, churn or event:<name> on activity; a column name on a feature table. */
  target: string;
  /** Feature table: the value of the target column that is positive. */
  positive?: string;
  horizonDays?: number;
  /** How many past moments to learn from (default 3: the latest tests, the others train). */
  snapshots?: number;
  asOf?: number;
  models?: ModelKind[];
  gbdt?: GbdtOptions;
  /** Feature table: columns left out (e.g. a leaking one), categorical columns, the id column, the time column. */
  drop?: string[];
  categorical?: string[];
  id?: string;
  time?: string;
  split?: "random" | "order";
  testFraction?: number;
  seed?: number;
  progress?: ProgressReporter;
  log?: (line: string) => void;
}

export interface PropensityReport {
  runId: string | null;
  target: string;
  /** Activity: horizon and moments learnt from. */
  horizonDays: number | null;
  moments: string[];
  rows: number;
  positives: number;
  features: string[];
  split: string;
  trainRows: number;
  testRows: number;
  chosen: ModelKind;
  models: {
    kind: ModelKind;
    tuned: ModelReport["tuned"];
    validationAuc: number;
    test: BinaryEvaluation;
    drivers: ModelReport["drivers"];
  }[];
  scored: number;
  warnings: string[];
}

export interface ScoredRow {
  id: string;
  score: number;
  reasons: { feature: string; effect: number }[];
}

function describe(
  result: PropensityResult,
  frame: Frame,
  labels: ArrayLike<number>,
  target: string,
): Omit<PropensityReport, "runId" | "horizonDays" | "moments" | "scored" | "warnings"> {
  let positives = 0;
  for (let i = 0; i < labels.length; i++) positives += labels[i] as number;
  return {
    target,
    rows: frame.rows,
    positives,
    features: frame.columns.map((c) => c.name),
    split: result.split,
    trainRows: result.trainRows,
    testRows: result.testRows,
    chosen: result.chosen,
    models: result.reports.map((r) => ({
      kind: r.kind,
      tuned: r.tuned,
      validationAuc: r.validationAuc,
      test: r.test,
      drivers: r.drivers,
    })),
  };
}

function stage(options: PropensityJobOptions) {
  const log = options.log ?? (() => {});
  return (name: string, detail?: string) => log(`${name}: ${detail ?? ""}`);
}

/** Learns and scores a target over customers' activity. */
export function propensityFromActivity(
  customers: CustomerActivity[],
  options: PropensityJobOptions,
): {
  report: Omit<PropensityReport, "runId">;
  scores: ScoredRow[];
  model: PropensityModel;
  schema: ReturnType<typeof schemaOf>;
  eventNames: string[];
} {
  const target: Target = parseTarget(options.target);
  const horizonDays = options.horizonDays ?? 90;
  const count = Math.max(2, options.snapshots ?? 3);
  const warnings: string[] = [];
  let asOf = options.asOf;
  if (asOf === undefined) {
    // Now is the last time the target could be seen: the last purchase, or the last event of that name.
    asOf = Number.NEGATIVE_INFINITY;
    for (const c of customers) {
      if (target.kind === "event") {
        for (const e of c.events) if (e.name === target.name && e.at > asOf) asOf = e.at;
      } else {
        const last = c.transactions[c.transactions.length - 1];
        if (last && last.at > asOf) asOf = last.at;
      }
    }
    if (!Number.isFinite(asOf))
      throw new Error(
        target.kind === "event"
          ? `no event called "${target.name}" in the data`
          : "no transactions in the data: nothing to predict",
      );
    asOf += 1; // what happened on the last moment itself counts as the past
  }
  const moments = Array.from({ length: count }, (_, k) => asOf - (count - k) * horizonDays * dayMs);
  const eventNames = eventVocabulary(customers);
  const data = snapshots(customers, moments, horizonDays, target, { eventNames });
  if (data.rows.length === 0)
    throw new Error(
      `no customer was known ${count * horizonDays} days before ${new Date(asOf).toISOString().slice(0, 10)}: the history is too short for this horizon`,
    );
  const positives = data.labels.reduce((n, y) => n + y, 0);
  if (positives === 0 || positives === data.labels.length)
    throw new Error(
      `${positives === 0 ? "nobody" : "everybody"} ${target.kind === "churn" ? "churned" : target.kind === "buy" ? "bought" : `had "${target.name}"`} within ${horizonDays} days of any of the ${count} moments learnt from (${data.labels.length.toLocaleString("en-US")} rows): choose a longer --horizon or more --snapshots`,
    );
  const frame = frameFromRows(data.rows);
  const last = moments[moments.length - 1] as number;
  const progress = stage(options);
  progress(
    "data",
    `${data.rows.length.toLocaleString("en-US")} rows from ${count} moments ${horizonDays} days apart, ${frame.columns.length} features`,
  );
  const result = trainPropensity(frame, data.labels, {
    split: { kind: "cutoff", times: data.times, cutoff: last },
    ...(options.models ? { models: options.models } : {}),
    ...(options.gbdt ? { gbdt: options.gbdt } : {}),
    progress,
  });
  // Score everybody in the target's population as of now.
  const ids: string[] = [];
  const rows: FeatureRow[] = [];
  for (const c of customers) {
    if (target.kind === "churn" && c.transactions.length === 0) continue;
    const row = activityFeatures(c, asOf, { eventNames });
    if (!row) continue;
    ids.push(c.id);
    rows.push(row);
  }
  const schema = schemaOf(frame);
  const now = applySchema(schema, rows, (i) => `profile ${ids[i]}`);
  progress(
    "score",
    `${ids.length.toLocaleString("en-US")} profiles as of ${new Date(asOf).toISOString().slice(0, 10)}`,
  );
  const p = predictPropensity(result.model, now);
  const reasons = explainRows(result.model, now, 3);
  const scores = ids.map((id, i) => ({ id, score: p[i] as number, reasons: reasons[i] ?? [] }));
  return {
    report: {
      ...describe(result, frame, data.labels, targetName(target)),
      horizonDays,
      moments: moments.map((m) => new Date(m).toISOString()),
      scored: scores.length,
      warnings,
    },
    scores,
    model: result.model,
    schema,
    eventNames,
  };
}

/** Learns a target column of a feature table, and scores every row with the model refitted on all of them. */
export function propensityFromTable(
  table: InputTable,
  options: PropensityJobOptions,
): { report: Omit<PropensityReport, "runId">; scores: ScoredRow[]; model: PropensityModel } {
  if (!table.columns.includes(options.target))
    throw new Error(
      `${table.path} has no column "${options.target}" to predict (it has ${table.columns.join(", ")})`,
    );
  for (const c of [...(options.drop ?? []), ...(options.categorical ?? [])])
    if (!table.columns.includes(c)) throw new Error(`${table.path} has no column "${c}"`);
  const labels = labelsFrom(table.rows, options.target, options.positive);
  const exclude = [options.target, ...(options.drop ?? [])];
  if (options.id) exclude.push(options.id);
  let split: SplitSpec;
  const testFraction = options.testFraction ?? 0.25;
  if (options.time) {
    if (!table.columns.includes(options.time))
      throw new Error(`${table.path} has no time column "${options.time}"`);
    const column = options.time;
    const times = table.rows.map((r, i) => {
      const text = String(r[column] ?? "");
      const t =
        parseDate(text) ?? (text.trim() !== "" && Number.isFinite(Number(text)) ? Number(text) : null);
      if (t === null)
        throw new Error(`${table.path} row ${i + 1}: "${text}" in ${column} is neither a date nor a number`);
      return t;
    });
    split = { kind: "time", times, testFraction };
    exclude.push(column);
  } else if (options.split === "order") split = { kind: "order", testFraction };
  else split = { kind: "random", testFraction, seed: options.seed ?? 1 };
  const frame = frameFromRows(table.rows, {
    columns: table.columns.filter((c) => !exclude.includes(c)),
    ...(options.categorical ? { categorical: options.categorical } : {}),
  });
  const result = trainPropensity(frame, labels, {
    split,
    ...(options.models ? { models: options.models } : {}),
    ...(options.gbdt ? { gbdt: options.gbdt } : {}),
    progress: stage(options),
  });
  const p = predictPropensity(result.model, frame);
  const reasons = explainRows(result.model, frame, 3);
  const idColumn = options.id ?? findColumn(table.columns, ["id", "customer_id"]);
  const scores = table.rows.map((r, i) => ({
    id: idColumn ? String(r[idColumn] ?? i + 1) : String(i + 1),
    score: p[i] as number,
    reasons: reasons[i] ?? [],
  }));
  const warnings =
    table.unreadable > 0
      ? [`${table.unreadable} unreadable rows were skipped: ${table.problems.join("; ")}`]
      : [];
  return {
    report: {
      ...describe(result, frame, labels, options.target),
      horizonDays: null,
      moments: [],
      scored: scores.length,
      warnings,
    },
    scores,
    model: result.model,
  };
}

/** A transaction log (customer, date, amount) as activity for buy/churn/event targets. */
export function propensityFromTransactions(table: InputTable, options: PropensityJobOptions) {
  const { customers } = activityFromTable(table);
  return propensityFromActivity(customers, options);
}

/** Learns from the store's activity and writes `propensity:<target>` on every profile it can score. */
export async function predictPropensityOnStore(
  store: Store,
  options: PropensityJobOptions,
): Promise<PropensityReport> {
  const target = targetName(parseTarget(options.target));
  const name = `propensity:${target}`;
  const activity = await loadStoreActivity(store, { progress: options.progress ?? silentProgress });
  const runId = await startModelRun(store.db, {
    kind: "propensity",
    name,
    inputs: {
      target,
      horizonDays: options.horizonDays ?? 90,
      snapshots: options.snapshots ?? 3,
      records: activity.records,
      transactions: activity.transactions,
      realtimeEvents: activity.realtimeEvents,
      options: storableOptions(options),
    },
  });
  try {
    const { report, scores, model, schema, eventNames } = propensityFromActivity(activity.customers, options);
    const chosen = report.models.find((m) => m.kind === report.chosen);
    await writeScores(
      store.db,
      name,
      runId,
      scores.map((s) => ({
        entityId: s.id,
        value: s.score,
        details: {
          model: report.chosen,
          horizonDays: report.horizonDays,
          reasons: s.reasons.map((r) => ({ feature: r.feature, effect: Math.round(r.effect * 1000) / 1000 })),
        },
      })),
    );
    const full: PropensityReport = { ...report, runId };
    await finishModelRun(store.db, runId, {
      parameters: {
        chosen: report.chosen,
        models: report.models.map((m) => ({ kind: m.kind, tuned: m.tuned, drivers: m.drivers })),
        features: report.features,
      },
      evaluation: {
        split: report.split,
        testAuc: chosen?.test.auc ?? null,
        models: report.models.map((m) => ({ kind: m.kind, validationAuc: m.validationAuc, test: m.test })),
      },
      model: { model, schema, eventNames },
      scored: scores.length,
    });
    return full;
  } catch (error) {
    await failModelRun(store.db, runId, (error as Error).message);
    throw error;
  }
}
