import { useEffect, useMemo, useState } from "react";
import { ApiError, get, post } from "../api";
import { Link } from "../components/Link";
import { useData, useDebounced } from "../hooks";
import type { Rule } from "../types";

/**
 * Audiences: a rule builder over the segments API (`POST /v1/segments/estimate` for the live size,
 * `POST /v1/segments` to save, `GET /v1/segments/:id/members`). Conditions on golden traits, events, scores,
 * consent and computed traits, joined by all or any, each negatable.
 */

type Kind = "trait" | "event" | "score" | "consent" | "computed";

interface Condition {
  id: number;
  kind: Kind;
  negate: boolean;
  field: string;
  op: string;
  value: string;
  did: boolean;
  atLeast: string;
  withinDays: string;
  channel: string;
  state: string;
}

const ops = ["eq", "neq", "in", "contains", "startsWith", "gt", "gte", "lt", "lte", "exists", "missing"];
const opLabel: Record<string, string> = {
  eq: "is",
  neq: "is not",
  in: "is one of",
  contains: "contains",
  startsWith: "starts with",
  gt: ">",
  gte: "≥",
  lt: "<",
  lte: "≤",
  exists: "is present",
  missing: "is missing",
};
const traitSuggestions = [
  "city",
  "country",
  "region",
  "postcode",
  "gender",
  "age",
  "email",
  "phone",
  "sources",
  "records",
];

let nextId = 1;
function blank(kind: Kind = "trait"): Condition {
  return {
    id: nextId++,
    kind,
    negate: false,
    field:
      kind === "event" ? "Order Completed" : kind === "score" ? "clv" : kind === "consent" ? "marketing" : "",
    op: kind === "score" ? "gte" : "eq",
    value: "",
    did: true,
    atLeast: "",
    withinDays: "",
    channel: "",
    state: "granted",
  };
}

function typed(v: string): unknown {
  const t = v.trim();
  if (t !== "" && !Number.isNaN(Number(t))) return Number(t);
  if (t === "true" || t === "false") return t === "true";
  return t;
}

function toRule(c: Condition): Rule | null {
  let r: Rule | null = null;
  if (c.kind === "trait" || c.kind === "computed") {
    if (!c.field.trim()) return null;
    const valued = c.op !== "exists" && c.op !== "missing";
    if (valued && c.value.trim() === "") return null;
    const value = c.op === "in" ? c.value.split(",").map((s) => typed(s)) : typed(c.value);
    r =
      c.kind === "trait"
        ? { trait: c.field.trim(), op: c.op, ...(valued ? { value } : {}) }
        : { computed: c.field.trim(), op: c.op, ...(valued ? { value } : {}) };
  } else if (c.kind === "event") {
    if (!c.field.trim()) return null;
    r = {
      event: c.field.trim(),
      did: c.did,
      ...(c.atLeast ? { atLeast: Number(c.atLeast) } : {}),
      ...(c.withinDays ? { withinDays: Number(c.withinDays) } : {}),
    };
  } else if (c.kind === "score") {
    if (!c.field.trim() || c.value.trim() === "" || Number.isNaN(Number(c.value))) return null;
    r = { score: c.field.trim(), op: c.op, value: Number(c.value) };
  } else if (c.kind === "consent") {
    if (!c.field.trim()) return null;
    r = {
      consent: { purpose: c.field.trim(), ...(c.channel ? { channel: c.channel } : {}), state: c.state },
    };
  }
  return r && c.negate ? { not: r } : r;
}

interface Segment {
  id: string;
  name: string;
  size?: number;
  rule?: Rule;
  updatedAt?: string;
}

export function SegmentsPage() {
  const [name, setName] = useState("");
  const [join, setJoin] = useState<"all" | "any">("all");
  const [conditions, setConditions] = useState<Condition[]>(() => [blank()]);
  const [estimate, setEstimate] = useState<{ size: number; total: number; ms: number } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [saved, setSaved] = useState<string | null>(null);
  const [open, setOpen] = useState<string | null>(null);
  const list = useData(() => get<{ segments: Segment[] }>("/v1/segments"), []);

  const parts = conditions.map(toRule).filter((r): r is Rule => r !== null);
  const rule: Rule | null = parts.length === 0 ? null : join === "all" ? { all: parts } : { any: parts };
  const ruleText = JSON.stringify(rule);
  const settled = useDebounced(ruleText, 300);

  useEffect(() => {
    const r = JSON.parse(settled) as Rule | null;
    if (!r) {
      setEstimate(null);
      return;
    }
    let live = true;
    post<{ size: number; total: number; ms: number }>("/v1/segments/estimate", { rule: r }).then(
      (e) => {
        if (!live) return;
        setEstimate(e);
        setError(null);
      },
      (e: Error) => {
        if (!live) return;
        setEstimate(null);
        setError(
          e instanceof ApiError && e.status === 404
            ? "This server has no segments API yet (POST /v1/segments/estimate answered 404)."
            : e.message,
        );
      },
    );
    return () => {
      live = false;
    };
  }, [settled]);

  const update = (id: number, patch: Partial<Condition>) =>
    setConditions((cs) => cs.map((c) => (c.id === id ? { ...c, ...patch } : c)));

  const save = async () => {
    if (!rule || !name.trim()) return;
    setError(null);
    try {
      const s = await post<Segment>("/v1/segments", { name: name.trim(), rule });
      setSaved(
        `Saved segment “${s.name ?? name}”${s.size !== undefined ? ` with ${s.size.toLocaleString()} people` : ""}.`,
      );
      list.reload();
    } catch (e) {
      setError((e as Error).message);
    }
  };

  return (
    <div className="page segments">
      <h1>Audiences</h1>
      <div className="columns wide-left">
        <section className="card builder">
          <h2>Build a segment</h2>
          <label className="field">
            Name
            <input
              name="segment-name"
              value={name}
              onChange={(e) => setName(e.target.value)}
              placeholder="e.g. Loyal buyers in Berlin"
            />
          </label>
          <div className="row">
            People who match
            <select aria-label="join" value={join} onChange={(e) => setJoin(e.target.value as "all" | "any")}>
              <option value="all">all</option>
              <option value="any">any</option>
            </select>
            of these conditions:
          </div>
          <ol className="conditions">
            {conditions.map((c) => (
              <li key={c.id} data-testid="condition">
                <select
                  aria-label="kind"
                  value={c.kind}
                  onChange={(e) => update(c.id, { ...blank(e.target.value as Kind), id: c.id })}
                >
                  <option value="trait">trait</option>
                  <option value="event">event</option>
                  <option value="score">score</option>
                  <option value="consent">consent</option>
                  <option value="computed">computed trait</option>
                </select>
                <label className="not">
                  <input
                    type="checkbox"
                    checked={c.negate}
                    onChange={(e) => update(c.id, { negate: e.target.checked })}
                  />{" "}
                  not
                </label>
                <ConditionFields c={c} update={(p) => update(c.id, p)} />
                <button
                  type="button"
                  className="link"
                  aria-label="remove condition"
                  onClick={() =>
                    setConditions((cs) => (cs.length > 1 ? cs.filter((x) => x.id !== c.id) : [blank()]))
                  }
                >
                  ✕
                </button>
              </li>
            ))}
          </ol>
          <button type="button" onClick={() => setConditions((cs) => [...cs, blank()])}>
            + Add condition
          </button>
          <div className="estimate" data-testid="segment-size">
            {estimate ? (
              <>
                <div className="size">
                  <b>{estimate.size.toLocaleString()}</b> of {estimate.total.toLocaleString()} people
                  <span className="muted small"> · counted in {Math.round(estimate.ms)} ms</span>
                </div>
                <div className="meter">
                  <div style={{ width: `${(100 * estimate.size) / Math.max(1, estimate.total)}%` }} />
                </div>
              </>
            ) : (
              <span className="muted">
                {!rule
                  ? "Add a condition to see how many people match."
                  : error
                    ? "Not counted."
                    : "Counting…"}
              </span>
            )}
          </div>
          {error && <p className="error">{error}</p>}
          {saved && (
            <p className="notice" role="status">
              {saved}
            </p>
          )}
          <div className="row">
            <button type="button" className="primary" disabled={!rule || !name.trim()} onClick={save}>
              Save segment
            </button>
          </div>
          <details>
            <summary className="muted small">Rule as JSON (what the API receives)</summary>
            <pre className="small">{JSON.stringify(rule, null, 2)}</pre>
          </details>
        </section>
        <section className="card">
          <h2>Segments</h2>
          {list.error ? (
            <p className="muted">{list.error}</p>
          ) : (
            <ul className="segment-list">
              {(list.data?.segments ?? []).map((s) => (
                <li key={s.id}>
                  <button type="button" className="link" onClick={() => setOpen(open === s.id ? null : s.id)}>
                    {s.name}
                  </button>
                  {s.size !== undefined && <span className="muted small"> · {s.size.toLocaleString()}</span>}
                  {open === s.id && <Members id={s.id} />}
                </li>
              ))}
              {list.data?.segments.length === 0 && <li className="muted">None yet.</li>}
            </ul>
          )}
        </section>
      </div>
    </div>
  );
}

function ConditionFields(props: { c: Condition; update: (p: Partial<Condition>) => void }) {
  const { c, update } = props;
  const valued = c.op !== "exists" && c.op !== "missing";
  if (c.kind === "event")
    return (
      <>
        <select
          aria-label="did"
          value={String(c.did)}
          onChange={(e) => update({ did: e.target.value === "true" })}
        >
          <option value="true">did</option>
          <option value="false">did not do</option>
        </select>
        <input
          aria-label="event name"
          value={c.field}
          onChange={(e) => update({ field: e.target.value })}
          placeholder="Order Completed"
        />
        <input
          aria-label="at least"
          className="short"
          value={c.atLeast}
          onChange={(e) => update({ atLeast: e.target.value })}
          placeholder="times"
        />
        <input
          aria-label="within days"
          className="short"
          value={c.withinDays}
          onChange={(e) => update({ withinDays: e.target.value })}
          placeholder="in days"
        />
      </>
    );
  if (c.kind === "consent")
    return (
      <>
        <input
          aria-label="purpose"
          value={c.field}
          onChange={(e) => update({ field: e.target.value })}
          placeholder="purpose"
        />
        <input
          aria-label="channel"
          className="short"
          value={c.channel}
          onChange={(e) => update({ channel: e.target.value })}
          placeholder="channel"
        />
        <select aria-label="state" value={c.state} onChange={(e) => update({ state: e.target.value })}>
          <option value="granted">granted</option>
          <option value="denied">denied</option>
          <option value="revoked">revoked</option>
        </select>
      </>
    );
  return (
    <>
      <input
        aria-label="field"
        list={c.kind === "trait" ? "trait-names" : undefined}
        value={c.field}
        onChange={(e) => update({ field: e.target.value })}
        placeholder={c.kind === "score" ? "clv" : "city"}
      />
      <datalist id="trait-names">
        {traitSuggestions.map((t) => (
          <option key={t} value={t} />
        ))}
      </datalist>
      <select aria-label="operator" value={c.op} onChange={(e) => update({ op: e.target.value })}>
        {(c.kind === "score" ? ops.filter((o) => /^(gt|gte|lt|lte|eq)$/.test(o)) : ops).map((o) => (
          <option key={o} value={o}>
            {opLabel[o]}
          </option>
        ))}
      </select>
      {valued && (
        <input
          aria-label="value"
          value={c.value}
          onChange={(e) => update({ value: e.target.value })}
          placeholder={c.op === "in" ? "a, b, c" : "value"}
        />
      )}
    </>
  );
}

function Members(props: { id: string }) {
  const m = useData(
    () =>
      get<{ members: { id: string; name?: string | null }[]; total?: number }>(
        `/v1/segments/${encodeURIComponent(props.id)}/members?limit=20`,
      ),
    [props.id],
  );
  const members = useMemo(() => m.data?.members ?? [], [m.data]);
  if (m.error) return <p className="error small">{m.error}</p>;
  return (
    <ul className="members small">
      {members.map((x) => (
        <li key={x.id}>
          <Link to={`/profiles/${x.id}`}>{x.id}</Link> {x.name ?? ""}
        </li>
      ))}
    </ul>
  );
}
