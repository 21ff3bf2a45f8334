import type { ReactNode } from "react";
import type { Lineage, Sighting } from "../types";

/** A golden value whose lineage shows on hover or focus: where it came from and why it won. */
export function WithLineage(props: { lineage: Lineage; children: ReactNode }) {
  const l = props.lineage;
  return (
    <button type="button" className="lineage">
      {props.children}
      <span className="tip" role="tooltip">
        <b>{l.reason}</b>
        <span>
          rule <code>{l.rule}</code>
        </span>
        <span>
          from <code>{l.record}</code> ({l.source}), observed {l.observedAt.slice(0, 10)}
        </span>
        {l.records.length > 1 && (
          <span>
            held by {l.records.length} records: {l.records.join(", ")}
          </span>
        )}
      </span>
    </button>
  );
}

/** An email, phone or identifier of the union, with every record it was seen in shown on hover or focus. */
export function WithSightings(props: { seen: Sighting[]; children: ReactNode }) {
  return (
    <button type="button" className="lineage">
      {props.children}
      <span className="tip" role="tooltip">
        <b>
          seen in {props.seen.length} record{props.seen.length === 1 ? "" : "s"}
        </b>
        {props.seen.map((s) => (
          <span key={s.record}>
            <code>{s.record}</code> ({s.source}), {s.observedAt.slice(0, 10)}
          </span>
        ))}
      </span>
    </button>
  );
}
