import iconv from "iconv-lite";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { describeJsonError, readJsonLines } from "./jsonl.js";
import { collect, type TempDir, tempDir } from "./testing.js";

let dir: TempDir;
beforeEach(() => {
  dir = tempDir();
});
afterEach(() => dir.dispose());

describe("readJsonLines", () => {
  it("reads each line's top-level keys, keeps nested values, and leaves out null and empty values", async () => {
    const path = dir.file(
      "people.jsonl",
      [
        '{"id":"u1","name":{"given":"Ann","family":"Lee"},"emails":["a@x.com"],"age":41,"vip":true}',
        '{"id":"u2","phone":null,"email":"","tags":[]}',
      ].join("\n"),
    );
    const { items } = await collect(readJsonLines(path));
    expect(items).toEqual([
      {
        kind: "row",
        rowNumber: 1,
        values: { id: "u1", name: { given: "Ann", family: "Lee" }, emails: ["a@x.com"], age: 41, vip: true },
      },
      { kind: "row", rowNumber: 2, values: { id: "u2", tags: [] } },
    ]);
  });

  it("reports a broken line in the middle with its line number and position, and reads on", async () => {
    const path = dir.file(
      "broken.jsonl",
      '{"id":1}\r\n\r\n{"id":2,}\r\n  \r\n[1,2]\r\n"text"\r\n{"id":3}\r\n{"id":4',
    );
    const { items, rows, unreadable } = await collect(readJsonLines(path));
    expect(rows.map((r) => [r.rowNumber, r.values.id])).toEqual([
      [1, 1],
      [7, 3],
    ]);
    expect(unreadable.map((u) => [u.rowNumber, u.reason.code])).toEqual([
      [3, "jsonl_invalid_json"],
      [5, "jsonl_not_object"],
      [6, "jsonl_not_object"],
      [8, "jsonl_invalid_json"],
    ]);
    expect(unreadable[0]!.reason.message).toBe(
      "line 3 is not valid JSON: Expected double-quoted property name (column 9)",
    );
    expect(unreadable[0]!.raw).toBe('{"id":2,}');
    expect(unreadable[1]!.reason.message).toBe("line 5 is an array, not a JSON object");
    expect(unreadable[3]!.reason.message).toContain("line 8 is not valid JSON");
    expect(items.map((i) => i.rowNumber)).toEqual([1, 3, 5, 6, 7, 8]);
  });

  it("skips a line over the limit without holding it, and reads the next ones", async () => {
    const long = JSON.stringify({ id: "big", notes: "n".repeat(200_000) });
    const path = dir.file(
      "long.jsonl",
      `{"id":"a"}\n${long}\n{"id":"b","bio":"${"b".repeat(2000)}"}\n{"id":"c"}\n`,
    );
    const { rows, unreadable } = await collect(readJsonLines(path, { maxFieldBytes: 1000 }));
    expect(rows.map((r) => r.values.id)).toEqual(["a", "c"]);
    expect(unreadable.map((u) => [u.rowNumber, u.reason.code, u.reason.field])).toEqual([
      [2, "jsonl_line_too_large", undefined],
      [3, "jsonl_field_too_large", "bio"],
    ]);
    expect(unreadable[0]!.raw.length).toBeLessThanOrEqual(64 * 1024);
  });

  it("reports undecodable bytes instead of passing replacement characters on", async () => {
    const path = dir.file(
      "mixed.jsonl",
      Buffer.concat([
        Buffer.from('{"name":"José"}\n{"name":"Zoë"}\n'),
        iconv.encode('{"name":"Gérard"}\n', "latin1"),
      ]),
    );
    const { rows, unreadable } = await collect(readJsonLines(path));
    expect(rows.map((r) => r.values.name)).toEqual(["José", "Zoë"]);
    expect(unreadable[0]).toMatchObject({
      rowNumber: 3,
      reason: { code: "jsonl_invalid_encoding", field: "name" },
    });
  });

  it("reads a file that is one JSON array of objects, numbering rows by position", async () => {
    const path = dir.file("array.json", '[\n  {"id": 1},\n  {"id": 2, "x": null},\n  3\n]\n');
    const { items } = await collect(readJsonLines(path));
    expect(items.map((i) => [i.kind, i.rowNumber])).toEqual([
      ["row", 1],
      ["row", 2],
      ["unreadable", 3],
    ]);
    expect(items[1]).toMatchObject({ values: { id: 2 } });
  });

  it("reads JSON lines whose first line is an array as lines, not as one array", async () => {
    const path = dir.file("first-array.jsonl", '[1]\n{"id":1}\n');
    const { rows, unreadable } = await collect(readJsonLines(path));
    expect(rows.map((r) => r.rowNumber)).toEqual([2]);
    expect(unreadable.map((u) => u.reason.code)).toEqual(["jsonl_not_object"]);
  });

  it("reads UTF-16 with a byte order mark", async () => {
    const path = dir.file("utf16.jsonl", iconv.encode('{"name":"Łukasz"}\r\n', "utf-16le", { addBOM: true }));
    const { rows } = await collect(readJsonLines(path));
    expect(rows[0]!.values).toEqual({ name: "Łukasz" });
  });
});

describe("describeJsonError", () => {
  it("keeps V8's reason and position but not its copy of the text", () => {
    const message = (text: string) => {
      try {
        JSON.parse(text);
        return "";
      } catch (error) {
        return describeJsonError(error);
      }
    };
    expect(message('{"a":1')).toBe("Expected ',' or '}' after property value (column 7)");
    expect(message('{"a": tru}')).toBe("Unexpected token '}'");
  });
});
