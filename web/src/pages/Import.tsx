import { useEffect, useRef, useState } from "react";
import { ApiError, get, qs, storedKey } from "../api";
import { useData } from "../hooks";
import type { ImportJob, ImportPreview, ImportRunRow } from "../types";
import { Tile } from "./Attribution";

/**
 * Import a file: its first 256 KB give a suggested mapping (`POST /v1/imports/preview`), shown as a table a
 * steward corrects; `POST /v1/imports` checks the mapping, the file goes up (`PUT /v1/imports/:id/file`, with
 * the upload's own progress), and `GET /v1/imports/:id` is polled for the rows read until the result: what was
 * accepted, and what was quarantined and why.
 */

const previewBytes = 256 * 1024;
const targets = [
  "id",
  "observedAt",
  "name.full",
  "name.given",
  "name.family",
  "name.middle",
  "name.title",
  "email",
  "phone",
  "phone:mobile",
  "address.full",
  "address.line1",
  "address.line2",
  "address.city",
  "address.region",
  "address.postcode",
  "address.country",
  "dateOfBirth",
  "gender",
  "identifier:user_id",
  "identifier:anonymous_id",
  "identifier:order_id",
  "identifier:loyalty_number",
  "identifier:device_id",
  "text:notes",
  "ignore",
];

interface Row {
  source: string;
  target: string;
  confidence: number;
  why: string;
  examples: string[];
}

/** Sends the file with the upload's own progress (fetch cannot report it). */
function upload(url: string, file: File, onProgress: (share: number) => void): Promise<ImportJob> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open("PUT", url);
    const key = storedKey();
    if (key) xhr.setRequestHeader("authorization", `Bearer ${key}`);
    xhr.setRequestHeader("content-type", "application/octet-stream");
    xhr.upload.onprogress = (e) => e.lengthComputable && onProgress(e.loaded / e.total);
    xhr.onload = () => {
      let body: { message?: string } | ImportJob | null = null;
      try {
        body = JSON.parse(xhr.responseText);
      } catch {
        body = null;
      }
      if (xhr.status >= 200 && xhr.status < 300) resolve(body as ImportJob);
      else
        reject(new ApiError(xhr.status, (body as { message?: string } | null)?.message ?? `${xhr.status}`));
    };
    xhr.onerror = () => reject(new Error("the upload was interrupted"));
    xhr.send(file);
  });
}

async function send<T>(method: string, path: string, body: BodyInit, type: string): Promise<T> {
  const key = storedKey();
  const res = await fetch(path, {
    method,
    headers: { "content-type": type, ...(key ? { authorization: `Bearer ${key}` } : {}) },
    body,
  });
  const json = (await res.json().catch(() => null)) as (T & { message?: string; issues?: unknown }) | null;
  if (!res.ok)
    throw Object.assign(new ApiError(res.status, json?.message ?? `${res.status}`), { body: json });
  return json as T;
}

const size = (n: number) =>
  n >= 1024 * 1024
    ? `${(n / 1024 / 1024).toFixed(1)} MB`
    : n >= 1024
      ? `${(n / 1024).toFixed(0)} KB`
      : `${n} bytes`;

export function ImportPage(props: { steward: boolean }) {
  const [file, setFile] = useState<File | null>(null);
  const [preview, setPreview] = useState<ImportPreview | null>(null);
  const [rows, setRows] = useState<Row[]>([]);
  const [source, setSource] = useState("");
  const [country, setCountry] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [badFields, setBadFields] = useState<Set<string>>(new Set());
  const [phase, setPhase] = useState<"idle" | "previewing" | "uploading" | "importing" | "done">("idle");
  const [sent, setSent] = useState(0);
  const [job, setJob] = useState<ImportJob | null>(null);
  const recent = useData(() => get<{ runs: ImportRunRow[] }>("/v1/imports"), [phase === "done"]);
  const polling = useRef<number | null>(null);
  useEffect(
    () => () => {
      if (polling.current !== null) window.clearTimeout(polling.current);
    },
    [],
  );

  if (!props.steward)
    return (
      <div className="page">
        <h1>Import a file</h1>
        <p className="notice warn">Importing needs a steward key.</p>
      </div>
    );

  const choose = async (f: File | undefined) => {
    setError(null);
    setBadFields(new Set());
    setJob(null);
    setPhase("idle");
    setPreview(null);
    setFile(f ?? null);
    if (!f) return;
    setPhase("previewing");
    try {
      const head = f.slice(0, previewBytes);
      const p = await send<ImportPreview>(
        "POST",
        `/v1/imports/preview${qs({ name: f.name, partial: f.size > previewBytes ? "true" : undefined, country: country || undefined })}`,
        head,
        "application/octet-stream",
      );
      setPreview(p);
      setSource(p.source);
      setRows(p.columns.map((c) => ({ ...c, target: c.target ?? "" })));
      setPhase("idle");
    } catch (e) {
      setError((e as Error).message);
      setPhase("idle");
    }
  };

  const mapping = () => {
    const fields: Record<string, string> = {};
    for (const r of rows) if (r.target.trim()) fields[r.source] = r.target.trim();
    return {
      source,
      ...(preview?.format ? { format: preview.format } : {}),
      ...(country ? { defaultCountry: country } : {}),
      fields,
    };
  };

  const poll = (id: string) => {
    polling.current = window.setTimeout(async () => {
      try {
        const j = await get<ImportJob>(`/v1/imports/${id}`);
        setJob(j);
        if (j.status === "completed" || j.status === "failed") {
          setPhase("done");
          if (j.error) setError(j.error);
          return;
        }
      } catch (e) {
        setError((e as Error).message);
        setPhase("done");
        return;
      }
      poll(id);
    }, 250);
  };

  const start = async () => {
    if (!file) return;
    setError(null);
    setBadFields(new Set());
    try {
      const opened = await send<ImportJob & { upload: string; maxFileBytes: number }>(
        "POST",
        "/v1/imports",
        JSON.stringify({ name: file.name, mapping: mapping() }),
        "application/json",
      );
      if (file.size > opened.maxFileBytes)
        throw new Error(
          `${file.name} is ${size(file.size)}; this server takes files up to ${size(opened.maxFileBytes)}`,
        );
      setJob(opened);
      setPhase("uploading");
      setSent(0);
      const j = await upload(opened.upload, file, setSent);
      setJob(j);
      setPhase("importing");
      poll(j.id);
    } catch (e) {
      const body = (e as { body?: { issues?: { field: string }[]; field?: string } }).body;
      const fields = new Set<string>();
      for (const i of body?.issues ?? []) {
        const m = /^mapping\.fields\.(.+)$/.exec(i.field);
        if (m?.[1]) fields.add(m[1]);
      }
      setBadFields(fields);
      setError((e as Error).message);
      setPhase((p) => (p === "uploading" ? "done" : "idle"));
    }
  };

  const busy = phase === "uploading" || phase === "importing" || phase === "previewing";
  const share = phase === "uploading" ? sent : (job?.progress ?? 0);
  const result = job?.result ?? null;

  return (
    <div className="page import">
      <h1>Import a file</h1>
      <p className="muted">
        A CSV, JSON lines or Parquet file of one source: Tessera suggests how its columns map to a customer
        record; correct the targets, then import. Rows that cannot be read or mapped are quarantined with
        their reason, never dropped.
      </p>
      <section className="card">
        <div className="row">
          <label className="drop">
            <input
              type="file"
              aria-label="File to import"
              accept=".csv,.tsv,.txt,.jsonl,.ndjson,.json,.parquet,.gz"
              disabled={busy}
              onChange={(e) => choose(e.target.files?.[0])}
            />
          </label>
          {file && (
            <span className="muted">
              {file.name} · {size(file.size)}
              {preview && (
                <>
                  {" "}
                  · {preview.format}
                  {preview.encoding ? ` · ${preview.encoding}` : ""}
                  {preview.delimiter ? ` · delimiter ${JSON.stringify(preview.delimiter)}` : ""} · mapping
                  from the first {preview.sampledRows} rows
                </>
              )}
            </span>
          )}
        </div>
        {phase === "previewing" && <p className="muted">Reading the start of the file…</p>}
        {error && (
          <p className="notice warn" data-testid="import-error">
            {error}
          </p>
        )}
      </section>

      {preview && (
        <section className="card" aria-label="mapping">
          <div className="row">
            <label>
              Source{" "}
              <input
                aria-label="Source name"
                value={source}
                disabled={busy}
                onChange={(e) => setSource(e.target.value)}
              />
            </label>
            <label>
              Default country{" "}
              <input
                aria-label="Default country"
                className="narrow"
                placeholder="e.g. GB"
                maxLength={2}
                value={country}
                disabled={busy}
                onChange={(e) => setCountry(e.target.value.toUpperCase())}
              />
            </label>
          </div>
          <datalist id="mapping-targets">
            {targets.map((t) => (
              <option key={t} value={t} />
            ))}
          </datalist>
          <div className="scroll">
            <table className="grid mapping" data-testid="mapping-preview">
              <thead>
                <tr>
                  <th>column</th>
                  <th>target</th>
                  <th className="num">confidence</th>
                  <th>why</th>
                  <th>sample values</th>
                </tr>
              </thead>
              <tbody>
                {rows.map((r, i) => (
                  <tr
                    key={r.source}
                    data-column={r.source}
                    className={badFields.has(r.source) ? "invalid" : ""}
                  >
                    <td className="mono">{r.source}</td>
                    <td>
                      <input
                        list="mapping-targets"
                        aria-label={`Target of ${r.source}`}
                        value={r.target}
                        placeholder="(not kept)"
                        disabled={busy}
                        onChange={(e) =>
                          setRows((all) =>
                            all.map((x, k) => (k === i ? { ...x, target: e.target.value } : x)),
                          )
                        }
                      />
                    </td>
                    <td className="num">
                      <span
                        className={`chip small ${r.confidence >= 0.8 ? "ok" : r.confidence >= 0.4 ? "warn" : "bad"}`}
                      >
                        {(r.confidence * 100).toFixed(0)}%
                      </span>
                    </td>
                    <td className="small">{r.why}</td>
                    <td className="small mono examples">{r.examples.slice(0, 3).join(" · ")}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <div className="row">
            <button type="button" className="primary" disabled={busy || !file} onClick={start}>
              Import {file ? size(file.size) : ""}
            </button>
            <span className="muted small">
              {rows.filter((r) => r.target.trim()).length} of {rows.length} columns mapped; columns left empty
              are kept as extra.
            </span>
          </div>
        </section>
      )}

      {(phase === "uploading" ||
        phase === "importing" ||
        job?.status === "completed" ||
        job?.status === "failed") && (
        <section className="card">
          <h2>
            {phase === "uploading"
              ? "Uploading"
              : job?.status === "completed"
                ? "Imported"
                : job?.status === "failed"
                  ? "Failed"
                  : "Importing"}
          </h2>
          <div
            className={`progress ${job?.status === "failed" ? "failed" : ""}`}
            role="progressbar"
            aria-label="Import progress"
            aria-valuemin={0}
            aria-valuemax={100}
            aria-valuenow={Math.round(share * 100)}
            data-testid="import-progress"
            data-phase={phase === "uploading" ? "upload" : (job?.status ?? "")}
          >
            <div className="progress-fill" style={{ width: `${Math.round(share * 100)}%` }} />
            <span className="progress-text">
              {phase === "uploading"
                ? `sending ${Math.round(sent * 100)}%`
                : `${Math.round(share * 100)}% · ${(job?.rowsRead ?? 0).toLocaleString()} rows read${job?.estimatedRows ? ` of about ${job.estimatedRows.toLocaleString()}` : ""}${job?.quarantined ? ` · ${job.quarantined.toLocaleString()} quarantined` : ""}`}
            </span>
          </div>
          {result && (
            <div data-testid="import-result">
              <div className="stats">
                <Tile label="rows read" value={result.rowsRead.toLocaleString()} testId="result-read" />
                <Tile label="accepted" value={result.accepted.toLocaleString()} testId="result-accepted" />
                <Tile label="new records" value={result.newRecords.toLocaleString()} />
                <Tile label="new versions" value={result.newVersions.toLocaleString()} />
                <Tile label="unchanged" value={result.unchanged.toLocaleString()} />
                <Tile
                  label="quarantined"
                  value={result.quarantined.toLocaleString()}
                  testId="result-quarantined"
                />
              </div>
              <p className="muted small">
                In {result.seconds.toFixed(1)} s (run <span className="mono">{result.runId}</span>). The
                records are stored; the next resolution (<code>tessera master</code>) joins them to golden
                profiles.
              </p>
              {result.reasons.length > 0 && (
                <>
                  <h3>Why rows were quarantined</h3>
                  <table className="grid small" data-testid="quarantine-reasons">
                    <thead>
                      <tr>
                        <th>reason</th>
                        <th>field</th>
                        <th className="num">rows</th>
                        <th>for example</th>
                      </tr>
                    </thead>
                    <tbody>
                      {result.reasons.map((q) => (
                        <tr key={`${q.code}:${q.field}`}>
                          <td className="mono">{q.code}</td>
                          <td>{q.field ?? "—"}</td>
                          <td className="num">{q.rows.toLocaleString()}</td>
                          <td>{q.example}</td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                  <h3>First quarantined rows</h3>
                  <table className="grid small">
                    <tbody>
                      {result.rows.map((q) => (
                        <tr key={q.rowNumber}>
                          <td className="num">row {q.rowNumber}</td>
                          <td className="mono">{q.code}</td>
                          <td>{q.reason}</td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                </>
              )}
              {Object.keys(result.issueCounts).length > 0 && (
                <>
                  <h3>Issues on accepted records</h3>
                  <p className="small">
                    {Object.entries(result.issueCounts)
                      .sort((a, b) => b[1] - a[1])
                      .map(([code, n]) => `${code} ${n.toLocaleString()}`)
                      .join(" · ")}
                  </p>
                </>
              )}
            </div>
          )}
        </section>
      )}

      {recent.data && recent.data.runs.length > 0 && (
        <section className="card">
          <h2>Recent imports</h2>
          <table className="grid small" data-testid="recent-imports">
            <thead>
              <tr>
                <th>started</th>
                <th>source</th>
                <th>file</th>
                <th>status</th>
                <th className="num">rows</th>
                <th className="num">accepted</th>
                <th className="num">quarantined</th>
              </tr>
            </thead>
            <tbody>
              {recent.data.runs.map((r) => (
                <tr key={r.id}>
                  <td>{r.startedAt.replace("T", " ").slice(0, 16)}</td>
                  <td>{r.source}</td>
                  <td className="mono">{r.file}</td>
                  <td>{r.status}</td>
                  <td className="num">{r.rowsRead.toLocaleString()}</td>
                  <td className="num">{r.accepted.toLocaleString()}</td>
                  <td className="num">{r.quarantined.toLocaleString()}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      )}
    </div>
  );
}
