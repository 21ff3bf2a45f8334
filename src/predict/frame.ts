/**
 * A table of features for the propensity and lookalike models: numeric columns as Float64Array (NaN is
 * missing) and categorical columns as integer codes into their levels (−1 is missing). Built from plain rows
 * (a CSV, profile features), with the column kinds inferred or named; a frame's schema applies the same
 * columns and level codes to new rows, so a model trained on one frame scores another.
 */

export type Cell = string | number | boolean | null | undefined;
export type FeatureRow = Record<string, Cell>;

export interface NumericColumn {
  kind: "numeric";
  name: string;
  values: Float64Array;
}

export interface CategoricalColumn {
  kind: "categorical";
  name: string;
  codes: Int32Array;
  levels: string[];
}

export type Column = NumericColumn | CategoricalColumn;

export interface Frame {
  rows: number;
  columns: Column[];
}

export interface ColumnSchema {
  name: string;
  kind: "numeric" | "categorical";
  /** Categorical: the levels, in code order. */
  levels?: string[];
}

export interface FrameSchema {
  columns: ColumnSchema[];
}

/** A value the data says nothing about. */
export function isMissing(v: Cell): boolean {
  if (v === null || v === undefined) return true;
  if (typeof v === "number") return Number.isNaN(v);
  if (typeof v === "string") {
    const t = v.trim();
    return t === "" || t === "NA" || t === "N/A" || t === "NaN" || t === "null";
  }
  return false;
}

/** The number a cell holds (booleans and "true"/"false" as 1/0), or null when it is not one. */
export function numericValue(v: Cell): number | null {
  if (typeof v === "number") return Number.isFinite(v) ? v : null;
  if (typeof v === "boolean") return v ? 1 : 0;
  if (typeof v !== "string") return null;
  const t = v.trim();
  if (/^true$/i.test(t)) return 1;
  if (/^false$/i.test(t)) return 0;
  if (!/^[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/i.test(t)) return null;
  const n = Number(t);
  return Number.isFinite(n) ? n : null;
}

export interface FrameOptions {
  /** The columns to use, in order (default: every key of the first rows, less `exclude`). */
  columns?: string[];
  exclude?: string[];
  /** Columns to treat as categories even when they hold numbers (codes such as region 1–9). */
  categorical?: string[];
}

/**
 * Builds a frame from rows, inferring each column's kind: numeric when every present value is a number
 * (or a boolean), categorical otherwise.
 */
export function frameFromRows(rows: readonly FeatureRow[], options: FrameOptions = {}): Frame {
  const exclude = new Set(options.exclude ?? []);
  let names = options.columns;
  if (!names) {
    const seen = new Set<string>();
    for (const row of rows.slice(0, 1000)) for (const k of Object.keys(row)) seen.add(k);
    names = [...seen];
  }
  names = names.filter((n) => !exclude.has(n));
  const forced = new Set(options.categorical ?? []);
  for (const name of forced)
    if (!names.includes(name)) throw new RangeError(`--categorical names "${name}", which is not a column`);
  const schema: FrameSchema = {
    columns: names.map((name) => {
      if (forced.has(name)) return { name, kind: "categorical" as const };
      let numeric = true;
      for (const row of rows) {
        const v = row[name];
        if (isMissing(v)) continue;
        if (numericValue(v) === null) {
          numeric = false;
          break;
        }
      }
      return { name, kind: numeric ? ("numeric" as const) : ("categorical" as const) };
    }),
  };
  // Levels in order of first appearance, so codes are stable for the same input.
  for (const c of schema.columns) {
    if (c.kind !== "categorical") continue;
    const levels = new Set<string>();
    for (const row of rows) {
      const v = row[c.name];
      if (!isMissing(v)) levels.add(String(v).trim());
    }
    c.levels = [...levels];
  }
  return applySchema(schema, rows);
}

/** The frame's columns, kinds and levels: what a model needs to read new rows the same way. */
export function schemaOf(frame: Frame): FrameSchema {
  return {
    columns: frame.columns.map((c) =>
      c.kind === "numeric"
        ? { name: c.name, kind: c.kind }
        : { name: c.name, kind: c.kind, levels: c.levels },
    ),
  };
}

/**
 * Reads rows with a known schema. A category the schema has not seen is missing; a numeric column with a
 * value that is not a number is an error naming the row and column.
 */
export function applySchema(
  schema: FrameSchema,
  rows: readonly FeatureRow[],
  rowLabel = (i: number) => `row ${i + 1}`,
): Frame {
  const n = rows.length;
  const columns: Column[] = schema.columns.map((c) => {
    if (c.kind === "numeric") {
      const values = new Float64Array(n);
      for (let i = 0; i < n; i++) {
        const v = (rows[i] as FeatureRow)[c.name];
        if (isMissing(v)) {
          values[i] = Number.NaN;
          continue;
        }
        const x = numericValue(v);
        if (x === null)
          throw new RangeError(`${rowLabel(i)}: column "${c.name}" holds "${String(v)}", not a number`);
        values[i] = x;
      }
      return { kind: "numeric", name: c.name, values };
    }
    const levels = c.levels ?? [];
    const index = new Map(levels.map((l, i) => [l, i]));
    const codes = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      const v = (rows[i] as FeatureRow)[c.name];
      codes[i] = isMissing(v) ? -1 : (index.get(String(v).trim()) ?? -1);
    }
    return { kind: "categorical", name: c.name, codes, levels };
  });
  return { rows: n, columns };
}

/** The rows at these indices, in this order. */
export function takeRows(frame: Frame, indices: ArrayLike<number>): Frame {
  const n = indices.length;
  return {
    rows: n,
    columns: frame.columns.map((c) => {
      if (c.kind === "numeric") {
        const values = new Float64Array(n);
        for (let i = 0; i < n; i++) values[i] = c.values[indices[i] as number] as number;
        return { ...c, values };
      }
      const codes = new Int32Array(n);
      for (let i = 0; i < n; i++) codes[i] = c.codes[indices[i] as number] as number;
      return { ...c, codes };
    }),
  };
}

export function take<T extends Float64Array | Uint8Array | Int32Array>(
  values: T,
  indices: ArrayLike<number>,
): T {
  const out = new (values.constructor as new (n: number) => T)(indices.length);
  for (let i = 0; i < indices.length; i++) out[i] = values[indices[i] as number] as number;
  return out;
}

/**
 * The 0/1 label of each row from a target column: `positive` names the positive value; without it 1, yes,
 * true, y (any case) are positive and 0, no, false, n negative. Anything else is an error naming the row.
 */
export function labelsFrom(rows: readonly FeatureRow[], target: string, positive?: string): Uint8Array {
  const out = new Uint8Array(rows.length);
  for (let i = 0; i < rows.length; i++) {
    const v = (rows[i] as FeatureRow)[target];
    if (isMissing(v)) throw new RangeError(`row ${i + 1}: the target column "${target}" is empty`);
    const t = String(v).trim();
    if (positive !== undefined) {
      out[i] = t === positive ? 1 : 0;
      continue;
    }
    if (/^(1|yes|true|y)$/i.test(t)) out[i] = 1;
    else if (/^(0|no|false|n)$/i.test(t)) out[i] = 0;
    else
      throw new RangeError(
        `row ${i + 1}: the target column "${target}" holds "${t}"; say which value is positive (--positive)`,
      );
  }
  return out;
}
