import { useMemo, useState } from "react";
import { sourceColor } from "../pages/Search";
import type { ProfileDocument } from "../types";

/**
 * The identity graph of one profile, drawn as a graph: its source records (coloured by source) joined to the
 * identifiers they hold — emails, phones, user and device ids. Laid out by a small force simulation computed
 * once (deterministic: same profile, same picture).
 */

interface Node {
  id: string;
  kind: "record" | "value";
  label: string;
  detail: string;
  source?: string;
  x: number;
  y: number;
}

function graphOf(doc: ProfileDocument): { nodes: Node[]; edges: [number, number][] } {
  const nodes: Node[] = [];
  const index = new Map<string, number>();
  const add = (n: Omit<Node, "x" | "y">) => {
    const at = index.get(n.id);
    if (at !== undefined) return at;
    index.set(n.id, nodes.length);
    nodes.push({ ...n, x: 0, y: 0 });
    return nodes.length - 1;
  };
  for (const r of doc.records)
    add({
      id: `r:${r.recordKey}`,
      kind: "record",
      label: r.recordKey,
      detail: `${r.source} record`,
      source: r.source,
    });
  const edges: [number, number][] = [];
  const link = (record: string, kind: string, value: string) => {
    const ri = index.get(`r:${record}`);
    if (ri === undefined) return;
    const vi = add({ id: `v:${kind}:${value}`, kind: "value", label: value, detail: kind });
    if (!edges.some(([a, b]) => a === ri && b === vi)) edges.push([ri, vi]);
  };
  const t = doc.traits;
  if (t) {
    for (const e of t.emails) for (const s of e.seen) link(s.record, "email", e.value);
    for (const p of t.phones) for (const s of p.seen) link(s.record, "phone", p.value);
    for (const i of t.identifiers) for (const s of i.seen) link(s.record, i.type ?? "id", i.value);
  }
  for (const i of doc.identities) link(i.record, i.kind, i.value);
  return { nodes, edges };
}

function layout(nodes: Node[], edges: [number, number][], w: number, h: number): void {
  const n = nodes.length;
  nodes.forEach((node, i) => {
    const a = (2 * Math.PI * i) / Math.max(1, n);
    const r = node.kind === "record" ? 0.22 : 0.4;
    node.x = w / 2 + Math.cos(a) * w * r;
    node.y = h / 2 + Math.sin(a) * h * r;
  });
  const k = Math.sqrt((w * h) / Math.max(1, n)) * 0.85;
  for (let step = 0; step < 300; step++) {
    const dx = new Float64Array(n);
    const dy = new Float64Array(n);
    for (let i = 0; i < n; i++)
      for (let j = i + 1; j < n; j++) {
        const a = nodes[i] as Node;
        const b = nodes[j] as Node;
        let x = a.x - b.x;
        let y = a.y - b.y;
        const d2 = Math.max(1, x * x + y * y);
        const f = (k * k) / d2;
        x *= f;
        y *= f;
        dx[i] = (dx[i] as number) + x;
        dy[i] = (dy[i] as number) + y;
        dx[j] = (dx[j] as number) - x;
        dy[j] = (dy[j] as number) - y;
      }
    for (const [i, j] of edges) {
      const a = nodes[i] as Node;
      const b = nodes[j] as Node;
      const x = a.x - b.x;
      const y = a.y - b.y;
      const d = Math.max(1, Math.sqrt(x * x + y * y));
      const f = d / k;
      dx[i] = (dx[i] as number) - x * f * 0.5;
      dy[i] = (dy[i] as number) - y * f * 0.5;
      dx[j] = (dx[j] as number) + x * f * 0.5;
      dy[j] = (dy[j] as number) + y * f * 0.5;
    }
    const temp = 20 * (1 - step / 300) + 0.5;
    nodes.forEach((node, i) => {
      // A pull to the centre keeps unconnected parts on the canvas.
      const x = (dx[i] as number) + (w / 2 - node.x) * 0.05;
      const y = (dy[i] as number) + (h / 2 - node.y) * 0.05;
      const d = Math.max(1e-9, Math.sqrt(x * x + y * y));
      node.x = Math.min(w - 40, Math.max(40, node.x + (x / d) * Math.min(d, temp)));
      node.y = Math.min(h - 20, Math.max(20, node.y + (y / d) * Math.min(d, temp)));
    });
  }
}

export function IdentityGraph(props: { doc: ProfileDocument; highlight?: Set<string> }) {
  const w = 620;
  const h = 340;
  const { nodes, edges } = useMemo(() => {
    const g = graphOf(props.doc);
    layout(g.nodes, g.edges, w, h);
    return g;
  }, [props.doc]);
  const [hover, setHover] = useState<number | null>(null);
  if (nodes.length === 0) return <p className="muted">No records.</p>;
  const near = new Set<number>();
  if (hover !== null)
    for (const [a, b] of edges) if (a === hover || b === hover) near.add(a === hover ? b : a);
  return (
    <svg
      viewBox={`0 0 ${w} ${h}`}
      className="graph"
      role="img"
      aria-label="identity graph"
      data-testid="identity-graph"
    >
      {edges.map(([a, b]) => {
        const p = nodes[a] as Node;
        const q = nodes[b] as Node;
        const lit = hover === a || hover === b;
        return (
          <line key={`${a}-${b}`} x1={p.x} y1={p.y} x2={q.x} y2={q.y} className={lit ? "edge lit" : "edge"} />
        );
      })}
      {nodes.map((node, i) => {
        const dim = hover !== null && hover !== i && !near.has(i);
        const picked = props.highlight?.has(node.label);
        return (
          // biome-ignore lint/a11y/noStaticElementInteractions: hovering only highlights; the lists below hold the same facts
          <g
            key={node.id}
            transform={`translate(${node.x},${node.y})`}
            className={`node ${node.kind}${dim ? " dim" : ""}${picked ? " picked" : ""}`}
            onMouseEnter={() => setHover(i)}
            onMouseLeave={() => setHover(null)}
          >
            <title>{`${node.detail}: ${node.label}`}</title>
            {node.kind === "record" ? (
              <rect
                x={-7}
                y={-7}
                width={14}
                height={14}
                rx={3}
                className={`src-fill-${sourceColor(node.source ?? "")}`}
              />
            ) : (
              <circle r={5} className={`kind-${node.detail.replace(/[^a-z_]/gi, "")}`} />
            )}
            <text x={10} y={4}>
              {node.kind === "record" ? shortKey(node.label) : truncate(node.label, 18)}
            </text>
          </g>
        );
      })}
    </svg>
  );
}

/** `source/id` with a long id cut: the full key is in the node's title. */
function shortKey(key: string): string {
  const slash = key.indexOf("/");
  return slash < 0 ? truncate(key, 18) : `${key.slice(0, slash)}/${truncate(key.slice(slash + 1), 10)}`;
}

function truncate(s: string, n: number): string {
  return s.length > n ? `${s.slice(0, n - 1)}…` : s;
}
