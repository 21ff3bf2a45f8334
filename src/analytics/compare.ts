import { z } from "zod";

/**
 * The comparison operators segment rules, computed-trait filters and event property filters share. Strings
 * compare without regard to case; a number and a numeric string compare as numbers; ISO dates compare as
 * text, which orders them; a list value (`["a","b"]`) matches `eq`/`contains`/`in` when any element does.
 */

export const operators = [
  "eq",
  "neq",
  "in",
  "contains",
  "startsWith",
  "gt",
  "gte",
  "lt",
  "lte",
  "exists",
  "missing",
] as const;

export type Operator = (typeof operators)[number];

export const operatorSchema = z.enum(operators);

/** Operators that need no value. */
export const unaryOperators: ReadonlySet<Operator> = new Set(["exists", "missing"]);

export type Scalar = string | number | boolean | null;

function fold(v: unknown): unknown {
  return typeof v === "string" ? v.toLowerCase() : v;
}

function asNumber(v: unknown): number | null {
  if (typeof v === "number") return Number.isFinite(v) ? v : null;
  if (typeof v === "string" && v.trim() !== "" && /^[-+]?\d*\.?\d+(e[-+]?\d+)?$/i.test(v.trim()))
    return Number(v);
  if (typeof v === "boolean") return v ? 1 : 0;
  return null;
}

function order(a: unknown, b: unknown): number | null {
  const x = asNumber(a);
  const y = asNumber(b);
  if (x !== null && y !== null) return x - y;
  if (typeof a === "string" && typeof b === "string") {
    const p = a.toLowerCase();
    const q = b.toLowerCase();
    return p < q ? -1 : p > q ? 1 : 0;
  }
  return null;
}

function equal(a: unknown, b: unknown): boolean {
  const x = asNumber(a);
  const y = asNumber(b);
  if (x !== null && y !== null) return x === y;
  return fold(a) === fold(b);
}

function present(v: unknown): boolean {
  return v !== null && v !== undefined && v !== "" && !(Array.isArray(v) && v.length === 0);
}

/** Whether `actual` satisfies `op value`. A missing actual value satisfies only `missing` and `neq`. */
export function compare(actual: unknown, op: Operator, value?: unknown): boolean {
  if (op === "exists") return present(actual);
  if (op === "missing") return !present(actual);
  if (!present(actual)) return op === "neq";
  if (Array.isArray(actual)) {
    if (op === "neq") return !actual.some((a) => compare(a, "eq", value));
    if (op === "contains" && !actual.some((a) => typeof a === "string"))
      return actual.some((a) => equal(a, value));
    return actual.some((a) => compare(a, op, value));
  }
  switch (op) {
    case "eq":
      return equal(actual, value);
    case "neq":
      return !equal(actual, value);
    case "in":
      return Array.isArray(value) && value.some((v) => equal(actual, v));
    case "contains":
      return String(fold(actual)).includes(String(fold(value)));
    case "startsWith":
      return String(fold(actual)).startsWith(String(fold(value)));
    default: {
      const c = order(actual, value);
      if (c === null) return false;
      if (op === "gt") return c > 0;
      if (op === "gte") return c >= 0;
      if (op === "lt") return c < 0;
      return c <= 0;
    }
  }
}

/** A dotted path into a plain object (`address.value.city`, `emails.0.value`). */
export function readPath(obj: unknown, path: string): unknown {
  let cur: unknown = obj;
  for (const part of path.split(".")) {
    if (cur === null || cur === undefined) return undefined;
    if (Array.isArray(cur)) cur = /^\d+$/.test(part) ? cur[Number(part)] : cur.map((c) => readPath(c, part));
    else if (typeof cur === "object") cur = (cur as Record<string, unknown>)[part];
    else return undefined;
  }
  return cur;
}
