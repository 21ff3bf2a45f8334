import { useState } from "react";
import { post } from "../api";
import type { InsightAnswer } from "../types";

/**
 * Privacy-safe insights (`POST /v1/insights`, keys with the insights scope): counts (and a mean) by one or two
 * dimensions, with small cells suppressed — and the cells hidden so that they cannot be worked out from the
 * totals — or differential privacy charged to the key's budget. Hidden cells are marked, never blank.
 */

const dimensions = [
  ["age_band", "age band"],
  ["gender", "gender"],
  ["country", "country"],
  ["region", "region"],
  ["city", "city"],
  ["source", "source"],
  ["band:score:clv:0,50,100,200,500", "lifetime value band"],
] as const;
const label = new Map<string, string>(dimensions);

const keyOf = (k: Record<string, string>, by: string[]) => by.map((d) => k[d] ?? "").join("\u0000");

/** Bands in their natural order ("under 18", "18-24" … "75+"), "unknown" last, other values by name. */
function byValue(a: string, b: string): number {
  const rank = (v: string) =>
    v === "unknown" ? Number.POSITIVE_INFINITY : /^under\b/i.test(v) ? -1 : Number.parseFloat(v);
  const ra = rank(a);
  const rb = rank(b);
  if (Number.isNaN(ra) || Number.isNaN(rb))
    return Number.isNaN(ra) === Number.isNaN(rb) ? a.localeCompare(b) : Number.isNaN(ra) ? -1 : 1;
  return ra - rb;
}

export function InsightsPage() {
  const [rows, setRows] = useState("age_band");
  const [cols, setCols] = useState("gender");
  const [minCell, setMinCell] = useState("10");
  const [dp, setDp] = useState(false);
  const [epsilon, setEpsilon] = useState("0.5");
  const [withClv, setWithClv] = useState(false);
  const [answer, setAnswer] = useState<InsightAnswer | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const run = async () => {
    setBusy(true);
    setError(null);
    try {
      const by = cols && cols !== rows ? [rows, cols] : [rows];
      const k = Number(minCell);
      const a = await post<InsightAnswer>("/v1/insights", {
        by,
        measures: withClv ? ["count", "mean:score:clv"] : ["count"],
        ...(withClv ? { clip: { "score:clv": [0, 2000] } } : {}),
        protection: dp
          ? { kind: "dp", mechanism: "laplace", epsilon: Number(epsilon), delta: 1e-6 }
          : { kind: "suppression", ...(Number.isFinite(k) && minCell !== "" ? { minCell: k } : {}) },
      });
      setAnswer(a);
    } catch (e) {
      setAnswer(null);
      setError((e as Error).message);
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="page insights">
      <h1>Insights</h1>
      <p className="muted">
        Aggregates that can leave the company: no cell describes fewer than the minimum number of people, and
        no hidden cell can be worked out from the totals shown. Each release is written to the audit log.
      </p>
      <section className="card controls" aria-label="insight settings">
        <div className="row">
          <label>
            Rows{" "}
            <select aria-label="Rows" value={rows} onChange={(e) => setRows(e.target.value)}>
              {dimensions.map(([d, l]) => (
                <option key={d} value={d}>
                  {l}
                </option>
              ))}
            </select>
          </label>
          <label>
            Columns{" "}
            <select aria-label="Columns" value={cols} onChange={(e) => setCols(e.target.value)}>
              <option value="">(none)</option>
              {dimensions
                .filter(([d]) => d !== rows)
                .map(([d, l]) => (
                  <option key={d} value={d}>
                    {l}
                  </option>
                ))}
            </select>
          </label>
          <label className="check">
            <input type="checkbox" checked={withClv} onChange={(e) => setWithClv(e.target.checked)} /> mean
            lifetime value
          </label>
          <label>
            Smallest cell{" "}
            <input
              aria-label="Smallest cell"
              type="number"
              min={2}
              className="narrow"
              value={minCell}
              onChange={(e) => setMinCell(e.target.value)}
            />
          </label>
          <label className="check">
            <input type="checkbox" checked={dp} onChange={(e) => setDp(e.target.checked)} /> differential
            privacy
          </label>
          {dp && (
            <label>
              ε{" "}
              <input
                aria-label="Epsilon"
                type="number"
                step={0.1}
                min={0.01}
                className="narrow"
                value={epsilon}
                onChange={(e) => setEpsilon(e.target.value)}
              />{" "}
              <span className="muted small">(charged to this key's budget)</span>
            </label>
          )}
          <button type="button" className="primary" disabled={busy} onClick={run}>
            Release
          </button>
        </div>
      </section>
      {error && (
        <p className="notice warn" data-testid="insights-error">
          {error}
        </p>
      )}
      {answer && <Release answer={answer} />}
    </div>
  );
}

function Release(props: { answer: InsightAnswer }) {
  const a = props.answer;
  const [rowDim, colDim] = a.by as [string, string | undefined];
  const cells = new Map(a.cells.map((c) => [keyOf(c.key, a.by), c]));
  const rowValues = [...new Set(a.cells.map((c) => c.key[rowDim] ?? ""))].sort(byValue);
  const colValues = colDim ? [...new Set(a.cells.map((c) => c.key[colDim] ?? ""))].sort(byValue) : [];
  const total = (k: Record<string, string>) =>
    a.totals.find(
      (t) =>
        Object.keys(t.key).length === Object.keys(k).length &&
        Object.entries(k).every(([d, v]) => t.key[d] === v),
    );
  const mean = a.measures.find((m) => m.startsWith("mean:"))?.slice(5);
  const hidden = a.cells.filter((c) => c.suppressed).length;
  const grand = total({});
  return (
    <section className="card">
      <p className="muted small" data-testid="insights-summary">
        {a.cells.length} cells, {hidden} hidden
        {a.protection.kind === "suppression"
          ? ` (fewer than ${a.protection.minCell ?? 10} people, or needed to keep those hidden)`
          : ` · Laplace noise, ε ${a.protection.epsilon}${a.budget ? ` · budget left ε ${Number((a.budget as { remainingEpsilon?: number }).remainingEpsilon ?? Number.NaN).toFixed(2)}` : ""}`}
        {grand?.count != null ? ` · ${grand.count.toLocaleString()} people in all` : ""}
      </p>
      <div className="scroll">
        <table className="grid insights-table" data-testid="insights-table">
          <thead>
            <tr>
              <th>
                {label.get(rowDim) ?? rowDim}
                {colDim ? ` \\ ${label.get(colDim) ?? colDim}` : ""}
              </th>
              {colDim ? (
                colValues.map((v) => (
                  <th key={v} className="num">
                    {v}
                  </th>
                ))
              ) : (
                <th className="num">people</th>
              )}
              {mean && !colDim && <th className="num">mean {mean}</th>}
              {colDim && <th className="num">total</th>}
            </tr>
          </thead>
          <tbody>
            {rowValues.map((r) => (
              <tr key={r}>
                <th>{r}</th>
                {colDim ? (
                  colValues.map((c) => (
                    <Cell key={c} cell={cells.get(keyOf({ [rowDim]: r, [colDim]: c }, a.by))} mean={mean} />
                  ))
                ) : (
                  <>
                    <Cell cell={cells.get(keyOf({ [rowDim]: r }, a.by))} />
                    {mean && (
                      <td className="num">
                        {fmtMean(cells.get(keyOf({ [rowDim]: r }, a.by))?.means?.[mean])}
                      </td>
                    )}
                  </>
                )}
                {colDim && <TotalCell count={total({ [rowDim]: r })?.count} />}
              </tr>
            ))}
          </tbody>
          {colDim && (
            <tfoot>
              <tr>
                <th>total</th>
                {colValues.map((c) => (
                  <TotalCell key={c} count={total({ [colDim]: c })?.count} />
                ))}
                <TotalCell count={grand?.count} />
              </tr>
            </tfoot>
          )}
        </table>
      </div>
      <p className="small legend-line">
        <span className="cell-hidden primary">▒</span> fewer people than the smallest cell ·{" "}
        <span className="cell-hidden complementary">▒</span> hidden so that the others cannot be worked out
      </p>
      {a.notes.length > 0 && (
        <ul className="small muted">
          {a.notes.map((n) => (
            <li key={n}>{n}</li>
          ))}
        </ul>
      )}
    </section>
  );
}

const fmtMean = (v: number | null | undefined) =>
  v === null || v === undefined ? "—" : v.toLocaleString(undefined, { maximumFractionDigits: 1 });

function Cell(props: { cell: InsightAnswer["cells"][number] | undefined; mean?: string | undefined }) {
  const c = props.cell;
  if (!c)
    return (
      <td className="num muted" title="no one">
        —
      </td>
    );
  if (c.suppressed || c.count === null)
    return (
      <td
        className={`num cell-hidden ${c.suppressed ?? "primary"}`}
        data-suppressed={c.suppressed ?? "withheld"}
        title={
          c.suppressed === "complementary"
            ? "hidden so that a small cell next to it cannot be worked out from the totals"
            : "too few people to show"
        }
      >
        ▒
      </td>
    );
  const m = props.mean ? c.means?.[props.mean] : undefined;
  return (
    <td className="num" data-count={c.count}>
      {c.count.toLocaleString()}
      {props.mean && m !== undefined && <span className="muted small"> · {fmtMean(m)}</span>}
    </td>
  );
}

function TotalCell(props: { count: number | null | undefined }) {
  if (props.count === null || props.count === undefined)
    return (
      <th
        className="num cell-hidden primary"
        data-suppressed="total"
        title="withheld: it would reveal a hidden cell"
      >
        ▒
      </th>
    );
  return <th className="num">{props.count.toLocaleString()}</th>;
}
