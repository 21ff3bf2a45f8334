import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { SourceRecord } from "../model/source-record.js";
import type { StandardizedRecord } from "../model/standardized.js";
import {
  emptyCounts,
  finishImportRun,
  getImportRun,
  saveImportProgress,
  startImportRun,
} from "./import-runs.js";
import type { Store } from "./open-store.js";
import { listQuarantine, quarantineRows } from "./quarantine.js";
import {
  countRecords,
  getRecord,
  listVersions,
  type PendingRecord,
  upsertSource,
  writeRecords,
} from "./source-records.js";
import { type TestStore, testEngines } from "./testing.js";

const standardized: StandardizedRecord = {
  name: null,
  emails: [],
  phones: [],
  addresses: [],
  dateOfBirth: null,
  gender: null,
  identifiers: [],
};

function pending(id: string, email: string, hash: string, row = 1): PendingRecord {
  const record: SourceRecord = {
    source: "crm",
    sourceRecordId: id,
    observedAt: "2025-01-01T00:00:00.000Z",
    attributes: {
      emails: [{ address: email }],
      phones: [],
      addresses: [],
      identifiers: [],
      texts: [],
      extra: { tier: "gold", nested: { a: [1, 2] } },
    },
  };
  return {
    source: record.source,
    sourceRecordId: record.sourceRecordId,
    observedAt: record.observedAt,
    rowNumber: row,
    contentHash: hash,
    attributesJson: JSON.stringify(record.attributes),
    standardizedJson: JSON.stringify(standardized),
    issuesJson: JSON.stringify([{ code: "x", message: "y", severity: "info" }]),
  };
}

async function write(store: Store, run: string, batch: PendingRecord[]) {
  return store.db.transaction().execute((trx) => writeRecords(trx, run, "2025-02-01T00:00:00.000Z", batch));
}

describe.each(await testEngines())("store on $name", (engine) => {
  let t: TestStore;
  beforeEach(async () => {
    t = await engine.open();
    await upsertSource(
      t.store,
      { source: "crm", trust: 0.8, dateOrder: "auto", keepUnmapped: true, fields: { e: "email" } },
      "2025-01-01T00:00:00.000Z",
    );
  });
  afterEach(async () => {
    await t.dispose();
  });

  it("stores records immutably: unchanged content is not written again, changed content gets a version", async () => {
    const first = await write(t.store, "r1", [pending("1", "a@x.com", "h1"), pending("2", "b@x.com", "h2")]);
    expect(first).toEqual({ newRecords: 2, newVersions: 0, unchanged: 0, written: ["1", "2"] });

    const second = await write(t.store, "r2", [
      pending("1", "a@x.com", "h1"),
      pending("2", "b2@x.com", "h2b"),
    ]);
    expect(second).toEqual({ newRecords: 0, newVersions: 1, unchanged: 1, written: ["2"] });

    const versions = await listVersions(t.store, "crm", "2");
    expect(versions.map((v) => [v.version, v.attributes.emails[0]?.address, v.importRunId])).toEqual([
      [1, "b@x.com", "r1"],
      [2, "b2@x.com", "r2"],
    ]);
    const latest = await getRecord(t.store, "crm", "2");
    expect(latest?.version).toBe(2);
    expect(latest?.attributes.extra).toEqual({ tier: "gold", nested: { a: [1, 2] } });
    expect(latest?.issues).toEqual([{ code: "x", message: "y", severity: "info" }]);
    expect(latest?.observedAt).toBe("2025-01-01T00:00:00.000Z");
    expect((await getRecord(t.store, "crm", "2", 1))?.attributes.emails[0]?.address).toBe("b@x.com");
    expect(await getRecord(t.store, "crm", "nope")).toBeNull();
    expect(await countRecords(t.store)).toEqual([{ source: "crm", records: 2, versions: 3 }]);
  });

  it("versions a record that appears twice in one batch with different content", async () => {
    const outcome = await write(t.store, "r1", [
      pending("7", "a@x.com", "h1", 1),
      pending("7", "c@x.com", "h3", 2),
    ]);
    expect(outcome).toEqual({ newRecords: 1, newVersions: 1, unchanged: 0, written: ["7", "7"] });
    expect((await listVersions(t.store, "crm", "7")).map((v) => v.rowNumber)).toEqual([1, 2]);
  });

  it("never lets two writers store the same version twice", async () => {
    await write(t.store, "r1", [pending("9", "a@x.com", "h1")]);
    const raw = {
      source: "crm",
      source_record_id: "9",
      version: 1,
      content_hash: "zz",
      observed_at: "2025-01-01T00:00:00.000Z",
      imported_at: "2025-01-01T00:00:00.000Z",
      import_run_id: "r9",
      row_number: 1,
      attributes: "{}",
      standardized: "{}",
      issues: "[]",
    };
    await expect(t.store.db.insertInto("source_record").values(raw).execute()).rejects.toThrow();
  });

  it("keeps quarantined rows with their reasons, and import runs with their counts", async () => {
    await startImportRun(t.store, {
      id: "run-1",
      source: "crm",
      path: "/tmp/crm.csv",
      format: "csv",
      startedAt: "2025-01-01T00:00:00.000Z",
    });
    const counts = {
      ...emptyCounts(),
      rowsRead: 3,
      accepted: 1,
      quarantined: 2,
      issueCounts: { email_invalid: 4 },
    };
    await t.store.db.transaction().execute(async (trx) => {
      await quarantineRows(trx, [
        {
          importRunId: "run-1",
          source: "crm",
          rowNumber: 2,
          code: "csv_ragged_row",
          field: null,
          reason: "row 2 has 3 fields, the header has 4",
          raw: "a,b,c",
          createdAt: "2025-01-01T00:00:00.000Z",
        },
        {
          importRunId: "run-1",
          source: "crm",
          rowNumber: 3,
          code: "missing_id",
          field: "id",
          reason: "row 3 has no record id",
          raw: '{"e":"\'; drop table source_record; --"}',
          createdAt: "2025-01-01T00:00:00.000Z",
        },
      ]);
      await saveImportProgress(trx, "run-1", counts);
    });
    await finishImportRun(t.store, "run-1", { status: "completed", finishedAt: "2025-01-01T00:01:00.000Z" });
    const rows = await listQuarantine(t.store, { importRunId: "run-1" });
    expect(rows.map((r) => [r.rowNumber, r.code, r.field])).toEqual([
      [2, "csv_ragged_row", null],
      [3, "missing_id", "id"],
    ]);
    expect(rows[1]?.raw).toContain("drop table");
    const run = await getImportRun(t.store, "run-1");
    expect(run).toMatchObject({ status: "completed", rowsRead: 3, accepted: 1, quarantined: 2 });
    expect(run?.issueCounts).toEqual({ email_invalid: 4 });
    expect(run?.finishedAt).toBe("2025-01-01T00:01:00.000Z");
  });
});

describe.each(await testEngines())("latest records on $name", (engine) => {
  it("streams only the latest version of each record, page by page, filtered by source", async () => {
    const t = await engine.open();
    try {
      const { latestRecords } = await import("./latest-records.js");
      await write(t.store, "r1", [
        pending("1", "a@x.com", "h1"),
        pending("2", "b@x.com", "h2"),
        pending("3", "c@x.com", "h3"),
      ]);
      await write(t.store, "r2", [pending("2", "b2@x.com", "h2b")]);
      const pages: string[][] = [];
      for await (const page of latestRecords(t.store, { pageSize: 2 })) {
        pages.push(page.map((r) => `${r.sourceRecordId}:${r.id}:${JSON.stringify(r.extra.tier)}`));
      }
      // Record 2's second version was stored fourth: that one, not the first, is the latest.
      expect(pages.flat().sort()).toEqual(['1:1:"gold"', '2:4:"gold"', '3:3:"gold"']);
      expect(pages[0]).toHaveLength(2);
      const none: unknown[] = [];
      for await (const page of latestRecords(t.store, { sources: ["web"] })) none.push(...page);
      expect(none).toEqual([]);
    } finally {
      await t.dispose();
    }
  });
});
