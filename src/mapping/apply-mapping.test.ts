import { describe, expect, it } from "vitest";
import { applyMapping } from "./apply-mapping.js";
import { compileMapping, MappingError } from "./compile-mapping.js";

const importedAt = "2026-01-02T03:04:05.000Z";

describe("compileMapping", () => {
  it("names every bad target and the field it is in", () => {
    try {
      compileMapping({
        source: "crm",
        fields: { a: "name.nick", b: "identifier:passport", c: "adress.city" },
      });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(MappingError);
      const fields = (error as MappingError).issues.map((i) => i.field);
      expect(fields).toEqual(["fields.a", "fields.b", "fields.c"]);
      expect((error as Error).message).toContain("a name part is one of");
    }
  });

  it("refuses two columns feeding the record id", () => {
    expect(() => compileMapping({ source: "crm", fields: { a: "id", b: "id" } })).toThrow(
      /2 fields map to "id"/,
    );
  });

  it("refuses a source name with spaces and a trust above 1", () => {
    expect(() => compileMapping({ source: "my crm", trust: 2, fields: { a: "email" } })).toThrow(
      MappingError,
    );
  });
});

describe("applyMapping", () => {
  const crm = compileMapping({
    source: "crm",
    defaultCountry: "us",
    fields: {
      customer_id: "id",
      updated_at: "observedAt",
      first_name: "name.given",
      last_name: "name.family",
      email: "email",
      work_email: "email:work",
      phone: "phone",
      street: "address.line1",
      city: "address.city",
      zip: "address.postcode",
      bill_zip: "address:billing.postcode",
      dob: "dateOfBirth",
      loyalty: "identifier:loyalty_number",
      twitter: "identifier:social_handle/twitter",
      notes: "text:notes",
      internal: "ignore",
    },
  });

  it("builds a record from a CSV row, keeping unmapped columns as extra", () => {
    const result = applyMapping(
      crm,
      {
        customer_id: "C-17",
        updated_at: "2025-05-06T07:08:09Z",
        first_name: " Ana ",
        last_name: "García",
        email: "ana@example.com",
        work_email: "ana@corp.example",
        phone: "(415) 555-0100",
        street: "1 Main St",
        city: "Springfield",
        zip: "62704",
        bill_zip: "62701",
        dob: "1980-03-04",
        loyalty: "L-1",
        twitter: "@ana",
        notes: "called twice",
        internal: "x",
        segment: "gold",
      },
      4,
      importedAt,
    );
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    const { record } = result;
    expect(crm.mapping.defaultCountry).toBe("US");
    expect(record.sourceRecordId).toBe("C-17");
    expect(record.observedAt).toBe("2025-05-06T07:08:09.000Z");
    expect(record.attributes.name).toEqual({ given: "Ana", family: "García" });
    expect(record.attributes.emails).toEqual([
      { address: "ana@example.com" },
      { address: "ana@corp.example", label: "work" },
    ]);
    expect(record.attributes.addresses).toEqual([
      { line1: "1 Main St", city: "Springfield", postcode: "62704" },
      { label: "billing", postcode: "62701" },
    ]);
    expect(record.attributes.identifiers).toEqual([
      { type: "loyalty_number", value: "L-1" },
      { type: "social_handle", value: "@ana", namespace: "twitter" },
    ]);
    expect(record.attributes.texts).toEqual([{ name: "notes", value: "called twice" }]);
    expect(record.attributes.extra).toEqual({ segment: "gold" });
  });

  it("uses the row number when the mapping has no id, and the import time when no time is given", () => {
    const m = compileMapping({ source: "forms", fields: { email: "email" } });
    const result = applyMapping(m, { email: "a@b.co" }, 12, importedAt);
    expect(result.ok && result.record.sourceRecordId).toBe("row-12");
    expect(result.ok && result.record.observedAt).toBe(importedAt);
  });

  it("rejects a row without its id, naming the row", () => {
    const result = applyMapping(crm, { email: "a@b.co" }, 9, importedAt);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.reason.code).toBe("missing_id");
    expect(result.reason.message).toBe("row 9 has no record id");
  });

  it("rejects a row that carries no person attribute", () => {
    const result = applyMapping(crm, { customer_id: "C-1", segment: "gold" }, 3, importedAt);
    expect(!result.ok && result.reason.code).toBe("empty_record");
  });

  it("keeps an unreadable observed time as an issue and falls back to the import time", () => {
    const result = applyMapping(
      crm,
      { customer_id: "C-1", email: "a@b.co", updated_at: "last tuesday" },
      1,
      importedAt,
    );
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.record.observedAt).toBe(importedAt);
    expect(result.issues.map((i) => i.code)).toEqual(["observed_at_unreadable"]);
  });

  it("reads compact dates and epoch seconds as observed times", () => {
    const m = compileMapping({ source: "s", fields: { t: "observedAt", e: "email" } });
    const compact = applyMapping(m, { t: "20240102", e: "a@b.co" }, 1, importedAt);
    expect(compact.ok && compact.record.observedAt).toBe("2024-01-02T00:00:00.000Z");
    const epoch = applyMapping(m, { t: 1700000000, e: "a@b.co" }, 1, importedAt);
    expect(epoch.ok && epoch.record.observedAt).toBe("2023-11-14T22:13:20.000Z");
  });

  it("walks JSON paths, takes every element of a list, and keeps unmapped nested leaves by path", () => {
    const m = compileMapping({
      source: "app",
      fields: {
        "$.messageId": "id",
        "$.traits.email": "email",
        "$.traits.phones": "phone",
        "$.context.device.id": "identifier:device_id",
        userId: "identifier:user_id",
      },
    });
    const result = applyMapping(
      m,
      {
        messageId: "m-1",
        userId: 42,
        traits: { email: "x@y.io", phones: ["+1 415 555 0100", "+44 20 7946 0000"], plan: "pro" },
        context: { device: { id: "D1", model: "Pixel" } },
      },
      1,
      importedAt,
    );
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.record.attributes.phones).toHaveLength(2);
    expect(result.record.attributes.identifiers).toEqual([
      { type: "device_id", value: "D1" },
      { type: "user_id", value: "42" },
    ]);
    expect(result.record.attributes.extra).toEqual({
      "$.traits.plan": "pro",
      "$.context.device.model": "Pixel",
    });
  });

  it("feeds one column to several targets", () => {
    const m = compileMapping({
      source: "orders",
      fields: { order_id: ["id", "identifier:order_id"], email: "email" },
    });
    const result = applyMapping(m, { order_id: "O-9", email: "a@b.co" }, 1, importedAt);
    expect(result.ok && result.record.sourceRecordId).toBe("O-9");
    expect(result.ok && result.record.attributes.identifiers).toEqual([{ type: "order_id", value: "O-9" }]);
  });

  it("treats blank and whitespace-only cells as absent", () => {
    const result = applyMapping(
      crm,
      { customer_id: "C-2", first_name: "   ", email: "", phone: "555 0100" },
      1,
      importedAt,
    );
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.record.attributes.name).toBeUndefined();
    expect(result.record.attributes.emails).toEqual([]);
    expect(result.record.attributes.phones).toEqual([{ number: "555 0100" }]);
  });
});

describe("applyMapping output", () => {
  it("always fits the source record schema", async () => {
    const { sourceRecordSchema } = await import("../model/source-record.js");
    const m = compileMapping({
      source: "s",
      fields: {
        id: "id",
        n: "name.full",
        e: "email",
        p: "phone",
        a: "address.full",
        d: "dateOfBirth",
        x: "extra:x",
      },
    });
    const rows = [
      {
        id: " 7 ",
        n: "  Dr Ann Lee ",
        e: ["a@b.co", "", " "],
        p: 4155550100,
        a: "1 Main St",
        d: "1980",
        x: { y: 1 },
      },
      { id: 8, n: true, e: "e", p: "  ", a: "", d: new Date("2000-01-02"), x: null },
    ];
    for (const [i, row] of rows.entries()) {
      const r = applyMapping(m, row, i + 1, importedAt);
      expect(r.ok).toBe(true);
      if (r.ok) expect(sourceRecordSchema.safeParse(r.record).success).toBe(true);
    }
  });
});
