import { randomUUID } from "node:crypto";
import { createWriteStream } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { basename, extname, join } from "node:path";
import { Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import type {} from "@fastify/swagger";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { type ImportReport, importSource } from "../jobs/import-source.js";
import type { ProgressReporter } from "../jobs/progress.js";
import { type CompiledMapping, compileMapping, MappingError } from "../mapping/compile-mapping.js";
import { suggestMapping } from "../mapping/suggest-mapping.js";
import { sourceFormat } from "../model/mapping.js";
import { SourceError } from "../sources/errors.js";
import { formatOfPath, sampleSource } from "../sources/open-source.js";
import { listImportRuns } from "../store/import-runs.js";
import type { Store } from "../store/open-store.js";
import { listQuarantine } from "../store/quarantine.js";
import { type KeyRing, requireKey } from "./auth.js";

/**
 * Imports from the console (steward keys): a file's first kilobytes give a suggested mapping to review
 * (`POST /v1/imports/preview`); `POST /v1/imports` checks the reviewed mapping and opens a job; the file is then
 * streamed to a temporary file of the server's own (`PUT /v1/imports/:id/file`, never a path the client names)
 * and imported by `importSource`, while `GET /v1/imports/:id` tells how far it has got and, at the end, what
 * was accepted and what was quarantined and why. Jobs live in this process's memory (the store keeps the
 * import run itself); the temporary file is removed when the import ends.
 */

export interface ImportJobResult {
  runId: string;
  rowsRead: number;
  accepted: number;
  newRecords: number;
  newVersions: number;
  unchanged: number;
  quarantined: number;
  seconds: number;
  issueCounts: Record<string, number>;
  /** Quarantined rows by reason code and field, most first. */
  reasons: { code: string; field: string | null; rows: number; example: string }[];
  /** The first quarantined rows (row number and reason; never the raw row). */
  rows: { rowNumber: number; code: string; field: string | null; reason: string }[];
}

export interface ImportJob {
  id: string;
  status: "waiting" | "uploading" | "running" | "completed" | "failed";
  source: string;
  fileName: string;
  format: string | null;
  bytes: number;
  /** Rows the file should hold, from its line count (null for Parquet and documents); progress is rowsRead/it. */
  estimatedRows: number | null;
  rowsRead: number;
  quarantined: number;
  /** 0…1 while running (never 1 before the end), 1 when completed. */
  progress: number;
  createdAt: string;
  finishedAt: string | null;
  result: ImportJobResult | null;
  error: string | null;
}

interface JobState extends ImportJob {
  mapping: CompiledMapping;
  dir: string | null;
  done: Promise<void> | null;
}

export interface ImportRouteOptions {
  /** Largest file accepted (default 100 MiB, or $TESSERA_IMPORT_MAX_BYTES). */
  maxFileBytes?: number;
  /** Largest preview body (default 1 MiB). */
  maxPreviewBytes?: number;
}

const sourceName = /^[a-z0-9][a-z0-9_.-]*$/i;
const lineBased = new Set(["csv", "jsonl", "clickstream", "chat"]);
const keptJobs = 100;
const waitingMs = 15 * 60_000;

class BadInput extends Error {
  constructor(
    readonly field: string,
    message: string,
    readonly status = 400,
  ) {
    super(`${field}: ${message}`);
  }
}

/** A file name as sent, reduced to a safe base name inside our own temporary directory. */
function safeFileName(name: unknown): string {
  if (typeof name !== "string" || name.trim() === "")
    throw new BadInput("name", "the file's name is required (it says the format: .csv, .jsonl, .parquet…)");
  const base = basename(name.replace(/\\/g, "/"))
    .replace(/[^A-Za-z0-9._-]+/g, "_")
    .replace(/^[.]+/, "");
  if (base === "" || base.length > 120)
    throw new BadInput("name", `"${name.slice(0, 40)}" is not a usable file name`);
  return base;
}

function formatOf(fileName: string, given: unknown): string {
  if (given !== undefined && given !== null && given !== "") {
    const f = sourceFormat.safeParse(given);
    if (!f.success) throw new BadInput("format", `must be one of ${sourceFormat.options.join(", ")}`);
    return f.data;
  }
  const f = formatOfPath(fileName);
  if (!f)
    throw new BadInput(
      "name",
      `the format of "${fileName}" is unknown: use a .csv, .tsv, .txt, .jsonl, .ndjson, .json, .parquet, .eml, .mbox or .log file, or name the format`,
    );
  return f;
}

function checkSource(source: unknown, field = "source"): string {
  if (typeof source !== "string" || !sourceName.test(source) || source.length > 64)
    throw new BadInput(
      field,
      `the source name must be 1–64 letters, digits, "_", "." or "-", starting with a letter or digit${typeof source === "string" ? ` (not "${source.slice(0, 40)}")` : ""}`,
    );
  return source;
}

function defaultSource(fileName: string): string {
  const s = basename(fileName, extname(fileName.replace(/\.gz$/i, "")))
    .replace(/\.gz$/i, "")
    .toLowerCase()
    .replace(/[^a-z0-9_.-]+/g, "_")
    .replace(/^[^a-z0-9]+/, "")
    .slice(0, 64);
  return s || "upload";
}

function publicJob(j: JobState): ImportJob {
  const { mapping: _m, dir: _d, done: _p, ...job } = j;
  return job;
}

export async function registerImportRoutes(
  app: FastifyInstance,
  ctx: { store: Store; keys: KeyRing },
  options: ImportRouteOptions = {},
): Promise<void> {
  const { store, keys } = ctx;
  const maxFileBytes =
    options.maxFileBytes ?? (Number(process.env.TESSERA_IMPORT_MAX_BYTES) || 100 * 1024 * 1024);
  const maxPreviewBytes = options.maxPreviewBytes ?? 1024 * 1024;
  const jobs = new Map<string, JobState>();

  const forget = () => {
    const now = Date.now();
    for (const [id, j] of jobs)
      if (j.status === "waiting" && now - Date.parse(j.createdAt) > waitingMs) jobs.delete(id);
    const finished = [...jobs.values()].filter((j) => j.status === "completed" || j.status === "failed");
    for (const j of finished.slice(0, Math.max(0, finished.length - keptJobs))) jobs.delete(j.id);
  };

  const steward = (request: FastifyRequest, reply: FastifyReply) =>
    requireKey(keys, request, reply, "steward");
  const answer = (reply: FastifyReply, e: unknown) => {
    if (e instanceof BadInput)
      return reply.code(e.status).send({ error: "bad request", field: e.field, message: e.message });
    if (e instanceof MappingError)
      return reply.code(400).send({
        error: "bad request",
        field: "mapping",
        message: e.message,
        issues: e.issues.map((i) => ({
          field: i.field ? `mapping.${i.field}` : "mapping",
          message: i.message,
        })),
      });
    if (e instanceof SourceError)
      return reply.code(400).send({ error: "bad request", field: "file", message: e.message });
    throw e;
  };
  const tooLarge = (limit: number) => (error: Error & { code?: string; statusCode?: number }) =>
    error.code === "FST_ERR_CTP_BODY_TOO_LARGE"
      ? {
          status: 413,
          body: { error: "too large", field: "file", message: `the body is larger than ${limit} bytes` },
        }
      : null;

  // Previews and the job's creation: bodies read whole, as everywhere else.
  await app.register(async (scope) => {
    scope.setErrorHandler((error, _request, reply) => {
      const big = tooLarge(maxPreviewBytes)(error as Error);
      if (big) return reply.code(big.status).send(big.body);
      throw error;
    });

    scope.post<{
      Querystring: { name?: string; source?: string; country?: string; format?: string; partial?: boolean };
    }>(
      "/v1/imports/preview",
      {
        bodyLimit: maxPreviewBytes,
        schema: {
          summary:
            "A suggested mapping for a file from its first bytes (the raw body, at most 1 MiB): each column's target, why, and sample values",
          tags: ["imports"],
          querystring: {
            type: "object",
            properties: {
              name: { type: "string", description: "the file's name; its extension says the format" },
              source: { type: "string", description: "the source name (default: from the file name)" },
              country: { type: "string", description: "the source's default country (ISO alpha-2)" },
              format: { type: "string", description: "the format, when the name does not say it" },
              partial: {
                type: "boolean",
                description: "the body is the start of a longer file: its last line is cut",
              },
            },
          },
        },
      },
      async (request, reply) => {
        if (!(await steward(request, reply))) return reply;
        const q = request.query;
        let dir: string | null = null;
        try {
          const fileName = safeFileName(q.name);
          const format = formatOf(fileName, q.format);
          const source = q.source ? checkSource(q.source) : defaultSource(fileName);
          if (q.country !== undefined && !/^[a-z]{2}$/i.test(q.country))
            throw new BadInput(
              "country",
              `must be an ISO 3166 alpha-2 code, not "${q.country.slice(0, 10)}"`,
            );
          let body = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
          if (body.length === 0) throw new BadInput("file", "the body is empty: send the file's first bytes");
          // A cut-off start of a file: its last line is incomplete.
          if (q.partial && lineBased.has(format)) {
            const end = body.lastIndexOf(0x0a);
            if (end > 0) body = body.subarray(0, end + 1);
          }
          dir = await mkdtemp(join(tmpdir(), "tessera-preview-"));
          const path = join(dir, fileName);
          await writeFile(path, body);
          const sample = await sampleSource(path, 200, { format: format as never });
          if (sample.rows.length === 0)
            throw new BadInput("file", "no row could be read from the start of the file");
          const suggestion = suggestMapping(sample, source, q.country ? { defaultCountry: q.country } : {});
          return {
            source,
            format: sample.format,
            ...(sample.encoding ? { encoding: sample.encoding } : {}),
            ...(sample.delimiter ? { delimiter: sample.delimiter } : {}),
            sampledRows: sample.rows.length,
            columns: suggestion.columns,
            mapping: { ...suggestion.mapping, format: sample.format },
          };
        } catch (e) {
          return answer(reply, e);
        } finally {
          if (dir) await rm(dir, { recursive: true, force: true });
        }
      },
    );

    scope.post(
      "/v1/imports",
      {
        bodyLimit: maxPreviewBytes,
        schema: {
          summary:
            'Opens an import: a JSON body {"name": file name, "mapping": source mapping}; the mapping is checked, then the file is sent to the upload address answered',
          tags: ["imports"],
        },
      },
      async (request, reply) => {
        if (!(await steward(request, reply))) return reply;
        try {
          let body: unknown;
          try {
            body = JSON.parse(Buffer.isBuffer(request.body) ? request.body.toString("utf8") : "null");
          } catch (e) {
            throw new BadInput("body", `not valid JSON: ${(e as Error).message}`);
          }
          if (body === null || typeof body !== "object" || Array.isArray(body))
            throw new BadInput("body", 'must be a JSON object {"name", "mapping"}');
          const { name, mapping } = body as { name?: unknown; mapping?: unknown };
          const fileName = safeFileName(name);
          if (mapping === null || typeof mapping !== "object" || Array.isArray(mapping))
            throw new BadInput(
              "mapping",
              "a source mapping object is required (see POST /v1/imports/preview)",
            );
          checkSource((mapping as { source?: unknown }).source, "mapping.source");
          const compiled = compileMapping(mapping, "mapping");
          const format = formatOf(fileName, compiled.mapping.format);
          forget();
          const job: JobState = {
            id: randomUUID(),
            status: "waiting",
            source: compiled.mapping.source,
            fileName,
            format,
            bytes: 0,
            estimatedRows: null,
            rowsRead: 0,
            quarantined: 0,
            progress: 0,
            createdAt: new Date().toISOString(),
            finishedAt: null,
            result: null,
            error: null,
            mapping: compiled,
            dir: null,
            done: null,
          };
          jobs.set(job.id, job);
          return reply
            .code(201)
            .send({ ...publicJob(job), upload: `/v1/imports/${job.id}/file`, maxFileBytes });
        } catch (e) {
          return answer(reply, e);
        }
      },
    );

    scope.get<{ Params: { id: string } }>(
      "/v1/imports/:id",
      {
        schema: {
          summary: "An import's progress, and at the end what was accepted and quarantined (with reasons)",
          tags: ["imports"],
          params: { type: "object", properties: { id: { type: "string" } }, required: ["id"] },
        },
      },
      async (request, reply) => {
        if (!(await steward(request, reply))) return reply;
        const job = jobs.get(request.params.id);
        if (!job)
          return reply.code(404).send({
            error: "not found",
            message: `no import ${request.params.id.slice(0, 60)} in this server`,
          });
        return publicJob(job);
      },
    );

    scope.get(
      "/v1/imports",
      {
        schema: {
          summary: "This server's import jobs and the store's latest import runs",
          tags: ["imports"],
        },
      },
      async (request, reply) => {
        if (!(await steward(request, reply))) return reply;
        forget();
        return {
          jobs: [...jobs.values()].reverse().map(publicJob),
          runs: (await listImportRuns(store, 20)).map(({ path, ...run }) => ({
            ...run,
            file: basename(path),
          })),
        };
      },
    );
  });

  // The upload: the body is streamed to disk, not held in memory, and its size is counted on the way.
  await app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser("*", (_request, payload, done) => done(null, payload));
    scope.put<{ Params: { id: string } }>(
      "/v1/imports/:id/file",
      {
        schema: {
          summary:
            "The file of an opened import, as the raw body (any content type); the import starts when it has arrived (202)",
          tags: ["imports"],
          params: { type: "object", properties: { id: { type: "string" } }, required: ["id"] },
        },
      },
      async (request, reply) => {
        if (!(await steward(request, reply))) return reply;
        const job = jobs.get(request.params.id);
        if (!job)
          return reply
            .code(404)
            .send({ error: "not found", message: `no import ${request.params.id.slice(0, 60)} is waiting` });
        if (job.status !== "waiting")
          return reply.code(409).send({
            error: "conflict",
            message: `import ${job.id} has its file already (${job.status})`,
            job: publicJob(job),
          });
        const busy = [...jobs.values()].find((j) => j.status === "running" && j.source === job.source);
        if (busy)
          return reply.code(409).send({
            error: "conflict",
            message: `source ${job.source} is being imported already (import ${busy.id}); wait for it to end`,
          });
        const declared = Number(request.headers["content-length"] ?? Number.NaN);
        if (declared > maxFileBytes)
          return reply.code(413).send({
            error: "too large",
            field: "file",
            message: `the file is larger than ${maxFileBytes} bytes`,
          });
        const payload = request.body as NodeJS.ReadableStream | undefined;
        if (!payload || typeof (payload as { pipe?: unknown }).pipe !== "function")
          return reply
            .code(400)
            .send({ error: "bad request", field: "file", message: "the body is empty: send the file" });

        job.status = "uploading";
        job.dir = await mkdtemp(join(tmpdir(), "tessera-upload-"));
        const path = join(job.dir, job.fileName);
        let bytes = 0;
        let lines = 0;
        let last = 0x0a;
        const counter = new Transform({
          transform(chunk: Buffer, _enc, next) {
            bytes += chunk.length;
            if (bytes > maxFileBytes) {
              next(
                Object.assign(new Error(`the file is larger than ${maxFileBytes} bytes`), { tooLarge: true }),
              );
              return;
            }
            for (let i = chunk.indexOf(0x0a); i !== -1; i = chunk.indexOf(0x0a, i + 1)) lines++;
            if (chunk.length > 0) last = chunk[chunk.length - 1] as number;
            next(null, chunk);
          },
        });
        try {
          await pipeline(payload, counter, createWriteStream(path));
        } catch (e) {
          const dir = job.dir;
          job.dir = null;
          job.status = "failed";
          job.finishedAt = new Date().toISOString();
          job.error = `the upload failed: ${(e as Error).message}`;
          await rm(dir, { recursive: true, force: true });
          if ((e as { tooLarge?: boolean }).tooLarge)
            return reply.code(413).send({ error: "too large", field: "file", message: (e as Error).message });
          return reply.code(400).send({ error: "bad request", field: "file", message: job.error });
        }
        if (bytes === 0) {
          await rm(job.dir, { recursive: true, force: true });
          job.dir = null;
          job.status = "waiting";
          return reply
            .code(400)
            .send({ error: "bad request", field: "file", message: "the body is empty: send the file" });
        }
        job.bytes = bytes;
        const rowsOfLines = lines + (last === 0x0a ? 0 : 1);
        job.estimatedRows =
          job.format && lineBased.has(job.format)
            ? Math.max(1, job.format === "jsonl" ? rowsOfLines : rowsOfLines - 1)
            : null;
        job.status = "running";
        job.done = run(job, path);
        return reply.code(202).send(publicJob(job));
      },
    );
  });

  const run = async (job: JobState, path: string): Promise<void> => {
    const progress: ProgressReporter = {
      start() {},
      update(done, detail) {
        job.rowsRead = done;
        const q = /^(\d+) quarantined/.exec(detail ?? "");
        if (q) job.quarantined = Number(q[1]);
        // Quoted line breaks make the line count an estimate: never 100 % before the end.
        if (job.estimatedRows) job.progress = Math.min(0.99, done / job.estimatedRows);
      },
      stop() {},
    };
    let outcome: Pick<ImportJob, "status" | "error" | "result">;
    try {
      const report = await importSource(store, { path, mapping: job.mapping, progress, batchSize: 1000 });
      job.rowsRead = report.rowsRead;
      job.quarantined = report.quarantined;
      outcome = { status: "completed", error: null, result: await resultOf(report) };
    } catch (e) {
      outcome = {
        status: "failed",
        error: (e as Error).message.replaceAll(path, job.fileName),
        result: null,
      };
    }
    // The temporary file goes before the job says it has ended.
    if (job.dir) await rm(job.dir, { recursive: true, force: true }).catch(() => {});
    job.dir = null;
    job.finishedAt = new Date().toISOString();
    if (outcome.status === "completed") job.progress = 1;
    Object.assign(job, outcome);
  };

  const resultOf = async (r: ImportReport): Promise<ImportJobResult> => {
    const rows = r.quarantined > 0 ? await listQuarantine(store, { importRunId: r.runId, limit: 20 }) : [];
    const grouped =
      r.quarantined > 0
        ? await store.db
            .selectFrom("quarantine")
            .select((eb) => [
              "code",
              "field",
              eb.fn.countAll<number | string>().as("n"),
              eb.fn.min("reason").as("example"),
            ])
            .where("import_run_id", "=", r.runId)
            .groupBy(["code", "field"])
            .execute()
        : [];
    return {
      runId: r.runId,
      rowsRead: r.rowsRead,
      accepted: r.accepted,
      newRecords: r.newRecords,
      newVersions: r.newVersions,
      unchanged: r.unchanged,
      quarantined: r.quarantined,
      seconds: r.seconds,
      issueCounts: r.issueCounts,
      reasons: grouped
        .map((g) => ({ code: g.code, field: g.field, rows: Number(g.n), example: String(g.example ?? "") }))
        .sort((a, b) => b.rows - a.rows || a.code.localeCompare(b.code)),
      rows: rows.map((q) => ({ rowNumber: q.rowNumber, code: q.code, field: q.field, reason: q.reason })),
    };
  };

  // A server that closes lets running imports end (they write to the store it closes next) and leaves no
  // temporary file behind.
  app.addHook("onClose", async () => {
    await Promise.allSettled([...jobs.values()].map((j) => j.done));
    for (const j of jobs.values()) if (j.dir) await rm(j.dir, { recursive: true, force: true });
  });
}
