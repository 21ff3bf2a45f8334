import { useState } from "react";
import { ApiError, get, post, qs } from "../api";
import { IdentityGraph } from "../components/IdentityGraph";
import { WithLineage, WithSightings } from "../components/Lineage";
import { Link } from "../components/Link";
import { useData } from "../hooks";
import { navigate } from "../router";
import type { GoldenItem, ProfileDocument, Stewardship, StoredEvent } from "../types";
import { sourceColor } from "./Search";

export function ProfilePage(props: { id: string; steward: boolean }) {
  const doc = useData(
    () => get<ProfileDocument>(`/v1/profiles/${encodeURIComponent(props.id)}?events=25`),
    [props.id],
  );
  const extra = useData(
    () =>
      doc.data
        ? get<Stewardship>(`/v1/profiles/${encodeURIComponent(doc.data.id)}/stewardship`)
        : Promise.resolve(null),
    [doc.data?.id, doc.data?.updatedAt],
  );
  const [notice, setNotice] = useState<string | null>(null);

  if (doc.loading && !doc.data) return <div className="loading">Loading {props.id}…</div>;
  if (doc.error || !doc.data)
    return (
      <div className="page">
        <p className="error">{doc.error ?? "not found"}</p>
        <Link to="/">Back to search</Link>
      </div>
    );
  const d = doc.data;
  const t = d.traits;
  const q = extra.data?.quality ?? null;
  const after = (message: string, to?: string) => {
    setNotice(message);
    if (to && to !== d.id) navigate(`/profiles/${to}`);
    else doc.reload();
  };

  return (
    <div className="page profile">
      {notice && (
        <div className="notice" role="status">
          {notice}
          <button type="button" className="link" onClick={() => setNotice(null)}>
            dismiss
          </button>
        </div>
      )}
      {d.alias && (
        <p className="muted">
          {d.requested} was merged into {d.id}; showing {d.id}.
        </p>
      )}
      <header className="profile-head">
        <div>
          <h1 data-testid="profile-name" className="cap">
            {t?.name?.value.full ?? "(no name)"}
          </h1>
          <div className="ids">
            <span className="mono big">{d.id}</span>
            {d.aliases.length > 0 && <span className="muted"> · aliases {d.aliases.join(", ")}</span>}
            <span className="muted">
              {" "}
              · {t?.records ?? d.records.length} records from {t?.sources.join(", ")} · since{" "}
              {d.createdAt.slice(0, 10)}
            </span>
          </div>
        </div>
        <div className="badges">
          {d.status !== "active" && <span className="badge bad">{d.status}</span>}
          {q && q.fakeScore >= 0.5 && (
            <span className="badge bad" title={q.fakeReasons.map((r) => r.message).join("\n")}>
              likely fake {(q.fakeScore * 100).toFixed(0)}%
            </span>
          )}
          {q?.excluded && <span className="badge bad">excluded from audiences</span>}
          {q && q.conflicts > 0 && <span className="badge warn">{q.conflicts} conflicts</span>}
          {q && (
            <span className="badge" title="share of the expected fields present">
              complete {(q.completeness * 100).toFixed(0)}%
            </span>
          )}
          {d.household && (
            <span className="badge info" title={d.household.address?.line ?? ""}>
              household {d.household.id} · {d.household.size}
            </span>
          )}
        </div>
      </header>

      <div className="columns">
        <section className="card">
          <h2>Golden values</h2>
          <p className="muted small">Hover a value to see where it came from and why it won.</p>
          <table className="kv" data-testid="golden-values">
            <tbody>
              {t?.name && (
                <tr>
                  <th>Name</th>
                  <td>
                    <WithLineage lineage={t.name.lineage}>{t.name.value.full}</WithLineage>
                  </td>
                </tr>
              )}
              {t?.dateOfBirth && (
                <tr>
                  <th>Date of birth</th>
                  <td>
                    <WithLineage lineage={t.dateOfBirth.lineage}>{t.dateOfBirth.value}</WithLineage>
                  </td>
                </tr>
              )}
              {t?.gender && (
                <tr>
                  <th>Gender</th>
                  <td>
                    <WithLineage lineage={t.gender.lineage}>{t.gender.value}</WithLineage>
                  </td>
                </tr>
              )}
              {t?.address && (
                <tr>
                  <th>Address</th>
                  <td>
                    <WithLineage lineage={t.address.lineage}>{t.address.value.line}</WithLineage>
                  </td>
                </tr>
              )}
              <Items label="Emails" items={t?.emails ?? []} />
              <Items label="Phones" items={t?.phones ?? []} />
              <Items label="Identifiers" items={t?.identifiers ?? []} />
            </tbody>
          </table>
        </section>
        <section className="card">
          <h2>Identity graph</h2>
          <IdentityGraph doc={d} />
        </section>
      </div>

      <div className="columns">
        <RecordsCard key={`${d.id}@${d.updatedAt}`} doc={d} steward={props.steward} onDone={after} />
        <section className="card">
          <h2>Scores, segments, consent</h2>
          <table className="kv">
            <tbody>
              {d.scores.map((s) => (
                <tr key={s.name}>
                  <th>{s.name}</th>
                  <td className="num">{formatScore(s.name, s.value)}</td>
                </tr>
              ))}
              {d.scores.length === 0 && (
                <tr>
                  <th>Scores</th>
                  <td className="muted">none yet (tessera predict)</td>
                </tr>
              )}
              <tr>
                <th>Segments</th>
                <td>
                  {d.segments.length === 0 ? (
                    <span className="muted">none</span>
                  ) : (
                    d.segments.map((s) => (
                      <span key={s.segmentId} className="chip" title={`since ${s.since}`}>
                        {s.name}
                      </span>
                    ))
                  )}
                </td>
              </tr>
              {Object.entries(d.computedTraits).map(([k, v]) => (
                <tr key={k}>
                  <th>{k}</th>
                  <td>{typeof v === "object" ? JSON.stringify(v) : String(v)}</td>
                </tr>
              ))}
              <tr>
                <th>Consent</th>
                <td>
                  {d.consent.length === 0 ? (
                    <span className="muted">none recorded</span>
                  ) : (
                    d.consent.map((c) => (
                      <span
                        key={`${c.purpose}/${c.channel}`}
                        className={`chip ${c.state === "granted" ? "ok" : "bad"}`}
                        title={`${c.state} ${c.at} (${c.source})`}
                      >
                        {c.purpose}
                        {c.channel ? `/${c.channel}` : ""}: {c.state}
                      </span>
                    ))
                  )}
                </td>
              </tr>
              {d.household && (
                <tr>
                  <th>Household</th>
                  <td>
                    {d.household.id}: {d.household.address?.line ?? ""} —{" "}
                    {d.household.members.map((m, i) => (
                      <span key={m.entityId}>
                        {i > 0 && ", "}
                        {m.entityId === d.id ? (
                          <b>{m.entityId}</b>
                        ) : (
                          <Link to={`/profiles/${m.entityId}`}>{m.entityId}</Link>
                        )}
                      </span>
                    ))}
                  </td>
                </tr>
              )}
            </tbody>
          </table>
          {q && q.fakeReasons.length > 0 && (
            <>
              <h3>Fake-risk reasons</h3>
              <ul className="small">
                {q.fakeReasons.map((r) => (
                  <li key={r.code}>{r.message}</li>
                ))}
              </ul>
            </>
          )}
          {(extra.data?.findings.length ?? 0) > 0 && (
            <>
              <h3>Quality findings</h3>
              <ul className="small">
                {extra.data?.findings.map((f) => (
                  <li key={f.id}>
                    <span className={`chip ${f.severity === "error" ? "bad" : "warn"}`}>{f.kind}</span>{" "}
                    {f.message}
                  </li>
                ))}
              </ul>
            </>
          )}
          {(extra.data?.decisions.length ?? 0) > 0 && (
            <>
              <h3>Steward decisions</h3>
              <ul className="small">
                {extra.data?.decisions.map((x) => (
                  <li key={x.id}>
                    {x.at.slice(0, 16).replace("T", " ")} · {x.kind} by {x.by}
                    {x.reason ? ` — ${x.reason}` : ""}
                  </li>
                ))}
              </ul>
            </>
          )}
        </section>
      </div>
      <Timeline key={`${d.id}@${d.updatedAt}`} id={d.id} first={d.events} />
    </div>
  );
}

function formatScore(name: string, v: number): string {
  if (/clv|value|spend/i.test(name)) return v.toLocaleString(undefined, { maximumFractionDigits: 2 });
  return v <= 1 && v >= 0 ? `${(v * 100).toFixed(1)}%` : v.toFixed(3);
}

function Items(props: { label: string; items: GoldenItem[] }) {
  if (props.items.length === 0) return null;
  return (
    <tr>
      <th>{props.label}</th>
      <td>
        {props.items.map((it, i) => (
          <div key={it.value} className={it.valid ? "" : "invalid"}>
            <WithSightings seen={it.seen}>{it.value}</WithSightings>
            {i === 0 && <span className="chip small">primary</span>}
            {it.type && <span className="chip small">{it.type}</span>}
            {!it.valid && <span className="chip bad small">invalid</span>}
            <span className="muted small"> · {it.seen.length}×</span>
          </div>
        ))}
      </td>
    </tr>
  );
}

function RecordsCard(props: {
  doc: ProfileDocument;
  steward: boolean;
  onDone: (m: string, to?: string) => void;
}) {
  const d = props.doc;
  const [picked, setPicked] = useState<Set<string>>(new Set());
  const [other, setOther] = useState("");
  const [reason, setReason] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const toggle = (k: string) =>
    setPicked((p) => {
      const n = new Set(p);
      if (n.has(k)) n.delete(k);
      else n.add(k);
      return n;
    });
  const run = async (what: () => Promise<void>) => {
    setBusy(true);
    setError(null);
    try {
      await what();
      setPicked(new Set());
      setOther("");
      setReason("");
    } catch (e) {
      setError(e instanceof ApiError ? e.message : String(e));
    } finally {
      setBusy(false);
    }
  };
  const split = () =>
    run(async () => {
      const r = await post<{ kept: string; other: string; revived: boolean }>(`/v1/profiles/${d.id}/split`, {
        records: [...picked],
        ...(reason ? { reason } : {}),
      });
      props.onDone(
        `Split: ${r.kept} keeps its id; ${picked.size} record${picked.size > 1 ? "s" : ""} went to ${r.other}${r.revived ? " (an old id revived)" : ""}.`,
      );
    });
  const merge = () =>
    run(async () => {
      const r = await post<{ survivor: string; alias: string }>(`/v1/profiles/${d.id}/merge`, {
        with: other.trim(),
        ...(reason ? { reason } : {}),
      });
      props.onDone(`Merged: ${r.alias} is now an alias of ${r.survivor}.`, r.survivor);
    });
  return (
    <section className="card">
      <h2>Linked source records</h2>
      <table className="grid" data-testid="records">
        <thead>
          <tr>
            {props.steward && <th />}
            <th>Record</th>
            <th>Why linked</th>
            <th>Since</th>
          </tr>
        </thead>
        <tbody>
          {d.records.map((r) => (
            <tr key={r.recordKey}>
              {props.steward && (
                <td>
                  <input
                    type="checkbox"
                    aria-label={`choose ${r.recordKey}`}
                    checked={picked.has(r.recordKey)}
                    onChange={() => toggle(r.recordKey)}
                  />
                </td>
              )}
              <td>
                <span className={`dot src-fill-${sourceColor(r.source)}`} />{" "}
                <span className="mono">{r.recordKey}</span>
              </td>
              <td className="small">{evidence(r.evidence)}</td>
              <td className="small muted">{r.linkedAt.slice(0, 10)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {props.steward && (
        <div className="actions">
          <input
            className="reason"
            placeholder="Reason (for the audit log)"
            value={reason}
            onChange={(e) => setReason(e.target.value)}
          />
          <div className="row">
            <button
              type="button"
              disabled={busy || picked.size === 0 || picked.size === d.records.length}
              onClick={split}
              title="The chosen records leave this profile; the larger part keeps the id"
            >
              Split {picked.size || ""} record{picked.size === 1 ? "" : "s"} off
            </button>
            <span className="muted small">or</span>
            <input
              className="mono"
              placeholder="T-…"
              aria-label="profile to merge with"
              value={other}
              onChange={(e) => setOther(e.target.value)}
              size={10}
            />
            <button type="button" disabled={busy || !other.trim()} onClick={merge}>
              Merge into one
            </button>
          </div>
          {error && <p className="error">{error}</p>}
        </div>
      )}
    </section>
  );
}

function evidence(e: ProfileDocument["records"][number]["evidence"]): string {
  if (e.kind === "score") return `match probability ${e.probability?.toFixed(3) ?? "?"}`;
  if (e.kind === "steward") return `${e.rule ?? "steward"} by ${e.by}`;
  if (e.kind === "rule") return `rule ${e.rule ?? ""}`;
  return "alone";
}

function Timeline(props: { id: string; first: ProfileDocument["events"] }) {
  const [pages, setPages] = useState<StoredEvent[]>(props.first.events);
  const [next, setNext] = useState(props.first.next);
  const [type, setType] = useState("");
  const load = async (reset: boolean, t = type) => {
    const r = await get<{ events: StoredEvent[]; next: string | null }>(
      `/v1/profiles/${props.id}/events${qs({ limit: 25, before: reset ? undefined : next, type: t || undefined })}`,
    );
    setPages((p) => (reset ? r.events : [...p, ...r.events]));
    setNext(r.next);
  };
  return (
    <section className="card">
      <div className="card-head">
        <h2>Events timeline</h2>
        <select
          value={type}
          aria-label="event type"
          onChange={(e) => {
            setType(e.target.value);
            void load(true, e.target.value);
          }}
        >
          <option value="">all events</option>
          <option value="track">track</option>
          <option value="page">page</option>
          <option value="identify">identify</option>
          <option value="screen">screen</option>
        </select>
      </div>
      {pages.length === 0 ? (
        <p className="muted">No events for this person yet: events arrive through the ingest API.</p>
      ) : (
        <ol className="timeline">
          {pages.map((e) => (
            <li key={e.id}>
              <time>{e.timestamp.replace("T", " ").slice(0, 19)}</time>
              <span className={`chip ev-${e.type}`}>{e.type}</span>
              <b>{e.name ?? ""}</b>
              <span className="muted small">
                {" "}
                {e.source} · {e.userId ?? e.anonymousId}
              </span>
            </li>
          ))}
        </ol>
      )}
      {next && (
        <button type="button" onClick={() => load(false)}>
          Older events
        </button>
      )}
    </section>
  );
}
