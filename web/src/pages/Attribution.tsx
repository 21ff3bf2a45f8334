import { useMemo, useState } from "react";
import { get, post, qs } from "../api";
import { GroupedBars, seriesColours } from "../components/Charts";
import { useData, useDebounced } from "../hooks";
import type { AttributionReport } from "../types";

/**
 * Attribution: which channels (or campaigns) earn the conversions, by each chosen model, over the store's
 * journeys (`GET /v1/attribution`) — or over a journeys file uploaded here (`POST /v1/attribution`,
 * ChannelAttribution's `path;conversions;value;nulls` layout), parsed in the browser.
 */

const models = [
  ["first_touch", "first touch"],
  ["last_touch", "last touch"],
  ["linear", "linear"],
  ["time_decay", "time decay"],
  ["position_based", "position"],
  ["markov_1", "Markov 1"],
  ["markov_2", "Markov 2"],
  ["markov_3", "Markov 3"],
  ["shapley", "Shapley"],
] as const;
const labelOf = new Map<string, string>(models);
const defaultModels = [
  "first_touch",
  "last_touch",
  "linear",
  "time_decay",
  "position_based",
  "markov_1",
  "shapley",
];

/** The most groups drawn; the table below lists every one. */
const chartGroups = 14;

interface PathsFile {
  name: string;
  paths: { path: string; conversions: number; value: number; nulls: number }[];
}

/** A ChannelAttribution paths file: `path;total_conversions;total_conversion_value;total_null`, with a header. */
export function parsePaths(text: string): { paths: PathsFile["paths"]; problems: string[] } {
  const lines = text.split(/\r?\n/).filter((l) => l.trim() !== "");
  const problems: string[] = [];
  const paths: PathsFile["paths"] = [];
  const delimiter = (lines[0] ?? "").includes(";") ? ";" : ",";
  const start = /conversion|path/i.test(lines[0] ?? "") ? 1 : 0;
  for (let i = start; i < lines.length; i++) {
    const cells = (lines[i] as string).split(delimiter).map((c) => c.trim().replace(/^"|"$/g, ""));
    const [path, conv, value, nulls] = cells;
    const n = [conv, value, nulls].map((c) => (c === undefined || c === "" ? 0 : Number(c)));
    if (!path || n.some((x) => !Number.isFinite(x) || x < 0)) {
      if (problems.length < 5)
        problems.push(`line ${i + 1}: ${path ? "a count is not a number" : "no path"}`);
      continue;
    }
    paths.push({ path, conversions: n[0] as number, value: n[1] as number, nulls: n[2] as number });
  }
  return { paths, problems };
}

export function AttributionPage() {
  const [chosen, setChosen] = useState<string[]>(defaultModels);
  const [by, setBy] = useState<"channel" | "campaign">("channel");
  const [lookback, setLookback] = useState("30");
  const [events, setEvents] = useState("Order Completed");
  const [direct, setDirect] = useState(true);
  const [measure, setMeasure] = useState<"conversions" | "value">("conversions");
  const [file, setFile] = useState<PathsFile | null>(null);
  const [fileProblems, setFileProblems] = useState<string[]>([]);
  const settled = useDebounced({ chosen, by, lookback, events, direct }, 350);

  const lookbackDays = Number(settled.lookback);
  const lookbackBad = !(Number.isFinite(lookbackDays) && lookbackDays > 0);
  const report = useData<AttributionReport | null>(() => {
    if (settled.chosen.length === 0) return Promise.resolve(null);
    if (file)
      return post<AttributionReport>("/v1/attribution", {
        paths: file.paths,
        model: settled.chosen.join(","),
      });
    if (lookbackBad) return Promise.reject(new Error("the lookback window must be a number of days above 0"));
    return get<AttributionReport>(
      `/v1/attribution${qs({
        model: settled.chosen.join(","),
        by: settled.by,
        lookbackDays,
        conversionEvents: settled.events.trim() || undefined,
        direct: settled.direct ? undefined : "false",
      })}`,
    );
  }, [settled.chosen.join(","), settled.by, settled.lookback, settled.events, settled.direct, file]);

  const r = report.data;
  const shown = useMemo(() => (r ? r.models.map((m) => m.model) : []), [r]);
  // Channels by their mean credit over the models shown, largest first.
  const rows = useMemo(() => {
    if (!r) return [];
    return r.channels
      .map((channel) => {
        const values = r.models.map((m) => {
          const c = m.credits.find((x) => x.channel === channel);
          return c ? c[measure] : 0;
        });
        return { channel, values, mean: values.reduce((a, b) => a + b, 0) / Math.max(1, values.length) };
      })
      .sort((a, b) => b.mean - a.mean || a.channel.localeCompare(b.channel));
  }, [r, measure]);
  const totals = shown.map((_, i) => rows.reduce((s, row) => s + (row.values[i] ?? 0), 0));
  const fmt = (v: number) =>
    measure === "value"
      ? v.toLocaleString(undefined, { maximumFractionDigits: 0 })
      : v.toLocaleString(undefined, { maximumFractionDigits: 1 });

  const toggle = (m: string) =>
    setChosen((c) =>
      c.includes(m)
        ? c.filter((x) => x !== m)
        : models.map(([x]) => x).filter((x) => x === m || c.includes(x)),
    );

  const onFile = async (f: File | undefined) => {
    if (!f) return;
    const parsed = parsePaths(await f.text());
    setFileProblems(parsed.problems);
    setFile(parsed.paths.length > 0 ? { name: f.name, paths: parsed.paths } : null);
    if (parsed.paths.length === 0) setFileProblems((p) => [`${f.name}: no path could be read`, ...p]);
  };

  return (
    <div className="page attribution">
      <h1>Attribution</h1>
      <p className="muted">
        Which {by === "campaign" && !file ? "campaigns" : "channels"} earn the conversions: each model shares
        every conversion among the touchpoints of the journey that led to it.
      </p>
      <section className="card controls" aria-label="attribution settings">
        <fieldset className="models">
          <legend>Models</legend>
          {models.map(([m, label], i) => (
            <label key={m} className="check">
              <input type="checkbox" checked={chosen.includes(m)} onChange={() => toggle(m)} />
              <span
                className="swatch"
                style={{
                  background: chosen.includes(m)
                    ? seriesColours[chosen.indexOf(m) % seriesColours.length]
                    : "#e5e7eb",
                }}
                data-i={i}
              />
              {label}
            </label>
          ))}
        </fieldset>
        <div className="row">
          <label>
            Credit{" "}
            <select
              value={by}
              disabled={!!file}
              onChange={(e) => setBy(e.target.value as "channel" | "campaign")}
            >
              <option value="channel">channels</option>
              <option value="campaign">campaigns</option>
            </select>
          </label>
          <label>
            Lookback window{" "}
            <input
              type="number"
              min={1}
              className={lookbackBad ? "narrow invalid" : "narrow"}
              aria-label="Lookback days"
              value={lookback}
              disabled={!!file}
              onChange={(e) => setLookback(e.target.value)}
            />{" "}
            days
          </label>
          <label>
            Conversions{" "}
            <input
              aria-label="Conversion events"
              value={events}
              disabled={!!file}
              onChange={(e) => setEvents(e.target.value)}
            />
          </label>
          <label className="check">
            <input
              type="checkbox"
              checked={direct}
              disabled={!!file}
              onChange={(e) => setDirect(e.target.checked)}
            />{" "}
            direct visits
          </label>
          <span className="seg">
            <label className="check">
              <input
                type="radio"
                checked={measure === "conversions"}
                onChange={() => setMeasure("conversions")}
              />{" "}
              conversions
            </label>
            <label className="check">
              <input type="radio" checked={measure === "value"} onChange={() => setMeasure("value")} /> value
            </label>
          </span>
        </div>
        <div className="row small">
          {file ? (
            <>
              <span>
                Journeys from <b>{file.name}</b> ({file.paths.length.toLocaleString()} paths).
              </span>
              <button type="button" className="link" onClick={() => setFile(null)}>
                Back to the store's journeys
              </button>
            </>
          ) : (
            <label className="muted">
              Or a journeys file (<code>path;conversions;value;nulls</code>):{" "}
              <input
                type="file"
                accept=".csv,.txt"
                aria-label="Journeys file"
                onChange={(e) => onFile(e.target.files?.[0])}
              />
            </label>
          )}
          {fileProblems.length > 0 && <span className="error">{fileProblems.join("; ")}</span>}
        </div>
      </section>

      {chosen.length === 0 && <p className="notice warn">Choose at least one model.</p>}
      {report.error && <p className="notice warn">{report.error}</p>}
      {report.loading && !r && <div className="loading">Crediting the journeys…</div>}
      {r && (
        <>
          <div className="stats" data-testid="attribution-totals">
            <Tile label="journeys" value={r.journeys.toLocaleString()} />
            <Tile label="conversions credited" value={fmt(r.conversions)} testId="total-conversions" />
            <Tile
              label="conversion value"
              value={r.value.toLocaleString(undefined, { maximumFractionDigits: 0 })}
            />
            <Tile
              label={by === "campaign" && !file ? "campaigns" : "channels"}
              value={r.channels.length.toLocaleString()}
            />
            {r.input === "store" && (
              <Tile
                label="conversions without a touchpoint"
                value={r.conversionsWithoutTouchpoints.toLocaleString()}
                detail={`in the ${r.lookbackDays} days before them; counted, credited to nothing`}
              />
            )}
          </div>
          {r.conversions === 0 ? (
            <p className="notice" data-testid="attribution-empty">
              No conversion has a touchpoint before it
              {r.input === "store"
                ? ` within ${r.lookbackDays} days. Touchpoints are page and screen events (with campaign parameters or a referrer) and the message ledger's sends; conversions are the track events named above.`
                : "."}
            </p>
          ) : (
            <>
              <section className="card">
                <div className="card-head">
                  <h2>
                    {measure === "value" ? "Value" : "Conversions"} credited per{" "}
                    {by === "campaign" && !file ? "campaign" : "channel"}
                  </h2>
                  {report.loading && <span className="muted small">updating…</span>}
                </div>
                <GroupedBars
                  testId="attribution-chart"
                  series={shown.map((m) => labelOf.get(m) ?? m)}
                  format={fmt}
                  groups={rows
                    .slice(0, chartGroups)
                    .map((row) => ({ label: row.channel, values: row.values }))}
                />
                {rows.length > chartGroups && (
                  <p className="muted small">
                    The {chartGroups} largest of {rows.length}; the table lists every one.
                  </p>
                )}
              </section>
              <section className="card">
                <h2>Credit table</h2>
                <div className="scroll">
                  <table className="grid" data-testid="attribution-table">
                    <thead>
                      <tr>
                        <th>{by === "campaign" && !file ? "channel/campaign" : "channel"}</th>
                        {shown.map((m, i) => (
                          <th key={m} className="num">
                            <span
                              className="swatch"
                              style={{ background: seriesColours[i % seriesColours.length] }}
                            />
                            {labelOf.get(m) ?? m}
                          </th>
                        ))}
                      </tr>
                    </thead>
                    <tbody>
                      {rows.map((row) => (
                        <tr key={row.channel}>
                          <td>{row.channel}</td>
                          {row.values.map((v, i) => (
                            <td key={shown[i]} className="num">
                              {fmt(v)}
                            </td>
                          ))}
                        </tr>
                      ))}
                    </tbody>
                    <tfoot>
                      <tr data-testid="attribution-sums">
                        <th>total</th>
                        {totals.map((t, i) => (
                          <th key={shown[i]} className="num" data-value={t}>
                            {fmt(t)}
                          </th>
                        ))}
                      </tr>
                    </tfoot>
                  </table>
                </div>
                <Markov report={r} />
              </section>
            </>
          )}
        </>
      )}
    </div>
  );
}

/** The Markov models' removal effects: how much of the conversion probability is lost without a channel. */
function Markov(props: { report: AttributionReport }) {
  const markov = props.report.models.filter((m) => m.removalEffects && m.chain);
  if (markov.length === 0) return null;
  return (
    <>
      <h3>Removal effects</h3>
      <p className="muted small">
        {markov
          .map(
            (m) =>
              `${labelOf.get(m.model) ?? m.model}: ${m.chain?.states} states, P(conversion) ${((m.chain?.conversionProbability ?? 0) * 100).toFixed(1)}%`,
          )
          .join(" · ")}
      </p>
      <table className="grid small">
        <thead>
          <tr>
            <th>channel</th>
            {markov.map((m) => (
              <th key={m.model} className="num">
                {labelOf.get(m.model) ?? m.model}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {(markov[0]?.removalEffects ?? []).map((e) => (
            <tr key={e.channel}>
              <td>{e.channel}</td>
              {markov.map((m) => (
                <td key={m.model} className="num">
                  {(
                    ((m.removalEffects ?? []).find((x) => x.channel === e.channel)?.conversions ?? 0) * 100
                  ).toFixed(1)}
                  %
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}

export function Tile(props: { label: string; value: string; detail?: string; testId?: string }) {
  return (
    <div className="stat" title={props.detail} data-testid={props.testId}>
      <div className="stat-value">{props.value}</div>
      <div className="stat-label">{props.label}</div>
    </div>
  );
}
