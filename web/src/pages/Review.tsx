import { useCallback, useEffect, useRef, useState } from "react";
import { ApiError, get, post, qs } from "../api";
import { Link } from "../components/Link";
import { Waterfall } from "../components/Waterfall";
import { useData } from "../hooks";
import { navigate } from "../router";
import type { ReviewDetail, ReviewListItem } from "../types";
import { sourceColor } from "./Search";

/**
 * The steward's review queue: the pair the model is least sure of, its two records side by side with their
 * differences highlighted and the match explanation as a waterfall; A accepts, R rejects, S skips, J/K move.
 */

const skippedKey = "tessera.skipped";

function loadSkipped(): number[] {
  try {
    return JSON.parse(sessionStorage.getItem(skippedKey) ?? "[]") as number[];
  } catch {
    return [];
  }
}

export function ReviewPage(props: { steward: boolean; itemId: number | null }) {
  const [skipped, setSkipped] = useState<number[]>(loadSkipped);
  const list = useData(
    () =>
      get<{ open: number; items: ReviewListItem[] }>(
        `/v1/review${qs({ limit: 50, exclude: skipped.join(",") })}`,
      ),
    [skipped.join(",")],
  );
  const items = list.data?.items ?? [];
  const currentId = props.itemId ?? items[0]?.id ?? null;
  const detail = useData(
    () => (currentId ? get<ReviewDetail>(`/v1/review/${currentId}`) : Promise.resolve(null)),
    [currentId],
  );
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const at = items.findIndex((i) => i.id === currentId);

  const go = useCallback((id: number | null | undefined) => navigate(id ? `/review/${id}` : "/review"), []);

  const decide = useCallback(
    async (action: "accept" | "reject" | "skip") => {
      if (!currentId || busy || !props.steward) return;
      setBusy(true);
      setError(null);
      try {
        const following = items[at + 1]?.id ?? items[at - 1]?.id ?? null;
        if (action === "skip") {
          await post(`/v1/review/${currentId}/skip`);
          const s = [...skipped, currentId];
          sessionStorage.setItem(skippedKey, JSON.stringify(s));
          setSkipped(s);
          setMessage(`Skipped item ${currentId}.`);
        } else {
          const r = await post<{ status: string; merge?: { survivor: string; alias: string } }>(
            `/v1/review/${currentId}/${action}`,
          );
          setMessage(
            r.status === "accepted" && r.merge
              ? `Accepted item ${currentId}: ${r.merge.alias} merged into ${r.merge.survivor}.`
              : r.status === "rejected"
                ? `Rejected item ${currentId}: not a match, remembered.`
                : `Item ${currentId}: the records are already one profile; closed.`,
          );
          list.reload();
        }
        go(following);
      } catch (e) {
        setError(e instanceof ApiError ? e.message : String(e));
        list.reload();
      } finally {
        setBusy(false);
      }
    },
    [currentId, busy, props.steward, items, at, skipped, list, go],
  );

  const keys = useRef(decide);
  keys.current = decide;
  useEffect(() => {
    const on = (e: KeyboardEvent) => {
      const el = e.target as HTMLElement | null;
      if (el && (el.tagName === "INPUT" || el.tagName === "TEXTAREA" || el.tagName === "SELECT")) return;
      if (e.metaKey || e.ctrlKey || e.altKey) return;
      const k = e.key.toLowerCase();
      if (k === "a") void keys.current("accept");
      else if (k === "r") void keys.current("reject");
      else if (k === "s") void keys.current("skip");
      else if (k === "j" || e.key === "ArrowDown") go(items[at + 1]?.id ?? currentId);
      else if (k === "k" || e.key === "ArrowUp") go(items[at - 1]?.id ?? currentId);
      else return;
      e.preventDefault();
    };
    window.addEventListener("keydown", on);
    return () => window.removeEventListener("keydown", on);
  }, [items, at, currentId, go]);

  return (
    <div className="page review">
      <aside className="queue">
        <div className="queue-head">
          <h2>Review queue</h2>
          <span className="muted small" data-testid="open-count">
            {list.data ? `${list.data.open.toLocaleString()} open` : ""}
          </span>
        </div>
        {skipped.length > 0 && (
          <button
            type="button"
            className="link small"
            onClick={() => {
              sessionStorage.removeItem(skippedKey);
              setSkipped([]);
            }}
          >
            show {skipped.length} skipped again
          </button>
        )}
        <ol>
          {items.map((i) => (
            <li key={i.id} className={i.id === currentId ? "current" : ""}>
              <Link to={`/review/${i.id}`}>
                <span className="pct">{(i.probability * 100).toFixed(0)}%</span>
                <span className="names cap">
                  {i.leftName ?? i.leftEntity}
                  <br />
                  {i.rightName ?? i.rightEntity}
                </span>
              </Link>
            </li>
          ))}
        </ol>
        {list.data && items.length === 0 && <p className="muted">Nothing left to review.</p>}
      </aside>
      <section className="pair">
        {message && (
          <div className="notice" role="status" data-testid="review-message">
            {message}
          </div>
        )}
        {error && <p className="error">{error}</p>}
        {!props.steward && (
          <p className="notice warn">Signed in with a read key: you can look, not decide.</p>
        )}
        {detail.data ? (
          <PairView d={detail.data} steward={props.steward} busy={busy} decide={decide} />
        ) : detail.error ? (
          <p className="error">{detail.error}</p>
        ) : list.data && items.length === 0 ? (
          <div className="empty">
            <h1>All reviewed</h1>
            <p>No uncertain pairs wait for a decision. New ones appear after the next master run.</p>
          </div>
        ) : (
          <div className="loading">Loading…</div>
        )}
      </section>
    </div>
  );
}

function PairView(props: {
  d: ReviewDetail;
  steward: boolean;
  busy: boolean;
  decide: (a: "accept" | "reject" | "skip") => void;
}) {
  const { d } = props;
  const open = d.item.status === "open";
  return (
    <div data-testid="review-item" data-item={d.item.id}>
      <div className="pair-head">
        <div>
          <h1>
            Are these one person? <span className="muted">item {d.item.id}</span>
          </h1>
          <p className="muted">
            Match probability <b>{(d.item.probability * 100).toFixed(1)}%</b> · a decision touches{" "}
            {d.item.impact} records
            {!open && <> · already {d.item.status}</>}
          </p>
        </div>
        {props.steward && open && (
          <div className="decide">
            <button
              type="button"
              className="accept"
              disabled={props.busy}
              onClick={() => props.decide("accept")}
            >
              Accept <kbd>A</kbd>
            </button>
            <button
              type="button"
              className="reject"
              disabled={props.busy}
              onClick={() => props.decide("reject")}
            >
              Reject <kbd>R</kbd>
            </button>
            <button type="button" disabled={props.busy} onClick={() => props.decide("skip")}>
              Skip <kbd>S</kbd>
            </button>
          </div>
        )}
      </div>
      <table className="grid side" data-testid="side-by-side">
        <thead>
          <tr>
            <th />
            {[d.left, d.right].map((s) => (
              <th key={s.key}>
                <span className={`dot src-fill-${sourceColor(s.source)}`} />{" "}
                <span className="mono">{s.key}</span>
                <div className="small muted">
                  in <Link to={`/profiles/${s.entity}`}>{s.entity}</Link>
                  {s.profile ? ` · ${s.profile.name ?? ""} · ${s.profile.records} records` : ""}
                </div>
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {d.fields.map((f) =>
            f.left.length === 0 && f.right.length === 0 ? null : (
              <tr key={f.field} className={`agree-${f.agreement}`}>
                <th>
                  {f.field}
                  <span className="agreement">{f.agreement}</span>
                </th>
                <td>{values(f.left, f.right)}</td>
                <td>{values(f.right, f.left)}</td>
              </tr>
            ),
          )}
        </tbody>
      </table>
      <h2>Why the model is unsure</h2>
      {d.explanation ? (
        <>
          <Waterfall explanation={d.explanation} />
          <p className="muted small">
            Each bar is a comparison's evidence in bits (log2 of how much likelier the agreement is among
            matches than among non-matches); the total gives probability{" "}
            {(d.explanation.probability * 100).toFixed(2)}%.
          </p>
        </>
      ) : (
        <p className="muted">No explanation was stored for this pair.</p>
      )}
    </div>
  );
}

/** A side's values, each marked when the other side does not have it. */
function values(mine: string[], theirs: string[]) {
  if (mine.length === 0) return <span className="muted">—</span>;
  const other = new Set(theirs);
  return mine.map((v) => (
    <div key={v} className={other.has(v) ? "same" : theirs.length > 0 ? "diff" : ""}>
      {v}
    </div>
  ));
}
