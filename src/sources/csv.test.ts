import { existsSync, statSync } from "node:fs";
import iconv from "iconv-lite";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { readCsv } from "./csv.js";
import { SourceError } from "./errors.js";
import { collect, type TempDir, tempDir } from "./testing.js";
import type { ReadProgress, SourceLayout } from "./types.js";

const febrl = "/work/shared/datasets/febrl/dataset3.csv";

let dir: TempDir;
beforeEach(() => {
  dir = tempDir();
});
afterEach(() => dir.dispose());

async function layoutOf(path: string, options = {}): Promise<SourceLayout | null> {
  let layout: SourceLayout | null = null;
  await collect(readCsv(path, { ...options, onLayout: (l) => (layout = l) }));
  return layout;
}

describe("readCsv: encodings", () => {
  it("reads a Latin-1 file with accents correctly", async () => {
    const text = "id;name;city\n1;José;Málaga\n2;Jürgen Müller;Zürich\n3;Ñandú;España\n";
    const path = dir.file("latin1.csv", iconv.encode(text, "latin1"));
    const { rows, unreadable } = await collect(readCsv(path));
    expect(unreadable).toEqual([]);
    expect(rows.map((r) => r.values)).toEqual([
      { id: "1", name: "José", city: "Málaga" },
      { id: "2", name: "Jürgen Müller", city: "Zürich" },
      { id: "3", name: "Ñandú", city: "España" },
    ]);
    expect(await layoutOf(path)).toMatchObject({ encoding: "windows-1252", delimiter: ";" });
  });

  it("reads UTF-8 with a byte order mark, which does not end up in the first column's name", async () => {
    const path = dir.file(
      "bom.csv",
      Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from("id,name\n1,Zoë\n")]),
    );
    const { rows } = await collect(readCsv(path));
    expect(rows[0]!.values).toEqual({ id: "1", name: "Zoë" });
    expect(await layoutOf(path)).toMatchObject({ columns: ["id", "name"], encoding: "utf-8" });
  });

  it("reads UTF-16LE with a byte order mark", async () => {
    const text = "id\tname\tcity\r\n1\tRenée\tBesançon\r\n2\t李\t北京\r\n";
    const path = dir.file("utf16.csv", iconv.encode(text, "utf-16le", { addBOM: true }));
    const { rows, unreadable } = await collect(readCsv(path));
    expect(unreadable).toEqual([]);
    expect(rows.map((r) => r.values)).toEqual([
      { id: "1", name: "Renée", city: "Besançon" },
      { id: "2", name: "李", city: "北京" },
    ]);
    expect(await layoutOf(path)).toMatchObject({ encoding: "utf-16le", delimiter: "\t" });
  });

  // A Latin-1 byte in a UTF-8 file cannot be decoded. Guessing a per-row encoding would silently turn some
  // rows into mojibake, so the row is quarantined with its reason; the rows around it keep their accents.
  it("quarantines a row with a Latin-1 byte inside a UTF-8 file and reads the others", async () => {
    const path = dir.file(
      "mixed.csv",
      Buffer.concat([
        Buffer.from("id,name,city\n1,José,Málaga\n"),
        iconv.encode("2,Gérard,Paris\n", "latin1"),
        Buffer.from("3,Zoë,Zürich\n"),
      ]),
    );
    for (const options of [{}, { encoding: "utf-8" }]) {
      const { rows, unreadable } = await collect(readCsv(path, options));
      expect(rows.map((r) => r.values.name)).toEqual(["José", "Zoë"]);
      expect(unreadable).toHaveLength(1);
      expect(unreadable[0]).toMatchObject({
        rowNumber: 2,
        reason: { code: "csv_invalid_encoding", field: "name", severity: "error" },
      });
      expect(unreadable[0]!.reason.message).toContain("row 2");
      expect(unreadable[0]!.raw).toBe("2,G\uFFFDrard,Paris");
    }
  });

  it("uses a forced encoding and refuses an unknown one", async () => {
    const path = dir.file("latin1.csv", iconv.encode("id,name\n1,Müller\n", "latin1"));
    const { rows } = await collect(readCsv(path, { encoding: "latin1" }));
    expect(rows[0]!.values.name).toBe("Müller");
    await expect(collect(readCsv(path, { encoding: "klingon" }))).rejects.toMatchObject({
      code: "source_invalid_option",
    });
  });
});

describe("readCsv: structure", () => {
  it("detects semicolons and tabs, and uses a forced delimiter", async () => {
    const semicolons = dir.file("semi.csv", "a;b;c\n1;2,5;3\n");
    expect((await collect(readCsv(semicolons))).rows[0]!.values).toEqual({ a: "1", b: "2,5", c: "3" });
    const tabs = dir.file("tabs.tsv", "a\tb\n1, 2\t3\n");
    expect((await collect(readCsv(tabs))).rows[0]!.values).toEqual({ a: "1, 2", b: "3" });
    const pipes = dir.file("pipes.csv", "a,b|c\n1,2|3\n");
    expect((await collect(readCsv(pipes))).rows[0]!.values).toEqual({ a: "1", "b|c": "2|3" });
    expect((await collect(readCsv(pipes, { delimiter: "|" }))).rows[0]!.values).toEqual({
      "a,b": "1,2",
      c: "3",
    });
  });

  it("reads quoted fields with delimiters, escaped quotes and line breaks", async () => {
    const path = dir.file(
      "quoted.csv",
      'id,address,note\r\n1,"12 Main St,\r\nApt 4","she said ""hi"""\r\n2,"", plain \r\n',
    );
    const { rows } = await collect(readCsv(path));
    expect(rows).toEqual([
      {
        kind: "row",
        rowNumber: 1,
        values: { id: "1", address: "12 Main St,\r\nApt 4", note: 'she said "hi"' },
      },
      { kind: "row", rowNumber: 2, values: { id: "2", note: "plain" } },
    ]);
  });

  it("leaves out empty cells, skips blank lines and rows with nothing in them, and allows empty extra fields", async () => {
    const path = dir.file("sparse.csv", "id,name,email\n\n1,,a@x.com\n,,\n   \n2,Bo,,\n3,Cy,c@x.com,,,\n");
    const { items } = await collect(readCsv(path));
    expect(items).toEqual([
      { kind: "row", rowNumber: 1, values: { id: "1", email: "a@x.com" } },
      { kind: "row", rowNumber: 3, values: { id: "2", name: "Bo" } },
      { kind: "row", rowNumber: 4, values: { id: "3", name: "Cy", email: "c@x.com" } },
    ]);
  });

  it("names blank header cells by position and numbers repeated names", async () => {
    const path = dir.file("header.csv", "id,,name,name,__proto__\n1,x,a,b,p\n");
    const { rows } = await collect(readCsv(path));
    expect(rows[0]!.values).toEqual({ id: "1", column_2: "x", name: "a", name_2: "b", column_5: "p" });
  });

  it("tells the layout of a file with a header and no rows, and reads nothing from an empty file", async () => {
    expect(await layoutOf(dir.file("head.csv", "a,b\n"))).toMatchObject({ columns: ["a", "b"] });
    const empty = dir.file("empty.csv", "");
    expect((await collect(readCsv(empty))).items).toEqual([]);
    expect(await layoutOf(empty)).toMatchObject({ columns: [] });
  });

  it("throws when the header itself cannot be read", async () => {
    const path = dir.file("badhead.csv", 'id,"name\n1,2\n');
    await expect(collect(readCsv(path))).rejects.toBeInstanceOf(SourceError);
    await expect(collect(readCsv(path))).rejects.toMatchObject({ code: "csv_header_unreadable" });
  });

  // The FEBRL data set ships with the project's shared data; skipped where it is absent.
  it.skipIf(!existsSync(febrl))(
    "reads FEBRL dataset3: 5,000 rows with trimmed keys, none unreadable",
    async () => {
      const { rows, unreadable } = await collect(readCsv(febrl));
      expect(unreadable).toEqual([]);
      expect(rows).toHaveLength(5000);
      expect(Object.keys(rows[0]!.values).slice(0, 3)).toEqual(["rec_id", "given_name", "surname"]);
      expect(rows[0]!.values).toMatchObject({
        rec_id: "rec-1496-org",
        given_name: "mitchell",
        surname: "green",
      });
      const untrimmed = rows.filter((row) =>
        Object.entries(row.values).some(
          ([key, value]) => key !== key.trim() || value !== String(value).trim(),
        ),
      );
      expect(untrimmed).toEqual([]);
    },
  );
});

describe("readCsv: broken rows", () => {
  it("reports each bad row with its number and reason and still reads every good row", async () => {
    const tenMegabytes = "x".repeat(10 * 1024 * 1024);
    const path = dir.file(
      "broken.csv",
      [
        "id,name,note",
        "1,Ann,ok",
        '2,Bob,"multi\nline, with comma"',
        "3,Cy",
        '4,Dee,"say ""hi"""',
        `5,Eve,"${tenMegabytes}"`,
        "6,Fay,ok",
        "7,Gus,ok,extra",
        "8,Hal,ok",
        `9,Ivy,${tenMegabytes}`,
        "10,Jon,ok",
        '11,Kim,"unclosed',
        "12,Lea,ok",
        "13,Max,ok",
        "",
      ].join("\n"),
    );
    const { items, rows, unreadable } = await collect(readCsv(path));
    expect(items.map((i) => i.rowNumber)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13]);
    expect(rows.map((r) => r.values.id)).toEqual(["1", "2", "4", "6", "8", "10", "12", "13"]);
    expect(rows.every((r) => r.values.id === String(r.rowNumber))).toBe(true);
    expect(rows[1]!.values.note).toBe("multi\nline, with comma");

    expect(unreadable.map((u) => [u.rowNumber, u.reason.code, u.reason.field])).toEqual([
      [3, "csv_ragged_row", undefined],
      [5, "csv_field_too_large", "note"],
      [7, "csv_ragged_row", undefined],
      [9, "csv_field_too_large", "note"],
      [11, "csv_unclosed_quote", "note"],
    ]);
    expect(unreadable[0]!.reason.message).toBe("row 3 has 2 fields, the header has 3 (line 5)");
    expect(unreadable[0]!.raw).toBe("3,Cy");
    expect(unreadable[1]!.reason.message).toBe(
      'row 5 has a field larger than 1 MiB in column "note" (line 7)',
    );
    expect(unreadable[2]!.reason.message).toBe("row 7 has 4 fields, the header has 3 (line 9)");
    expect(unreadable[4]!.reason.message).toContain("row 11 opens a quote");
    expect(unreadable[4]!.raw).toBe('11,Kim,"unclosed');
    for (const u of unreadable) {
      expect(u.reason.severity).toBe("error");
      expect(Buffer.byteLength(u.raw)).toBeLessThanOrEqual(64 * 1024);
    }
    expect(unreadable[1]!.raw.startsWith('5,Eve,"xxx')).toBe(true);
  });

  it("measures maxFieldBytes in bytes of UTF-8, not characters", async () => {
    const path = dir.file("bytes.csv", "id,name\n1,éééééé\n2,abcdef\n");
    const { rows, unreadable } = await collect(readCsv(path, { maxFieldBytes: 10 }));
    expect(rows.map((r) => r.values.id)).toEqual(["2"]);
    expect(unreadable[0]).toMatchObject({
      rowNumber: 1,
      reason: { code: "csv_field_too_large", field: "name" },
    });
    expect(unreadable[0]!.reason.message).toContain("larger than 10 bytes");
  });

  it("keeps every good row of a long file with bad rows scattered across chunk boundaries", async () => {
    const lines = ["id,first,last,email"];
    const bad = new Map<number, string>();
    const total = 60_000;
    for (let n = 1; n <= total; n++) {
      if (n % 997 === 0) {
        lines.push(`${n},ragged`);
        bad.set(n, "csv_ragged_row");
      } else if (n === 20_000) {
        lines.push(`${n},"open,quote,x@example.com`);
        bad.set(n, "csv_unclosed_quote");
      } else if (n === 45_000) {
        lines.push(`${n},"${"y".repeat(2 * 1024 * 1024)}",z,z@example.com`);
        bad.set(n, "csv_field_too_large");
      } else {
        lines.push(`${n}, first ${n} ,"last, ${n}",p${n}@example.com`);
      }
    }
    const path = dir.file("long.csv", `${lines.join("\r\n")}\r\n`);
    const { items, rows, unreadable } = await collect(readCsv(path));
    expect(items).toHaveLength(total);
    expect(items.map((i) => i.rowNumber)).toEqual(Array.from({ length: total }, (_, i) => i + 1));
    expect(new Map(unreadable.map((u) => [u.rowNumber, u.reason.code]))).toEqual(bad);
    expect(rows).toHaveLength(total - bad.size);
    const wrong = rows.filter(
      ({ rowNumber: n, values: v }) =>
        Object.keys(v).length !== 4 ||
        v.id !== String(n) ||
        v.first !== `first ${n}` ||
        v.last !== `last, ${n}` ||
        v.email !== `p${n}@example.com`,
    );
    expect(wrong).toEqual([]);
  });
});

describe("readCsv: progress", () => {
  it("reports bytes and rows, and ends with the whole file read", async () => {
    const body = Array.from({ length: 20_000 }, (_, i) => `${i},name${i}`).join("\n");
    const path = dir.file("progress.csv", `id,name\n${body}\n`);
    const calls: ReadProgress[] = [];
    const { items } = await collect(readCsv(path, { onProgress: (p) => calls.push(p) }));
    const size = statSync(path).size;
    expect(calls.length).toBeGreaterThanOrEqual(1);
    expect(calls.at(-1)).toEqual({ bytesRead: size, totalBytes: size, rows: items.length });
    for (let k = 1; k < calls.length; k++) expect(calls[k]!.rows).toBeGreaterThanOrEqual(calls[k - 1]!.rows);
  });
});
