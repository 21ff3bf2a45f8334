/**
 * The small path language of source mappings: a plain key names a column or top-level field
 * ("given_name", "First Name"); `$.a.b.c` walks into nested objects. Nothing more is needed to map
 * JSON lines and Parquet rows, and nothing more is offered, so that a mapping stays readable.
 */

export type CompiledPath = readonly string[];

export function compilePath(source: string): CompiledPath {
  if (source.startsWith("$.")) return source.slice(2).split(".");
  return [source];
}

export function isJsonPath(source: string): boolean {
  return source.startsWith("$.");
}

export function readPath(row: Record<string, unknown>, path: CompiledPath): unknown {
  let value: unknown = row;
  for (const key of path) {
    if (value === null || typeof value !== "object" || Array.isArray(value)) return undefined;
    value = (value as Record<string, unknown>)[key];
  }
  return value;
}

/** Every leaf of a row as `[path, value]`, nested objects walked, arrays kept whole as leaves. */
export function leaves(row: Record<string, unknown>, prefix: string[] = []): [string[], unknown][] {
  const out: [string[], unknown][] = [];
  for (const [key, value] of Object.entries(row)) {
    const path = [...prefix, key];
    if (value !== null && typeof value === "object" && !Array.isArray(value) && !(value instanceof Date)) {
      out.push(...leaves(value as Record<string, unknown>, path));
    } else {
      out.push([path, value]);
    }
  }
  return out;
}

/** The way a path is written in a mapping: a top-level key as itself, a nested one as `$.a.b`. */
export function formatPath(path: readonly string[]): string {
  return path.length === 1 ? (path[0] as string) : `$.${path.join(".")}`;
}
