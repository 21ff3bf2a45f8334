import { readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApiKey } from "../store/api-keys.js";
import { getImportRun } from "../store/import-runs.js";
import { type TestStore, testEngines } from "../store/testing.js";
import type { ImportJob } from "./imports.js";
import { type RunningServer, runServer } from "./run.js";

/**
 * Imports over HTTP on both stores: the suggested mapping of a file's start, opening an import with a reviewed
 * mapping, streaming the file, polling it to the end, and the refusals — each naming the field at fault.
 */

const csv = [
  "customer_id,first_name,last_name,email,phone,dob,updated_at",
  "C1,Ann,Smith,ann@shop.example,+44 20 7946 0001,1980-02-03,2024-01-02",
  "C2,Bob,Jones,bob@shop.example,+44 20 7946 0002,1975-05-06,2024-01-03",
  '"C3","Cat","Lee","cat@shop.example","",1990-07-08,2024-01-04',
  "C4,Dan,Ray,dan@shop.example,,1991-01-01,not a date",
  ",Eve,Noid,eve@shop.example,,,2024-01-05",
  "C6,Fay,Oak,fay@shop.example,,1988-08-08,2024-01-06,an extra cell",
  "",
].join("\n");

/** The server's own temporary directories for uploads and previews. */
const tempImports = () =>
  readdirSync(tmpdir()).filter((f) => f.startsWith("tessera-upload-") || f.startsWith("tessera-preview-"))
    .length;

describe.each(await testEngines())("imports over HTTP on $name", (engine) => {
  let t: TestStore;
  let server: RunningServer;
  let steward: string;
  let read: string;

  beforeAll(async () => {
    t = await engine.open();
    steward = (await createApiKey(t.store.db, { kind: "steward", name: "importer" })).key;
    read = (await createApiKey(t.store.db, { kind: "read", name: "reader" })).key;
    server = await runServer(t.store, { port: 0, webhooks: false });
  }, 60_000);
  afterAll(async () => {
    await server?.close();
    await t?.dispose();
  });

  const call = async (
    method: string,
    path: string,
    body?: string | Buffer,
    type = "application/json",
    key = steward,
  ) => {
    const r = await fetch(`${server.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${key}`, ...(body === undefined ? {} : { "content-type": type }) },
      ...(body === undefined ? {} : { body }),
    });
    // biome-ignore lint/suspicious/noExplicitAny: the answers' shapes are what the assertions check
    return { status: r.status, body: (await r.json()) as Record<string, any> };
  };

  async function finished(id: string): Promise<ImportJob> {
    for (let i = 0; i < 200; i++) {
      const j = (await call("GET", `/v1/imports/${id}`)).body as ImportJob;
      if (j.status === "completed" || j.status === "failed") return j;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`import ${id} did not end`);
  }

  it("suggests a mapping from a file's start, then imports the file with counts and reasons", async () => {
    // The start of a longer file: its cut last line is left out of the sample.
    const start = `${csv.slice(0, csv.indexOf("C3") + 10)}`;
    const p = await call(
      "POST",
      "/v1/imports/preview?name=Shop%20Customers.csv&partial=true",
      start,
      "text/csv",
    );
    expect(p.status).toBe(200);
    expect(p.body.source).toBe("shop_customers");
    expect(p.body.format).toBe("csv");
    expect(p.body.sampledRows).toBe(2);
    const target = (c: string) => p.body.columns.find((x: { source: string }) => x.source === c)?.target;
    expect(target("customer_id")).toBe("id");
    expect(target("email")).toBe("email");
    expect(target("first_name")).toBe("name.given");
    expect(target("updated_at")).toBe("observedAt");
    expect(p.body.columns.find((x: { source: string }) => x.source === "email").examples).toContain(
      "ann@shop.example",
    );

    const opened = await call(
      "POST",
      "/v1/imports",
      JSON.stringify({ name: "shop customers.csv", mapping: p.body.mapping }),
    );
    expect(opened.status).toBe(201);
    expect(opened.body.status).toBe("waiting");
    const before = tempImports();
    const up = await call("PUT", opened.body.upload, Buffer.from(csv), "text/csv");
    expect(up.status).toBe(202);
    expect(up.body.estimatedRows).toBe(6);
    const job = await finished(opened.body.id);
    expect(job.status).toBe("completed");
    expect(job.progress).toBe(1);
    const r = job.result;
    expect(r?.rowsRead).toBe(6);
    expect(r?.accepted).toBe(4);
    // The row without an id and the row with an extra cell are quarantined, each with its reason.
    expect(r?.quarantined).toBe(2);
    expect(r?.reasons.map((q) => [q.code, q.rows])).toEqual([
      ["csv_ragged_row", 1],
      ["missing_id", 1],
    ]);
    expect(r?.issueCounts.observed_at_unreadable).toBe(1);
    expect(r?.rows.length).toBe(r?.quarantined);
    expect(r?.rows.every((q) => q.reason.length > 0 && q.rowNumber > 0)).toBe(true);
    // The store's run says the same, and the temporary file is gone.
    const run = await getImportRun(t.store, r?.runId as string);
    expect(run?.accepted).toBe(r?.accepted);
    expect(run?.path.endsWith("shop_customers.csv")).toBe(true);
    expect(tempImports()).toBeLessThanOrEqual(before);
    // A job takes its file once.
    expect((await call("PUT", opened.body.upload, Buffer.from(csv), "text/csv")).status).toBe(409);
    const list = await call("GET", "/v1/imports");
    expect(list.body.runs.some((x: { id: string }) => x.id === r?.runId)).toBe(true);
  });

  it("imports JSON lines with nested fields", async () => {
    const lines = [
      { userId: "u1", traits: { email: "a@x.example", firstName: "Al" } },
      { userId: "u2", traits: { email: "b@x.example", firstName: "Bo" } },
      "not json",
    ]
      .map((l) => (typeof l === "string" ? l : JSON.stringify(l)))
      .join("\n");
    const p = await call(
      "POST",
      "/v1/imports/preview?name=events.jsonl&source=app",
      lines,
      "application/x-ndjson",
    );
    expect(p.status).toBe(200);
    expect(p.body.mapping.fields["$.traits.email"]).toBe("email");
    const opened = await call(
      "POST",
      "/v1/imports",
      JSON.stringify({ name: "events.jsonl", mapping: p.body.mapping }),
    );
    await call("PUT", opened.body.upload, Buffer.from(lines), "application/octet-stream");
    const job = await finished(opened.body.id);
    expect(job.result?.rowsRead).toBe(3);
    expect(job.result?.accepted).toBe(2);
    expect(job.result?.quarantined).toBe(1);
    expect(job.result?.reasons[0]?.rows).toBe(1);
  });

  it("refuses bad input with a 400 naming the field", async () => {
    const bad = async (
      method: string,
      path: string,
      body: string | undefined,
      field: string,
      status = 400,
    ) => {
      const r = await call(method, path, body, "application/json");
      expect(r.status, `${method} ${path}: ${JSON.stringify(r.body)}`).toBe(status);
      expect(r.body.field).toBe(field);
      expect(r.body.message).toContain(field.split(".")[0]);
    };
    await bad("POST", "/v1/imports/preview?name=x.csv", undefined, "file");
    await bad("POST", "/v1/imports/preview", "a,b\n1,2\n", "name");
    await bad("POST", "/v1/imports/preview?name=data.xlsx", "a,b\n1,2\n", "name");
    await bad("POST", "/v1/imports/preview?name=x.csv&source=..%2Fetc", "a,b\n1,2\n", "source");
    await bad("POST", "/v1/imports/preview?name=x.csv&country=GBR", "a,b\n1,2\n", "country");
    await bad("POST", "/v1/imports", "{", "body");
    await bad(
      "POST",
      "/v1/imports",
      JSON.stringify({ mapping: { source: "s", fields: { a: "email" } } }),
      "name",
    );
    await bad("POST", "/v1/imports", JSON.stringify({ name: "x.csv" }), "mapping");
    await bad(
      "POST",
      "/v1/imports",
      JSON.stringify({ name: "x.csv", mapping: { source: "no spaces please", fields: { a: "email" } } }),
      "mapping.source",
    );
    const target = await call(
      "POST",
      "/v1/imports",
      JSON.stringify({ name: "x.csv", mapping: { source: "s", fields: { a: "emial", b: "email" } } }),
    );
    expect(target.status).toBe(400);
    expect(target.body.field).toBe("mapping");
    expect(target.body.issues).toEqual([expect.objectContaining({ field: "mapping.fields.a" })]);
    // A path given as the name stays a name: the file goes to the server's own temporary directory.
    const opened = await call(
      "POST",
      "/v1/imports",
      JSON.stringify({ name: "../../etc/passwd.csv", mapping: { source: "s", fields: { a: "email" } } }),
    );
    expect(opened.status).toBe(201);
    expect(opened.body.fileName).toBe("passwd.csv");
    expect((await call("PUT", opened.body.upload, "", "text/csv")).status).toBe(400);
    expect((await call("GET", "/v1/imports/nope")).status).toBe(404);
    // A read key may not import.
    expect((await call("POST", "/v1/imports/preview?name=x.csv", "a\n1\n", "text/csv", read)).status).toBe(
      403,
    );
  });

  it("refuses a file over the size limit and leaves no temporary file", async () => {
    process.env.TESSERA_IMPORT_MAX_BYTES = "200";
    const small = await runServer(t.store, { port: 0, webhooks: false });
    delete process.env.TESSERA_IMPORT_MAX_BYTES;
    try {
      const before = tempImports();
      const opened = await fetch(`${small.url}/v1/imports`, {
        method: "POST",
        headers: { authorization: `Bearer ${steward}` },
        body: JSON.stringify({ name: "big.csv", mapping: { source: "big", fields: { a: "email" } } }),
      }).then((r) => r.json() as Promise<{ upload: string; id: string }>);
      // Sent in chunks without a length: the limit is counted as the body streams in.
      const body = new ReadableStream({
        start(c) {
          for (let i = 0; i < 10; i++) c.enqueue(new TextEncoder().encode(`a\n${"x@y.example\n".repeat(5)}`));
          c.close();
        },
      });
      const up = await fetch(`${small.url}${opened.upload}`, {
        method: "PUT",
        headers: { authorization: `Bearer ${steward}`, "content-type": "text/csv" },
        body,
        duplex: "half",
      } as RequestInit);
      expect(up.status).toBe(413);
      expect(((await up.json()) as { field: string }).field).toBe("file");
      expect(tempImports()).toBe(before);
      const job = await fetch(`${small.url}/v1/imports/${opened.id}`, {
        headers: { authorization: `Bearer ${steward}` },
      }).then((r) => r.json() as Promise<ImportJob>);
      expect(job.status).toBe("failed");
      // The preview's own limit (1 MiB) answers 413 too, naming the file.
      const big = Buffer.alloc(1024 * 1024 + 10, 0x61);
      const r = await call("POST", "/v1/imports/preview?name=x.csv", big, "text/csv");
      expect(r.status).toBe(413);
      expect(r.body.field).toBe("file");
    } finally {
      await small.close();
    }
  });
});
