import { existsSync } from "node:fs";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { readCsv } from "./csv.js";
import { plain, readParquet } from "./parquet.js";
import { collect, type TempDir, tempDir } from "./testing.js";
import type { ReadProgress, SourceLayout, SourceRow } from "./types.js";

// The pseudopeople sample ships with the project's shared data (read-only); these tests are skipped where
// it is absent. Each .parquet file has a .csv beside it, converted from it.
const pseudopeople = "/work/shared/datasets/pseudopeople-sample";
const hasDataset = existsSync(`${pseudopeople}/american_community_survey.parquet`);

/** A Parquet value as the CSV beside it spells it: timestamps at midnight as dates, numbers as text. */
function asCsv(value: unknown): string {
  if (typeof value === "string" && /^\d{4}-\d\d-\d\dT00:00:00\.000Z$/.test(value)) return value.slice(0, 10);
  return String(value);
}

describe("readParquet on the pseudopeople sample", () => {
  it.skipIf(!hasDataset)(
    "reads every row of american_community_survey as the CSV beside it has it",
    async () => {
      let layout: SourceLayout | null = null;
      const parquet = await collect(
        readParquet(`${pseudopeople}/american_community_survey.parquet`, { onLayout: (l) => (layout = l) }),
      );
      const csv = await collect(readCsv(`${pseudopeople}/american_community_survey.csv`));
      expect(parquet.unreadable).toEqual([]);
      expect(parquet.rows).toHaveLength(415);
      expect(parquet.rows).toHaveLength(csv.rows.length);
      expect(layout!.columns).toContain("simulant_id");

      const asText = (row: SourceRow) =>
        Object.fromEntries(Object.entries(row.values).map(([k, v]) => [k, asCsv(v)]));
      expect(parquet.rows.map(asText)).toEqual(csv.rows.map((r) => r.values));

      const first = parquet.rows[0]!.values;
      expect(first).toMatchObject({ first_name: "John", last_name: "Todd", age: 88, __index_level_0__: 0 });
      expect(first.survey_date).toBe("2019-01-29T00:00:00.000Z");
      expect(first).not.toHaveProperty("unit_number");
    },
  );

  it.skipIf(!hasDataset)(
    "reads social_security (24,205 rows) with the same count and values as its CSV",
    async () => {
      const calls: ReadProgress[] = [];
      const parquet = await collect(
        readParquet(`${pseudopeople}/social_security.parquet`, { onProgress: (p) => calls.push(p) }),
      );
      const csv = await collect(readCsv(`${pseudopeople}/social_security.csv`));
      expect(parquet.rows).toHaveLength(24_205);
      expect(csv.rows).toHaveLength(24_205);
      for (const k of [0, 1, 12_345, 24_204]) {
        const p = parquet.rows[k]!;
        const c = csv.rows[k]!;
        expect(p.rowNumber).toBe(c.rowNumber);
        expect(p.values.simulant_id).toBe(c.values.simulant_id);
        expect(p.values.ssn).toBe(c.values.ssn);
        expect(p.values.first_name).toBe(c.values.first_name);
        expect(asCsv(p.values.date_of_birth)).toBe(c.values.date_of_birth);
      }
      expect(calls.at(-1)).toMatchObject({ rows: 24_205, totalBytes: expect.any(Number) });
    },
  );
});

describe("readParquet", () => {
  let dir: TempDir;
  beforeEach(() => {
    dir = tempDir();
  });
  afterEach(() => dir.dispose());

  it("refuses a file that is not Parquet as a whole", async () => {
    const path = dir.file("fake.parquet", "id,name\n1,Ann\n");
    await expect(collect(readParquet(path))).rejects.toMatchObject({ code: "parquet_invalid" });
    await expect(collect(readParquet(dir.file("tiny.parquet", "PAR1")))).rejects.toMatchObject({
      code: "parquet_invalid",
    });
  });
});

describe("plain", () => {
  it("makes 64-bit integers numbers when safe and strings when not", () => {
    expect(plain(42n)).toBe(42);
    expect(plain(-(2n ** 53n) + 1n)).toBe(-(2 ** 53) + 1);
    expect(plain(2n ** 63n - 1n)).toBe("9223372036854775807");
  });

  it("turns dates into ISO strings, NaN and invalid dates into null, and binary into text or base64", () => {
    expect(plain(new Date(Date.UTC(2020, 1, 3)))).toBe("2020-02-03T00:00:00.000Z");
    expect(plain(new Date(Number.NaN))).toBeNull();
    expect(plain(Number.NaN)).toBeNull();
    expect(plain(new TextEncoder().encode("Zoë"))).toBe("Zoë");
    expect(plain(new Uint8Array([0xff, 0x00]))).toBe("/wA=");
  });

  it("converts inside lists and structs", () => {
    expect(plain({ ids: [1n, 2n], when: new Date(0), inner: { n: 3n } })).toEqual({
      ids: [1, 2],
      when: "1970-01-01T00:00:00.000Z",
      inner: { n: 3 },
    });
  });
});
