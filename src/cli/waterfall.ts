import type { Explanation } from "../resolve/model.js";

/**
 * A match explanation drawn as a waterfall in the terminal: each comparison's weight as a bar from the
 * running total, evidence for a match to the right (+), against it to the left (−).
 */
export function waterfall(e: Explanation, width = 30): string {
  const steps = [
    {
      label: "prior",
      level: `1 in ${Math.round(1 / e.prior).toLocaleString("en-US")}`,
      weight: e.priorWeight,
    },
    ...e.comparisons.map((c) => ({
      label: c.comparison,
      level: c.vetoed ? `${c.level} (never)` : c.level,
      weight: c.weight,
    })),
  ];
  let total = 0;
  const totals = steps.map((s) => {
    const before = total;
    total += s.weight;
    return [before, total] as const;
  });
  const lo = Math.min(0, ...totals.flat());
  const hi = Math.max(0, ...totals.flat());
  const scale = width / Math.max(1e-9, hi - lo);
  const col = (x: number) => Math.round((x - lo) * scale);
  const labelWidth = Math.max(...steps.map((s) => s.label.length));
  const levelWidth = Math.min(34, Math.max(...steps.map((s) => s.level.length)));
  const lines = steps.map((s, k) => {
    const [before, after] = totals[k] as readonly [number, number];
    const a = col(Math.min(before, after));
    const b = Math.max(a + (s.weight === 0 ? 0 : 1), col(Math.max(before, after)));
    const bar = `${" ".repeat(a)}${(s.weight >= 0 ? "+" : "−").repeat(b - a)}`.padEnd(width + 1);
    const weight = `${s.weight >= 0 ? "+" : ""}${s.weight.toFixed(2)}`.padStart(7);
    return `${s.label.padEnd(labelWidth)}  ${s.level.slice(0, levelWidth).padEnd(levelWidth)}  ${weight}  |${bar}|`;
  });
  const summary =
    e.veto === null
      ? `match weight ${e.weight.toFixed(2)} → probability ${e.probability.toFixed(6)}`
      : `never the same person (${e.veto}) → probability 0`;
  return [...lines, "", summary].join("\n");
}
