import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { compileMapping } from "../mapping/compile-mapping.js";
import { openStore, type Store } from "../store/open-store.js";
import { importSource } from "./import-source.js";
import { loadRecordTable } from "./load-table.js";

const features = ["given", "family", "email", "dateOfBirth", "birthYear", "givenRoots"];

describe("loading stored records into a record table", () => {
  let dir: string;
  let store: Store;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "tessera-load-"));
    store = await openStore({ file: join(dir, "t.db") });
    const mapping = (source: string) =>
      compileMapping({
        source,
        format: "csv",
        fields: { id: "id", first: "name.given", last: "name.family", email: "email", dob: "dateOfBirth" },
      });
    const rows = (from: number, to: number, tweak = "") =>
      `id,first,last,email,dob\n${Array.from(
        { length: to - from },
        (_, k) =>
          `${from + k},Ann${tweak},Lee${(from + k) % 7},a${from + k}@x.org,1980-01-${String(1 + (k % 28)).padStart(2, "0")}`,
      ).join("\n")}\n`;
    writeFileSync(join(dir, "a.csv"), rows(0, 300));
    writeFileSync(join(dir, "b.csv"), rows(0, 200));
    writeFileSync(join(dir, "a2.csv"), rows(100, 150, "e"));
    await importSource(store, { path: join(dir, "a.csv"), mapping: mapping("a") });
    await importSource(store, { path: join(dir, "b.csv"), mapping: mapping("b") });
    // A second version of 50 records of source a, stored after b's.
    await importSource(store, { path: join(dir, "a2.csv"), mapping: mapping("a") });
  });
  afterAll(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("builds the same table in threads as in this thread, latest versions only", async () => {
    const inline = await loadRecordTable(store, { features, threads: 0, truth: { idPattern: /^(\d+)$/ } });
    const threaded = await loadRecordTable(store, {
      features,
      threads: 2,
      parallelFrom: 0,
      batchSize: 37,
      truth: { idPattern: /^(\d+)$/ },
    });
    expect(inline.table.size).toBe(500);
    expect(threaded.table.keys).toEqual(inline.table.keys);
    expect(threaded.labels).toEqual(inline.labels);
    for (const name of features)
      expect(threaded.table.features.get(name)).toEqual(inline.table.features.get(name));
    const given = inline.table.features.get("given");
    if (given?.kind !== "text") throw new Error("given is text");
    const at = inline.table.keys.indexOf("a/120");
    expect(given.dictionary[given.codes[at] as number]).toBe("anne");
  });

  it("reads only the sources asked for", async () => {
    const { table } = await loadRecordTable(store, { features, threads: 2, parallelFrom: 0, sources: ["b"] });
    expect(table.size).toBe(200);
    expect(table.sources).toEqual(["b"]);
  });

  it("fills in the match views of a store written before they existed, once", async () => {
    const before = await loadRecordTable(store, { features, threads: 0 });
    await sql`delete from match_view`.execute(store.db);
    const seen: number[] = [];
    const after = await loadRecordTable(store, {
      features,
      threads: 0,
      onBackfill: (done) => seen.push(done),
    });
    expect(seen[seen.length - 1]).toBe(500);
    const givenByKey = (t: typeof before.table) => {
      const f = t.features.get("given");
      if (f?.kind !== "text") throw new Error("given is text");
      return new Map(t.keys.map((k, r) => [k, f.dictionary[f.codes[r] as number]]));
    };
    expect(givenByKey(after.table)).toEqual(givenByKey(before.table));
    expect(givenByKey(after.table).get("a/120")).toBe("anne");
    seen.length = 0;
    await loadRecordTable(store, { features, threads: 0, onBackfill: (done) => seen.push(done) });
    expect(seen).toEqual([]);
  });
});
