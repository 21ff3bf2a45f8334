/**
 * Small-cell suppression with complementary suppression (pure).
 *
 * A table of counts by one or two dimensions is published with its margins: for one dimension the total; for
 * two, the row totals, the column totals and the grand total (more dimensions: the cells and the grand total).
 * Primary suppression hides every cell counting from 1 to k−1 people (0 is shown: it says that nobody is
 * there, about no one). Complementary suppression then hides more cells until no hidden cell can be worked
 * out from what is published: each published total is a linear equation over the hidden cells of its line,
 * and a hidden cell is recoverable exactly when its unit vector lies in the span of those equations. While one
 * is, the smallest visible non-zero cell of a line through it is hidden too (preferring one that closes a
 * rectangle of hidden cells); when a line has none left, that line's total is withheld. A total of 1 to k−1
 * people is itself withheld, with the smallest other total of its axis. (Bounds from non-negativity are not exact recovery: a line with two hidden cells
 * gives each one an interval, never a value.)
 */

export interface SuppressionResult {
  /** Indices of hidden cells, and why. */
  hidden: Map<number, "primary" | "complementary">;
  /** Lines whose total is withheld (index into `lines`). */
  withheldLines: Set<number>;
}

/** Each line: the indices of the cells its published total sums. */
export type Line = number[];

/** Lines of a table whose cells are indexed by their coordinates (`coords[i]` of cell i). */
export function marginLines(coords: string[][], dimensions: number): Line[] {
  const all = coords.map((_, i) => i);
  if (dimensions !== 2) return [all];
  const lines: Line[] = [all];
  for (const axis of [0, 1]) {
    const groups = new Map<string, number[]>();
    coords.forEach((c, i) => {
      const k = c[axis] as string;
      const g = groups.get(k) ?? [];
      g.push(i);
      groups.set(k, g);
    });
    lines.push(...groups.values());
  }
  return lines;
}

/** Which hidden cells the published totals determine (Gaussian elimination over the hidden cells). */
export function recoverableCells(
  counts: readonly number[],
  hidden: ReadonlySet<number>,
  lines: readonly Line[],
  withheld: ReadonlySet<number> = new Set(),
): number[] {
  const vars = [...hidden];
  const col = new Map(vars.map((v, j) => [v, j]));
  const rows: number[][] = [];
  lines.forEach((line, li) => {
    if (withheld.has(li)) return;
    const row = new Array<number>(vars.length).fill(0);
    let any = false;
    for (const i of line) {
      const j = col.get(i);
      if (j !== undefined) {
        row[j] = 1;
        any = true;
      }
    }
    if (any) rows.push(row);
  });
  // Row-reduce.
  const pivots: { row: number[]; col: number }[] = [];
  for (const r of rows) {
    const v = [...r];
    for (const p of pivots) {
      const f = v[p.col] as number;
      if (Math.abs(f) > 1e-12)
        for (let j = 0; j < v.length; j++) v[j] = (v[j] as number) - f * (p.row[j] as number);
    }
    let c = -1;
    let best = 1e-9;
    for (let j = 0; j < v.length; j++)
      if (Math.abs(v[j] as number) > best) {
        best = Math.abs(v[j] as number);
        c = j;
      }
    if (c < 0) continue;
    const f = v[c] as number;
    for (let j = 0; j < v.length; j++) v[j] = (v[j] as number) / f;
    for (const p of pivots) {
      const g = p.row[c] as number;
      if (Math.abs(g) > 1e-12)
        for (let j = 0; j < v.length; j++) p.row[j] = (p.row[j] as number) - g * (v[j] as number);
    }
    pivots.push({ row: v, col: c });
  }
  // A unit vector e_j is in the row space iff reducing it leaves nothing.
  const out: number[] = [];
  vars.forEach((cell, j) => {
    const e = new Array<number>(vars.length).fill(0);
    e[j] = 1;
    for (const p of pivots) {
      const f = e[p.col] as number;
      if (Math.abs(f) > 1e-12)
        for (let k = 0; k < e.length; k++) e[k] = (e[k] as number) - f * (p.row[k] as number);
    }
    if (e.every((x) => Math.abs(x) < 1e-9)) out.push(cell);
  });
  void counts;
  return out;
}

export function suppressSmallCells(
  counts: readonly number[],
  lines: readonly Line[],
  minCell: number,
): SuppressionResult {
  const hidden = new Map<number, "primary" | "complementary">();
  const withheld = new Set<number>();
  counts.forEach((n, i) => {
    if (n > 0 && n < minCell) hidden.set(i, "primary");
  });
  // A total is a cell of a smaller table: one of 1 to k−1 people is withheld too, and when it is the only
  // one withheld on its axis, so is the axis's smallest other total (else the grand total gives it away).
  const lineTotal = (li: number) => (lines[li] as Line).reduce((a, i) => a + (counts[i] as number), 0);
  const axes: number[][] = [];
  {
    let covered = 0;
    let axis: number[] = [];
    for (let li = 1; li < lines.length; li++) {
      axis.push(li);
      covered += (lines[li] as Line).length;
      if (covered >= counts.length) {
        axes.push(axis);
        axis = [];
        covered = 0;
      }
    }
  }
  for (const axis of axes) {
    const small = axis.filter((li) => lineTotal(li) > 0 && lineTotal(li) < minCell);
    for (const li of small) withheld.add(li);
    if (small.length === 1) {
      const others = axis.filter((li) => !withheld.has(li)).sort((a, b) => lineTotal(a) - lineTotal(b));
      if (others[0] !== undefined) withheld.add(others[0]);
    }
  }
  if (hidden.size === 0) return { hidden, withheldLines: withheld };
  const visiblePositive = (line: Line) => line.filter((i) => !hidden.has(i) && (counts[i] as number) > 0);
  /** Among candidates, the one on another line that already hides the most (closing a rectangle), then the smallest. */
  const best = (candidates: number[], exceptLine: number) => {
    let pick = -1;
    let pickScore = -1;
    for (const i of candidates) {
      let score = 0;
      lines.forEach((line, li) => {
        if (li === exceptLine || li === 0 || withheld.has(li) || !line.includes(i)) return;
        score = Math.max(score, line.filter((j) => hidden.has(j)).length);
      });
      if (
        pick < 0 ||
        score > pickScore ||
        (score === pickScore && (counts[i] as number) < (counts[pick] as number))
      ) {
        pick = i;
        pickScore = score;
      }
    }
    return pick;
  };
  for (let round = 0; round < 4 * (counts.length + lines.length) + 1; round++) {
    // A published total over a single hidden cell gives it away: hide a partner in that line.
    const single = lines.findIndex(
      (line, li) => !withheld.has(li) && line.filter((i) => hidden.has(i)).length === 1,
    );
    if (single >= 0) {
      const line = lines[single] as Line;
      const pick = best(visiblePositive(line), single);
      if (pick >= 0) hidden.set(pick, "complementary");
      else withheld.add(single);
      continue;
    }
    // Otherwise the equations together may still determine a cell: hide a partner on one of its lines.
    const recoverable = recoverableCells(counts, new Set(hidden.keys()), lines, withheld);
    if (recoverable.length === 0) break;
    const cell = recoverable[0] as number;
    const through = lines
      .map((line, li) => ({ line, li }))
      .filter((x) => !withheld.has(x.li) && x.line.includes(cell))
      .sort((x, y) => (x.li === 0 ? 1 : 0) - (y.li === 0 ? 1 : 0));
    let done = false;
    for (const { line, li } of through) {
      const pick = best(visiblePositive(line), li);
      if (pick >= 0) {
        hidden.set(pick, "complementary");
        done = true;
        break;
      }
    }
    if (!done) for (const { li } of through) withheld.add(li);
  }
  return { hidden, withheldLines: withheld };
}
