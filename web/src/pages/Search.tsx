import { useEffect, useRef, useState } from "react";
import { get, qs } from "../api";
import { Link } from "../components/Link";
import { useData, useDebounced } from "../hooks";
import { navigate, useLocation } from "../router";
import type { ProfileHit } from "../types";

/** What a search box's text is: a golden id or type:value opens a profile; else an email, phone or name. */
export function searchQuery(text: string): { open?: string; email?: string; phone?: string; name?: string } {
  const t = text.trim();
  if (/^T-\d+$/i.test(t)) return { open: t.toUpperCase() };
  if (/^[a-z_]+:.+/i.test(t) && !t.includes("@")) return { open: t };
  if (t.includes("@")) return { email: t };
  if (/^[+(]?[\d\s().-]{6,}$/.test(t)) return { phone: t };
  return { name: t };
}

interface Overview {
  profiles: number;
  sources: { source: string; records: number }[];
  openReview: number;
}

export function SearchPage() {
  const { query } = useLocation();
  const [text, setText] = useState(query.get("q") ?? "");
  const settled = useDebounced(text, 200);
  const [hits, setHits] = useState<{ q: string; hits: ProfileHit[]; ms: number } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const input = useRef<HTMLInputElement>(null);
  const overview = useData(() => get<Overview>("/v1/overview"), []);

  useEffect(() => {
    const q = searchQuery(settled);
    if (!settled.trim() || q.open || (q.name !== undefined && q.name.length < 2)) {
      setHits(null);
      setError(null);
      return;
    }
    let live = true;
    const t0 = performance.now();
    history.replaceState(null, "", `/${qs({ q: settled.trim() })}`);
    get<{ profiles: ProfileHit[] }>(`/v1/profiles${qs({ ...q, limit: 50 })}`).then(
      (r) => {
        if (!live) return;
        setHits({ q: settled, hits: r.profiles, ms: performance.now() - t0 });
        setError(null);
      },
      (e: Error) => {
        if (!live) return;
        setHits(null);
        setError(e.message);
      },
    );
    return () => {
      live = false;
    };
  }, [settled]);

  const submit = (e: React.FormEvent) => {
    e.preventDefault();
    const q = searchQuery(text);
    if (q.open) navigate(`/profiles/${encodeURIComponent(q.open)}`);
    else if (hits?.hits.length === 1 && hits.hits[0]) navigate(`/profiles/${hits.hits[0].id}`);
  };

  return (
    <div className="page">
      <section className="hero">
        <h1>Find a person</h1>
        <form onSubmit={submit} className="search">
          <input
            ref={input}
            name="q"
            type="search"
            value={text}
            onChange={(e) => setText(e.target.value)}
            placeholder="Name, email, phone, golden id (T-42) or type:value (user_id:…)"
            aria-label="Search profiles"
            // biome-ignore lint/a11y/noAutofocus: searching is what this page is for
            autoFocus
          />
          <button type="submit" className="primary">
            Search
          </button>
        </form>
        {overview.data && (
          <div className="stats">
            <Stat label="golden profiles" value={overview.data.profiles} />
            <Stat
              label="linked records"
              value={overview.data.sources.reduce((a, s) => a + s.records, 0)}
              detail={overview.data.sources
                .map((s) => `${s.source} ${s.records.toLocaleString()}`)
                .join(" · ")}
            />
            <Link to="/review" className="stat-link">
              <Stat label="pairs to review" value={overview.data.openReview} />
            </Link>
          </div>
        )}
      </section>
      {error && <p className="error">{error}</p>}
      {hits && (
        <section>
          <p className="muted" data-testid="search-summary">
            {hits.hits.length === 0
              ? `No profile matches “${hits.q}”.`
              : `${hits.hits.length}${hits.hits.length === 50 ? "+" : ""} profiles · ${Math.round(hits.ms)} ms`}
          </p>
          {hits.hits.length > 0 && (
            <table className="grid results">
              <thead>
                <tr>
                  <th>Profile</th>
                  <th>Name</th>
                  <th>Email</th>
                  <th>Phone</th>
                  <th>Records</th>
                  <th>Sources</th>
                </tr>
              </thead>
              <tbody>
                {hits.hits.map((h) => (
                  <tr key={h.id} onClick={() => navigate(`/profiles/${h.id}`)} className="clickable">
                    <td>
                      <Link to={`/profiles/${h.id}`} className="mono">
                        {h.id}
                      </Link>
                    </td>
                    <td className="cap">{h.name ?? "—"}</td>
                    <td>{h.email ?? "—"}</td>
                    <td className="mono">{h.phone ?? "—"}</td>
                    <td className="num">{h.records}</td>
                    <td>
                      {h.sources.map((s) => (
                        <span key={s} className={`chip src-${sourceColor(s)}`}>
                          {s}
                        </span>
                      ))}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </section>
      )}
    </div>
  );
}

function Stat(props: { label: string; value: number; detail?: string }) {
  return (
    <div className="stat" title={props.detail}>
      <div className="stat-value">{props.value.toLocaleString()}</div>
      <div className="stat-label">{props.label}</div>
    </div>
  );
}

/** A stable colour slot (0–7) per source name, so a source has the same colour on every page. */
export function sourceColor(source: string): number {
  let h = 0;
  for (let i = 0; i < source.length; i++) h = (h * 31 + source.charCodeAt(i)) >>> 0;
  return h % 8;
}
