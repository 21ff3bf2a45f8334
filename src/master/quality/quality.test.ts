import { describe, expect, it } from "vitest";
import { matchRecordOf } from "../../model/match-record.js";
import { emptyAttributes, type RecordAttributes } from "../../model/source-record.js";
import { standardizeRecord } from "../../standardize/record.js";
import { conflictsOf, profileQuality, recordQuality } from "./checks.js";
import { combine, fakeRisk, groupReasons, placeholderLooking } from "./fake-profiles.js";
import { GenericValueCounter } from "./generic-values.js";
import { isGibberishWord, judgeName } from "./names.js";
import { coordinatedAuthors, nearDuplicateGroups } from "./posts.js";
import { defaultQualitySettings as settings } from "./settings.js";
import type { QualityEntity, QualityRecord } from "./types.js";
import { likelyTypos } from "./typos.js";

const now = new Date("2026-06-01T00:00:00Z");

function record(
  key: string,
  attrs: Partial<RecordAttributes>,
  observedAt = "2026-01-01T00:00:00Z",
): QualityRecord {
  const attributes = { ...emptyAttributes(), ...attrs };
  const { standardized, issues } = standardizeRecord(attributes, { defaultCountry: "US", now });
  const n = attributes.name;
  return {
    key,
    source: key.split("/")[0] as string,
    observedAt,
    standardized,
    issues,
    rawName: n ? (n.full ?? [n.given, n.family].filter(Boolean).join(" ")) : null,
    rawBirthDate: attributes.dateOfBirth ?? null,
    texts: attributes.texts.map((t) => ({ field: t.name, text: t.value, at: null })),
    extra: attributes.extra,
  };
}

const entity = (id: string, records: QualityRecord[]): QualityEntity => ({ id, profile: null, records });

describe("record and profile quality", () => {
  it("counts missing fields and invalid values", () => {
    const q = recordQuality(
      record("crm/1", {
        name: { given: "Ann", family: "Lee" },
        emails: [{ address: "ann@mailinator.com" }, { address: "not an email" }],
        dateOfBirth: "2040-01-01",
      }),
      now,
      settings,
    );
    expect(q.present).toMatchObject({
      name: true,
      email: true,
      phone: false,
      address: false,
      dateOfBirth: true,
    });
    expect(q.completeness).toBeCloseTo(3 / 7);
    expect(q.validity.email).toEqual({
      present: 2,
      valid: 0,
      problems: { disposable: 1, invalid_syntax: 1 },
    });
    expect(q.validity.dateOfBirth.problems).toEqual({ future: 1 });
    expect(q.validityScore).toBe(0);
  });

  it("counts phone numbers by type, an unreadable one as unknown", () => {
    const q = recordQuality(
      record("crm/2", {
        phones: [{ number: "+44 7911 123456" }, { number: "+44 20 7219 3000" }, { number: "12" }],
      }),
      now,
      settings,
    );
    expect(q.phoneTypes).toEqual({ mobile: 1, fixed_line: 1, unknown: 1 });
  });

  it("finds conflicting values but not nicknames, and a profile's freshness", () => {
    const records = [
      record(
        "crm/1",
        { name: { given: "Robert", family: "Lee" }, dateOfBirth: "1980-02-03" },
        "2025-06-01T00:00:00Z",
      ),
      record(
        "orders/2",
        { name: { given: "Bob", family: "Lee" }, dateOfBirth: "1981-02-03" },
        "2026-05-01T00:00:00Z",
      ),
    ];
    expect(conflictsOf(records).map((c) => c.field)).toEqual(["dateOfBirth"]);
    const p = profileQuality(entity("T-1", records), now, settings);
    expect(p.freshnessDays).toBe(31);
    expect(p.newestRecord).toBe("orders/2");
    expect(p.stale).toBe(false);
  });

  it("flags a value that differs slightly from what most records agree on, with its correction", () => {
    const records = [
      record("crm/1", { name: { given: "Jonathan", family: "Smith" }, dateOfBirth: "1980-03-12" }),
      record("orders/1", { name: { given: "Jonathan", family: "Smith" }, dateOfBirth: "1980-03-12" }),
      record("web/1", { name: { given: "Jonathna", family: "Smith" }, dateOfBirth: "1980-12-03" }),
      record("web/2", { name: { given: "Jon", family: "Smith" } }),
    ];
    const typos = likelyTypos(records, settings.typos);
    expect(typos.map((t) => [t.record, t.field, t.value, t.correction])).toEqual([
      ["web/1", "given", "jonathna", "jonathan"],
      ["web/1", "dateOfBirth", "1980-12-03", "1980-03-12"],
    ]);
  });
});

describe("generic values", () => {
  it("flags a value held by more entities than its feature allows", () => {
    const counter = new GenericValueCounter({ phone: 2, email: 5 });
    const rows = ["T-1", "T-2", "T-3", "T-3"].map((e, k) => ({
      key: `crm/${k}`,
      source: "crm",
      entity: e,
      identified: true,
      standardized: matchRecordOf(
        record(`crm/${k}`, { phones: [{ number: "+1 212 736 5000" }], emails: [{ address: `p${k}@x.com` }] })
          .standardized,
      ),
    }));
    counter.add(rows);
    const generic = counter.generic();
    expect(generic.map((g) => [g.feature, g.value, g.entities, g.records])).toEqual([
      ["phone", "+12127365000", 3, 4],
    ]);
    expect(() => new GenericValueCounter({ nonsense: 1 })).toThrow(/not a resolution feature/);
  });
});

describe("fake profiles", () => {
  it("tells keyboard mashes and random letters from real names", () => {
    for (const w of ["asdf", "qwerty", "sdfsdf", "jjj", "xkcdv", "zxcvb", "bcdfgh"])
      expect(isGibberishWord(w), w).toBe(true);
    for (const w of [
      "schwarz",
      "nguyen",
      "fritsch",
      "wright",
      "allfreda",
      "tariq",
      "jacks0n",
      "mcknight",
      "ng",
      "strzelecki",
    ])
      expect(isGibberishWord(w), w).toBe(false);
    expect(judgeName("Taylor", "Swift").celebrity).toBe("taylor swift");
    expect(judgeName("Ann", "Smith42").digits).toBe(true);
    expect(judgeName("Ann", "Sm1th").digits).toBe(false);
    expect(placeholderLooking("1111-11-11")).toBe(true);
    expect(placeholderLooking("1900-01-01")).toBe(true);
    expect(placeholderLooking("1985-01-01")).toBe(false);
  });

  it("scores a profile by its own reasons, combined so that weak reasons add up", () => {
    const throwaway = entity("T-1", [
      record("web/1", {
        name: { given: "Ann", family: "Lee" },
        emails: [{ address: "ann77@mailinator.com" }],
      }),
    ]);
    const real = entity("T-2", [
      record("crm/1", {
        name: { given: "Ann", family: "Lee" },
        emails: [{ address: "ann.lee@gmail.com" }],
        dateOfBirth: "1984-05-06",
      }),
    ]);
    const famous = entity("T-3", [
      record("web/2", { name: { given: "Taylor", family: "Swift" }, phones: [{ number: "555-555-5555" }] }),
    ]);
    const none = new Map();
    // A throwaway mailbox alone is not enough (people use them too); sent by a script as well, it is.
    expect(fakeRisk(throwaway, none, now, settings)).toMatchObject({ score: 0.45, likelyFake: false });
    const scripted = {
      ...throwaway,
      records: throwaway.records.map((r) => ({ ...r, extra: { user_agent: "python-requests/2.31.0" } })),
    };
    expect(fakeRisk(scripted, none, now, settings)).toMatchObject({ score: 0.78, likelyFake: true });
    expect(fakeRisk(real, none, now, settings)).toMatchObject({ score: 0, likelyFake: false, reasons: [] });
    const f = fakeRisk(famous, none, now, settings);
    expect(f.reasons.map((r) => r.code)).toEqual(["celebrityName", "placeholderPhone"]);
    expect(f.score).toBeCloseTo(1 - 0.55 * 0.6, 3);
    expect(combine([], settings.fake).score).toBe(0);
  });

  it("finds sign-up bursts, device farms and near-identical posts across profiles", () => {
    const ip = (k: number, minute: number) =>
      entity(`T-${k}`, [
        record(
          `web/${k}`,
          {
            name: { given: `Name${k}`, family: "Doe" },
            emails: [{ address: `n${k}@x.com` }],
            identifiers: [{ type: "ip_address", value: "81.2.69.160" }],
          },
          `2026-01-01T10:${String(minute).padStart(2, "0")}:00Z`,
        ),
      ]);
    const burst = [1, 2, 3, 4, 5].map((k) => ip(k, k * 2));
    const slow = [6, 7, 8, 9, 10]
      .map((k) => ip(k, 0))
      .map((e, i) => ({
        ...e,
        records: e.records.map((r) => ({ ...r, observedAt: `2026-0${i + 2}-01T10:00:00Z` })),
      }));
    const families = ["Lee", "Khan", "Diaz", "Moss", "Webb"];
    const farm = families.map((family, k) =>
      entity(`T-${20 + k}`, [
        record(`app/${k}`, {
          name: { given: ["Ann", "Bo", "Cy", "Di", "Ed"][k] as string, family },
          identifiers: [{ type: "device_id", value: "DEV-1" }],
        }),
      ]),
    );
    const text =
      "Just got my new linen duvet from the shop and honestly it is the best thing I bought all year";
    const ring = [0, 1, 2, 3].map((k) =>
      entity(`T-${40 + k}`, [
        record(`social/${k}`, {
          name: { given: "X", family: "Y" },
          texts: [{ name: "post", value: `${text}${"!".repeat(k)} code${k}` }],
        }),
      ]),
    );
    const groups = groupReasons([...burst, ...slow, ...farm, ...ring], settings.fake);
    expect([...groups.keys()].sort()).toEqual(
      [
        "T-1",
        "T-2",
        "T-3",
        "T-4",
        "T-5",
        "T-20",
        "T-21",
        "T-22",
        "T-23",
        "T-24",
        "T-40",
        "T-41",
        "T-42",
        "T-43",
      ].sort(),
    );
    expect(groups.get("T-1")?.[0]?.code).toBe("signupBurst");
    expect(groups.get("T-20")?.[0]?.code).toBe("sharedDevice");
    expect(groups.get("T-40")?.[0]?.code).toBe("nearIdenticalPosts");
  });

  it("groups near-identical texts and keeps only authors posting within one window", () => {
    const base = "please follow and share this amazing deal on sofas today before it is gone forever";
    const posts = [
      { author: "a", text: base, at: 0 },
      { author: "b", text: `${base} now`, at: 3_600_000 },
      {
        author: "c",
        text: "a completely different message about the weather and my garden this week",
        at: 0,
      },
      { author: "d", text: base, at: 400 * 3_600_000 },
    ];
    const groups = nearDuplicateGroups(posts, 8, 0.6);
    expect(groups.map((g) => g.sort())).toEqual([[0, 1, 3]]);
    expect([...coordinatedAuthors(posts, groups[0] as number[], 72 * 3_600_000, 2)].sort()).toEqual([
      "a",
      "b",
    ]);
  });
});
