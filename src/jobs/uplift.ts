import { evaluateUplift, type UpliftEvaluation } from "../analytics/uplift/curves.js";
import { fitUplift, type Learner, predictUplift, type UpliftMethod } from "../analytics/uplift/models.js";
import type { UpliftCurveSet } from "../analytics/uplift/report.js";
import { type FeatureRow, frameFromRows, numericValue, takeRows } from "../predict/frame.js";
import { Random } from "../predict/random.js";
import { readInputTable } from "./predict-input.js";
import { type ProgressReporter, silentProgress } from "./progress.js";

/**
 * Uplift on a randomised experiment in a file (Hillstrom's: a `segment` column naming the arm, `visit`,
 * `conversion` outcomes): for each treatment arm against the control arm and each outcome, every method and
 * learner is trained on a stratified 70 % and judged on the other 30 % by Qini and uplift curves.
 */

export interface UpliftJobOptions {
  treatmentColumn?: string;
  control?: string;
  /** Arms to compare with the control (default: every other value of the treatment column). */
  treatments?: string[];
  outcomes?: string[];
  /** Feature columns (default: all but the treatment column, the outcomes and outcome-like columns). */
  features?: string[];
  exclude?: string[];
  methods?: UpliftMethod[];
  learners?: Learner[];
  testFraction?: number;
  seed?: number;
  progress?: ProgressReporter;
}

export interface UpliftResult {
  method: UpliftMethod;
  learner: Learner;
  evaluation: UpliftEvaluation;
  ms: number;
}

export interface UpliftArm {
  treatment: string;
  control: string;
  outcome: string;
  trainRows: number;
  testRows: number;
  /** Outcome rates over all rows of the two arms. */
  treatedRate: number;
  controlRate: number;
  results: UpliftResult[];
}

export interface UpliftReport {
  input: string;
  rows: number;
  features: string[];
  arms: UpliftArm[];
  unreadable: number;
}

/** Columns that are outcomes of the experiment rather than what was known before it. */
const outcomeLike =
  /^(spend|revenue|visit|visits|conversion|conversions|converted|purchase|purchased|clicked|opened)$/i;

function flag(v: unknown, column: string, row: number): number {
  const n = numericValue(v as FeatureRow[string]);
  if (n !== 0 && n !== 1) throw new Error(`row ${row}: ${column} "${String(v)}" is not 0 or 1`);
  return n;
}

/** A split that keeps the four groups (treated or not × outcome or not) in the same shares on both sides. */
function stratified(t: Uint8Array, y: Uint8Array, testFraction: number, seed: number) {
  const rng = new Random(seed);
  const train: number[] = [];
  const test: number[] = [];
  for (let g = 0; g < 4; g++) {
    const members: number[] = [];
    for (let i = 0; i < t.length; i++) if ((t[i] as number) * 2 + (y[i] as number) === g) members.push(i);
    rng.shuffle(members);
    const k = Math.round(members.length * testFraction);
    test.push(...members.slice(0, k));
    train.push(...members.slice(k));
  }
  return { train: Uint32Array.from(train).sort(), test: Uint32Array.from(test).sort() };
}

export async function upliftFromFile(path: string, options: UpliftJobOptions = {}): Promise<UpliftReport> {
  const progress = options.progress ?? silentProgress;
  const input = await readInputTable(path, { progress });
  const tcol = options.treatmentColumn ?? "segment";
  if (!input.columns.includes(tcol))
    throw new Error(`${path}: no treatment column "${tcol}" (columns: ${input.columns.join(", ")})`);
  const control = options.control ?? "No E-Mail";
  const arms = new Set(input.rows.map((r) => String(r[tcol] ?? "")));
  if (!arms.has(control)) throw new Error(`${path}: no row has ${tcol} = "${control}" (the control arm)`);
  const treatments = options.treatments ?? [...arms].filter((a) => a !== control).sort();
  for (const t of treatments) if (!arms.has(t)) throw new Error(`${path}: no row has ${tcol} = "${t}"`);
  const outcomes = options.outcomes ?? ["visit", "conversion"];
  for (const o of outcomes)
    if (!input.columns.includes(o)) throw new Error(`${path}: no outcome column "${o}"`);
  const excluded = new Set([tcol, ...outcomes, ...(options.exclude ?? [])]);
  const features = options.features ?? input.columns.filter((c) => !excluded.has(c) && !outcomeLike.test(c));
  for (const f of features)
    if (!input.columns.includes(f)) throw new Error(`${path}: no feature column "${f}"`);
  const methods = options.methods ?? ["two_model", "class_transformation"];
  const learners = options.learners ?? ["logistic"];
  const out: UpliftArm[] = [];
  for (const treatment of treatments) {
    const idx: number[] = [];
    input.rows.forEach((r, i) => {
      const a = String(r[tcol] ?? "");
      if (a === treatment || a === control) idx.push(i);
    });
    const rows = idx.map((i) => input.rows[i] as FeatureRow);
    const t = Uint8Array.from(rows, (r) => (String(r[tcol]) === treatment ? 1 : 0));
    const frame = frameFromRows(rows, {
      columns: features,
      categorical: features.filter((f) => /zip|channel|segment/i.test(f)),
    });
    for (const outcome of outcomes) {
      const y = Uint8Array.from(rows, (r, k) => flag(r[outcome], outcome, (idx[k] as number) + 1));
      const split = stratified(t, y, options.testFraction ?? 0.3, options.seed ?? 1);
      const train = takeRows(frame, split.train);
      const test = takeRows(frame, split.test);
      const pick = (a: Uint8Array, s: Uint32Array) => Uint8Array.from(s, (i) => a[i] as number);
      let yt = 0;
      let nt = 0;
      let yc = 0;
      for (let i = 0; i < t.length; i++)
        if (t[i]) {
          nt++;
          yt += y[i] as number;
        } else yc += y[i] as number;
      const results: UpliftResult[] = [];
      for (const method of methods)
        for (const learner of learners) {
          progress.start(`${treatment} vs ${control}, ${outcome}: ${method} (${learner})`, null, "");
          const t0 = performance.now();
          const model = fitUplift(method, train, pick(t, split.train), pick(y, split.train), {
            learner,
            seed: options.seed ?? 1,
          });
          const scores = predictUplift(model, test);
          const evaluation = evaluateUplift(scores, pick(t, split.test), pick(y, split.test));
          const ms = performance.now() - t0;
          progress.stop(`Qini ${evaluation.qini.toFixed(3)}`);
          results.push({ method, learner, evaluation, ms });
        }
      out.push({
        treatment,
        control,
        outcome,
        trainRows: split.train.length,
        testRows: split.test.length,
        treatedRate: yt / nt,
        controlRate: yc / (t.length - nt),
        results,
      });
    }
  }
  return { input: path, rows: input.rows.length, features, arms: out, unreadable: input.unreadable };
}

/** The report's arms as curve sets for drawing. */
export function upliftCurveSets(report: UpliftReport): UpliftCurveSet[] {
  return report.arms.map((a) => ({
    title: `${a.treatment} vs ${a.control}: ${a.outcome}`,
    subtitle: `${a.outcome} rate ${(100 * a.treatedRate).toFixed(2)} % treated, ${(100 * a.controlRate).toFixed(2)} % control (uplift ${(100 * (a.treatedRate - a.controlRate)).toFixed(2)} points); trained on ${a.trainRows.toLocaleString("en-US")} rows, curves on ${a.testRows.toLocaleString("en-US")} held-out rows`,
    series: a.results.map((r) => ({
      name: `${r.method.replace("_", "-")} (${r.learner})`,
      evaluation: r.evaluation,
    })),
  }));
}
