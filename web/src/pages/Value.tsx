import { get, qs } from "../api";
import { Columns, GroupedBars } from "../components/Charts";
import { Link } from "../components/Link";
import { useData } from "../hooks";
import type { ClvHoldout, ScoreDistribution, ScoreSummary } from "../types";
import { Tile } from "./Attribution";

/**
 * Lifetime value: how predicted customer lifetime value and the chance of being alive are spread over the
 * profiles (`GET /v1/scores/:name`), the customers worth most (each a link to the profile), and how the model
 * did on the months it had not seen.
 */

const money = (v: number) =>
  v >= 10_000
    ? `${(v / 1000).toFixed(0)}k`
    : v.toLocaleString(undefined, { maximumFractionDigits: v < 10 ? 1 : 0 });

function edge(v: number): string {
  if (Math.abs(v) >= 1000) return `${Number((v / 1000).toPrecision(3))}k`;
  return Number(v.toPrecision(3)).toString();
}

export function ValuePage() {
  const all = useData(() => get<{ scores: ScoreSummary[] }>("/v1/scores"), []);
  const has = (n: string) => all.data?.scores.some((s) => s.name === n) ?? false;
  const clv = useData<ScoreDistribution | null>(
    () =>
      has("clv")
        ? get<ScoreDistribution>(`/v1/scores/clv${qs({ bins: 20, top: 25 })}`)
        : Promise.resolve(null),
    [all.data],
  );
  const alive = useData<ScoreDistribution | null>(
    () =>
      has("p_alive")
        ? get<ScoreDistribution>(`/v1/scores/p_alive${qs({ bins: 20, from: 0, to: 1, top: 0 })}`)
        : Promise.resolve(null),
    [all.data],
  );

  if (all.loading) return <div className="loading">Loading the scores…</div>;
  if (all.error)
    return (
      <div className="page">
        <h1>Lifetime value</h1>
        <p className="notice warn">{all.error}</p>
      </div>
    );
  if (!has("clv"))
    return (
      <div className="page">
        <h1>Lifetime value</h1>
        <p className="notice" data-testid="value-empty">
          No profile has a lifetime value yet: run <code>tessera predict clv</code> (the demo does it for
          you).
        </p>
        <Others scores={all.data?.scores ?? []} />
      </div>
    );
  const d = clv.data;
  const holdout =
    d?.run?.evaluation && "purchases" in d.run.evaluation ? (d.run.evaluation as ClvHoldout) : null;
  return (
    <div className="page value">
      <h1>Lifetime value</h1>
      {clv.error && <p className="notice warn">{clv.error}</p>}
      {!d ? (
        <div className="loading">Loading the lifetime values…</div>
      ) : (
        <>
          <p className="muted">
            Predicted value of each customer's future purchases (BG/NBD or Pareto/NBD with Gamma-Gamma), as of
            {d.computedAt ? ` ${d.computedAt.replace("T", " ").slice(0, 16)}` : " the last run"}
            {d.run ? `, run ${d.run.id.slice(0, 12)}…` : ""}.
          </p>
          <div className="stats">
            <Tile label="profiles scored" value={d.profiles.toLocaleString()} testId="value-profiles" />
            <Tile label="total predicted value" value={money(d.sum)} />
            <Tile label="mean" value={money(d.mean)} />
            <Tile label="median" value={money(d.quantiles.p50)} />
            <Tile label="top 10% from" value={money(d.quantiles.p90)} />
            <Tile label="highest" value={money(d.max)} />
          </div>
          <div className="columns">
            <section className="card">
              <h2>Predicted lifetime value</h2>
              <Columns
                testId="clv-histogram"
                data={[
                  ...d.bins.map((b) => ({ label: edge(b.from), value: b.count })),
                  ...(d.above.count > 0 ? [{ label: `≥${edge(d.above.from)}`, value: d.above.count }] : []),
                ]}
                tone={(i) => (i >= d.bins.length ? "warn" : "plain")}
              />
              <p className="muted small">
                Profiles per bar of {edge((d.bins[0]?.to ?? 0) - (d.bins[0]?.from ?? 0))}; the last bar holds
                the
                {d.above.count > 0
                  ? ` ${d.above.count.toLocaleString()} above ${edge(d.above.from)}`
                  : " top"}
                .
              </p>
            </section>
            <section className="card">
              <h2>Chance of being alive</h2>
              {alive.data ? (
                <Columns
                  testId="alive-histogram"
                  data={alive.data.bins.map((b) => ({
                    label: b.from.toFixed(2).replace(/^0/, ""),
                    value: b.count,
                  }))}
                  tone={(i) => (i < 6 ? "bad" : i < 14 ? "warn" : "good")}
                />
              ) : (
                <p className="muted">No P(alive) scores.</p>
              )}
              <p className="muted small">
                P(alive): the chance each customer has not silently stopped buying, from how often and how
                lately they bought.
              </p>
            </section>
          </div>
          <div className="columns wide-left">
            <section className="card">
              <h2>Customers worth most</h2>
              <table className="grid" data-testid="top-customers">
                <thead>
                  <tr>
                    <th>#</th>
                    <th>profile</th>
                    <th>name</th>
                    <th className="num">lifetime value</th>
                    <th className="num">P(alive)</th>
                    <th className="num">expected purchases</th>
                    <th className="num">expected spend</th>
                  </tr>
                </thead>
                <tbody>
                  {d.top.map((t, i) => (
                    <tr key={t.id}>
                      <td className="muted">{i + 1}</td>
                      <td>
                        <Link to={`/profiles/${t.id}`} className="mono">
                          {t.id}
                        </Link>
                      </td>
                      <td>{t.name ?? "—"}</td>
                      <td className="num">{money(t.value)}</td>
                      <td className="num">
                        {t.others.p_alive === undefined ? "—" : `${(t.others.p_alive * 100).toFixed(0)}%`}
                      </td>
                      <td className="num">{t.others.expected_purchases?.toFixed(1) ?? "—"}</td>
                      <td className="num">
                        {t.others.expected_spend === undefined ? "—" : money(t.others.expected_spend)}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </section>
            <section className="card">
              <h2>How the model did on unseen months</h2>
              {holdout ? (
                <>
                  <table className="kv small">
                    <tbody>
                      <tr>
                        <th>customers</th>
                        <td>{holdout.customers.toLocaleString()}</td>
                      </tr>
                      <tr>
                        <th>repeat purchases</th>
                        <td>
                          {holdout.purchases.predicted.toFixed(0)} predicted,{" "}
                          {holdout.purchases.actual.toFixed(0)} made
                        </td>
                      </tr>
                      <tr>
                        <th>buys again (AUC)</th>
                        <td>{holdout.purchases.auc.toFixed(3)}</td>
                      </tr>
                      <tr>
                        <th>per customer</th>
                        <td>
                          MAE {holdout.purchases.mae.toFixed(2)}, correlation{" "}
                          {holdout.purchases.correlation.toFixed(2)}
                        </td>
                      </tr>
                      {holdout.revenue && (
                        <tr>
                          <th>revenue</th>
                          <td>
                            {money(holdout.revenue.predicted)} predicted, {money(holdout.revenue.actual)}{" "}
                            spent
                          </td>
                        </tr>
                      )}
                    </tbody>
                  </table>
                  <h3>Mean holdout purchases by past repeat purchases</h3>
                  <GroupedBars
                    testId="holdout-chart"
                    width={480}
                    series={["predicted", "actual"]}
                    format={(v) => v.toFixed(2)}
                    groups={holdout.purchases.byFrequency.map((f) => ({
                      label: `${f.x} (${f.customers})`,
                      values: [f.predicted, f.actual],
                    }))}
                  />
                </>
              ) : (
                <p className="muted">The run kept no holdout evaluation (the history was too short).</p>
              )}
            </section>
          </div>
          <Others scores={all.data?.scores ?? []} />
        </>
      )}
    </div>
  );
}

/** Every score the profiles carry, with its range: propensities and lookalikes live beside lifetime value. */
function Others(props: { scores: ScoreSummary[] }) {
  if (props.scores.length === 0) return null;
  return (
    <section className="card">
      <h2>Scores on profiles</h2>
      <table className="grid small" data-testid="score-list">
        <thead>
          <tr>
            <th>score</th>
            <th className="num">profiles</th>
            <th className="num">min</th>
            <th className="num">mean</th>
            <th className="num">max</th>
            <th>computed</th>
          </tr>
        </thead>
        <tbody>
          {props.scores.map((s) => (
            <tr key={s.name}>
              <td className="mono">{s.name}</td>
              <td className="num">{s.profiles.toLocaleString()}</td>
              <td className="num">{edge(s.min)}</td>
              <td className="num">{edge(s.mean)}</td>
              <td className="num">{edge(s.max)}</td>
              <td className="small">{s.computedAt?.replace("T", " ").slice(0, 16) ?? "—"}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
