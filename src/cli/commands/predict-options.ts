import { writeFileSync } from "node:fs";
import type { Command } from "commander";
import { type InputTable, parseDate, readInputTable } from "../../jobs/predict-input.js";
import { silentProgress } from "../../jobs/progress.js";
import type { Store } from "../../store/open-store.js";
import { topScores } from "../../store/scores.js";
import { type GlobalOptions, withStore } from "../context.js";
import { terminalProgress } from "../progress-bar.js";

/**
 * What the `predict` sub-commands share: the flags of the fitting commands (clv, propensity, lookalike),
 * their parsing, and the run from a file or the store through to CSV, HTML report, JSON or tables.
 */

/** Flags every fitting sub-command takes. */
export interface Common {
  input?: string;
  delimiter?: string;
  out?: string;
  report?: string;
  json?: boolean;
}

export const f3 = (x: number | null | undefined) =>
  x === null || x === undefined || !Number.isFinite(x) ? "–" : x.toFixed(3);

function number(
  value: string | undefined,
  flag: string,
  fallback: number,
  check: (n: number) => boolean = (n) => n > 0,
): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isFinite(n) || !check(n)) throw new Error(`${flag} must be a positive number, not ${value}`);
  return n;
}

function list(value: string | undefined): string[] | undefined {
  return value
    ? value
        .split(",")
        .map((s) => s.trim())
        .filter(Boolean)
    : undefined;
}

function date(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  const t = parseDate(value);
  if (t === null) throw new Error(`${flag} must be a date (YYYY-MM-DD), not ${value}`);
  // The whole day counts as the past.
  return value.trim().length === 10 ? t + 86_400_000 - 1 : t;
}

/** The flag parsers; each throws the message the user sees for a bad value. */
export const parse = { number, list, date };

function csvCell(v: string | number): string {
  const s = String(v);
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

function writeCsv(path: string, headers: string[], rows: (string | number)[][]): void {
  writeFileSync(path, `${[headers, ...rows].map((r) => r.map(csvCell).join(",")).join("\n")}\n`);
}

/** A job's progress and log lines go to the terminal, except under --json, which keeps stdout clean. */
export function reporting(json?: boolean) {
  return {
    progress: json ? silentProgress : terminalProgress(),
    log: (line: string) => {
      if (!json) console.error(line);
    },
  };
}

/** --input and --delimiter, in that order; `help` says what the file may be. */
export function withInput(command: Command, help: string): Command {
  return command
    .option("--input <file>", help)
    .option("--delimiter <c>", "the input's delimiter (default: detected)");
}

/** -o, --report and --json, the last flags of every fitting sub-command. */
export function withOutput(command: Command, outHelp: string, jsonHelp: string): Command {
  return command
    .option("-o, --out <file>", outHelp)
    .option("--report <file>", "write an HTML report with charts")
    .option("--json", jsonHelp);
}

type StoredScore = Awaited<ReturnType<typeof topScores>>[number];

/** How one fitting sub-command runs; `runPredict` does the rest the same way for all. */
export interface PredictRun<R, Row> {
  /** The job on the --input file: its report and the rows -o writes. */
  fromFile: (input: InputTable) => { report: R; rows: Row[] };
  /** The job on the store, which writes the score on the profiles. */
  onStore: (store: Store) => Promise<R>;
  /** The score the store job wrote, and how one of its values becomes a row, to read back for -o. */
  score: (report: R) => string;
  stored: (value: StoredScore) => Row;
  csv: { headers: string[]; cells: (row: Row, index: number) => (string | number)[] };
  html: (report: R) => string;
  /** The report as tables, when not --json. */
  print: (report: R) => void;
}

/**
 * Runs the job on the --input file or on the store, then writes the -o CSV and the --report HTML and
 * prints the report as JSON or tables. On the store, -o reads back all the values of the score written,
 * as the store job keeps no rows in memory.
 */
export async function runPredict<R, Row>(
  program: Command,
  flags: Common,
  run: PredictRun<R, Row>,
): Promise<void> {
  let report: R;
  let rows: Row[] = [];
  if (flags.input) {
    const input = await readInputTable(flags.input, {
      ...(flags.delimiter ? { delimiter: flags.delimiter } : {}),
      ...(flags.json ? {} : { progress: terminalProgress() }),
    });
    ({ report, rows } = run.fromFile(input));
  } else {
    report = await withStore(program.opts<GlobalOptions>(), async (store) => {
      const r = await run.onStore(store);
      if (flags.out) rows = (await topScores(store.db, run.score(r), { limit: 1_000_000 })).map(run.stored);
      return r;
    });
  }
  if (flags.out) writeCsv(flags.out, run.csv.headers, rows.map(run.csv.cells));
  if (flags.report) writeFileSync(flags.report, run.html(report));
  if (flags.json) {
    console.log(JSON.stringify(report, null, 2));
    return;
  }
  run.print(report);
  if (flags.report) console.log(`report: ${flags.report}`);
}
