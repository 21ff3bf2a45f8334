import { createHash } from "node:crypto";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse } from "csv-parse/sync";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sourceMappingSchema } from "../model/mapping.js";
import { readSource } from "../sources/open-source.js";
import { collect } from "../sources/testing.js";
import { type GenerateReport, generate } from "./generate.js";
import type { Manifest } from "./manifest.js";

const PEOPLE = 300;
const SEED = 20240611;

type Row = Record<string, string>;

let root: string;
let dir: string;
let report: GenerateReport;
let manifest: Manifest;
let truth: Row[];
let people: Row[];

async function text(file: string, base = dir): Promise<string> {
  return readFile(join(base, file), "utf8");
}

function csv(content: string): Row[] {
  return parse(content, { columns: true, bom: true, skip_empty_lines: true }) as Row[];
}

function lines(content: string): string[] {
  return content.split("\n").filter((line) => line !== "");
}

function idsInTruth(source: string): string[] {
  return truth.filter((t) => t.source === source).map((t) => t.source_record_id!);
}

async function hashes(base: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const s of manifest.sources) {
    out[s.file] = createHash("sha256")
      .update(await readFile(join(base, s.file)))
      .digest("hex");
  }
  for (const f of ["truth.csv", "people.csv", "manifest.json"]) {
    out[f] = createHash("sha256")
      .update(await readFile(join(base, f)))
      .digest("hex");
  }
  return out;
}

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), "tessera-synthetic-"));
  dir = join(root, "a");
  const progress: number[] = [];
  report = await generate({
    people: PEOPLE,
    seed: SEED,
    outDir: dir,
    chunkSize: 100,
    onProgress: (d) => progress.push(d),
  });
  expect(progress).toEqual([100, 200, 300]);
  manifest = JSON.parse(await text("manifest.json")) as Manifest;
  truth = csv(await text("truth.csv"));
  people = csv(await text("people.csv"));
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe("generate", () => {
  it("writes every file the manifest names, and the report agrees with it", async () => {
    expect(report.people).toBe(PEOPLE);
    expect(manifest.people).toBe(PEOPLE);
    expect(manifest.households).toBe(report.households);
    expect(manifest.sources.map((s) => s.name)).toEqual([
      "crm",
      "orders",
      "web_signups",
      "app_events",
      "access_log",
      "support",
      "social",
      "support_chat",
    ]);
    for (const s of manifest.sources) {
      expect(report.files).toContain(join(dir, s.file));
      expect(report.records[s.name]).toBe(s.records);
      expect(s.records).toBeGreaterThan(0);
      if (s.mapping !== null) expect(report.files).toContain(join(dir, s.mapping));
    }
    expect(manifest.sources.find((s) => s.name === "access_log")?.mapping).toBe("mappings/access_log.json");
    expect(manifest.sources.find((s) => s.name === "support")?.mapping).toBe("mappings/support.json");
    expect(manifest.createdAt).toMatch(/^20\d\d-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  });

  it("writes CSV sources with the documented header and one row per record", async () => {
    const crmText = await text("crm.csv");
    expect(
      crmText.startsWith("\uFEFFcustomer_id,title,first_name,last_name,email,phone,street,city,state,zip,"),
    ).toBe(true);
    const crm = csv(crmText);
    expect(Object.keys(crm[0]!)).toEqual([
      "customer_id",
      "title",
      "first_name",
      "last_name",
      "email",
      "phone",
      "street",
      "city",
      "state",
      "zip",
      "country",
      "date_of_birth",
      "gender",
      "loyalty_number",
      "updated_at",
    ]);
    expect(crm.length).toBe(report.records.crm);
    expect(crm.map((r) => r.customer_id).sort()).toEqual(idsInTruth("crm").sort());

    const orders = csv(await text("orders.csv"));
    expect(Object.keys(orders[0]!)).toEqual([
      "order_id",
      "customer_email",
      "customer_name",
      "phone",
      "shipping_address",
      "billing_postcode",
      "order_date",
      "amount",
      "currency",
      "items",
    ]);
    expect(orders.map((r) => r.order_id).sort()).toEqual(idsInTruth("orders").sort());
    for (const o of orders) expect(Number(o.amount)).toBeGreaterThan(0);
  });

  it("writes JSON lines that all parse, with the truth's ids", async () => {
    const signups = lines(await text("web_signups.jsonl")).map((l) => JSON.parse(l));
    expect(signups.map((s) => s.submission_id).sort()).toEqual(idsInTruth("web_signups").sort());
    for (const s of signups)
      expect(Object.keys(s.form)).toEqual(["first", "last", "email", "phone", "zip", "newsletter"]);

    const events = lines(await text("app_events.jsonl")).map((l) => JSON.parse(l));
    expect(events.map((e) => e.messageId).sort()).toEqual(idsInTruth("app_events").sort());
    const types = new Set(events.map((e) => e.type));
    expect([...types].sort()).toEqual(["identify", "screen", "track"]);
    for (const e of events) {
      expect(typeof e.anonymousId).toBe("string");
      expect(e.context.device.id).toBeTruthy();
      expect(Number.isNaN(Date.parse(e.timestamp))).toBe(false);
      if (e.type === "identify") expect(e.traits).toBeTypeOf("object");
    }
    const completed = events.filter((e) => e.event === "Order Completed");
    expect(completed.length).toBeGreaterThan(0);
    const orderIds = new Set(idsInTruth("orders"));
    for (const e of completed) {
      expect(e.properties.revenue).toBeGreaterThan(0);
      expect(orderIds.has(e.properties.order_id)).toBe(true);
    }

    const social = lines(await text("social.jsonl")).map((l) => JSON.parse(l));
    expect(social.map((s) => s.url).sort()).toEqual(idsInTruth("social").sort());
    for (const s of social) {
      expect(Object.keys(s)).toEqual([
        "platform",
        "handle",
        "display_name",
        "bio",
        "location",
        "url",
        "followers",
        "posts",
      ]);
    }
  });

  it("writes an mbox with one message per truth record and escaped From lines", async () => {
    const mbox = await text("support.mbox");
    const fromLines = mbox
      .split("\n")
      .filter((l, i, all) => l.startsWith("From ") && (i === 0 || all[i - 1] === ""));
    expect(fromLines.length).toBe(report.records.support);
    expect(mbox.split("\n").filter((l) => l.startsWith("From ")).length).toBe(fromLines.length);
    const ids = [...mbox.matchAll(/^Message-ID: (<[^>]+>)$/gm)].map((m) => m[1]);
    expect(ids.sort()).toEqual(idsInTruth("support").sort());
    expect(mbox).toMatch(/^Subject: .+$/m);
  });

  it("writes a combined-format access log numbered by line", async () => {
    const log = lines(await text("access.log"));
    expect(log.length).toBe(report.records.access_log);
    const combined =
      /^\S+ - - \[\d\d\/\w{3}\/\d{4}:\d\d:\d\d:\d\d [+-]\d{4}\] "(GET|POST|HEAD) \S+ HTTP\/1\.1" \d{3} (\d+|-) "[^"]*" "[^"]+"$/;
    for (const line of log) expect(line).toMatch(combined);
    expect(idsInTruth("access_log")).toEqual(log.map((_, i) => String(i + 1)));
    expect(log.some((l) => l.includes("utm_source="))).toBe(true);
    expect(log.some((l) => /bot|python-requests|curl/i.test(l))).toBe(true);
  });

  it("has a truth row for every record and nothing else", () => {
    const keys = truth.map((t) => `${t.source}\u0000${t.source_record_id}`);
    expect(new Set(keys).size).toBe(keys.length);
    const total = Object.values(report.records).reduce((a, b) => a + b, 0);
    expect(truth.length).toBe(total);
    const known = new Set(people.map((p) => p.person_id));
    for (const t of truth) {
      if (t.is_fake === "0") {
        expect(known.has(t.person_id!)).toBe(true);
        expect(t.household_id).toMatch(/^H\d{8}$/);
      } else {
        expect(t.person_id).toMatch(/^[FB]\d{7}$/);
        expect(t.household_id).toBe("");
      }
    }
    expect(people.length).toBe(PEOPLE);
  });

  it("writes mappings that the mapping schema accepts and that name real columns", async () => {
    const crmHeader = Object.keys(csv(await text("crm.csv"))[0]!);
    const ordersHeader = Object.keys(csv(await text("orders.csv"))[0]!);
    const trustBySource: Record<string, number> = {
      crm: 0.8,
      orders: 0.7,
      web_signups: 0.5,
      app_events: 0.6,
      social: 0.3,
      support: 0.4,
      access_log: 0.2,
      support_chat: 0.4,
    };
    for (const s of manifest.sources) {
      if (s.mapping === null) continue;
      const mapping = sourceMappingSchema.parse(JSON.parse(await text(s.mapping)));
      expect(mapping.source).toBe(s.name);
      expect(mapping.defaultCountry).toBe("US");
      expect(mapping.trust).toBe(trustBySource[s.name]);
      expect(Object.values(mapping.fields).flat()).toContain("id");
      if (s.format === "mbox" || s.format === "log" || mapping.format === "chat") {
        // Read by their own readers: every mapped field is one their rows have.
        const { rows } = await collect(
          readSource(join(dir, s.file), mapping.format ? { format: mapping.format } : {}),
        );
        for (const column of Object.keys(mapping.fields)) {
          expect(
            rows.some((r) => r.values[column] !== undefined),
            `${s.name} ${column}`,
          ).toBe(true);
        }
      } else if (s.format === "csv") {
        const header = s.name === "crm" ? crmHeader : ordersHeader;
        for (const column of Object.keys(mapping.fields)) expect(header).toContain(column);
      } else {
        const records = lines(await text(s.file)).map((l) => JSON.parse(l) as Record<string, unknown>);
        for (const path of Object.keys(mapping.fields)) {
          expect(path).toMatch(/^\$(\.[A-Za-z_][A-Za-z0-9_]*)+$/);
          const found = records.some((r) => {
            let v: unknown = r;
            for (const key of path.slice(2).split(".")) v = (v as Record<string, unknown> | undefined)?.[key];
            return v !== undefined;
          });
          expect(found, `${s.name} ${path}`).toBe(true);
        }
      }
    }
  });

  it("is deterministic for a seed and differs for another", async () => {
    const again = join(root, "b");
    await generate({ people: PEOPLE, seed: SEED, outDir: again, chunkSize: 100 });
    const first = await hashes(dir);
    expect(await hashes(again)).toEqual(first);
    const other = join(root, "c");
    await generate({ people: PEOPLE, seed: SEED + 1, outDir: other, chunkSize: 100 });
    const third = await hashes(other);
    for (const s of manifest.sources) expect(third[s.file]).not.toBe(first[s.file]);
  });

  it("makes households that share an address and mostly a family name", () => {
    const byHousehold = new Map<string, Row[]>();
    for (const p of people)
      byHousehold.set(p.household_id!, [...(byHousehold.get(p.household_id!) ?? []), p]);
    expect(byHousehold.size).toBe(report.households);
    const sizes = [...byHousehold.values()].map((m) => m.length);
    expect(Math.max(...sizes)).toBeGreaterThan(2);
    expect(Math.max(...sizes)).toBeLessThanOrEqual(6);
    let shared = 0;
    let multi = 0;
    for (const members of byHousehold.values()) {
      expect(new Set(members.map((m) => `${m.street}|${m.city}|${m.postcode}`)).size).toBe(1);
      if (members.length > 1) {
        multi++;
        if (new Set(members.map((m) => m.family_name)).size < members.length) shared++;
      }
    }
    expect(shared / multi).toBeGreaterThan(0.5);
  });

  it("makes a US-centred adult population", () => {
    const us = people.filter((p) => p.country === "US").length;
    expect(us / people.length).toBeGreaterThan(0.7);
    expect(us).toBeLessThan(people.length);
    const asOf = Date.parse(manifest.createdAt);
    for (const p of people) {
      const age = (asOf - Date.parse(p.date_of_birth!)) / (365.25 * 86_400_000);
      expect(age).toBeGreaterThanOrEqual(18);
      expect(age).toBeLessThan(101);
    }
    const emails = people.map((p) => p.email);
    expect(new Set(emails).size).toBe(emails.length);
  });

  it("corrupts a realistic share of CRM first names", async () => {
    const crm = csv(await text("crm.csv"));
    const truthById = new Map(truth.filter((t) => t.source === "crm").map((t) => [t.source_record_id, t]));
    const peopleById = new Map(people.map((p) => [p.person_id, p]));
    let differ = 0;
    let real = 0;
    for (const r of crm) {
      const t = truthById.get(r.customer_id)!;
      if (t.is_fake === "1") continue;
      real++;
      if (r.first_name !== peopleById.get(t.person_id)!.given_name) differ++;
    }
    expect(differ / real).toBeGreaterThan(0.05);
    expect(differ / real).toBeLessThan(0.4);
  });

  it("adds fake profiles at the configured rate, including a sign-up burst", async () => {
    const fakes = new Set(truth.filter((t) => t.person_id!.startsWith("F")).map((t) => t.person_id));
    expect(fakes.size).toBe(Math.round(PEOPLE * 0.02));
    expect(report.fakes).toBe(fakes.size);
    for (const t of truth)
      if (t.person_id!.startsWith("F") || t.person_id!.startsWith("B")) expect(t.is_fake).toBe("1");

    const more = join(root, "fakes");
    const r = await generate({ people: PEOPLE, seed: SEED, outDir: more, corruption: { fakeProfiles: 0.1 } });
    const moreTruth = csv(await text("truth.csv", more));
    const moreFakes = new Set(moreTruth.filter((t) => t.person_id!.startsWith("F")).map((t) => t.person_id));
    expect(moreFakes.size).toBe(30);
    expect(r.fakes).toBe(30);
    const signups = lines(await text("web_signups.jsonl", more)).map((l) => JSON.parse(l));
    const fakeIds = new Set(moreTruth.filter((t) => t.is_fake === "1").map((t) => t.source_record_id));
    const byIp = new Map<string, number>();
    for (const s of signups) if (fakeIds.has(s.submission_id)) byIp.set(s.ip, (byIp.get(s.ip) ?? 0) + 1);
    expect(Math.max(...byIp.values())).toBeGreaterThanOrEqual(5);
  });

  it("rejects a bad size", async () => {
    await expect(generate({ people: 0, seed: 1, outDir: join(root, "bad") })).rejects.toThrow(RangeError);
  });
});
