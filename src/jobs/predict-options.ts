/**
 * A job's options as a run keeps them: plain data only (no progress or log functions), and without the
 * moment it was run as of, so that a refresh is as of its own now.
 */
export function storableOptions(options: object): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(options)) {
    if (typeof v === "function" || k === "progress" || k === "log" || k === "asOf" || v === undefined)
      continue;
    out[k] = v;
  }
  return out;
}
