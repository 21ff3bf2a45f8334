import { chmodSync, existsSync, readFileSync } from "node:fs";
import { gzipSync } from "node:zlib";
import iconv from "iconv-lite";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { SourceError } from "./errors.js";
import { formatOfPath, readSource, sampleSource } from "./open-source.js";
import { collect, type TempDir, tempDir } from "./testing.js";

let dir: TempDir;
beforeEach(() => {
  dir = tempDir();
});
afterEach(() => dir.dispose());

const pseudopeople = "/work/shared/datasets/pseudopeople-sample/current_population_survey.parquet";

describe("formatOfPath", () => {
  it("goes by the extension, ignoring a final .gz", () => {
    expect(formatOfPath("a/b/people.csv")).toBe("csv");
    expect(formatOfPath("people.TSV")).toBe("csv");
    expect(formatOfPath("people.txt.gz")).toBe("csv");
    expect(formatOfPath("events.ndjson")).toBe("jsonl");
    expect(formatOfPath("events.json.gz")).toBe("jsonl");
    expect(formatOfPath("people.parquet")).toBe("parquet");
    expect(formatOfPath("people.xlsx")).toBeNull();
    expect(formatOfPath("my.dir/people")).toBeNull();
  });
});

describe("readSource", () => {
  it("reads gzip-compressed CSV and JSON lines", async () => {
    const csv = dir.file("people.csv.gz", gzipSync(iconv.encode("id;name\n1;Müller\n2;Ñandú\n", "latin1")));
    expect((await collect(readSource(csv))).rows.map((r) => r.values.name)).toEqual(["Müller", "Ñandú"]);
    const jsonl = dir.file("events.jsonl.gz", gzipSync('{"id":1}\n{"id":2\n{"id":3}\n'));
    const read = await collect(readSource(jsonl));
    expect(read.rows.map((r) => r.values.id)).toEqual([1, 3]);
    expect(read.unreadable.map((u) => u.rowNumber)).toEqual([2]);
  });

  it("recognises gzip by its content, and a format option overrides the extension", async () => {
    const path = dir.file("export.dat", gzipSync("a,b\n1,2\n"));
    expect((await collect(readSource(path, { format: "csv" }))).rows[0]!.values).toEqual({ a: "1", b: "2" });
  });

  it("yields the rows before a cut in gzip data, then throws for the file", async () => {
    const body = Array.from({ length: 50_000 }, (_, i) => `${i},name${i}`).join("\n");
    const whole = gzipSync(`id,name\n${body}\n`);
    const path = dir.file("cut.csv.gz", whole.subarray(0, Math.floor(whole.length / 2)));
    let rows = 0;
    let error: unknown = null;
    try {
      for await (const item of readSource(path)) if (item.kind === "row") rows++;
    } catch (e) {
      error = e;
    }
    expect(rows).toBeGreaterThan(0);
    expect(error).toBeInstanceOf(SourceError);
    expect(error).toMatchObject({ code: "gzip_corrupt", path });
  });

  it("throws a SourceError with a code and the path for problems with the whole file", async () => {
    const cases: [string, string][] = [
      [`${dir.path}/missing.csv`, "source_not_found"],
      [dir.path, "source_is_directory"],
      [dir.file("people.xlsx", "x"), "source_unknown_format"],
    ];
    for (const [path, code] of cases) {
      const failing = collect(readSource(path));
      await expect(failing).rejects.toBeInstanceOf(SourceError);
      await expect(collect(readSource(path))).rejects.toMatchObject({ code, path });
    }
    await expect(collect(readSource(dir.file("a.csv", "a\n1\n"), { delimiter: ";;" }))).rejects.toMatchObject(
      {
        code: "source_invalid_option",
      },
    );
  });

  it.skipIf(process.getuid?.() === 0)("says when a file cannot be opened", async () => {
    const path = dir.file("locked.csv", "a\n1\n");
    chmodSync(path, 0o000);
    await expect(collect(readSource(path))).rejects.toMatchObject({ code: "source_unreadable" });
  });
});

describe("sampleSource", () => {
  it("gives a CSV's header columns, first rows, encoding and delimiter", async () => {
    const path = dir.file("people.csv", iconv.encode("id;name;fax\n1;Zoë;\n2;Bob;\n3;Cy;\n", "latin1"));
    const sample = await sampleSource(path, 2);
    expect(sample).toEqual({
      format: "csv",
      columns: ["id", "name", "fax"],
      rows: [
        { id: "1", name: "Zoë" },
        { id: "2", name: "Bob" },
      ],
      encoding: "windows-1252",
      delimiter: ";",
    });
  });

  it("gives the union of JSON lines' keys in the order first seen, skipping unreadable lines", async () => {
    const path = dir.file("events.jsonl", '{"b":1,"a":2}\nnot json\n{"c":3,"a":4}\n');
    const sample = await sampleSource(path);
    expect(sample).toEqual({
      format: "jsonl",
      columns: ["b", "a", "c"],
      rows: [
        { b: 1, a: 2 },
        { c: 3, a: 4 },
      ],
    });
  });

  it("reads as far as the header for n = 0", async () => {
    const path = dir.file("people.csv", "id,name\n1,Ann\n");
    expect(await sampleSource(path, 0)).toMatchObject({ columns: ["id", "name"], rows: [], delimiter: "," });
  });

  it.skipIf(!existsSync(pseudopeople))("gives a Parquet file's schema columns and first rows", async () => {
    const sample = await sampleSource(pseudopeople, 3);
    expect(sample.format).toBe("parquet");
    expect(sample.rows).toHaveLength(3);
    const header = readFileSync(pseudopeople.replace(/\.parquet$/, ".csv"), "utf8").split("\n")[0]!;
    expect(sample.columns).toEqual(header.split(","));
  });
});
