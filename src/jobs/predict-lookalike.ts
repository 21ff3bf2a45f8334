import { readFileSync } from "node:fs";
import { activityFeatures, eventVocabulary } from "../predict/activity.js";
import { type FeatureRow, type Frame, frameFromRows, labelsFrom } from "../predict/frame.js";
import type { GbdtOptions } from "../predict/gbdt.js";
import {
  evaluateLookalike,
  type FeatureExplanation,
  type LookalikeEvaluation,
  type LookalikeOptions,
  lookalike,
} from "../predict/lookalike.js";
import { resolveEntity } from "../store/entities.js";
import type { Store } from "../store/open-store.js";
import {
  failModelRun,
  finishModelRun,
  readAudience,
  saveAudience,
  scoresByName,
  startModelRun,
  writeScores,
} from "../store/scores.js";
import { loadStoreActivity } from "./predict-activity.js";
import { findColumn, type InputTable } from "./predict-input.js";
import { storableOptions } from "./predict-options.js";
import { type ProgressReporter, silentProgress } from "./progress.js";

/**
 * Lookalike audiences end to end: a seed (a file of ids, a saved audience, or profiles whose score passes a
 * bar), every profile's features as of now, the ranking and its explanation, the hidden-half evaluation,
 * and on the store a `lookalike:<name>` score on every candidate and the top N saved as an audience.
 */

export interface LookalikeJobOptions {
  /** The audience to save (and the score's name: `lookalike:<name>`). */
  name: string;
  /** How many of the best candidates make the saved audience (default 1000). */
  top?: number;
  seedFile?: string;
  seedAudience?: string;
  /** `<score><op><value>`: e.g. `clv>=200`, `propensity:buy>0.5`. */
  seedWhere?: string;
  /** Feature table: the column that marks seed rows, and its value (default: 1/yes/true). */
  seedColumn?: string;
  seedValue?: string;
  /** Feature table: the id column, and columns left out or categorical. */
  id?: string;
  drop?: string[];
  categorical?: string[];
  evaluate?: boolean;
  classifier?: "gbdt" | "logistic";
  blend?: number;
  gbdt?: GbdtOptions;
  progress?: ProgressReporter;
  log?: (line: string) => void;
}

export interface LookalikeReport {
  runId: string | null;
  /** Weight of the neighbour view in the ranking (given, or chosen by the evaluation). */
  blend: number;
  name: string;
  seed: { size: number; from: string; unknown: string[] };
  candidates: number;
  features: string[];
  explanation: FeatureExplanation[];
  evaluation: LookalikeEvaluation | null;
  top: { id: string; score: number; classifier: number; neighbours: number }[];
  saved: number;
}

const whereRe = /^\s*([^<>=\s]+)\s*(>=|<=|>|<|=)\s*(-?\d+(?:\.\d+)?)\s*$/;

export function parseWhere(text: string): { name: string; op: string; value: number } {
  const m = whereRe.exec(text);
  if (!m)
    throw new Error(`"${text}" is not a condition on a score: write it like clv>=200 or propensity:buy>0.5`);
  return { name: m[1] as string, op: m[2] as string, value: Number(m[3]) };
}

function passes(v: number, op: string, bar: number): boolean {
  switch (op) {
    case ">=":
      return v >= bar;
    case "<=":
      return v <= bar;
    case ">":
      return v > bar;
    case "<":
      return v < bar;
    default:
      return v === bar;
  }
}

function readIds(path: string): string[] {
  return readFileSync(path, "utf8")
    .split(/\r?\n/)
    .map((l) => l.split(",")[0]?.trim() ?? "")
    .filter((l) => l !== "" && !/^(id|entity_id)$/i.test(l));
}

function core(frame: Frame, isSeed: Uint8Array, ids: string[], options: LookalikeJobOptions) {
  const log = options.log ?? (() => {});
  const progress = (stage: string, detail?: string) => log(`${stage}: ${detail ?? ""}`);
  const settings: LookalikeOptions = {
    progress,
    ...(options.classifier ? { classifier: options.classifier } : {}),
    ...(options.blend !== undefined ? { blend: options.blend } : {}),
    ...(options.gbdt ? { gbdt: options.gbdt } : {}),
  };
  const evaluation = options.evaluate === false ? null : evaluateLookalike(frame, isSeed, settings);
  if (evaluation)
    log(
      `evaluate: ${evaluation.hidden} hidden seed members; blend ${evaluation.blend}: recall in the top 5/10/20 % ${[evaluation.recall.top5, evaluation.recall.top10, evaluation.recall.top20].map((r) => r.blend.toFixed(3)).join(" / ")}`,
    );
  // Without a weight of its own, the run uses the one the evaluation found best.
  const blend = options.blend ?? evaluation?.blend ?? 0.3;
  const result = lookalike(frame, isSeed, { ...settings, blend });
  return {
    blend,
    evaluation,
    result,
    ranked: result.ranking.map((r) => ({
      id: ids[r.row] as string,
      score: r.score,
      classifier: r.classifier,
      neighbours: r.neighbours,
    })),
  };
}

/** A feature table with a seed column (or a file of ids): the ranking of every other row. */
export function lookalikeFromTable(table: InputTable, options: LookalikeJobOptions) {
  const idColumn = options.id ?? findColumn(table.columns, ["id", "customer_id", "entity_id"]);
  const ids = table.rows.map((r, i) => (idColumn ? String(r[idColumn] ?? i + 1) : String(i + 1)));
  let isSeed: Uint8Array;
  let from: string;
  const unknown: string[] = [];
  if (options.seedColumn) {
    if (!table.columns.includes(options.seedColumn))
      throw new Error(`${table.path} has no column "${options.seedColumn}"`);
    isSeed = labelsFrom(table.rows, options.seedColumn, options.seedValue);
    from = `column ${options.seedColumn}${options.seedValue ? `=${options.seedValue}` : ""}`;
  } else if (options.seedFile) {
    const wanted = readIds(options.seedFile);
    const index = new Map(ids.map((id, i) => [id, i]));
    isSeed = new Uint8Array(table.rows.length);
    for (const id of wanted) {
      const i = index.get(id);
      if (i === undefined) unknown.push(id);
      else isSeed[i] = 1;
    }
    from = `file ${options.seedFile}`;
  } else
    throw new Error("say who the seed is: --seed-column <column> (with --seed-value) or --seed-file <ids>");
  const exclude = [
    ...(options.drop ?? []),
    ...(options.seedColumn ? [options.seedColumn] : []),
    ...(idColumn ? [idColumn] : []),
  ];
  const frame = frameFromRows(table.rows, {
    columns: table.columns.filter((c) => !exclude.includes(c)),
    ...(options.categorical ? { categorical: options.categorical } : {}),
  });
  const { blend, evaluation, result, ranked } = core(frame, isSeed, ids, options);
  const report: LookalikeReport = {
    runId: null,
    blend,
    name: options.name,
    seed: { size: result.seedSize, from, unknown: unknown.slice(0, 20) },
    candidates: ranked.length,
    features: frame.columns.map((c) => c.name),
    explanation: result.explanation,
    evaluation,
    top: ranked.slice(0, options.top ?? 1000),
    saved: 0,
  };
  return { report, ranked };
}

/** The seed on the store: entity ids from a file (aliases followed), a saved audience, or a score condition. */
async function storeSeed(
  store: Store,
  options: LookalikeJobOptions,
): Promise<{ ids: Set<string>; from: string; unknown: string[] }> {
  const unknown: string[] = [];
  if (options.seedFile) {
    const ids = new Set<string>();
    for (const id of readIds(options.seedFile)) {
      const found = await resolveEntity(store.db, id);
      if (found && found.entity.status === "active") ids.add(found.entity.id);
      else unknown.push(id);
    }
    return { ids, from: `file ${options.seedFile}`, unknown };
  }
  if (options.seedAudience) {
    const audience = await readAudience(store.db, options.seedAudience);
    if (!audience) throw new Error(`no saved audience "${options.seedAudience}"`);
    return {
      ids: new Set(audience.members.map((m) => m.entityId)),
      from: `audience ${options.seedAudience}`,
      unknown,
    };
  }
  if (options.seedWhere) {
    const { name, op, value } = parseWhere(options.seedWhere);
    const scores = await scoresByName(store.db, name);
    if (scores.size === 0) throw new Error(`no profile has a "${name}" score: run tessera predict first`);
    const ids = new Set([...scores].filter(([, v]) => passes(v, op, value)).map(([id]) => id));
    return { ids, from: `score ${options.seedWhere}`, unknown };
  }
  throw new Error(
    "say who the seed is: --seed-file <ids>, --seed-audience <name> or --seed-where <score>=<value>",
  );
}

export async function predictLookalikeOnStore(
  store: Store,
  options: LookalikeJobOptions,
): Promise<LookalikeReport> {
  if (!/^[\w.-]+$/.test(options.name))
    throw new Error(`"${options.name}" is not an audience name: letters, digits, _ . -`);
  const log = options.log ?? (() => {});
  const seed = await storeSeed(store, options);
  const activity = await loadStoreActivity(store, { progress: options.progress ?? silentProgress });
  const scoreName = `lookalike:${options.name}`;
  const runId = await startModelRun(store.db, {
    kind: "lookalike",
    name: scoreName,
    inputs: {
      seed: seed.from,
      seedSize: seed.ids.size,
      unknown: seed.unknown.slice(0, 20),
      top: options.top ?? 1000,
      options: storableOptions(options),
    },
  });
  try {
    // Everybody as of the last thing that happened: only relative differences matter to a ranking.
    const asOf = activity.latest;
    const eventNames = eventVocabulary(activity.customers);
    const ids: string[] = [];
    const rows: FeatureRow[] = [];
    for (const c of activity.customers) {
      const row = activityFeatures(c, asOf + 1, { eventNames });
      if (!row) continue;
      ids.push(c.id);
      rows.push(row);
    }
    const isSeed = Uint8Array.from(ids, (id) => (seed.ids.has(id) ? 1 : 0));
    const found = isSeed.reduce((n, v) => n + v, 0);
    if (found < seed.ids.size)
      log(`seed: ${seed.ids.size - found} seed profiles have no activity and are left out`);
    const frame = frameFromRows(rows);
    log(
      `data: ${rows.length.toLocaleString("en-US")} profiles, ${found} in the seed, ${frame.columns.length} features`,
    );
    const { blend, evaluation, result, ranked } = core(frame, isSeed, ids, options);
    const top = options.top ?? 1000;
    const n = ranked.length;
    await writeScores(
      store.db,
      scoreName,
      runId,
      ranked.map((r, k) => ({
        entityId: r.id,
        value: r.score,
        details: {
          rank: k + 1,
          percentile: Math.round((1000 * (n - k)) / n) / 10,
          classifier: Math.round(r.classifier * 1e4) / 1e4,
          neighbours: Math.round(r.neighbours * 1e4) / 1e4,
          audience: options.name,
          blend,
        },
      })),
    );
    const members = ranked.slice(0, top).map((r) => ({ entityId: r.id, score: r.score }));
    await saveAudience(store.db, {
      name: options.name,
      kind: "lookalike",
      definition: { seed: seed.from, seedSize: found, top, score: scoreName },
      modelRunId: runId,
      members,
    });
    const report: LookalikeReport = {
      runId,
      blend,
      name: options.name,
      seed: { size: found, from: seed.from, unknown: seed.unknown.slice(0, 20) },
      candidates: n,
      features: frame.columns.map((c) => c.name),
      explanation: result.explanation,
      evaluation,
      top: ranked.slice(0, Math.min(top, 20)),
      saved: members.length,
    };
    await finishModelRun(store.db, runId, {
      parameters: { explanation: result.explanation, features: report.features, blend },
      evaluation: evaluation as unknown as Record<string, unknown> | null,
      scored: n,
    });
    return report;
  } catch (error) {
    await failModelRun(store.db, runId, (error as Error).message);
    throw error;
  }
}
