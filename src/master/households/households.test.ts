import { describe, expect, it } from "vitest";
import type { StandardAddress } from "../../model/standardized.js";
import { byEntity, groupHouseholds, householdIds } from "./build.js";
import { addressKey, type HouseholdRecord, hasHouseholdEvidence, householdCandidate } from "./candidates.js";

const street = [
  "oak lane",
  "elm street",
  "main street",
  "park avenue",
  "hill road",
  "mill way",
  "lake drive",
];
const families = [
  "smith",
  "garcia",
  "nguyen",
  "okafor",
  "kowalski",
  "muller",
  "rossi",
  "tanaka",
  "dubois",
  "haddad",
];

function address(n: number, unit: string | null = null): StandardAddress {
  const s = street[n % street.length] as string;
  const number = String(100 + n);
  const postcode = String(10_000 + (n % 50));
  return {
    label: null,
    streetNumber: number,
    street: s,
    unit,
    locality: null,
    city: "springfield",
    region: "il",
    postcode,
    country: "US",
    line: `${number} ${s} ${unit ?? ""} springfield il ${postcode}`.replace(/\s+/g, " "),
  };
}

function rec(key: string, fields: Partial<HouseholdRecord>): HouseholdRecord {
  return {
    key,
    source: key.split("/")[0] as string,
    observedAt: "2025-01-01T00:00:00.000Z",
    addresses: [],
    family: null,
    phones: [],
    emails: [],
    identifiers: [],
    spend: null,
    ...fields,
  };
}

/** A town of 120 households of one to four people; roommates share no name; some share a landline. */
function town() {
  const people: { id: string; household: number; records: HouseholdRecord[] }[] = [];
  let next = 1;
  for (let h = 0; h < 120; h++) {
    const size = 1 + (h % 4);
    const roommates = h % 7 === 0;
    for (let k = 0; k < size; k++) {
      const id = `T-${next++}`;
      const family = roommates
        ? (families[(h + k) % families.length] as string)
        : (families[h % families.length] as string);
      const records = [
        rec(`crm/${id}`, {
          addresses: [address(h)],
          family,
          phones: h % 3 === 0 ? [`+1217555${String(1000 + h)}`] : [`+1312${String(1_000_000 + next)}`],
          emails: [`${id.toLowerCase()}@mail.test`],
          spend: { amount: 10, currency: "USD", order: `O-${id}` },
        }),
      ];
      people.push({ id, household: h, records });
    }
  }
  return people;
}

describe("households", () => {
  it("makes a person's household features from their records, leaving generic values and gifts out", () => {
    const records = [
      rec("crm/1", {
        addresses: [address(1)],
        family: "Garcia-Lopez",
        phones: ["+12175550100", "+13125550199"],
      }),
      rec("orders/1", { addresses: [address(1)], spend: { amount: 20.5, currency: "USD", order: "O1" } }),
      rec("orders/2", { addresses: [address(1)], spend: { amount: 20.5, currency: "USD", order: "O1" } }),
      rec("orders/3", {
        addresses: [{ ...address(9), label: "shipping" }],
        observedAt: "2024-01-01T00:00:00.000Z",
      }),
      rec("app/1", {
        identifiers: [
          { type: "device_id", value: "D1" },
          { type: "ip_address", value: "1.2.3.4" },
        ],
      }),
    ];
    const c = householdCandidate("T-1", null, records, new Map([["phone", new Set(["+13125550199"])]]));
    expect(c.homeAddress).toBe(addressKey(address(1)));
    expect(c.addresses).toEqual([addressKey(address(1))]);
    expect(c.family).toEqual(["garcia", "garcialopez", "lopez"]);
    expect(c.phones).toEqual(["+12175550100"]);
    expect(c.devices).toEqual(["device:D1"]);
    expect(c.spend).toEqual({ USD: 20.5 });
    expect(c.orders).toBe(1);
    expect(hasHouseholdEvidence(householdCandidate("T-2", null, [rec("web/1", { family: "x" })]))).toBe(
      false,
    );
    const postcodeOnly = { ...address(3), streetNumber: null, street: null };
    expect(
      hasHouseholdEvidence(householdCandidate("T-3", null, [rec("web/2", { addresses: [postcodeOnly] })])),
    ).toBe(false);
    expect(
      hasHouseholdEvidence(
        householdCandidate("T-4", null, [rec("web/3", { addresses: [postcodeOnly], family: "x" })]),
      ),
    ).toBe(true);
  });

  it("groups the people of a town into their households, with evidence and a golden address", () => {
    const people = town();
    const candidates = people.map((p) => householdCandidate(p.id, null, p.records));
    const { groups, result } = groupHouseholds(candidates);
    const truth = new Map(people.map((p) => [p.id, p.household]));
    let correct = 0;
    let predicted = 0;
    for (const g of groups) {
      for (let i = 0; i < g.members.length; i++)
        for (let j = i + 1; j < g.members.length; j++) {
          predicted++;
          if (truth.get(g.members[i] as string) === truth.get(g.members[j] as string)) correct++;
        }
    }
    let truePairs = 0;
    for (let h = 0; h < 120; h++) truePairs += ((1 + (h % 4)) * (h % 4)) / 2;
    expect(correct / predicted).toBeGreaterThan(0.95);
    // Flatmates share no name: the same home address joins them all the same.
    expect(correct / truePairs).toBeGreaterThan(0.95);
    const groupOf = new Map(groups.flatMap((g, k) => g.members.map((m) => [m, k] as const)));
    for (let h = 1; h < 120; h++) {
      const members = people.filter((p) => p.household === h).map((p) => groupOf.get(p.id));
      expect(new Set(members).size, `household ${h}`).toBe(1);
    }
    const big = groups.find((g) => g.members.includes("T-4")) ?? groups[0];
    expect(big?.aggregates.size).toBe(big?.members.length);
    expect(big?.aggregates.spend.USD).toBe(10 * (big?.members.length ?? 0));
    expect(big?.address?.address.street).toBeTruthy();
    const explained = [...(big?.evidence.values() ?? [])].find((e) => e.with !== null);
    expect(explained?.agreed).toContain("address: same home address");
    // The town has no IP addresses or devices: comparisons over them have nothing to learn from and are left out.
    expect(result.model.comparisons.map((c) => c.name)).toEqual([
      "address",
      "family name",
      "street",
      "house number",
      "phone",
      "email",
    ]);
  });

  it("joins a person known only by a postcode to the one household there with their family name", () => {
    const people = town();
    // Postcode 10007 holds households 7 (flatmates Tanaka, Dubois, Haddad, Smith), 57 and 107 (both Tanaka).
    const signup = (id: string, family: string, ip?: string) =>
      householdCandidate(id, null, [
        rec(`web/${id}`, {
          addresses: [
            {
              ...address(7),
              streetNumber: null,
              street: null,
              line: "springfield il 10007",
            },
          ],
          family,
          emails: [`${id.toLowerCase()}@signup.test`],
          identifiers: ip ? [{ type: "ip_address", value: ip }] : [],
        }),
      ]);
    const candidates = [
      ...people.map((p) => householdCandidate(p.id, null, p.records)),
      signup("T-901", "Dubois"),
      signup("T-902", "Tanaka"),
      signup("T-903", "Rossi"),
      // Two sign-ups from one home IP address: one of them a Haddad — the flatmates' household has one.
      signup("T-904", "Zeller", "203.0.113.9"),
      signup("T-905", "Haddad", "203.0.113.9"),
    ];
    const { groups } = groupHouseholds(candidates);
    const of = (id: string) => groups.find((g) => g.members.includes(id));
    const seven = people.find((p) => p.household === 7)?.id as string;
    expect(of("T-901")?.members).toContain(seven);
    expect(of("T-901")?.evidence.get("T-901")?.agreed).toEqual([
      "postcode and family name: the one household in the postcode with the family name",
    ]);
    expect(of("T-901")?.evidence.get("T-901")?.with).toMatch(/^T-/);
    // Three Tanaka households in the postcode: which one is unknown, so nobody; no Rossi there: nobody.
    expect(of("T-902")).toBeUndefined();
    expect(of("T-903")).toBeUndefined();
    expect(of("T-905")?.members).toContain(seven);
    expect(of("T-904")?.members).toContain(seven);
    expect(of("T-904")?.evidence.get("T-904")?.with).toBe("T-905");
    // Off, the sign-up stays alone.
    const off = groupHouseholds(candidates, { postcodeAttach: false });
    expect(off.groups.find((g) => g.members.includes("T-901"))).toBeUndefined();
  });

  it("keeps household ids stable: the largest part keeps its id, a new group gets a new one", () => {
    const group = (members: string[]) => ({
      members,
      evidence: new Map(),
      address: null,
      aggregates: { size: members.length, spend: {}, orders: 0, lastSeen: "", evidence: {} },
    });
    const previous = new Map([
      ["T-1", "H-1"],
      ["T-2", "H-1"],
      ["T-3", "H-1"],
      ["T-4", "H-2"],
      ["T-5", "H-3"],
    ]);
    const seqOf = new Map([
      ["H-1", 1],
      ["H-2", 2],
      ["H-3", 3],
    ]);
    const changes = householdIds(
      [group(["T-1", "T-2"]), group(["T-3", "T-9"]), group(["T-4", "T-5"])],
      previous,
      seqOf,
    );
    expect(changes.ids).toEqual([
      { kind: "kept", id: "H-1", merged: [] },
      { kind: "new" },
      { kind: "kept", id: "H-2", merged: ["H-3"] },
    ]);
    expect(changes.dissolved).toEqual([]);
    expect(["T-10", "T-9", "T-2"].sort(byEntity)).toEqual(["T-2", "T-9", "T-10"]);
  });
});
