import { get } from "../api";
import { Bars, Columns } from "../components/Charts";
import { Link } from "../components/Link";
import { useData } from "../hooks";
import type { QualityAnswer } from "../types";

const tone = (v: number) => (v >= 0.9 ? "good" : v >= 0.6 ? "warn" : "bad");

export function QualityPage() {
  const q = useData(() => get<QualityAnswer>("/v1/quality"), []);
  if (q.loading) return <div className="loading">Loading the quality figures…</div>;
  if (q.error || !q.data)
    return (
      <div className="page">
        <h1>Data quality</h1>
        <p className="notice warn">{q.error}</p>
      </div>
    );
  const s = q.data.summary;
  const p = s.profiles;
  return (
    <div className="page quality">
      <h1>Data quality</h1>
      <p className="muted">
        Run {q.data.run} at {q.data.at.replace("T", " ").slice(0, 16)} over {s.records.toLocaleString()}{" "}
        records and {s.entities.toLocaleString()} profiles.
      </p>
      <div className="stats">
        <Tile label="mean profile completeness" value={`${(p.meanCompleteness * 100).toFixed(1)}%`} />
        <Tile label="profiles with conflicts" value={p.withConflicts.toLocaleString()} />
        <Tile
          label="likely fakes"
          value={s.fakes.likely.toLocaleString()}
          detail={`${s.fakes.excluded} excluded`}
        />
        <Tile label="generic values" value={s.generic.values.toLocaleString()} />
        <Tile label="likely typos" value={p.likelyTypos.toLocaleString()} />
        <Tile label="stale profiles" value={p.stale.toLocaleString()} />
      </div>
      <div className="columns">
        <section className="card">
          <h2>Profile completeness</h2>
          <Bars
            testId="completeness-chart"
            share
            tone={tone}
            data={Object.entries(p.completeness).map(([label, value]) => ({ label, value }))}
          />
        </section>
        <section className="card">
          <h2>Validity of source values</h2>
          <Bars
            share
            tone={tone}
            data={Object.entries(s.overall.validity)
              .filter(([, v]) => v.present > 0)
              .map(([label, v]) => ({
                label,
                value: v.share,
                title: `${label}: ${v.valid.toLocaleString()} valid of ${v.present.toLocaleString()}${
                  Object.keys(v.problems).length
                    ? ` — ${Object.entries(v.problems)
                        .map(([k, n]) => `${k} ${n}`)
                        .join(", ")}`
                    : ""
                }`,
              }))}
          />
        </section>
      </div>
      <div className="columns">
        <section className="card">
          <h2>Records per source</h2>
          <Bars
            data={Object.entries(s.sources).map(([label, f]) => ({
              label,
              value: f.records,
              title: `${label}: ${f.records.toLocaleString()} records, completeness ${(f.meanCompleteness * 100).toFixed(0)}%, ${f.duplicates.toLocaleString()} linked to others`,
            }))}
          />
          <h3>Mean completeness by source</h3>
          <Bars
            share
            tone={tone}
            data={Object.entries(s.sources).map(([label, f]) => ({ label, value: f.meanCompleteness }))}
          />
        </section>
        <section className="card">
          <h2>Days since a profile was last seen</h2>
          <Columns data={Object.entries(p.freshness).map(([label, value]) => ({ label, value }))} />
          <h2>Fake-risk scores</h2>
          <Columns
            testId="fake-histogram"
            tone={(i) => (i / 10 >= s.fakes.threshold ? "bad" : "plain")}
            data={s.fakes.scoreHistogram.map((value, i) => ({ label: (i / 10).toFixed(1), value }))}
          />
        </section>
      </div>
      <div className="columns">
        <section className="card">
          <h2>Riskiest profiles</h2>
          {q.data.riskiest.length === 0 ? (
            <p className="muted">No profile scores 0.3 or more.</p>
          ) : (
            <table className="grid">
              <tbody>
                {q.data.riskiest.map((r) => (
                  <tr key={r.id}>
                    <td>
                      <Link to={`/profiles/${r.id}`} className="mono">
                        {r.id}
                      </Link>
                    </td>
                    <td>{r.name ?? "—"}</td>
                    <td className="num">{(r.fakeScore * 100).toFixed(0)}%</td>
                    <td className="small">{r.reasons.map((x) => x.message).join("; ")}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </section>
        <section className="card">
          <h2>Generic values (never link people)</h2>
          <table className="grid">
            <tbody>
              {s.generic.top.slice(0, 12).map((g) => (
                <tr key={`${g.feature}:${g.value}`}>
                  <td>{g.feature}</td>
                  <td className="mono">{g.value}</td>
                  <td className="num">{g.entities.toLocaleString()} profiles</td>
                </tr>
              ))}
            </tbody>
          </table>
          {Object.keys(p.conflictsByField).length > 0 && (
            <>
              <h3>Conflicts by field</h3>
              <Bars data={Object.entries(p.conflictsByField).map(([label, value]) => ({ label, value }))} />
            </>
          )}
        </section>
      </div>
    </div>
  );
}

function Tile(props: { label: string; value: string; detail?: string }) {
  return (
    <div className="stat" title={props.detail}>
      <div className="stat-value">{props.value}</div>
      <div className="stat-label">{props.label}</div>
    </div>
  );
}
