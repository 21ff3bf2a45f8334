import { existsSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import iconv from "iconv-lite";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { compileMapping } from "../mapping/compile-mapping.js";
import { loadMapping } from "../mapping/load-mapping.js";
import { getImportRun } from "../store/import-runs.js";
import { listQuarantine } from "../store/quarantine.js";
import { countRecords, getRecord } from "../store/source-records.js";
import { type TestStore, testEngines } from "../store/testing.js";
import { importSource } from "./import-source.js";

const datasets = join(import.meta.dirname, "../../../shared/datasets");
const examples = join(import.meta.dirname, "../../examples/mappings");
const febrl3 = join(datasets, "febrl/dataset3.csv");
const fake1000 = join(datasets, "splink/fake_1000.csv");

describe.each(await testEngines())("importSource on $name", (engine) => {
  let t: TestStore;
  let dir: string;
  beforeEach(async () => {
    t = await engine.open();
    dir = mkdtempSync(join(tmpdir(), "tessera-import-"));
  });
  afterEach(async () => {
    await t.dispose();
  });

  it.skipIf(!existsSync(febrl3))("imports FEBRL dataset3 with no row quarantined", async () => {
    const report = await importSource(t.store, {
      path: febrl3,
      mapping: loadMapping(join(examples, "febrl.json")),
    });
    expect(report).toMatchObject({ rowsRead: 5000, accepted: 5000, newRecords: 5000, quarantined: 0 });
    const r = await getRecord(t.store, "febrl", "rec-1496-org");
    expect(r?.attributes.name).toEqual({ given: "mitchell", family: "green" });
    expect(r?.standardized.dateOfBirth?.iso).toBe("1956-04-09");
    expect(r?.standardized.addresses[0]?.postcode).toBe("2119");
    expect(r?.standardized.addresses[0]?.country).toBe("AU");
  });

  it.skipIf(!existsSync(fake1000))(
    "imports Splink's fake_1000 with no row quarantined, and re-imports as unchanged",
    async () => {
      const mapping = loadMapping(join(examples, "splink-fake-1000.json"));
      const first = await importSource(t.store, { path: fake1000, mapping });
      expect(first).toMatchObject({ rowsRead: 1000, accepted: 1000, newRecords: 1000, quarantined: 0 });
      const again = await importSource(t.store, { path: fake1000, mapping });
      expect(again).toMatchObject({ rowsRead: 1000, newRecords: 0, newVersions: 0, unchanged: 1000 });
      expect(await countRecords(t.store)).toEqual([{ source: "fake_1000", records: 1000, versions: 1000 }]);
      const r = await getRecord(t.store, "fake_1000", "0");
      expect(r?.standardized.emails[0]?.normalized).toBe("robert255@smith.net");
    },
  );

  it("quarantines every bad row of a broken CSV, names each, and keeps every good row", async () => {
    const header = "id,first_name,last_name,email,city\n";
    const good = (i: number) => `${i},Zoë,Müller,z${i}@example.com,Zürich\n`;
    const parts: Buffer[] = [iconv.encode(header, "utf8")];
    const goodIds: string[] = [];
    for (let i = 1; i <= 40; i++) {
      if (i === 10) parts.push(Buffer.from("10,too,few\n"));
      else if (i === 20)
        parts.push(Buffer.from(`20,Big,Field,big@example.com,"${"x".repeat(10 * 1024 * 1024)}"\n`));
      else if (i === 30) parts.push(Buffer.from(",No,Id,noid@example.com,Paris\n"));
      else {
        parts.push(Buffer.from(good(i), "utf8"));
        goodIds.push(String(i));
      }
    }
    const path = join(dir, "broken.csv");
    writeFileSync(path, Buffer.concat(parts));
    const mapping = compileMapping({
      source: "broken",
      fields: {
        id: "id",
        first_name: "name.given",
        last_name: "name.family",
        email: "email",
        city: "address.city",
      },
    });
    const report = await importSource(t.store, { path, mapping, batchSize: 7 });
    expect(report.rowsRead).toBe(40);
    expect(report.accepted).toBe(37);
    expect(report.quarantined).toBe(3);
    const rows = await listQuarantine(t.store, { importRunId: report.runId });
    expect(rows.map((r) => [r.rowNumber, r.code])).toEqual([
      [10, "csv_ragged_row"],
      [20, "csv_field_too_large"],
      [30, "missing_id"],
    ]);
    expect(rows[0]?.reason).toMatch(/10/);
    expect(rows[1]?.raw.length).toBeLessThanOrEqual(64 * 1024 + 1);
    for (const id of goodIds)
      expect((await getRecord(t.store, "broken", id))?.attributes.name?.given).toBe("Zoë");
    const run = await getImportRun(t.store, report.runId);
    expect(run).toMatchObject({ status: "completed", rowsRead: 40, quarantined: 3, accepted: 37 });
  });

  it("reads a Latin-1 file without mangling accents", async () => {
    const path = join(dir, "latin1.csv");
    writeFileSync(
      path,
      iconv.encode("id;nom;prénom;ville\n1;Lefèvre;Hélène;Besançon\n2;Núñez;José;Málaga\n", "latin1"),
    );
    const mapping = compileMapping({
      source: "fr",
      defaultCountry: "FR",
      fields: { id: "id", nom: "name.family", prénom: "name.given", ville: "address.city" },
    });
    const report = await importSource(t.store, { path, mapping });
    expect(report.quarantined).toBe(0);
    const r = await getRecord(t.store, "fr", "1");
    expect(r?.attributes.name).toEqual({ given: "Hélène", family: "Lefèvre" });
    expect(r?.standardized.name?.family).toBe("lefevre");
  });

  it("stores the same records, in the same order, with worker threads as without", async () => {
    const { generate } = await import("../synthetic/generate.js");
    const data = join(dir, "gen");
    await generate({ people: 400, seed: 5, outDir: data });
    const mapping = loadMapping(join(data, "mappings/orders.json"));
    const inline = await importSource(t.store, { path: join(data, "orders.csv"), mapping, workers: 0 });
    const other = compileMapping({ ...mapping.mapping, source: "orders_threads" });
    const threaded = await importSource(t.store, {
      path: join(data, "orders.csv"),
      mapping: other,
      workers: 2,
    });
    expect(threaded).toMatchObject({
      rowsRead: inline.rowsRead,
      accepted: inline.accepted,
      quarantined: inline.quarantined,
      issueCounts: inline.issueCounts,
    });
    const rows = (source: string) =>
      t.store.db
        .selectFrom("source_record")
        .select(["source_record_id", "row_number", "content_hash", "standardized"])
        .where("source", "=", source)
        .orderBy("id")
        .execute();
    const a = await rows("orders");
    const b = await rows("orders_threads");
    expect(a.length).toBeGreaterThan(300);
    expect(b).toEqual(a);
  });

  it("marks the run failed and says why when the file is missing", async () => {
    const mapping = compileMapping({ source: "gone", fields: { e: "email" } });
    await expect(importSource(t.store, { path: join(dir, "nope.csv"), mapping })).rejects.toThrow(
      /nope\.csv/,
    );
    const runs = await t.store.db.selectFrom("import_run").select(["status", "error"]).execute();
    expect(runs).toHaveLength(1);
    expect(runs[0]?.status).toBe("failed");
  });
  it("imports a mailbox, a web log and chat transcripts, quarantining each bad item with its reason", async () => {
    const { accessLogMapping, supportChatMapping, supportMapping } = await import("../synthetic/mappings.js");
    const message = (n: number, extra = "") =>
      `From jane${n}@example.com Wed Nov 13 16:23:24 2019\nFrom: Jane Doe <jane${n}@example.com>\nTo: support@shop.example\nSubject: Order ${n}\nDate: Wed, 13 Nov 2019 16:23:24 +0000\nMessage-ID: <m${n}@example.com>\n${extra}`;
    const plainBody =
      "Content-Type: text/plain\n\nWhere is my order?\n\nBest regards,\nJane Doe\n(214) 487-8682\n\n";
    // A PNG's first bytes and NULs, base64-encoded as mail clients send them.
    const png = Buffer.from([
      0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d, 0xff, 0xfe,
    ]).toString("base64");
    const withAttachment =
      'MIME-Version: 1.0\nContent-Type: multipart/mixed; boundary="b1"\n\n--b1\nContent-Type: text/plain\n\nPhoto attached.\n--b1\n' +
      `Content-Type: image/png; name="photo.png"\nContent-Disposition: attachment; filename="photo.png"\nContent-Transfer-Encoding: base64\n\n${png}\n--b1--\n\n`;
    const mbox = [
      "a preamble that is not a message\n\n",
      message(1, plainBody),
      "From nobody Thu Nov 14 10:00:00 2019\n\x00\x01\x02garbage without headers\n\n",
      message(2, withAttachment),
    ].join("");
    const mboxPath = join(dir, "support.mbox");
    writeFileSync(mboxPath, mbox);
    const mail = await importSource(t.store, { path: mboxPath, mapping: compileMapping(supportMapping) });
    expect(mail).toMatchObject({ rowsRead: 4, accepted: 2, quarantined: 2 });
    const mailQuarantine = await listQuarantine(t.store, { importRunId: mail.runId });
    expect(mailQuarantine.map((r) => r.code)).toEqual(["mbox_no_from_line", "email_not_a_message"]);
    expect(mailQuarantine[1]?.reason).toMatch(/message 3/);
    const first = await getRecord(t.store, "support", "<m1@example.com>");
    expect(first?.attributes.phones.map((p) => p.label)).toContain("extracted");
    const second = await getRecord(t.store, "support", "<m2@example.com>");
    expect(second?.attributes.extra.attachments).toEqual([
      expect.objectContaining({ filename: "photo.png", content_type: "image/png" }),
    ]);

    const hit = (ip: string, time: string, path: string) =>
      `${ip} - - [12/Jan/2019:${time} +0000] "GET ${path} HTTP/1.1" 200 512 "-" "Mozilla/5.0 (Windows NT 10.0; Win64; x64)"`;
    const logPath = join(dir, "access.log");
    writeFileSync(
      logPath,
      [
        hit("1.2.3.4", "10:00:00", "/"),
        '9.9.9.9 - - [12/Jan/2019:10:00:01 +0000] "GET /prod',
        hit("1.2.3.4", "10:00:09", "/orders/ORD-1"),
        hit("5.6.7.8", "10:01:00", "/"),
      ].join("\n"),
    );
    const log = await importSource(t.store, { path: logPath, mapping: compileMapping(accessLogMapping) });
    expect(log).toMatchObject({ rowsRead: 3, accepted: 2, quarantined: 1 });
    const logQuarantine = await listQuarantine(t.store, { importRunId: log.runId });
    expect(logQuarantine.map((r) => [r.rowNumber, r.code])).toEqual([[2, "access_log_invalid_line"]]);
    expect(logQuarantine[0]?.raw).toContain("GET /prod");
    expect((await getRecord(t.store, "access_log", "1"))?.attributes.identifiers).toContainEqual({
      type: "order_id",
      value: "ORD-1",
    });

    const chatPath = join(dir, "chats.jsonl");
    const turn = (id: string, speaker: string, text: string | null, extra = {}) =>
      JSON.stringify({ conversation_id: id, timestamp: "2020-01-01T10:00:00Z", speaker, text, ...extra });
    writeFileSync(
      chatPath,
      [
        turn("C1", "agent", "Hi! How can I help?", { visitor_name: "Jane Doe" }),
        turn("C1", "customer", "My email is jane1@example.com"),
        turn("C2", "agent", "Hello?"),
        turn("C1", "customer", null),
        "{not json",
      ].join("\n"),
    );
    const chat = await importSource(t.store, { path: chatPath, mapping: compileMapping(supportChatMapping) });
    expect(chat).toMatchObject({ accepted: 1, quarantined: 3 });
    const chatQuarantine = await listQuarantine(t.store, { importRunId: chat.runId });
    expect(chatQuarantine.map((r) => r.code).sort()).toEqual([
      "chat_invalid_turn",
      "chat_no_customer_turn",
      "jsonl_invalid_json",
    ]);
    const c1 = await getRecord(t.store, "support_chat", "C1");
    expect(c1?.attributes.name?.full).toBe("Jane Doe");
    expect(c1?.attributes.emails).toContainEqual({ address: "jane1@example.com", label: "extracted" });
  });
});
